// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Attack (or a real move): one market rallies 4x. Measured before the fix: the rally emptied the reserves while
// `fundVault` reverted. Now (docs/protocol.md sections 5 and 7) traders' unrealized profit per market is capped at
// maxPnlFactor x reserves (30%): above it anyone auto-deleverages the most profitable positions at the mark, with no
// fee, until it is back under; a position's profit is capped at 9x its margin; and `fundVault` recapitalises the
// vault when the LPs' equity is zero or negative.

import {AttackFixture} from "./AttackFixture.t.sol";
import {Bittensor} from "../../../contracts/libraries/Bittensor.sol";
import {Constants} from "../../../contracts/libraries/Constants.sol";
import {ILiquidationErrors} from "../../../contracts/libraries/errors/LiquidationErrors.sol";
import {MarketTradingState, VaultTotals} from "../../../contracts/interfaces/IVaultModule.sol";
import {PositionInfo} from "../../../contracts/interfaces/IPositionViewModule.sol";

contract MarketRallyTest is AttackFixture {
    address[5] internal longs;

    function setUp() public override {
        super.setUp();
        // A 100,000 TAO pool (same price): depth cap 5,000 TAO per side.
        alpha.setPool(CHUTES, 100_000e9, 2_500_000e9, Bittensor.MECHANISM_DYNAMIC);
        _keeperBlocks(chutes, 2);
        for (uint256 i; i < longs.length; ++i) {
            longs[i] = makeAddr(string.concat("long", vm.toString(i)));
            vm.deal(longs[i], 1_000e18);
            _open(longs[i], chutes, true, 300e18 - i * 20e18, 3e18);
        }
    }

    /// @dev A 4x rally held while keepers poke every block for `blocks` blocks.
    function _rally(uint256 blocks) internal {
        attacker.push(CHUTES, 4e18);
        _keeperBlocks(chutes, blocks);
    }

    function _profitOverCap() internal view returns (bool) {
        MarketTradingState memory s = protocol.marketTradingState(chutes);
        return s.traderProfit > s.traderProfitCap;
    }

    /// @dev The most profitable long per notional (what a keeper picks).
    function _mostProfitable() internal view returns (address best) {
        int256 bestRatio = type(int256).min;
        for (uint256 i; i < longs.length; ++i) {
            PositionInfo memory p = _position(longs[i], chutes);
            if (p.size == 0) continue;
            int256 ratio = p.unrealizedPnl * 1e18 / int256(p.entryNotional);
            if (ratio > bestRatio) (bestRatio, best) = (ratio, longs[i]);
        }
    }

    /// Keepers poke every block of the rally and auto-deleverage whenever the profit is over its cap: the vault stays
    /// solvent and the LPs keep a positive equity.
    function test_rally_adlKeepsTheVaultSolvent() public {
        attacker.push(CHUTES, 4e18);
        uint256 steps;
        for (uint256 b; b < 300; ++b) {
            _keeperBlocks(chutes, 1);
            while (_profitOverCap()) {
                protocol.autoDeleverage(_mostProfitable(), chutes);
                ++steps;
            }
            (, int256 equity,) = protocol.lpEquity();
            assertGt(equity, 0, "the LPs keep a positive equity");
        }
        assertGt(steps, 0, "the rally took the profit over its cap");
        MarketTradingState memory s = protocol.marketTradingState(chutes);
        assertLe(s.traderProfit, s.traderProfitCap);
        _assertSolvent();
        address next = _mostProfitable();
        vm.expectPartialRevert(ILiquidationErrors.AdlNotNeeded.selector);
        protocol.autoDeleverage(next, chutes);
    }

    /// A losing position is never auto-deleveraged, whoever asks.
    function test_RevertWhen_adlOfALosingPosition() public {
        address short = makeAddr("short");
        vm.deal(short, 100e18);
        _open(short, chutes, false, 50e18, 2e18);
        _rally(300);
        assertTrue(_profitOverCap());
        vm.expectPartialRevert(ILiquidationErrors.AdlNotEligible.selector);
        protocol.autoDeleverage(short, chutes);
    }

    /// Without keepers the rally takes the LPs' equity below zero; governance's `fundVault` still works, priced at the
    /// floor share value: the new capital absorbs the loss first.
    function test_rally_recapitalisationWorksAtNegativeEquity() public {
        _rally(300);
        (, int256 withdrawalEquity, uint256 supply) = protocol.lpEquity();
        (int256 depositEquity,,) = protocol.lpEquity();
        assertLt(depositEquity, 0, "the LPs' equity is negative");
        withdrawalEquity;
        uint256 ownerShares = lpToken.balanceOf(owner);
        _fundVault(5_000e18);
        uint256 minted = lpToken.balanceOf(owner) - ownerShares;
        assertEq(minted, 5_000e18 * 1e18 / Constants.MIN_SHARE_VALUE, "priced at the floor");
        assertGt(minted, supply * 1000, "the new capital owns all but a dust");
        _assertSolvent();
    }

    /// A position's realized profit is capped at 9x its margin.
    function test_profitCappedAtNineTimesTheMargin() public {
        _rally(300);
        address trader = longs[0];
        PositionInfo memory p = _position(trader, chutes);
        assertGt(p.unrealizedPnl, int256(9 * p.margin), "more than 9x on paper");
        uint256 before = trader.balance;
        _close(trader, chutes);
        assertLe(trader.balance - before, 10 * p.margin, "margin + 9x margin at most");
        VaultTotals memory t = protocol.vaultTotals();
        assertGt(t.reserves, 0);
    }
}
