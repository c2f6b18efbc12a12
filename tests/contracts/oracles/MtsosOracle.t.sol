// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Pins the MTSOS index oracle (PROTOCOL.md section 4): the published example (EMA 1.2993, a 1.7579 reading held for
// 3600 s moves it by 0.0027 TAO), the three published readings, initialisation, zero and same-second readings, a
// switched-off precompile, the views, and fuzzed properties: the EMA stays within the readings it has seen, one update
// never moves it further than the exact formula, and a sustained level is approached monotonically.

import {Vm} from "forge-std/Vm.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {MtsosOracleFixture} from "./MtsosOracleFixture.t.sol";
import {AlphaPrecompileEmulator} from "../../../contracts/emulators/AlphaPrecompileEmulator.sol";
import {IAlpha} from "../../../contracts/interfaces/IAlpha.sol";
import {IMtsosOracle, IMtsosOracleErrors} from "../../../contracts/interfaces/IMtsosOracle.sol";
import {Bittensor} from "../../../contracts/libraries/Bittensor.sol";
import {Constants} from "../../../contracts/libraries/Constants.sol";

contract MtsosOracleTest is MtsosOracleFixture {
    uint256 internal constant EMA_PUBLISHED = 1.2993e18;
    uint256 internal constant SPIKE_PUBLISHED = 1.7579e18;
    uint256 internal constant AFTER_SPIKE_PUBLISHED = 1.2994e18;

    function _assertState(uint256 ema_, uint256 spot, uint256 time) internal view {
        assertEq(oracle.ema(), ema_, "ema");
        assertEq(oracle.lastSpot(), spot, "lastSpot");
        assertEq(oracle.lastUpdate(), time, "lastUpdate");
    }

    /// @dev (spot - ema) / ema in signed WAD, truncated toward zero.
    function _expectedGap(uint256 spot, uint256 ema_) internal pure returns (int256) {
        return (SafeCast.toInt256(spot) - SafeCast.toInt256(ema_)) * 1e18 / SafeCast.toInt256(ema_);
    }

    // ---------------------------------------------------------------- published numbers

    function test_update_publishedExampleMovesTheEmaBy0_0027() public {
        _setSum(EMA_PUBLISHED);
        oracle.update();
        uint256 ema_ = _updateAfter(3600, SPIKE_PUBLISHED);
        assertApproxEqAbs(ema_ - EMA_PUBLISHED, 0.0027e18, 0.0001e18, "moves by 0.0027 TAO");
        // 0.4586 x 3600 / 608400 = 0.002713609467455621.3..., truncated.
        assertEq(ema_, 1.302013609467455621e18, "to the wei");
        assertEq(oracle.price(), ema_, "price is the EMA");
    }

    function test_update_publishedSeries() public {
        // Blocks 7710300, 7710784, 7710986: 16:18, 18:04 (+6360 s), 18:49 (+2700 s) on 2026-03-09.
        _setSum(EMA_PUBLISHED);
        assertEq(oracle.update(), EMA_PUBLISHED, "first reading initialises");
        assertEq(_updateAfter(6360, SPIKE_PUBLISHED), 1.304072393481248772e18, "the spike moves it 0.0048");
        assertEq(_updateAfter(2700, AFTER_SPIKE_PUBLISHED), 1.304051627287998778e18, "back down: 0.00002");
        _assertState(1.304051627287998778e18, AFTER_SPIKE_PUBLISHED, 1_773_087_480 + 6360 + 2700);
    }

    // ---------------------------------------------------------------- first update

    function test_update_firstUpdateInitialisesTheEmaToSpot() public {
        _setSum(1.5e18);
        vm.expectEmit(address(oracle));
        emit IMtsosOracle.EmaInitialized(1.5e18);
        assertEq(oracle.update(), 1.5e18);
        _assertState(1.5e18, 1.5e18, block.timestamp);
        assertEq(oracle.gap(), 0);
    }

    function test_update_anyoneMayCall() public {
        _setSum(1.5e18);
        vm.prank(makeAddr("keeper"));
        assertEq(oracle.update(), 1.5e18);
    }

    function test_update_emitsTheMove() public {
        _setSum(EMA_PUBLISHED);
        oracle.update();
        vm.warp(block.timestamp + 3600);
        _setSum(SPIKE_PUBLISHED);
        vm.expectEmit(address(oracle));
        emit IMtsosOracle.EmaUpdated(SPIKE_PUBLISHED, EMA_PUBLISHED, 1.302013609467455621e18, 3600);
        oracle.update();
        _assertState(1.302013609467455621e18, SPIKE_PUBLISHED, block.timestamp);
    }

    function test_update_storesOneSlot() public {
        _setSum(1.5e18);
        oracle.update();
        bytes32 word = vm.load(address(oracle), bytes32(0));
        uint256 packed = uint256(word);
        assertEq(packed & type(uint96).max, 1.5e18, "ema in the low 96 bits");
        assertEq((packed >> 96) & type(uint96).max, 1.5e18, "lastSpot next");
        assertEq(packed >> 192, block.timestamp, "lastUpdate in the high 64 bits");
        assertEq(vm.load(address(oracle), bytes32(uint256(1))), bytes32(0), "nothing beyond slot 0");
    }

    // ---------------------------------------------------------------- same second

    function test_update_sameSecondChangesNothing() public {
        _setSum(EMA_PUBLISHED);
        oracle.update();
        _setSum(SPIKE_PUBLISHED); // the spot moves within the same second
        vm.recordLogs();
        assertEq(oracle.update(), EMA_PUBLISHED);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        assertEq(logs.length, 0, "no event");
        _assertState(EMA_PUBLISHED, EMA_PUBLISHED, block.timestamp);
        (uint256 preview, uint256 spot) = oracle.previewUpdate();
        assertEq(preview, EMA_PUBLISHED, "preview: unchanged");
        assertEq(spot, EMA_PUBLISHED, "preview: the stored spot");
    }

    function test_update_sameSecondDoesNotReadThePrecompile() public {
        _setSum(EMA_PUBLISHED);
        oracle.update();
        alpha.setDisabled(true);
        assertEq(oracle.update(), EMA_PUBLISHED);
    }

    function test_update_clockGoingBackChangesNothing() public {
        _setSum(EMA_PUBLISHED);
        oracle.update();
        uint256 time = block.timestamp;
        vm.warp(time - 100);
        _setSum(SPIKE_PUBLISHED);
        assertEq(oracle.update(), EMA_PUBLISHED);
        _assertState(EMA_PUBLISHED, EMA_PUBLISHED, time);
    }

    function test_update_aLaterSecondMovesIt() public {
        _setSum(EMA_PUBLISHED);
        oracle.update();
        // One second of 1.7579 against a week: 0.4586 / 604801.
        assertEq(_updateAfter(1, SPIKE_PUBLISHED), EMA_PUBLISHED + uint256(0.4586e18) / 604801);
    }

    // ---------------------------------------------------------------- zero and unavailable readings

    function test_RevertWhen_firstSumAlphaPriceIsZero() public {
        _setSum(0);
        vm.expectRevert(IMtsosOracleErrors.SumAlphaPriceZero.selector);
        oracle.update();
        vm.expectRevert(IMtsosOracleErrors.SumAlphaPriceZero.selector);
        oracle.previewUpdate();
        _assertState(0, 0, 0);
    }

    function test_RevertWhen_sumAlphaPriceIsZero() public {
        _setSum(EMA_PUBLISHED);
        oracle.update();
        uint256 time = block.timestamp;
        vm.warp(time + 3600);
        _setSum(0);
        vm.expectRevert(IMtsosOracleErrors.SumAlphaPriceZero.selector);
        oracle.update();
        _assertState(EMA_PUBLISHED, EMA_PUBLISHED, time);
    }

    function test_update_aZeroReadingDoesNotRestartTheClock() public {
        _setSum(EMA_PUBLISHED);
        oracle.update();
        vm.warp(block.timestamp + 1800);
        _setSum(0);
        vm.expectRevert(IMtsosOracleErrors.SumAlphaPriceZero.selector);
        oracle.update();
        // The next good reading stands for the whole hour since the last good one.
        assertEq(_updateAfter(1800, SPIKE_PUBLISHED), 1.302013609467455621e18);
    }

    function test_RevertWhen_precompileIsSwitchedOff() public {
        _setSum(EMA_PUBLISHED);
        oracle.update();
        vm.warp(block.timestamp + 12);
        alpha.setDisabled(true);
        bytes memory err = abi.encodeWithSelector(
            IMtsosOracleErrors.SumAlphaPriceUnavailable.selector,
            abi.encodeWithSelector(AlphaPrecompileEmulator.PrecompileDisabled.selector)
        );
        vm.expectRevert(err);
        oracle.update();
        vm.expectRevert(err);
        oracle.previewUpdate();
        assertEq(oracle.price(), EMA_PUBLISHED, "the last EMA still prices");
    }

    function test_RevertWhen_noPrecompileAtAll() public {
        vm.etch(Bittensor.ALPHA_PRECOMPILE, "");
        vm.expectRevert(abi.encodeWithSelector(IMtsosOracleErrors.SumAlphaPriceUnavailable.selector, ""));
        oracle.update();
    }

    function test_RevertWhen_sumAlphaPriceIsOutOfRange() public {
        uint256 tooLarge = uint256(type(uint96).max) + 1;
        vm.mockCall(Bittensor.ALPHA_PRECOMPILE, abi.encodeCall(IAlpha.getSumAlphaPrice, ()), abi.encode(tooLarge));
        vm.expectRevert(abi.encodeWithSelector(IMtsosOracleErrors.SumAlphaPriceOutOfRange.selector, tooLarge));
        oracle.update();
    }

    function test_update_acceptsTheLargestStoredSpot() public {
        uint256 largest = type(uint96).max;
        vm.mockCall(Bittensor.ALPHA_PRECOMPILE, abi.encodeCall(IAlpha.getSumAlphaPrice, ()), abi.encode(largest));
        assertEq(oracle.update(), largest);
        vm.warp(block.timestamp + 365 days);
        assertEq(oracle.update(), largest, "a sustained level is kept exactly");
    }

    // ---------------------------------------------------------------- views

    function test_RevertWhen_priceBeforeTheFirstUpdate() public {
        vm.expectRevert(IMtsosOracleErrors.MtsosOracleNotInitialized.selector);
        oracle.price();
        vm.expectRevert(IMtsosOracleErrors.MtsosOracleNotInitialized.selector);
        oracle.gap();
        _assertState(0, 0, 0);
    }

    function test_period_isSevenDays() public view {
        assertEq(oracle.period(), PERIOD);
        assertEq(oracle.period(), Constants.MTSOS_EMA_PERIOD);
    }

    function test_gap_isSignedWadOfTheLastSpotAgainstTheEma() public {
        _setSum(EMA_PUBLISHED);
        oracle.update();
        _updateAfter(3600, SPIKE_PUBLISHED);
        uint256 ema_ = oracle.ema();
        assertEq(oracle.gap(), _expectedGap(SPIKE_PUBLISHED, ema_));
        assertApproxEqAbs(oracle.gap(), 0.3501e18, 0.0001e18, "1.7579 stands ~35% above 1.3020");
        _updateAfter(3600, 1.2e18);
        assertLt(oracle.gap(), 0, "below the EMA: negative");
        ema_ = oracle.ema();
        assertEq(oracle.gap(), _expectedGap(1.2e18, ema_));
    }

    function test_previewUpdate_answersWhatUpdateStores() public {
        _setSum(EMA_PUBLISHED);
        (uint256 preview, uint256 spot) = oracle.previewUpdate();
        assertEq(preview, EMA_PUBLISHED, "before the first update: the spot");
        assertEq(spot, EMA_PUBLISHED);
        oracle.update();
        vm.warp(block.timestamp + 3600);
        _setSum(SPIKE_PUBLISHED);
        (preview, spot) = oracle.previewUpdate();
        assertEq(spot, SPIKE_PUBLISHED);
        assertEq(oracle.update(), preview);
    }

    // ---------------------------------------------------------------- fuzz

    /// @dev A series of up to 12 readings at fuzzed intervals (same second included): the EMA stays between the
    ///      smallest and largest reading it has taken.
    function testFuzz_update_staysBetweenTheSmallestAndLargestReading(uint256[12] memory spots, uint32[12] memory gaps)
        public
    {
        uint256 lo = type(uint256).max;
        uint256 hi;
        for (uint256 i; i < spots.length; ++i) {
            uint256 spot = _boundSpot(spots[i]);
            uint256 elapsed = i == 0 ? 0 : bound(gaps[i], 0, 60 days);
            bool counts = i == 0 || elapsed > 0; // a same-second reading is not taken
            uint256 ema_ = _updateAfter(elapsed, spot);
            if (counts) {
                if (spot < lo) lo = spot;
                if (spot > hi) hi = spot;
            }
            assertGe(ema_, lo, "above the smallest reading");
            assertLe(ema_, hi, "below the largest reading");
        }
    }

    /// @dev One update moves the EMA toward the spot by at most `(spot - ema) * elapsed / (elapsed + 604800)`, and
    ///      by that amount truncated: less than 1 wei short of it.
    function testFuzz_update_neverMovesMoreThanTheFormula(uint256 first, uint256 second, uint256 elapsed) public {
        uint256 prev = _boundSpot(first);
        uint256 spot = _boundSpot(second);
        elapsed = bound(elapsed, 1, 10 * 365 days);
        _setSum(prev);
        oracle.update();
        uint256 next = _updateAfter(elapsed, spot);
        uint256 distance = spot > prev ? spot - prev : prev - spot;
        uint256 move = next > prev ? next - prev : prev - next;
        assertTrue(spot >= prev ? next >= prev : next <= prev, "moves toward the spot");
        // move <= distance * elapsed / (elapsed + PERIOD), exactly, in integers:
        assertLe(move * (elapsed + PERIOD), distance * elapsed, "no further than the formula");
        assertGt((move + 1) * (elapsed + PERIOD), distance * elapsed, "short of it by less than 1 wei");
    }

    /// @dev Holding one level: each update brings the EMA closer (never past it), whatever the intervals.
    function testFuzz_update_approachesASustainedLevelMonotonically(
        uint256 start,
        uint256 level,
        uint32[16] memory gaps
    ) public {
        uint256 from = _boundSpot(start);
        uint256 target = _boundSpot(level);
        _setSum(from);
        uint256 prev = oracle.update();
        for (uint256 i; i < gaps.length; ++i) {
            uint256 ema_ = _updateAfter(bound(gaps[i], 1, 30 days), target);
            if (target >= from) {
                assertGe(ema_, prev, "rising toward the level");
                assertLe(ema_, target, "never past it");
            } else {
                assertLe(ema_, prev, "falling toward the level");
                assertGe(ema_, target, "never past it");
            }
            prev = ema_;
        }
    }

    /// @dev The same second never changes anything, whatever the spot does.
    function testFuzz_update_sameSecondChangesNothing(uint256 first, uint256 second) public {
        _setSum(_boundSpot(first));
        uint256 ema_ = oracle.update();
        uint256 spot = oracle.lastSpot();
        assertEq(_updateAfter(0, _boundSpot(second)), ema_);
        _assertState(ema_, spot, block.timestamp);
    }
}
