// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Pins InterestMath: the rate curve of docs/protocol.md section 6, min(80%, 0.01% + 20% x u^2) a year (5.01% at
// utilization 0.5, capped at 80% from u ~ 2), utilization = open notional / reserves rounded up, and a global index
// that accrues simple interest per step, rounded up, with no cap on the gap.

import {Test} from "forge-std/Test.sol";
import {Constants} from "../../../contracts/libraries/Constants.sol";
import {InterestMath} from "../../../contracts/libraries/math/InterestMath.sol";

contract InterestMathHarness {
    function owed(uint256 notional, uint256 indexAt, uint256 indexNow) external pure returns (uint256) {
        return InterestMath.owed(notional, indexAt, indexNow);
    }
}

contract InterestMathTest is Test {
    function test_utilization_isOpenNotionalOverReserves() public pure {
        assertEq(InterestMath.utilization(50 ether, 100 ether), 0.5e18);
        assertEq(InterestMath.utilization(0, 0), 0);
        assertEq(InterestMath.utilization(0, 100 ether), 0);
        assertEq(InterestMath.utilization(1, 0), type(uint256).max);
        assertEq(InterestMath.utilization(1, 3e18), 1); // rounds up
    }

    function test_annualRate_atHalfUtilizationIs5Point01Percent() public pure {
        assertEq(InterestMath.annualRate(0.5e18), 0.0501e18);
    }

    function test_annualRate_atZeroIsTheBase() public pure {
        assertEq(InterestMath.annualRate(0), 0.0001e18);
    }

    function test_annualRate_atFullUtilization() public pure {
        assertEq(InterestMath.annualRate(1e18), 0.2001e18);
    }

    function test_annualRate_capsAt80Percent() public pure {
        assertEq(InterestMath.annualRate(1.99e18), 0.79212e18); // 0.01% + 20% x 3.9601, just under the cap
        assertEq(InterestMath.annualRate(1.9999e18), 0.8e18); // 80.002% uncapped
        assertEq(InterestMath.annualRate(2e18), 0.8e18);
        assertEq(InterestMath.annualRate(type(uint256).max), 0.8e18);
    }

    function test_advanceIndex_oneYearAtHalfUtilization() public pure {
        uint256 rate = InterestMath.annualRate(InterestMath.utilization(50 ether, 100 ether));
        uint256 index = InterestMath.advanceIndex(0, rate, Constants.SECONDS_PER_YEAR);
        assertEq(index, 0.0501e18);
        // 10 TAO of notional owes 0.501 TAO for that year.
        assertEq(InterestMath.owed(10 ether, 0, index), 0.501 ether);
    }

    function test_advanceIndex_stepsAreSimpleInterestAndUncapped() public pure {
        uint256 rate = 0.0501e18;
        uint256 oneStep = InterestMath.advanceIndex(0, rate, 2 * Constants.SECONDS_PER_YEAR);
        uint256 twoSteps = InterestMath.advanceIndex(
            InterestMath.advanceIndex(0, rate, Constants.SECONDS_PER_YEAR), rate, Constants.SECONDS_PER_YEAR
        );
        assertEq(oneStep, 0.1002e18);
        assertEq(twoSteps, oneStep);
    }

    function test_ratePerSecond_roundsUp() public pure {
        assertEq(InterestMath.ratePerSecond(0.0501e18), 1_588_660_579); // 1,588,660,578.38 rounded up
    }

    function test_RevertWhen_indexDecreased() public {
        InterestMathHarness h = new InterestMathHarness();
        vm.expectRevert(abi.encodeWithSelector(InterestMath.InterestIndexDecreased.selector, 2, 1));
        h.owed(1 ether, 2, 1);
    }

    function testFuzz_annualRate_monotoneAndBounded(uint256 u1, uint256 u2) public pure {
        u1 = bound(u1, 0, 10e18);
        u2 = bound(u2, u1, 10e18);
        uint256 r1 = InterestMath.annualRate(u1);
        uint256 r2 = InterestMath.annualRate(u2);
        assertLe(r1, r2);
        assertGe(r1, Constants.INTEREST_BASE_RATE_PER_YEAR);
        assertLe(r2, Constants.INTEREST_MAX_RATE_PER_YEAR);
        // At or above the exact curve (rounded up), by at most 2 wei when uncapped.
        uint256 exact = Constants.INTEREST_BASE_RATE_PER_YEAR + 0.2e18 * u1 / 1e18 * u1 / 1e18;
        if (exact < Constants.INTEREST_MAX_RATE_PER_YEAR) assertLe(r1, exact + 3);
    }

    function testFuzz_utilization_roundsUp(uint256 openNotional, uint256 reserves) public pure {
        openNotional = bound(openNotional, 0, 1e33);
        reserves = bound(reserves, 1, 1e33);
        uint256 u = InterestMath.utilization(openNotional, reserves);
        assertGe(u * reserves, openNotional * 1e18);
        if (u > 0) assertLt((u - 1) * reserves, openNotional * 1e18);
    }

    function testFuzz_owed_roundsUpAndStepsNeverOweLess(uint256 notional, uint256 rate, uint256 dt1, uint256 dt2)
        public
        pure
    {
        notional = bound(notional, 0, 1e33);
        rate = bound(rate, 0, Constants.INTEREST_MAX_RATE_PER_YEAR);
        dt1 = bound(dt1, 0, 10 * Constants.SECONDS_PER_YEAR);
        dt2 = bound(dt2, 0, 10 * Constants.SECONDS_PER_YEAR);
        uint256 i1 = InterestMath.advanceIndex(0, rate, dt1);
        uint256 i2 = InterestMath.advanceIndex(i1, rate, dt2);
        uint256 steps = InterestMath.owed(notional, 0, i1) + InterestMath.owed(notional, i1, i2);
        // At least the exact simple interest over the whole time.
        assertGe(steps * 1e18 * Constants.SECONDS_PER_YEAR, notional * rate * (dt1 + dt2));
        assertGe(steps + 1, InterestMath.owed(notional, 0, i2));
    }
}
