// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Pins the MTSOS index oracle (docs/protocol.md section 4): the published example (EMA 1.2993, a 1.7579 reading held
// for 3600 s moves it by 0.0027 TAO), the published readings, initialisation in the deploying transaction, the held
// reading (an update weighs the reading of the previous update, never its own), the elapsed cap, same-second updates
// (they hold the reading nearer the EMA), zero and unavailable readings, `refresh` that never reverts, the owner's
// cap, the views, and fuzzed properties: the EMA stays within the readings it has weighed, one update never moves it
// further than the exact formula, and a sustained level is approached monotonically.

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {MtsosOracleFixture} from "./MtsosOracleFixture.t.sol";
import {AlphaPrecompileEmulator} from "../../../contracts/emulators/AlphaPrecompileEmulator.sol";
import {IAlpha} from "../../../contracts/interfaces/IAlpha.sol";
import {IMtsosOracle, IMtsosOracleErrors} from "../../../contracts/interfaces/IMtsosOracle.sol";
import {Bittensor} from "../../../contracts/libraries/Bittensor.sol";
import {Constants} from "../../../contracts/libraries/Constants.sol";
import {MtsosOracle} from "../../../contracts/oracles/MtsosOracle.sol";
import {Built} from "../utils/Built.sol";

contract MtsosOracleTest is MtsosOracleFixture {
    uint256 internal constant EMA_PUBLISHED = 1.2993e18;
    uint256 internal constant SPIKE_PUBLISHED = 1.7579e18;
    uint256 internal constant AFTER_SPIKE_PUBLISHED = 1.2994e18;
    /// @dev 1.2993 + 0.4586 x 3600 / 608400, truncated: the published example.
    uint256 internal constant AFTER_ONE_HOUR = 1.302013609467455621e18;
    uint256 internal constant HOUR = 3600;

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
        _deploy(EMA_PUBLISHED);
        _updateAfter(1, SPIKE_PUBLISHED); // 1.7579 read: held from now on
        uint256 ema_ = _updateAfter(HOUR, SPIKE_PUBLISHED); // ... for one hour
        // One second of the old reading (1.2993 itself) moved nothing.
        assertApproxEqAbs(ema_ - EMA_PUBLISHED, 0.0027e18, 0.0001e18, "moves by 0.0027 TAO");
        assertEq(ema_, AFTER_ONE_HOUR, "to the wei");
        assertEq(oracle.price(), ema_, "price is the EMA");
    }

    function test_update_publishedSeries() public {
        // Blocks 7710300, 7710784, 7710986: 16:18, 18:04 (+6360 s), 18:49 (+2700 s) on 2026-03-09.
        _deploy(EMA_PUBLISHED);
        assertEq(oracle.price(), EMA_PUBLISHED, "the deploying transaction initialises");
        // 18:04: the 1.2993 held since 16:18 weighs nothing new; 1.7579 is held from now.
        assertEq(_updateAfter(6360, SPIKE_PUBLISHED), EMA_PUBLISHED, "the spike weighs only from its reading on");
        // 18:49 reads 1.2994: the spike did not hold to it, and 1.2994, nearer the EMA, weighs for the 2700 s.
        assertEq(_updateAfter(2700, AFTER_SPIKE_PUBLISHED), 1.299300444444444444e18, "1.2994's 2700 s");
        _assertState(1.299300444444444444e18, AFTER_SPIKE_PUBLISHED, 1_773_087_480 + 6360 + 2700);
    }

    // ---------------------------------------------------------------- deployment

    function test_constructor_initialisesTheEmaToSpot() public {
        _setSum(1.5e18);
        vm.expectEmit();
        emit IMtsosOracle.EmaInitialized(1.5e18);
        MtsosOracle o = MtsosOracle(Built.deploy("MtsosOracle", abi.encode(address(this))));
        assertEq(o.ema(), 1.5e18);
        assertEq(o.lastSpot(), 1.5e18);
        assertEq(o.lastUpdate(), block.timestamp);
        assertEq(o.gap(), 0);
        assertEq(o.maxElapsed(), 1 hours, "genesis cap");
        assertEq(o.owner(), address(this));
    }

    function test_RevertWhen_deployedWithoutAReading() public {
        _setSum(0);
        vm.expectRevert(IMtsosOracleErrors.SumAlphaPriceZero.selector);
        Built.deploy("MtsosOracle", abi.encode(address(this)));
    }

    function test_update_anyoneMayCall() public {
        _deploy(1.5e18);
        vm.warp(block.timestamp + 12);
        vm.prank(makeAddr("keeper"));
        assertEq(oracle.update(), 1.5e18);
    }

    function test_update_emitsTheMoveOfTheHeldReading() public {
        _deploy(EMA_PUBLISHED);
        _updateAfter(1, SPIKE_PUBLISHED);
        vm.warp(block.timestamp + HOUR);
        _setSum(1.8e18); // the spike held, and more: the held 1.7579, nearer the EMA, is weighed
        vm.expectEmit(address(oracle));
        emit IMtsosOracle.EmaUpdated(SPIKE_PUBLISHED, EMA_PUBLISHED, AFTER_ONE_HOUR, HOUR);
        oracle.update();
        _assertState(AFTER_ONE_HOUR, 1.8e18, block.timestamp);
    }

    /// docs/protocol.md section 4: what held over the gap is known at its two ends; a spike read once and gone by the
    /// next update counts for nothing, however long the gap (tests/test_attacks_prices.py attacks it on the devnet).
    function test_update_aSpikeGoneByTheNextUpdateWeighsNothing() public {
        _deploy(EMA_PUBLISHED);
        _updateAfter(1, MAX_SUM); // the largest sum, for one reading
        vm.warp(block.timestamp + HOUR);
        _setSum(EMA_PUBLISHED); // restored
        vm.expectEmit(address(oracle));
        emit IMtsosOracle.EmaUpdated(EMA_PUBLISHED, EMA_PUBLISHED, EMA_PUBLISHED, HOUR);
        assertEq(oracle.update(), EMA_PUBLISHED);
        // The caller's own reading weighs only when nearer the EMA than the held one: never further.
        _updateAfter(1, 3e18);
        assertEq(_updateAfter(HOUR, 1.5e18), EMA_PUBLISHED + (1.5e18 - EMA_PUBLISHED) * HOUR / (HOUR + 604800));
    }

    function test_update_storesOneSlot() public {
        _deploy(1.5e18);
        // Slots 0 and 1 are Ownable2Step's owner and pending owner.
        bytes32 word = vm.load(address(oracle), bytes32(uint256(2)));
        uint256 packed = uint256(word);
        assertEq(packed & type(uint96).max, 1.5e18, "ema in the low 96 bits");
        assertEq((packed >> 96) & type(uint96).max, 1.5e18, "lastSpot next");
        assertEq((packed >> 192) & type(uint40).max, block.timestamp, "lastUpdate");
        assertEq(packed >> 232, 1 hours, "the elapsed cap in the top 24 bits");
    }

    // ---------------------------------------------------------------- who chooses the weight

    /// The reading an update takes is held for the next one: a spike read by the attacker's update weighs only the
    /// time until the next update, never the time before it (which the old formula gave it).
    function test_update_ownReadingWeighsNothingNow() public {
        _deploy(EMA_PUBLISHED);
        // A day without updates, then the attacker's update with a spike.
        assertEq(_updateAfter(1 days, 5e18), EMA_PUBLISHED);
        assertEq(oracle.lastSpot(), 5e18, "held for the next update");
    }

    /// Elapsed is capped: a reading held through a day weighs one hour.
    function test_update_elapsedIsCapped() public {
        _deploy(EMA_PUBLISHED);
        _updateAfter(1, SPIKE_PUBLISHED);
        assertEq(_updateAfter(1 days, SPIKE_PUBLISHED), AFTER_ONE_HOUR, "one hour's weight, not a day's");
    }

    function test_setMaxElapsed_ownerOnlyWithinBounds() public {
        _deploy(EMA_PUBLISHED);
        vm.expectEmit(address(oracle));
        emit IMtsosOracle.MaxElapsedSet(2 hours);
        oracle.setMaxElapsed(2 hours);
        assertEq(oracle.maxElapsed(), 2 hours);
        vm.expectRevert(abi.encodeWithSelector(IMtsosOracleErrors.MaxElapsedOutOfBounds.selector, 59, 60, 1 days));
        oracle.setMaxElapsed(59);
        vm.expectRevert(
            abi.encodeWithSelector(IMtsosOracleErrors.MaxElapsedOutOfBounds.selector, 1 days + 1, 60, 1 days)
        );
        oracle.setMaxElapsed(1 days + 1);
        address stranger = makeAddr("stranger");
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, stranger));
        oracle.setMaxElapsed(2 hours);
    }

    // ---------------------------------------------------------------- same second

    function test_update_sameSecondKeepsTheEmaAndHoldsTheNearerReading() public {
        _deploy(EMA_PUBLISHED);
        _setSum(SPIKE_PUBLISHED); // pushed within the deploying second
        assertEq(oracle.update(), EMA_PUBLISHED);
        _assertState(EMA_PUBLISHED, EMA_PUBLISHED, block.timestamp);
        // A later update of the same second nearer the EMA replaces a farther held reading.
        vm.warp(block.timestamp + 12);
        _setSum(SPIKE_PUBLISHED);
        oracle.update();
        assertEq(oracle.lastSpot(), SPIKE_PUBLISHED);
        _setSum(1.3e18);
        oracle.update();
        assertEq(oracle.lastSpot(), 1.3e18, "the attacker's spike was undone by the next reading of its second");
        (uint256 preview, uint256 held) = oracle.previewUpdate();
        assertEq(preview, EMA_PUBLISHED, "preview: unchanged");
        assertEq(held, 1.3e18);
    }

    function test_update_clockGoingBackChangesNothing() public {
        _deploy(EMA_PUBLISHED);
        uint256 time = block.timestamp;
        vm.warp(time - 100);
        _setSum(SPIKE_PUBLISHED);
        assertEq(oracle.update(), EMA_PUBLISHED);
        _assertState(EMA_PUBLISHED, EMA_PUBLISHED, time);
    }

    function test_update_aLaterSecondMovesItByTheHeldReading() public {
        _deploy(EMA_PUBLISHED);
        _updateAfter(1, SPIKE_PUBLISHED);
        // One second of 1.7579 (held to the end) against a week: 0.4586 / 604801.
        assertEq(_updateAfter(1, SPIKE_PUBLISHED), EMA_PUBLISHED + uint256(0.4586e18) / 604801);
    }

    // ---------------------------------------------------------------- zero and unavailable readings

    function test_RevertWhen_sumAlphaPriceIsZero() public {
        _deploy(EMA_PUBLISHED);
        uint256 time = block.timestamp;
        vm.warp(time + HOUR);
        _setSum(0);
        vm.expectRevert(IMtsosOracleErrors.SumAlphaPriceZero.selector);
        oracle.update();
        _assertState(EMA_PUBLISHED, EMA_PUBLISHED, time);
    }

    function test_refresh_neverRevertsAndKeepsTheLastSuccessfulUpdate() public {
        _deploy(EMA_PUBLISHED);
        uint256 time = block.timestamp;
        vm.warp(time + HOUR);
        _setSum(0);
        (uint256 price, uint256 held, uint256 updatedAt) = oracle.refresh();
        assertEq(price, EMA_PUBLISHED);
        assertEq(held, EMA_PUBLISHED);
        assertEq(updatedAt, time, "the age of the price shows");
        alpha.setDisabled(true);
        (price,, updatedAt) = oracle.refresh();
        assertEq(price, EMA_PUBLISHED);
        assertEq(updatedAt, time);
        (uint256 previewPrice,, uint256 previewAt) = oracle.previewRefresh();
        assertEq(previewPrice, EMA_PUBLISHED);
        assertEq(previewAt, time);
    }

    function test_refresh_updatesLikeUpdate() public {
        _deploy(EMA_PUBLISHED);
        _updateAfter(1, SPIKE_PUBLISHED);
        vm.warp(block.timestamp + HOUR);
        (uint256 previewPrice, uint256 previewHeld, uint256 previewAt) = oracle.previewRefresh();
        (uint256 price, uint256 held, uint256 updatedAt) = oracle.refresh();
        assertEq(price, AFTER_ONE_HOUR);
        assertEq(held, SPIKE_PUBLISHED);
        assertEq(updatedAt, block.timestamp);
        assertEq(previewPrice, price);
        assertEq(previewHeld, held);
        assertEq(previewAt, updatedAt);
    }

    function test_update_aZeroReadingDoesNotRestartTheClock() public {
        _deploy(EMA_PUBLISHED);
        _updateAfter(1, SPIKE_PUBLISHED);
        vm.warp(block.timestamp + 1800);
        _setSum(0);
        vm.expectRevert(IMtsosOracleErrors.SumAlphaPriceZero.selector);
        oracle.update();
        // The held reading stands for the whole hour since the last good update.
        assertEq(_updateAfter(1800, SPIKE_PUBLISHED), AFTER_ONE_HOUR);
    }

    function test_RevertWhen_precompileIsSwitchedOff() public {
        _deploy(EMA_PUBLISHED);
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
        _deploy(EMA_PUBLISHED);
        vm.etch(Bittensor.ALPHA_PRECOMPILE, "");
        vm.expectRevert(abi.encodeWithSelector(IMtsosOracleErrors.SumAlphaPriceUnavailable.selector, ""));
        oracle.update();
    }

    function test_RevertWhen_sumAlphaPriceIsOutOfRange() public {
        _deploy(EMA_PUBLISHED);
        uint256 tooLarge = uint256(type(uint96).max) + 1;
        vm.mockCall(Bittensor.ALPHA_PRECOMPILE, abi.encodeCall(IAlpha.getSumAlphaPrice, ()), abi.encode(tooLarge));
        vm.expectRevert(abi.encodeWithSelector(IMtsosOracleErrors.SumAlphaPriceOutOfRange.selector, tooLarge));
        oracle.update();
    }

    function test_update_acceptsTheLargestStoredSpot() public {
        uint256 largest = type(uint96).max;
        vm.mockCall(Bittensor.ALPHA_PRECOMPILE, abi.encodeCall(IAlpha.getSumAlphaPrice, ()), abi.encode(largest));
        MtsosOracle o = MtsosOracle(Built.deploy("MtsosOracle", abi.encode(address(this))));
        vm.warp(block.timestamp + 365 days);
        assertEq(o.update(), largest, "a sustained level is kept exactly");
    }

    // ---------------------------------------------------------------- views

    function test_period_isSevenDays() public {
        _deploy(EMA_PUBLISHED);
        assertEq(oracle.period(), PERIOD);
        assertEq(oracle.period(), Constants.MTSOS_EMA_PERIOD);
    }

    function test_gap_isSignedWadOfTheHeldReadingAgainstTheEma() public {
        _deploy(EMA_PUBLISHED);
        _updateAfter(HOUR, SPIKE_PUBLISHED);
        uint256 ema_ = oracle.ema();
        assertEq(oracle.gap(), _expectedGap(SPIKE_PUBLISHED, ema_));
        assertApproxEqAbs(oracle.gap(), 0.3529e18, 0.0001e18, "1.7579 stands ~35% above 1.2993");
        _updateAfter(HOUR, 1.2e18);
        assertLt(oracle.gap(), 0, "below the EMA: negative");
        ema_ = oracle.ema();
        assertEq(oracle.gap(), _expectedGap(1.2e18, ema_));
    }

    function test_previewUpdate_answersWhatUpdateStores() public {
        _deploy(EMA_PUBLISHED);
        _updateAfter(1, SPIKE_PUBLISHED);
        vm.warp(block.timestamp + HOUR);
        _setSum(1.9e18);
        (uint256 preview, uint256 held) = oracle.previewUpdate();
        assertEq(held, 1.9e18, "the reading it would hold");
        assertEq(oracle.update(), preview);
        assertEq(preview, AFTER_ONE_HOUR, "the held 1.7579 weighed, nearer the EMA than 1.9");
    }

    // ---------------------------------------------------------------- fuzz

    /// @dev A series of up to 12 readings at fuzzed intervals (same second included): the EMA stays between the
    ///      smallest and largest reading it has held.
    function testFuzz_update_staysBetweenTheSmallestAndLargestReading(uint256[12] memory spots, uint32[12] memory gaps)
        public
    {
        uint256 first = _boundSpot(spots[0]);
        _deploy(first);
        (uint256 lo, uint256 hi) = (first, first);
        for (uint256 i = 1; i < spots.length; ++i) {
            uint256 spot = _boundSpot(spots[i]);
            uint256 ema_ = _updateAfter(bound(gaps[i], 0, 60 days), spot);
            // Every reading may be held and weighed by a later update.
            if (spot < lo) lo = spot;
            if (spot > hi) hi = spot;
            assertGe(ema_, lo, "above the smallest reading");
            assertLe(ema_, hi, "below the largest reading");
        }
    }

    /// @dev One update moves the EMA toward the held reading by at most `(held - ema) * dt / (dt + 604800)`, dt the
    ///      elapsed time capped at the hour, and by that amount truncated: less than 1 wei short of it.
    function testFuzz_update_neverMovesMoreThanTheFormula(uint256 first, uint256 second, uint256 elapsed) public {
        uint256 prev = _boundSpot(first);
        uint256 spot = _boundSpot(second);
        elapsed = bound(elapsed, 1, 10 * 365 days);
        _deploy(prev);
        _updateAfter(1, spot);
        uint256 start = oracle.ema();
        uint256 next = _updateAfter(elapsed, spot);
        uint256 dt = elapsed < HOUR ? elapsed : HOUR;
        uint256 distance = spot > start ? spot - start : start - spot;
        uint256 move = next > start ? next - start : start - next;
        assertTrue(spot >= start ? next >= start : next <= start, "moves toward the reading");
        assertLe(move * (dt + PERIOD), distance * dt, "no further than the formula");
        assertGt((move + 1) * (dt + PERIOD), distance * dt, "short of it by less than 1 wei");
    }

    /// @dev Holding one level: each update brings the EMA closer (never past it), whatever the intervals.
    function testFuzz_update_approachesASustainedLevelMonotonically(
        uint256 start,
        uint256 level,
        uint32[16] memory gaps
    ) public {
        uint256 from = _boundSpot(start);
        uint256 target = _boundSpot(level);
        _deploy(from);
        uint256 prev = oracle.ema();
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

    /// @dev The same second never moves the EMA, whatever the spot does, and holds the reading nearer to it.
    function testFuzz_update_sameSecondKeepsTheEma(uint256 first, uint256 second) public {
        uint256 a = _boundSpot(first);
        uint256 b = _boundSpot(second);
        _deploy(a);
        uint256 ema_ = oracle.ema();
        assertEq(_updateAfter(0, b), ema_);
        _assertState(ema_, a, block.timestamp);
    }
}
