// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Pins MarginMath: the liquidation prices of docs/protocol.md section 5 with MM 10% (a long at 3x liquidates after a
// ~23% drop, entry x 0.7667; 2x after 40%; 5x after 10%; and the short mirror), the margin ratio
// (margin + uPnL - funding - interest) / notional rounded toward negative infinity, the full / partial / none
// classification at its edges, the exact mark-notional liquidation price, and close settlement that never creates
// TAO.

import {Test} from "forge-std/Test.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Constants} from "../../../contracts/libraries/Constants.sol";
import {MarketBounds} from "../../../contracts/libraries/MarketBounds.sol";
import {MarginMath} from "../../../contracts/libraries/math/MarginMath.sol";
import {PositionMath} from "../../../contracts/libraries/math/PositionMath.sol";

contract MarginMathHarness {
    function marginRatio(int256 equity, uint256 notional) external pure returns (int256) {
        return MarginMath.marginRatio(equity, notional);
    }

    function liquidationPrice(uint256 entry, uint256 leverage, uint256 mm, bool isLong)
        external
        pure
        returns (uint256)
    {
        return MarginMath.liquidationPrice(entry, leverage, mm, isLong);
    }

    function liquidationPriceAtMark(int256 size, uint256 entry, int256 netMargin, uint256 mm)
        external
        pure
        returns (uint256)
    {
        return MarginMath.liquidationPriceAtMark(size, entry, netMargin, mm);
    }
}

