// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IAlpha} from "../interfaces/IAlpha.sol";
import {IMtsosOracle} from "../interfaces/IMtsosOracle.sol";
import {IIndexOracle} from "../interfaces/IOracleModule.sol";
import {Bittensor} from "../libraries/Bittensor.sol";
import {Constants} from "../libraries/Constants.sol";
import {TimeWeightedEma} from "./TimeWeightedEma.sol";

/// @title The MTSOS index oracle: a 7-day time-weighted EMA of the Alpha precompile's `getSumAlphaPrice()`.
/// @notice The protocol reads it through `IIndexOracle` (see `IMtsosOracle`). Its one governance parameter, the cap on
///         the seconds an update weighs a reading by, is its owner's (the TimelockController under governance).
contract MtsosOracle is IMtsosOracle, Ownable2Step {
    /// @dev The Alpha precompile (an emulator on local chains).
    IAlpha internal constant ALPHA = IAlpha(Bittensor.ALPHA_PRECOMPILE);

    /// @dev The EMA period, in seconds (7 days).
    uint256 internal constant PERIOD = Constants.MTSOS_EMA_PERIOD;

    /// @dev Largest reading the oracle accepts, TAO x 1e18 (~7.9e10 TAO): the width of the stored prices.
    uint256 internal constant MAX_SPOT = type(uint96).max;

    /// @dev The whole state, one slot. The EMA stays between the smallest and largest reading, so it fits the
    ///      readings' width; it is nonzero from the deploying transaction on.
    struct State {
        uint96 ema; // TAO x 1e18
        uint96 lastSpot; // TAO x 1e18: the reading the next update weighs
        uint40 lastUpdate; // block timestamp of the last successful update, seconds
        uint24 maxElapsed; // seconds (gov): at most 1 day
    }

    State internal _state;

    /// @notice Initialises the EMA to the current reading, in the deploying transaction (a market can never trade at
    ///         an uninitialised index), with the genesis elapsed cap (1 hour).
    /// @param initialOwner The owner: the deployer during setup, then the TimelockController (two-step).
    constructor(address initialOwner) Ownable(initialOwner) {
        uint256 spot = _readSpot();
        // Below 2^96 (`_readSpot`), a timestamp below 2^40 and the genesis cap below 2^24.
        // forge-lint: disable-next-line(unsafe-typecast)
        _state = State({
            ema: uint96(spot),
            lastSpot: uint96(spot),
            lastUpdate: uint40(block.timestamp),
            maxElapsed: uint24(Constants.GENESIS_MTSOS_MAX_ELAPSED)
        });
        emit EmaInitialized(spot);
        emit MaxElapsedSet(Constants.GENESIS_MTSOS_MAX_ELAPSED);
    }

    /// @inheritdoc IMtsosOracle
    function period() external pure returns (uint256) {
        return PERIOD;
    }

    /// @inheritdoc IMtsosOracle
    function update() external returns (uint256) {
        return _update(_readSpot());
    }

    /// @inheritdoc IIndexOracle
    function refresh() external returns (uint256, uint256, uint256) {
        (bool ok, uint256 spot) = _tryReadSpot();
        if (ok) _update(spot);
        State memory state = _state;
        return (state.ema, state.lastSpot, state.lastUpdate);
    }

    /// @inheritdoc IIndexOracle
    function previewRefresh() external view returns (uint256, uint256, uint256) {
        State memory state = _state;
        (bool ok, uint256 spot) = _tryReadSpot();
        if (!ok) return (state.ema, state.lastSpot, state.lastUpdate);
        (uint256 ema_, uint256 held) = _next(state, spot);
        return (ema_, held, block.timestamp);
    }

    /// @inheritdoc IMtsosOracle
    function previewUpdate() external view returns (uint256, uint256) {
        State memory state = _state;
        (uint256 ema_, uint256 held) = _next(state, _readSpot());
        return (ema_, held);
    }

    /// @inheritdoc IMtsosOracle
    function setMaxElapsed(uint256 maxElapsed_) external onlyOwner {
        if (maxElapsed_ < Constants.MIN_MTSOS_MAX_ELAPSED || maxElapsed_ > Constants.MAX_MTSOS_MAX_ELAPSED) {
            revert MaxElapsedOutOfBounds(maxElapsed_, Constants.MIN_MTSOS_MAX_ELAPSED, Constants.MAX_MTSOS_MAX_ELAPSED);
        }
        // At most 1 day, checked above.
        // forge-lint: disable-next-line(unsafe-typecast)
        _state.maxElapsed = uint24(maxElapsed_);
        emit MaxElapsedSet(maxElapsed_);
    }

    /// @inheritdoc IMtsosOracle
    function maxElapsed() external view returns (uint256) {
        return _state.maxElapsed;
    }

    /// @inheritdoc IIndexOracle
    function price() external view returns (uint256) {
        return _state.ema;
    }

    /// @inheritdoc IMtsosOracle
    function ema() external view returns (uint256) {
        return _state.ema;
    }

    /// @inheritdoc IMtsosOracle
    function lastSpot() external view returns (uint256) {
        return _state.lastSpot;
    }

    /// @inheritdoc IMtsosOracle
    function lastUpdate() external view returns (uint256) {
        return _state.lastUpdate;
    }

    /// @inheritdoc IMtsosOracle
    function gap() external view returns (int256) {
        State memory state = _state;
        // Both below 2^96: the casts are exact and the product fits easily.
        int256 current = int256(uint256(state.ema));
        return (int256(uint256(state.lastSpot)) - current) * int256(Constants.WAD) / current;
    }

    // ---------------------------------------------------------------- internals

    /// @dev Folds the weighed reading into the EMA (once per second) and holds `spot` for the next update.
    function _update(uint256 spot) private returns (uint256) {
        State memory state = _state;
        (uint256 newEma, uint256 held) = _next(state, spot);
        // A clock that went back (test chains) changes the held reading at most, never the time.
        uint256 time = block.timestamp > state.lastUpdate ? block.timestamp : state.lastUpdate;
        if (time != state.lastUpdate) {
            emit EmaUpdated(_weighed(state, spot), state.ema, newEma, time - state.lastUpdate);
        }
        // Below 2^96 (the EMA lies between readings, `_readSpot` bounds them); a timestamp below 2^40.
        // forge-lint: disable-next-line(unsafe-typecast)
        (_state.ema, _state.lastSpot, _state.lastUpdate) = (uint96(newEma), uint96(held), uint40(time));
        return newEma;
    }

    /// @dev The EMA after an update reading `spot` now, and the reading it holds for the next one. The weighted
    ///      reading is, of the one held since the last update and `spot`, the one nearer the EMA (who calls cannot
    ///      give its own reading a weight the held one does not confirm), weighed by the seconds since, capped at
    ///      `maxElapsed`. Updates in the same second (or a clock
    ///      gone back) leave the EMA and hold, of the two readings, the one nearer the EMA: a reading set and undone
    ///      within one block enters only if nothing else updated in that second.
    function _next(State memory state, uint256 spot) private view returns (uint256 newEma, uint256 held) {
        newEma = state.ema;
        if (block.timestamp <= state.lastUpdate) {
            uint256 heldGap = _distance(state.lastSpot, newEma);
            return (newEma, _distance(spot, newEma) < heldGap ? spot : state.lastSpot);
        }
        uint256 elapsed = block.timestamp - state.lastUpdate;
        if (elapsed > state.maxElapsed) elapsed = state.maxElapsed;
        return (TimeWeightedEma.next(newEma, _weighed(state, spot), elapsed, PERIOD), spot);
    }

    /// @dev What held since the last update is known at its two ends only: the held reading and the reading now. The
    ///      one nearer the EMA is weighed (the held one on a tie), so a spike read once and undone before the next
    ///      update counts for nothing unless it is read again at the next update too.
    function _weighed(State memory state, uint256 spot) private pure returns (uint256) {
        return _distance(spot, state.ema) < _distance(state.lastSpot, state.ema) ? spot : state.lastSpot;
    }

    function _distance(uint256 a, uint256 b) private pure returns (uint256) {
        return a > b ? a - b : b - a;
    }

    /// @dev `getSumAlphaPrice()`, checked: a revert or a short answer (switched off, or no code at 0x...0808) is
    ///      `SumAlphaPriceUnavailable`, zero is `SumAlphaPriceZero`, more than 96 bits `SumAlphaPriceOutOfRange`.
    function _readSpot() private view returns (uint256 spot) {
        (bool ok, bytes memory data) = address(ALPHA).staticcall(abi.encodeCall(IAlpha.getSumAlphaPrice, ()));
        if (!ok || data.length < 32) revert SumAlphaPriceUnavailable(data);
        spot = abi.decode(data, (uint256));
        if (spot == 0) revert SumAlphaPriceZero();
        if (spot > MAX_SPOT) revert SumAlphaPriceOutOfRange(spot);
    }

    /// @dev `_readSpot` without reverting: `ok` false where it would revert.
    function _tryReadSpot() private view returns (bool ok, uint256 spot) {
        (bool success, bytes memory data) = address(ALPHA).staticcall(abi.encodeCall(IAlpha.getSumAlphaPrice, ()));
        if (!success || data.length < 32) return (false, 0);
        spot = abi.decode(data, (uint256));
        ok = spot != 0 && spot <= MAX_SPOT;
    }
}
