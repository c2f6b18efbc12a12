// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TradingFixture} from "./TradingFixture.t.sol";
import {PositionInfo} from "../../../contracts/interfaces/IPositionViewModule.sol";
import {MarginMath} from "../../../contracts/libraries/math/MarginMath.sol";
import {ILiquidationModule} from "../../../contracts/interfaces/ILiquidationModule.sol";
import {Vm} from "forge-std/Vm.sol";

/// Open, close and liquidate arithmetic under random inputs: rounding against the trader, no TAO created.
contract TradingFuzzTest is TradingFixture {
    /// Margins from 0.11 TAO (the min margin, 0.1 TAO, is kept after a 3x open's 0.75% fee and impact) to 100 TAO.
    function _bounded(uint256 margin, uint256 leverage) internal pure returns (uint256, uint256) {
        return (bound(margin, 0.11e18, 100e18) / 1e9 * 1e9, bound(leverage, 1e18, 3e18));
    }

    /// The insurance fund's top-ups of the keeper floor (`KeeperFloorPaid`) recorded since the logs were last read.
    function _keeperTopUps() internal returns (uint256 topUps) {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter == address(router) && logs[i].topics[0] == ILiquidationModule.KeeperFloorPaid.selector) {
                (, uint256 fromInsurance) = abi.decode(logs[i].data, (uint256, uint256));
                topUps += fromInsurance;
            }
        }
    }

    /// At an unchanged price, a round trip returns less than the margin sent, and every wei stays accounted for.
    function testFuzz_openClose_roundTripNeverPaysMoreThanSent(uint256 margin, uint256 leverage, bool isLong) public {
        (margin, leverage) = _bounded(margin, leverage);
        uint256 balance = alice.balance;
        _open(alice, chutes, isLong, margin, leverage);
        vm.roll(block.number + 1);
        _close(alice, chutes);
        assertLt(alice.balance, balance, "a round trip costs fees and slippage");
        assertEq(protocol.vaultTotals().marginsOwed, 0);
        assertEq(protocol.vaultTotals().totalOpenNotional, 0);
        _assertSolvent();
    }

    /// After any price move and time, a close pays at most the margin plus the PnL at the oracle price (the fill is
    /// worse), and the protocol's balance still equals its buckets.
    function testFuzz_close_paysAtMostEquityAtOracle(
        uint256 margin,
        uint256 leverage,
        bool isLong,
        uint256 priceSeed,
        uint256 elapsed
    ) public {
        (margin, leverage) = _bounded(margin, leverage);
        _open(bob, chutes, !isLong, 10e18, 2e18); // the other side, so funding flows both ways
        _open(alice, chutes, isLong, margin, leverage);
        _moveChutesPrice(bound(priceSeed, 0.02e18, 0.08e18));
        vm.warp(block.timestamp + bound(elapsed, 0, 30 days));
        PositionInfo memory p = _position(alice, chutes);
        uint256 balance = alice.balance;
        _close(alice, chutes);
        uint256 received = alice.balance - balance;
        if (p.equity <= 0) assertEq(received, 0);
        else assertLe(received, uint256(p.equity), "never more than the equity at the oracle price");
        _assertSolvent();
    }

    /// A liquidation moves TAO between buckets only: the keeper's and the trader's payouts plus the buckets equal
    /// what the protocol held before. The payouts stay within the position's equity, but for the keeper floor's
    /// top-up from the insurance fund (docs/protocol.md section 5: the keeper gets at least 0.01 TAO while the fund
    /// lasts).
    function testFuzz_liquidate_conservesTao(uint256 margin, uint256 leverage, bool isLong, uint256 priceSeed) public {
        (margin, leverage) = _bounded(margin, leverage);
        leverage = bound(leverage, 2e18, 3e18);
        _open(bob, chutes, !isLong, 10e18, 2e18);
        _open(alice, chutes, isLong, margin, leverage);
        uint256 price = isLong ? bound(priceSeed, 0.02e18, 0.032e18) : bound(priceSeed, 0.05e18, 0.07e18);
        _moveChutesPrice(price);
        MarginMath.LiquidationStatus status = protocol.liquidationStatus(alice, chutes);
        vm.assume(status != MarginMath.LiquidationStatus.None);
        uint256 held = address(router).balance;
        uint256 paid = alice.balance + keeper.balance;
        PositionInfo memory p = _position(alice, chutes);
        _keeperTopUps(); // drops the earlier logs
        vm.prank(keeper);
        (bool full,) = protocol.liquidate(alice, chutes);
        uint256 out = alice.balance + keeper.balance - paid;
        uint256 topUp = _keeperTopUps();
        assertLe(topUp, 0.01e18, "a top-up only up to the floor");
        assertEq(address(router).balance + out, held, "no TAO created or lost");
        if (p.equity > 0) assertLe(out, uint256(p.equity) + topUp, "payouts within the equity and the top-up");
        else assertEq(out, topUp - topUp % 1e9, "nothing but the keeper's top-up (in whole rao)");
        assertTrue(keeper.balance >= 0.01e18 || protocol.vaultTotals().insuranceFund == 0, "the keeper floor");
        if (!full) {
            assertTrue(protocol.liquidationStatus(alice, chutes) == MarginMath.LiquidationStatus.None);
        }
        _assertSolvent();
    }
}