contract MarginMathTest is Test {
    MarginMathHarness internal h;

    uint256 internal constant MM = Constants.GENESIS_MAINTENANCE_MARGIN; // 10%
    uint256 internal constant BAND = Constants.GENESIS_PARTIAL_LIQUIDATION_BAND; // 5 points

    function setUp() public {
        h = new MarginMathHarness();
    }

    // ------------------------------------------------------------ published liquidation prices

    function test_liquidationPrice_long3xAfterA23PercentDrop() public pure {
        uint256 p = MarginMath.liquidationPrice(1e18, 3e18, MM, true);
        assertEq(p, 766_666_666_666_666_667); // entry x 0.7667, rounded up
        assertApproxEqAbs(p, 0.7667e18, 0.0001e18);
    }

    function test_liquidationPrice_long2xAfterA40PercentDrop() public pure {
        assertEq(MarginMath.liquidationPrice(1e18, 2e18, MM, true), 0.6e18);
    }

    function test_liquidationPrice_long5xAfterA10PercentDrop() public pure {
        assertEq(MarginMath.liquidationPrice(1e18, 5e18, MM, true), 0.9e18);
    }

    function test_liquidationPrice_shortMirror() public pure {
        assertEq(MarginMath.liquidationPrice(1e18, 3e18, MM, false), 1_233_333_333_333_333_333); // +23.3%, down
        assertEq(MarginMath.liquidationPrice(1e18, 2e18, MM, false), 1.4e18);
        assertEq(MarginMath.liquidationPrice(1e18, 5e18, MM, false), 1.1e18);
    }

    function test_liquidationPrice_scalesWithEntry() public pure {
        assertEq(MarginMath.liquidationPrice(0.04e18, 2e18, MM, true), 0.024e18);
        assertEq(MarginMath.liquidationPrice(0.04e18, 2e18, MM, false), 0.056e18);
    }

    /// The published formula is MR measured on the entry notional: at the 3x long's liquidation price,
    /// (margin + PnL) / entry notional is MM.
    function test_liquidationPrice_isWhereMrOnEntryNotionalIsMm() public pure {
        uint256 margin = 5 ether;
        uint256 entry = 0.04e18;
        int256 size = PositionMath.sizeFromNotional(PositionMath.notionalFromMargin(margin, 3e18), entry, true);
        uint256 p = MarginMath.liquidationPrice(entry, 3e18, MM, true);
        int256 eq = MarginMath.equity(margin, PositionMath.pnl(size, entry, p), 0, 0);
        int256 mrOnEntry = MarginMath.marginRatio(eq, PositionMath.notional(size, entry));
        assertApproxEqAbs(mrOnEntry, SafeCast.toInt256(MM), 1e6);
    }

    /// On the mark notional (what `marginRatio` is fed), the 3x long reaches MM lower, at (1 - 1/3) / 0.9 = 0.7407.
    function test_liquidationPriceAtMark_long3x() public pure {
        int256 size = 375e18; // 15 TAO at 0.04
        uint256 p = MarginMath.liquidationPriceAtMark(size, 0.04e18, 5 ether, MM);
        assertApproxEqAbs(p, 0.04e18 * 7407 / 10_000, 0.0001e18 * 0.04);
        int256 mr = MarginMath.marginRatio(
            MarginMath.equity(5 ether, PositionMath.pnl(size, 0.04e18, p), 0, 0), PositionMath.notional(size, p)
        );
        assertApproxEqAbs(mr, SafeCast.toInt256(MM), 1e6);
    }

    function test_liquidationPriceAtMark_short3x() public pure {
        int256 size = -375e18;
        uint256 p = MarginMath.liquidationPriceAtMark(size, 0.04e18, 5 ether, MM);
        // (1 + 1/3) / 1.1 = 1.2121
        assertApproxEqAbs(p, 0.04e18 * 12_121 / 10_000, 0.0001e18 * 0.04);
    }

    function test_liquidationPriceAtMark_chargesPullItCloser() public pure {
        uint256 clean = MarginMath.liquidationPriceAtMark(375e18, 0.04e18, 5 ether, MM);
        uint256 charged = MarginMath.liquidationPriceAtMark(375e18, 0.04e18, 4 ether, MM); // 1 TAO owed
        assertGt(charged, clean);
        // With no net margin a long is at MM where price x 0.9 = entry (already liquidatable at entry): 0.0444.
        assertEq(MarginMath.liquidationPriceAtMark(375e18, 0.04e18, 0, MM), 44_444_444_444_444_445);
        // A short whose debts exceed the entry value per unit: 0, every price liquidates it.
        assertEq(MarginMath.liquidationPriceAtMark(-1e18, 1e18, -2e18, MM), 0);
    }

    // ------------------------------------------------------------ margin ratio and status

    function test_equity_subtractsFundingAndInterest() public pure {
        assertEq(MarginMath.equity(5 ether, 1 ether, 0.2 ether, 0.1 ether), 5.7 ether);
        assertEq(MarginMath.equity(5 ether, -6 ether, -0.5 ether, 0), -0.5 ether);
    }

    function test_marginRatio_roundsTowardNegativeInfinity() public pure {
        assertEq(MarginMath.marginRatio(1, 3e18), 0); // 0.33 -> 0
        assertEq(MarginMath.marginRatio(-1, 3e18), -1); // -0.33 -> -1
        assertEq(MarginMath.marginRatio(5 ether, 10 ether), 0.5e18);
    }

    function test_status_edges() public pure {
        assertEq(uint8(MarginMath.status(0.1e18 - 1, MM, BAND)), uint8(MarginMath.LiquidationStatus.Full));
        assertEq(uint8(MarginMath.status(0.1e18, MM, BAND)), uint8(MarginMath.LiquidationStatus.Partial));
        assertEq(uint8(MarginMath.status(0.15e18 - 1, MM, BAND)), uint8(MarginMath.LiquidationStatus.Partial));
        assertEq(uint8(MarginMath.status(0.15e18, MM, BAND)), uint8(MarginMath.LiquidationStatus.None));
        assertEq(uint8(MarginMath.status(-1e18, MM, BAND)), uint8(MarginMath.LiquidationStatus.Full));
        assertEq(uint8(MarginMath.status(0.1e18, MM, 0)), uint8(MarginMath.LiquidationStatus.None));
    }

    function test_settle_paysTheRestAndReportsBadDebt() public pure {
        (uint256 payout, uint256 fee, uint256 badDebt) = MarginMath.settle(5 ether, 0.025 ether);
        assertEq(payout, 4.975 ether);
        assertEq(fee, 0.025 ether);
        assertEq(badDebt, 0);
        (payout, fee, badDebt) = MarginMath.settle(0.01 ether, 0.025 ether);
        assertEq(payout, 0);
        assertEq(fee, 0.01 ether);
        assertEq(badDebt, 0);
        (payout, fee, badDebt) = MarginMath.settle(-1 ether, 0.025 ether);
        assertEq(payout, 0);
        assertEq(fee, 0);
        assertEq(badDebt, 1 ether);
    }

    function test_RevertWhen_marginRatioOfZeroNotional() public {
        vm.expectRevert(MarginMath.ZeroNotional.selector);
        h.marginRatio(1, 0);
    }

    function test_RevertWhen_liquidationPriceAtZeroLeverage() public {
        vm.expectRevert(MarginMath.ZeroLeverage.selector);
        h.liquidationPrice(1e18, 0, MM, true);
    }

    function test_RevertWhen_liquidationPriceAtMarkOfZeroSize() public {
        vm.expectRevert(MarginMath.ZeroSize.selector);
        h.liquidationPriceAtMark(0, 1e18, 1e18, MM);
    }

    function test_RevertWhen_maintenanceMarginNotBelowOne() public {
        vm.expectRevert(abi.encodeWithSelector(MarginMath.MaintenanceMarginNotBelowOne.selector, 1e18));
        h.liquidationPriceAtMark(1e18, 1e18, 1e18, 1e18);
    }

    // ------------------------------------------------------------ fuzz

    function testFuzz_liquidationPrice_longBelowEntryShortAbove(uint256 entry, uint256 lev, uint256 mm) public pure {
        entry = bound(entry, 1e9, 1e24);
        lev = bound(lev, MarketBounds.MIN_MAX_LEVERAGE, MarketBounds.MAX_MAX_LEVERAGE);
        mm = bound(mm, MarketBounds.MIN_MAINTENANCE_MARGIN, MarketBounds.MAX_MAINTENANCE_MARGIN);
        vm.assume(mm * lev < 1e36); // MM < 1/L, the registry's rule
        uint256 longP = MarginMath.liquidationPrice(entry, lev, mm, true);
        uint256 shortP = MarginMath.liquidationPrice(entry, lev, mm, false);
        // At or beyond the entry only when MM is within rounding of 1/L.
        assertLe(longP, entry);
        assertGe(shortP, entry);
        // Mirror: the two prices sit symmetrically around the entry (up to the roundings).
        assertApproxEqAbs(longP + shortP, 2 * entry, 2);
    }

    function testFuzz_liquidationPriceAtMark_mrIsMmThere(uint256 sizeAbs, bool isLong, uint256 entry, uint256 lev)
        public
        pure
    {
        sizeAbs = bound(sizeAbs, 1e18, 1e27);
        entry = bound(entry, 1e12, 1e21);
        lev = bound(lev, 1.2e18, 9e18);
        int256 size = isLong ? SafeCast.toInt256(sizeAbs) : -SafeCast.toInt256(sizeAbs);
        uint256 margin = PositionMath.notional(size, entry) * 1e18 / lev;
        uint256 p = MarginMath.liquidationPriceAtMark(size, entry, SafeCast.toInt256(margin), MM);
        vm.assume(p > 0);
        int256 mr = MarginMath.marginRatio(
            MarginMath.equity(margin, PositionMath.pnl(size, entry, p), 0, 0), PositionMath.notional(size, p)
        );
        // Within 1e-9 of MM; against the trader the price is reached no later than MR == MM, so MR there >= MM - eps.
        assertApproxEqAbs(mr, SafeCast.toInt256(MM), 1e9);
    }

    function testFuzz_marginRatio_roundsDown(int256 equity, uint256 notional) public pure {
        equity = bound(equity, -1e33, 1e33);
        notional = bound(notional, 1, 1e33);
        int256 mr = MarginMath.marginRatio(equity, notional);
        int256 n = SafeCast.toInt256(notional);
        assertLe(mr * n, equity * 1e18);
        assertGt((mr + 1) * n, equity * 1e18);
    }

    function testFuzz_status_matchesTheDefinition(int256 equity, uint256 notional, uint256 mm, uint256 band)
        public
        pure
    {
        equity = bound(equity, -1e30, 1e30);
        notional = bound(notional, 1, 1e30);
        mm = bound(mm, MarketBounds.MIN_MAINTENANCE_MARGIN, MarketBounds.MAX_MAINTENANCE_MARGIN);
        band = bound(band, 0, MarketBounds.MAX_PARTIAL_LIQUIDATION_BAND);
        MarginMath.LiquidationStatus s = MarginMath.status(MarginMath.marginRatio(equity, notional), mm, band);
        int256 n = SafeCast.toInt256(notional);
        bool belowMm = equity * 1e18 < SafeCast.toInt256(mm) * n;
        bool belowTarget = equity * 1e18 < SafeCast.toInt256(mm + band) * n;
        if (belowMm) assertEq(uint8(s), uint8(MarginMath.LiquidationStatus.Full));
        else if (belowTarget) assertEq(uint8(s), uint8(MarginMath.LiquidationStatus.Partial));
        else assertEq(uint8(s), uint8(MarginMath.LiquidationStatus.None));
    }

    function testFuzz_settle_neverCreatesTao(int256 equity, uint256 fee) public pure {
        equity = bound(equity, -1e33, 1e33);
        fee = bound(fee, 0, 1e33);
        (uint256 payout, uint256 collected, uint256 badDebt) = MarginMath.settle(equity, fee);
        assertEq(SafeCast.toInt256(payout) + SafeCast.toInt256(collected) - SafeCast.toInt256(badDebt), equity);
        assertLe(collected, fee);
        assertTrue(badDebt == 0 || payout + collected == 0);
    }
}
