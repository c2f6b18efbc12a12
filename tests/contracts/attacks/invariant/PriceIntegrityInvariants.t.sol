// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TradingFixture} from "../../trading/TradingFixture.t.sol";
import {PriceIntegrityHandler} from "./PriceIntegrityHandler.sol";
import {PositionInfo} from "../../../../contracts/interfaces/IPositionViewModule.sol";
import {VaultTotals} from "../../../../contracts/interfaces/IVaultModule.sol";
import {MarketId} from "../../../../contracts/types/MarketId.sol";
import {Bittensor} from "../../../../contracts/libraries/Bittensor.sol";

/// Invariants under any sequence of pool moves, pushes within a block, trades, liquidations and auto-deleveraging
/// (docs/protocol.md sections 3 and 5): the vault's TAO covers every trader's and LP's claim; no pool move within a
/// block changes a margin ratio or a reference price as the protocol measures them, nor liquidates anyone healthy at the
/// reference when the block began. Run: forge test --match-path "tests/contracts/attacks/invariant/*".
contract PriceIntegrityInvariantsTest is TradingFixture {
    PriceIntegrityHandler internal handler;
    MarketId internal lium;

    function setUp() public override {
        super.setUp();
        _fundVault(9_000e18);
        // Deep pools (100,000 TAO, depth caps of 5,000 TAO a side) so that trades are large against the vault.
        alpha.setPool(CHUTES, 100_000e9, 2_500_000e9, Bittensor.MECHANISM_DYNAMIC);
        alpha.setPool(LIUM, 100_000e9, 2_500_000e9, Bittensor.MECHANISM_DYNAMIC);
        lium = _list(_alphaListing("LIUM", LIUM));
        vm.roll(block.number + 1);
        vm.warp(block.timestamp + 12);
        protocol.poke(chutes);
        uint16[] memory netuids = new uint16[](2);
        (netuids[0], netuids[1]) = (CHUTES, LIUM);
        MarketId[] memory ids = new MarketId[](2);
        (ids[0], ids[1]) = (chutes, lium);
        handler = new PriceIntegrityHandler(protocol, netuids, ids);
        targetContract(address(handler));
    }

    /// Every wei in its bucket, and the vault's TAO covers every claim on it: traders (each position's equity at the
    /// mark, capped at 10x its margin, floored at 0), LPs (their withdrawal equity, which counts traders' gains in
    /// full), payouts waiting and referral rewards.
    function invariant_vaultCoversEveryClaim() public view {
        _assertSolvent();
        VaultTotals memory t = protocol.vaultTotals();
        uint256 traders;
        for (uint256 m; m < 2; ++m) {
            MarketId id = m == 0 ? chutes : lium;
            for (uint256 a; a < handler.actorCount(); ++a) {
                PositionInfo memory p = protocol.position(handler.actors(a), id);
                if (p.size == 0 || p.equity <= 0) continue;
                // Positive in this branch.
                // forge-lint: disable-next-line(unsafe-typecast)
                uint256 equity = uint256(p.equity);
                traders += equity < 10 * p.margin ? equity : 10 * p.margin;
            }
        }
        (, int256 withdrawalEquity,) = _lpEquity();
        // Positive in this branch.
        // forge-lint: disable-next-line(unsafe-typecast)
        uint256 lps = withdrawalEquity > 0 ? uint256(withdrawalEquity) : 0;
        assertGe(withdrawalEquity, 0, "the LPs' equity never below zero");
        assertLe(traders + lps + t.claimsOwed + t.referralBalance, address(router).balance, "claims covered");
    }

    /// The campaign reaches what it is about: pushes, trades and, after rallies, auto-deleveraging.
    function afterInvariant() public view {
        assertGt(handler.pushBlocks() + handler.trades(), 0, "the handler did nothing");
    }

    function invariant_poolMovesWithinABlockMoveNothingMeasured() public view {
        assertFalse(handler.ghostMovedWithinABlock(), "a margin ratio or a reference moved within a block");
        assertFalse(handler.ghostPushLiquidated(), "a push liquidated a healthy position");
    }

    /// @dev The LPs' equity from the vault's own figures (no LP module here): reserves less each side's gain at the
    ///      stored reference (the withdrawal value's definition).
    function _lpEquity() internal view returns (int256, int256, uint256) {
        VaultTotals memory t = protocol.vaultTotals();
        int256 gains;
        for (uint256 m; m < 2; ++m) {
            MarketId id = m == 0 ? chutes : lium;
            int256 longPnl;
            int256 shortPnl;
            for (uint256 a; a < handler.actorCount(); ++a) {
                PositionInfo memory p = protocol.position(handler.actors(a), id);
                if (p.size > 0) longPnl += p.unrealizedPnl - p.accruedFunding;
                if (p.size < 0) shortPnl += p.unrealizedPnl - p.accruedFunding;
            }
            if (longPnl > 0) gains += longPnl;
            if (shortPnl > 0) gains += shortPnl;
        }
        // Reserves below 2^255.
        // forge-lint: disable-next-line(unsafe-typecast)
        int256 equity = int256(t.reserves) - gains;
        return (equity, equity, 0);
    }

    function test_handler_exercisesTheAttacks() public {
        uint256[6] memory seeds = [uint256(0.3e18), 4e18, 0.5e18, 2e18, 1e18, 0.2e18];
        handler.open(0, 0, true, 50e18, 3e18);
        handler.open(1, 0, false, 40e18, 2e18);
        handler.open(2, 1, true, 30e18, 3e18);
        handler.blockOfPushes(seeds);
        handler.movePool(0, 1.4e18, 60);
        handler.blockOfPushes(seeds);
        handler.movePool(0, 0.7e18, 60);
        handler.close(0, 0);
        // A rally of large longs: the keepers auto-deleverage. First the reference catches up with the last move.
        handler.movePool(0, 1e18, 60);
        handler.movePool(0, 1e18, 60);
        uint256 before = handler.trades();
        handler.open(0, 0, true, 500e18, 3e18);
        handler.open(3, 0, true, 500e18, 3e18);
        assertEq(handler.trades(), before + 2, "both opened");
        for (uint256 i; i < 4; ++i) {
            handler.movePool(0, 1.4e18, 60);
        }
        assertGt(handler.adls(), 0, "the rally was deleveraged");
        assertGt(handler.trades(), 3);
        assertEq(handler.pushBlocks(), 2);
        assertFalse(handler.ghostMovedWithinABlock());
        assertFalse(handler.ghostPushLiquidated());
        invariant_vaultCoversEveryClaim();
    }
}
