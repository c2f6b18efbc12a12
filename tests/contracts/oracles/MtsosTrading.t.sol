// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TradingFixture} from "../trading/TradingFixture.t.sol";
import {MtsosOracle} from "../../../contracts/oracles/MtsosOracle.sol";
import {IIndexOracle} from "../../../contracts/interfaces/IOracleModule.sol";
import {PositionInfo} from "../../../contracts/interfaces/IPositionViewModule.sol";
import {MarginMath} from "../../../contracts/libraries/math/MarginMath.sol";
import {IPositionErrors} from "../../../contracts/libraries/errors/PositionErrors.sol";
import {Bittensor} from "../../../contracts/libraries/Bittensor.sol";
import {Built} from "../utils/Built.sol";

/// @dev The MTSOS market on the real MTSOS oracle: it opens, closes and liquidates at the 7-day EMA of the sum of
///      alpha prices, not at the spot, so a one-block spike moves neither entries nor liquidations; and it accepts no
///      open while the sum stands beyond the divergence limit from the EMA (the EMA's lag is not for sale).
contract MtsosTradingTest is TradingFixture {
    MtsosOracle internal mtsosOracle;

    function setUp() public override {
        super.setUp();
        // The sum of the fixture's two pools, 0.04 + 0.04 TAO: the EMA starts at it, in the deploying transaction.
        mtsosOracle = MtsosOracle(Built.deploy("MtsosOracle", abi.encode(owner)));
        vm.prank(owner);
        protocol.setIndexOracle(mtsos, IIndexOracle(address(mtsosOracle)));
        // The first block's poke makes the new oracle's EMA the market's reference; fills are priced no better than
        // the reference a block started with, so the tests trade from the next block, which starts at it too.
        _tick(12);
        _tick(12);
    }

    /// Both pools at `price` each: the sum (the spot) is twice it.
    function _setPools(uint256 price) internal {
        // Test values, far below the type limits.
        // forge-lint: disable-next-line(unsafe-typecast)
        uint64 poolAlpha = uint64(uint256(POOL_TAO_RAO) * WAD / price);
        alpha.setPool(CHUTES, POOL_TAO_RAO, poolAlpha, Bittensor.MECHANISM_DYNAMIC);
        alpha.setPool(LIUM, POOL_TAO_RAO, poolAlpha, Bittensor.MECHANISM_DYNAMIC);
    }

    /// One poke of the market (which refreshes the oracle), `elapsed` seconds and one block later.
    function _tick(uint256 elapsed) internal {
        vm.warp(block.timestamp + elapsed);
        vm.roll(block.number + 1);
        protocol.poke(mtsos);
    }

    function test_open_entersAtTheEma() public {
        _open(alice, mtsos, true, 10e18, 2e18);
        PositionInfo memory p = _position(alice, mtsos);
        assertEq(p.markPrice, mtsosOracle.ema(), "the market's mark is the EMA");
        // The entry is the EMA moved by the base slippage tier (and the skew impact, small here).
        assertGe(p.entryPrice, p.markPrice);
        assertLe(p.entryPrice, p.markPrice + p.markPrice / 100);
    }

    function test_RevertWhen_openWhileTheSumStandsFarFromTheEma() public {
        uint256 ema = mtsosOracle.ema();
        _setPools(0.4e18); // the sum jumps fivefold
        _tick(12);
        assertLt(mtsosOracle.ema(), ema + ema / 1000, "one 12 s reading barely moves the EMA");
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPositionErrors.PriceDivergenceTooHigh.selector, mtsos, 0.8e18, mtsosOracle.ema(), 0.05e18
            )
        );
        protocol.openPosition{value: 10e18}(mtsos, true, 2e18, ANY_BUY_PRICE, block.timestamp);
    }

    function test_close_paysAtTheEma() public {
        uint256 reserves = protocol.vaultTotals().reserves;
        _open(alice, mtsos, true, 10e18, 2e18);
        PositionInfo memory p = _position(alice, mtsos);
        // The open paid the fee (0.05) and the skew impact, measured on the vault's reserves for MTSOS: 20 TAO of
        // skew on 1,000 TAO, 20^2 / 2,000 = ~0.2 TAO.
        uint256 impact = _skewImpact(0, p.size, mtsosOracle.ema(), reserves);
        assertApproxEqAbs(impact, 0.2e18, 0.001e18);
        assertEq(p.margin, 10e18 - 0.05e18 - impact);
        uint256 before = alice.balance;
        _setPools(0.4e18);
        _tick(12);
        _close(alice, mtsos);
        // Closed at the EMA: a fivefold spot spike returns about the margin, not a fivefold gain: the margin less the
        // round trip's two 0.10% spreads (0.04) and the 0.25% close fee on ~20 TAO (0.05).
        uint256 received = alice.balance - before;
        assertLt(received, p.margin);
        assertGt(received, p.margin - 0.1e18);
    }

    function test_liquidate_atTheEmaAfterASustainedFall() public {
        _open(alice, mtsos, true, 10e18, 5e18); // 5x, MM 10%: liquidatable after a ~10% fall of its price
        _setPools(0.02e18); // the spot falls to half and stays there
        _tick(12);
        assertEq(
            uint8(protocol.liquidationStatus(alice, mtsos)), uint8(MarginMath.LiquidationStatus.None), "not at once"
        );
        // The EMA follows the sustained level: hourly readings for two days bring it down ~11%.
        for (uint256 i; i < 48; ++i) {
            _tick(3600);
        }
        assertLt(mtsosOracle.ema(), 0.0715e18);
        assertEq(uint8(protocol.liquidationStatus(alice, mtsos)), uint8(MarginMath.LiquidationStatus.Full));
        vm.prank(keeper);
        protocol.liquidate(alice, mtsos);
        assertEq(_position(alice, mtsos).size, 0);
        _assertSolvent();
    }
}
