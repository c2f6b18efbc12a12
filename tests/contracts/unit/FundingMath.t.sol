// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Pins FundingMath: the published example of docs/protocol.md section 6 (long OI 100, short OI 60, max 0.75% per 8 h
// -> 0.1875% per 8 h, longs paying), the 32-hour cap on one accrual gap, each side paying or earning rate x its own
// OI with the vault keeping the difference (never negative), and per-position settlement rounding against the
// trader (owed rounds up, earned rounds down).

import {Test} from "forge-std/Test.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Constants} from "../../../contracts/libraries/Constants.sol";
import {MarketBounds} from "../../../contracts/libraries/MarketBounds.sol";
import {FundingMath} from "../../../contracts/libraries/math/FundingMath.sol";

contract FundingMathHarness {
    function rate8h(uint256 longOI, uint256 shortOI, uint256 maxFunding8h) external pure returns (int256) {
        return FundingMath.rate8h(longOI, shortOI, maxFunding8h);
    }
}

contract FundingMathTest is Test {
    uint256 internal constant MAX_8H = Constants.GENESIS_MAX_FUNDING_RATE_8H; // 0.75%
    uint256 internal constant MAX_OI = 1e30; // a trillion TAO

    function test_rate8h_publishedExampleLongsPay() public pure {
        int256 rate = FundingMath.rate8h(100 ether, 60 ether, MAX_8H);
        assertEq(rate, 0.001875e18); // 0.1875% per 8 h, positive: longs pay
    }

    function test_rate8h_mirrorShortsPay() public pure {
        assertEq(FundingMath.rate8h(60 ether, 100 ether, MAX_8H), -0.001875e18);
    }

    function test_rate8h_zeroWhenBalancedOrEmpty() public pure {
        assertEq(FundingMath.rate8h(0, 0, MAX_8H), 0);
        assertEq(FundingMath.rate8h(7 ether, 7 ether, MAX_8H), 0);
    }

    function test_rate8h_oneSidedIsTheMax() public pure {
        assertEq(FundingMath.rate8h(5 ether, 0, MAX_8H), 0.0075e18);
        assertEq(FundingMath.rate8h(0, 5 ether, MAX_8H), -0.0075e18);
    }

    function test_ratePerSecond_isTheEightHourRateOver28800() public pure {
        assertEq(FundingMath.ratePerSecond(0.001875e18), 65_104_166_666); // 0.001875e18 / 28800, truncated
        assertEq(FundingMath.ratePerSecond(-0.001875e18), -65_104_166_666);
    }

    function test_indexDelta_eightHoursIsTheRate() public pure {
        assertEq(FundingMath.indexDelta(0.001875e18, 8 hours), 0.001875e18);
        assertEq(FundingMath.indexDelta(0.001875e18, 4 hours), 0.0009375e18);
    }

    function test_indexDelta_capsALongGapAt32Hours() public pure {
        int256 rate = FundingMath.rate8h(100 ether, 60 ether, MAX_8H);
        assertEq(FundingMath.indexDelta(rate, 32 hours), 4 * rate);
        assertEq(FundingMath.indexDelta(rate, 40 hours), 4 * rate);
        assertEq(FundingMath.indexDelta(rate, 365 days), 4 * rate);
        assertEq(FundingMath.chargeableSeconds(40 hours), 32 hours);
        assertEq(FundingMath.chargeableSeconds(31 hours), 31 hours);
    }

    function test_advanceIndex_addsTheDelta() public pure {
        assertEq(FundingMath.advanceIndex(1e18, -0.001875e18, 8 hours), 1e18 - 0.001875e18);
    }

    function test_owed_publishedExampleOverEightHours() public pure {
        int256 delta = FundingMath.indexDelta(FundingMath.rate8h(100 ether, 60 ether, MAX_8H), 8 hours);
        // A long of 100 TAO pays 0.1875 TAO; a short of 60 TAO earns 0.1125 TAO.
        assertEq(FundingMath.owed(true, 100 ether, 0, delta), 0.1875 ether);
        assertEq(FundingMath.owed(false, 60 ether, 0, delta), -0.1125 ether);
        (int256 longsOwe, int256 shortsOwe, int256 toVault) = FundingMath.sideFlows(100 ether, 60 ether, delta);
        assertEq(longsOwe, 0.1875 ether);
        assertEq(shortsOwe, -0.1125 ether);
        assertEq(toVault, 0.075 ether); // (100 - 60) x 0.1875%
    }

    function test_owed_roundsAgainstTheTrader() public pure {
        // 1 wei of notional x 0.5: the payer pays 1, the earner gets 0.
        assertEq(FundingMath.owed(true, 1, 0, 0.5e18), 1);
        assertEq(FundingMath.owed(false, 1, 0, 0.5e18), 0);
        assertEq(FundingMath.owed(false, 1, 0, -0.5e18), 1);
        assertEq(FundingMath.owed(true, 1, 0, -0.5e18), 0);
    }

    function test_RevertWhen_maxFundingAboveOne() public {
        FundingMathHarness h = new FundingMathHarness();
        vm.expectRevert(abi.encodeWithSelector(FundingMath.MaxFundingRateAboveOne.selector, 1e18 + 1));
        h.rate8h(1, 0, 1e18 + 1);
    }

    function testFuzz_rate8h_boundedByMaxAndSignedByImbalance(uint256 longOI, uint256 shortOI, uint256 max8h)
        public
        pure
    {
        longOI = bound(longOI, 0, MAX_OI);
        shortOI = bound(shortOI, 0, MAX_OI);
        max8h = bound(max8h, 0, MarketBounds.MAX_MAX_FUNDING_RATE_8H);
        int256 rate = FundingMath.rate8h(longOI, shortOI, max8h);
        assertLe(rate, SafeCast.toInt256(max8h));
        assertGe(rate, -SafeCast.toInt256(max8h));
        if (longOI > shortOI) assertGe(rate, 0);
        if (longOI < shortOI) assertLe(rate, 0);
        if (longOI == shortOI) assertEq(rate, 0);
        assertEq(FundingMath.rate8h(shortOI, longOI, max8h), -rate);
    }

    function testFuzz_sideFlows_vaultNeverLoses(uint256 longOI, uint256 shortOI, uint256 max8h, uint256 elapsed)
        public
        pure
    {
        longOI = bound(longOI, 0, MAX_OI);
        shortOI = bound(shortOI, 0, MAX_OI);
        max8h = bound(max8h, 0, MarketBounds.MAX_MAX_FUNDING_RATE_8H);
        elapsed = bound(elapsed, 0, 400 days);
        int256 delta = FundingMath.indexDelta(FundingMath.rate8h(longOI, shortOI, max8h), elapsed);
        (int256 longsOwe, int256 shortsOwe, int256 toVault) = FundingMath.sideFlows(longOI, shortOI, delta);
        assertGe(toVault, 0);
        assertEq(toVault, longsOwe + shortsOwe);
        // Never more than the max rate over 32 hours on the larger side.
        uint256 larger = longOI > shortOI ? longOI : shortOI;
        assertLe(SafeCast.toUint256(toVault), larger * max8h * 4 / 1e18 + 1);
    }

    function testFuzz_owed_payerPaysAtLeastWhatTheEarnerGets(uint256 notional, int256 indexA, int256 indexB)
        public
        pure
    {
        notional = bound(notional, 0, MAX_OI);
        indexA = bound(indexA, -1e24, 1e24);
        indexB = bound(indexB, -1e24, 1e24);
        int256 longOwes = FundingMath.owed(true, notional, indexA, indexB);
        int256 shortOwes = FundingMath.owed(false, notional, indexA, indexB);
        // Same notional on both sides: together they owe >= 0 (at most 1 wei of rounding), so no TAO is created.
        assertGe(longOwes + shortOwes, 0);
        assertLe(longOwes + shortOwes, 1);
        // Against the trader: owed >= exact.
        int256 exactScaled = SafeCast.toInt256(notional) * (indexB - indexA);
        assertGe(longOwes * 1e18, exactScaled);
        assertGe(shortOwes * 1e18, -exactScaled);
    }

    function testFuzz_owed_settlingInStepsNeverOwesLess(uint256 notional, int256 i0, int256 i1, int256 i2) public pure {
        notional = bound(notional, 0, MAX_OI);
        i0 = bound(i0, -1e24, 1e24);
        i1 = bound(i1, -1e24, 1e24);
        i2 = bound(i2, -1e24, 1e24);
        int256 steps = FundingMath.owed(true, notional, i0, i1) + FundingMath.owed(true, notional, i1, i2);
        int256 once = FundingMath.owed(true, notional, i0, i2);
        assertGe(steps, once - 1);
        assertGe(steps * 1e18, SafeCast.toInt256(notional) * (i2 - i0));
    }
}
