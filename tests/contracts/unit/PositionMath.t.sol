// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Pins PositionMath: signed sizes (long > 0) in 1e18 asset units, notional = |size| x price / 1e18 rounded up,
// PnL rounded toward negative infinity (a long and a short of the same size never gain together, and a close split
// in parts never pays more than the whole), weighted entry prices rounded against the trader.

import {Test} from "forge-std/Test.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {PositionMath} from "../../../contracts/libraries/math/PositionMath.sol";

contract PositionMathHarness {
    function sizeFromNotional(uint256 notional, uint256 price, bool isLong) external pure returns (int256) {
        return PositionMath.sizeFromNotional(notional, price, isLong);
    }

    function leverage(uint256 notional, uint256 margin) external pure returns (uint256) {
        return PositionMath.leverage(notional, margin);
    }

    function averageEntryPrice(uint256 a, uint256 b, uint256 c, uint256 d, bool isLong)
        external
        pure
        returns (uint256)
    {
        return PositionMath.averageEntryPrice(a, b, c, d, isLong);
    }

    function proportionalMargin(uint256 margin, uint256 partAbs, uint256 sizeAbs) external pure returns (uint256) {
        return PositionMath.proportionalMargin(margin, partAbs, sizeAbs);
    }
}

contract PositionMathTest is Test {
    PositionMathHarness internal h;

    uint256 internal constant MAX_SIZE = 1e33; // 1e15 units of the asset
    uint256 internal constant MAX_PRICE = 1e24; // 1e6 TAO per unit

    function setUp() public {
        h = new PositionMathHarness();
    }

    function test_notional_isAbsSizeTimesPrice() public pure {
        assertEq(PositionMath.notional(250e18, 0.04e18), 10 ether);
        assertEq(PositionMath.notional(-250e18, 0.04e18), 10 ether);
        assertEq(PositionMath.notional(1, 1), 1); // 1e-36 TAO rounds up to 1 wei
    }

    function test_sizeFromNotional_signsBySide() public pure {
        assertEq(PositionMath.sizeFromNotional(10 ether, 0.04e18, true), 250e18);
        assertEq(PositionMath.sizeFromNotional(10 ether, 0.04e18, false), -250e18);
    }

    function test_leverage_publishedExample() public pure {
        assertEq(PositionMath.leverage(10 ether, 5 ether), 2e18);
        assertEq(PositionMath.leverage(10 ether + 1, 5 ether), 2e18 + 1); // rounds up
    }

    function test_pnl_longGainsOnARise() public pure {
        // 250 alpha long from 0.04 to 0.05: +2.5 TAO.
        assertEq(PositionMath.pnl(250e18, 0.04e18, 0.05e18), 2.5 ether);
        assertEq(PositionMath.pnl(-250e18, 0.04e18, 0.05e18), -2.5 ether);
        assertEq(PositionMath.pnl(-250e18, 0.05e18, 0.04e18), 2.5 ether);
    }

    function test_pnl_roundsTowardNegativeInfinity() public pure {
        assertEq(PositionMath.pnl(1, 1e18, 1.5e18), 0); // +0.5 wei -> 0
        assertEq(PositionMath.pnl(-1, 1e18, 1.5e18), -1); // -0.5 wei -> -1
        assertEq(PositionMath.pnl(1, 1.5e18, 1e18), -1);
    }

    function test_averageEntryPrice_roundsAgainstTheTrader() public pure {
        assertEq(PositionMath.averageEntryPrice(1, 1, 2, 2, true), 2); // 5/3 up
        assertEq(PositionMath.averageEntryPrice(1, 1, 2, 2, false), 1); // 5/3 down
        assertEq(PositionMath.averageEntryPrice(0, 0, 250e18, 0.04e18, true), 0.04e18);
        assertEq(PositionMath.averageEntryPrice(100e18, 0.04e18, 100e18, 0.06e18, false), 0.05e18);
    }

    function test_proportionalMargin_roundsDown() public pure {
        assertEq(PositionMath.proportionalMargin(10, 1, 3), 3);
        assertEq(PositionMath.proportionalMargin(5 ether, 125e18, 250e18), 2.5 ether);
    }

    function test_RevertWhen_sizeFromNotionalAtZeroPrice() public {
        vm.expectRevert(PositionMath.ZeroPrice.selector);
        h.sizeFromNotional(1 ether, 0, true);
    }

    function test_RevertWhen_leverageOfZeroMargin() public {
        vm.expectRevert(PositionMath.ZeroMargin.selector);
        h.leverage(1 ether, 0);
    }

    function test_RevertWhen_averageEntryOfNothing() public {
        vm.expectRevert(PositionMath.ZeroSize.selector);
        h.averageEntryPrice(0, 1e18, 0, 1e18, true);
    }

    function test_RevertWhen_reduceExceedsSize() public {
        vm.expectRevert(abi.encodeWithSelector(PositionMath.ReduceExceedsSize.selector, 4, 3));
        h.proportionalMargin(1 ether, 4, 3);
    }

    function testFuzz_pnl_roundsAgainstTheTrader(uint256 sizeAbs, bool isLong, uint256 entry, uint256 mark)
        public
        pure
    {
        sizeAbs = bound(sizeAbs, 1, MAX_SIZE);
        entry = bound(entry, 1, MAX_PRICE);
        mark = bound(mark, 1, MAX_PRICE);
        int256 size = isLong ? SafeCast.toInt256(sizeAbs) : -SafeCast.toInt256(sizeAbs);
        int256 p = PositionMath.pnl(size, entry, mark);
        // exact = size x (mark - entry) / 1e18; p <= exact < p + 1.
        int256 exactScaled = size * (SafeCast.toInt256(mark) - SafeCast.toInt256(entry));
        assertLe(p * 1e18, exactScaled);
        assertGt((p + 1) * 1e18, exactScaled);
    }

    function testFuzz_pnl_longAndShortNeverGainTogether(uint256 sizeAbs, uint256 entry, uint256 mark) public pure {
        sizeAbs = bound(sizeAbs, 1, MAX_SIZE);
        entry = bound(entry, 1, MAX_PRICE);
        mark = bound(mark, 1, MAX_PRICE);
        int256 size = SafeCast.toInt256(sizeAbs);
        int256 sum = PositionMath.pnl(size, entry, mark) + PositionMath.pnl(-size, entry, mark);
        assertLe(sum, 0);
        assertGe(sum, -1);
    }

    function testFuzz_pnl_splitCloseNeverPaysMore(
        uint256 sizeAbs,
        uint256 part,
        bool isLong,
        uint256 entry,
        uint256 exit
    ) public pure {
        sizeAbs = bound(sizeAbs, 2, MAX_SIZE);
        part = bound(part, 1, sizeAbs - 1);
        entry = bound(entry, 1, MAX_PRICE);
        exit = bound(exit, 1, MAX_PRICE);
        int256 sign = isLong ? int256(1) : int256(-1);
        int256 whole = PositionMath.pnl(sign * SafeCast.toInt256(sizeAbs), entry, exit);
        int256 parts = PositionMath.pnl(sign * SafeCast.toInt256(part), entry, exit)
            + PositionMath.pnl(sign * SafeCast.toInt256(sizeAbs - part), entry, exit);
        assertLe(parts, whole);
    }

    function testFuzz_notional_roundsUpAndRoundTrips(uint256 notional, uint256 price) public pure {
        notional = bound(notional, 0, 1e33);
        price = bound(price, 1e9, MAX_PRICE);
        int256 size = PositionMath.sizeFromNotional(notional, price, true);
        // The size bought never carries more notional than was paid for (up to the 1-wei round-up of notional).
        assertLe(PositionMath.notional(size, price), notional + 1);
        assertEq(PositionMath.notional(-size, price), PositionMath.notional(size, price));
    }

    function testFuzz_averageEntryPrice_staysBetweenThePrices(
        uint256 sizeAbs,
        uint256 entry,
        uint256 addAbs,
        uint256 fill,
        bool isLong
    ) public pure {
        sizeAbs = bound(sizeAbs, 0, MAX_SIZE);
        addAbs = bound(addAbs, 1, MAX_SIZE);
        entry = bound(entry, 1, MAX_PRICE);
        fill = bound(fill, 1, MAX_PRICE);
        uint256 avg = PositionMath.averageEntryPrice(sizeAbs, entry, addAbs, fill, isLong);
        uint256 lo = sizeAbs == 0 ? fill : (entry < fill ? entry : fill);
        uint256 hi = sizeAbs == 0 ? fill : (entry > fill ? entry : fill);
        assertGe(avg, lo);
        assertLe(avg, hi);
        // Against the trader: a long's entry is at or above the exact average, a short's at or below.
        uint256 weighted = sizeAbs * entry + addAbs * fill;
        if (isLong) assertGe(avg * (sizeAbs + addAbs), weighted);
        else assertLe(avg * (sizeAbs + addAbs), weighted);
    }

    function testFuzz_proportionalMargin_neverExceedsItsShare(uint256 margin, uint256 partAbs, uint256 sizeAbs)
        public
        pure
    {
        margin = bound(margin, 0, 1e33);
        sizeAbs = bound(sizeAbs, 1, MAX_SIZE);
        partAbs = bound(partAbs, 0, sizeAbs);
        uint256 released = PositionMath.proportionalMargin(margin, partAbs, sizeAbs);
        assertLe(released * sizeAbs, margin * partAbs);
        assertLe(released, margin);
        if (partAbs == sizeAbs) assertEq(released, margin);
    }
}
