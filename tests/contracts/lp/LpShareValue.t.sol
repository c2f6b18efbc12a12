// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {LpFixture} from "./LpFixture.t.sol";
import {MarketId} from "../../../contracts/types/MarketId.sol";

/// The share value: trader gains counted in full, losses not at withdrawal; exposure sums; a price moved within a
/// block cannot move it.
contract LpShareValueTest is LpFixture {
    function test_exposure_tracksSizesAndActiveMarkets() public {
        _open(alice, chutes, true, 10e18, 2e18);
        _open(bob, chutes, false, 5e18, 2e18);
        (uint256 longSize, uint256 shortSize) = protocol.marketExposure(chutes);
        assertEq(longSize, uint256(int256(_position(alice, chutes).size)));
        assertEq(shortSize, uint256(-int256(_position(bob, chutes).size)));
        MarketId[] memory active = protocol.activeMarkets();
        assertEq(active.length, 1);
        _open(alice, mtsos, true, 1e18, 2e18);
        assertEq(protocol.activeMarkets().length, 2);
        _at(block.timestamp + 1);
        _close(alice, chutes);
        _close(bob, chutes);
        (longSize, shortSize) = protocol.marketExposure(chutes);
        assertEq(longSize + shortSize, 0);
        active = protocol.activeMarkets();
        assertEq(active.length, 1);
        assertTrue(active[0] == mtsos);
    }

    function test_shareValue_traderGainCountedInFull() public {
        _open(alice, chutes, true, 50e18, 2e18);
        _moveChutesPrice(0.05e18); // +25%
        _at(block.timestamp + 12); // the accepted price is also the one before this block
        (int256 d, int256 w, uint256 supply) = protocol.lpEquity();
        int256 gain = _position(alice, chutes).unrealizedPnl;
        assertGt(gain, 0);
        int256 reserves = int256(uint256(protocol.vaultTotals().reserves));
        assertApproxEqAbs(w, reserves - gain, 2, "withdrawal: gain in full");
        assertApproxEqAbs(d, reserves - gain, 2, "deposit: the same gain");
        assertEq(supply, VAULT_FUNDS);
    }

    function test_shareValue_traderLossNotCountedAtWithdrawal() public {
        _open(alice, chutes, true, 50e18, 2e18);
        _moveChutesPrice(0.035e18); // -12.5%
        _at(block.timestamp + 12);
        (int256 d, int256 w,) = protocol.lpEquity();
        int256 loss = -_position(alice, chutes).unrealizedPnl;
        assertGt(loss, 0);
        int256 reserves = int256(uint256(protocol.vaultTotals().reserves));
        assertEq(w, reserves, "withdrawal: an open loss is not equity");
        assertApproxEqAbs(d, reserves + loss, 2, "deposit: the loss counted");
        // Realized, the loss is equity.
        _close(alice, chutes);
        (, w,) = protocol.lpEquity();
        assertGe(w, reserves + loss);
    }

    function test_shareValue_sidesNotNettedAcrossEachOther() public {
        _open(alice, chutes, true, 50e18, 2e18);
        _open(bob, chutes, false, 50e18, 2e18);
        _moveChutesPrice(0.05e18);
        (, int256 w,) = protocol.lpEquity();
        int256 gain = _position(alice, chutes).unrealizedPnl;
        int256 reserves = int256(uint256(protocol.vaultTotals().reserves));
        assertApproxEqAbs(w, reserves - gain, 2, "the longs' gain counts; the shorts' loss does not offset it");
    }

    /// A price moved within the block (the spot, then any number of pokes) cannot move either share value: LP equity
    /// is valued at the stored reference prices, which the block's first touch set from readings stored before it.
    function testFuzz_shareValue_priceMovedInTheBlockCannotMoveTheShareValues(uint256 priceSeed, bool isLong)
        public
    {
        _open(alice, chutes, isLong, 50e18, 3e18);
        _open(bob, chutes, !isLong, 20e18, 2e18);
        _at(block.timestamp + 1 hours);
        protocol.poke(chutes);
        uint256 before = _withdrawalValue();
        uint256 depositBefore = _depositValue();
        _setChutesPrice(bound(priceSeed, 0.01e18, 0.16e18));
        assertEq(_withdrawalValue(), before, "spot moved");
        assertEq(_depositValue(), depositBefore, "spot moved");
        protocol.poke(chutes);
        assertEq(_withdrawalValue(), before, "poked again");
        assertEq(_depositValue(), depositBefore, "poked again");
    }

    /// Fees, interest and funding reach the LPs: the withdrawal value rises with a round trip's fees.
    function test_shareValue_risesWithFees() public {
        uint256 before = _withdrawalValue();
        _open(alice, chutes, true, 50e18, 2e18);
        _at(block.timestamp + 1 days);
        _close(alice, chutes);
        assertGt(_withdrawalValue(), before);
        assertEq(protocol.vaultTotals().insuranceFund, _feeTotals().tradingToInsurance, "insurance apart");
    }
}
