// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Pins TimeWeightedEma.next: it is `(spot * elapsed + prev * period) / (elapsed + period)` rounded toward `prev`
// (down while rising, up while falling), over the whole range the MTSOS oracle uses (prices below 2^96, times below
// 2^64), not only the 9-decimal sums the precompile emulator can produce.

import {Test} from "forge-std/Test.sol";
import {TimeWeightedEma} from "../../../contracts/oracles/TimeWeightedEma.sol";

contract TimeWeightedEmaTest is Test {
    uint256 internal constant PERIOD = 604800;

    function test_next_publishedExample() public pure {
        assertEq(TimeWeightedEma.next(1.2993e18, 1.7579e18, 3600, PERIOD), 1.302013609467455621e18);
    }

    function test_next_zeroElapsedKeepsThePrevious() public pure {
        assertEq(TimeWeightedEma.next(1.2993e18, 1.7579e18, 0, PERIOD), 1.2993e18);
    }

    function test_next_roundsTowardThePrevious() public pure {
        // Exact: 10 + 5 * 1 / 3 = 11.67 rising, 10 - 5 * 1 / 3 = 8.33 falling (period 2).
        assertEq(TimeWeightedEma.next(10, 15, 1, 2), 11, "rising: down");
        assertEq(TimeWeightedEma.next(10, 5, 1, 2), 9, "falling: up");
    }

    function test_next_aMoveBelowOneWeiDoesNotMoveIt() public pure {
        assertEq(TimeWeightedEma.next(1e18, 1e18 + 50_000, 12, PERIOD), 1e18, "50,000 wei x 12 / 604812 < 1");
        assertEq(TimeWeightedEma.next(1e18, 1e18 + 60_000, 12, PERIOD), 1e18 + 1);
    }

    function testFuzz_next_isTheFormulaRoundedTowardThePrevious(uint96 prev, uint96 spot, uint64 elapsed) public pure {
        uint256 numerator = uint256(spot) * elapsed + uint256(prev) * PERIOD;
        uint256 denominator = uint256(elapsed) + PERIOD;
        uint256 floor = numerator / denominator;
        uint256 ceil = floor + (numerator % denominator == 0 ? 0 : 1);
        uint256 next = TimeWeightedEma.next(prev, spot, elapsed, PERIOD);
        assertEq(next, spot >= prev ? floor : ceil);
    }

    function testFuzz_next_liesBetweenPreviousAndSpot(uint96 prev, uint96 spot, uint64 elapsed) public pure {
        uint256 next = TimeWeightedEma.next(prev, spot, elapsed, PERIOD);
        assertGe(next, prev < spot ? prev : spot);
        assertLe(next, prev < spot ? spot : prev);
    }
}
