// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAlpha} from "../interfaces/IAlpha.sol";
import {IMtsosOracle} from "../interfaces/IMtsosOracle.sol";
import {Bittensor} from "../libraries/Bittensor.sol";
import {Constants} from "../libraries/Constants.sol";
import {TimeWeightedEma} from "./TimeWeightedEma.sol";

/// @title The MTSOS index oracle: a 7-day time-weighted EMA of the Alpha precompile's `getSumAlphaPrice()`.
/// @notice Standalone and ownerless; the protocol reads it through `IIndexOracle.price()` (see `IMtsosOracle`).
contract MtsosOracle is IMtsosOracle {
    /// @dev The Alpha precompile (an emulator on local chains).
    IAlpha internal constant ALPHA = IAlpha(Bittensor.ALPHA_PRECOMPILE);

    /// @dev The EMA period, in seconds (7 days).
    uint256 internal constant PERIOD = Constants.MTSOS_EMA_PERIOD;

    /// @dev Largest reading the oracle accepts, TAO x 1e18 (~7.9e10 TAO): the width of the stored prices.
    uint256 internal constant MAX_SPOT = type(uint96).max;

    /// @dev The whole state, one slot. The EMA stays between the smallest and largest reading, so it fits the
    ///      readings' width; `ema == 0` means "never updated" (a nonzero reading never rounds the EMA to 0).
    struct State {
        uint96 ema; // TAO x 1e18
        uint96 lastSpot; // TAO x 1e18
        uint64 lastUpdate; // block timestamp, seconds
    }

    State internal _state;

    /// @inheritdoc IMtsosOracle
    function period() external pure returns (uint256) {
        return PERIOD;
    }

    /// @inheritdoc IMtsosOracle
    function update() external returns (uint256) {
        State memory state = _state;
        // Time is the oracle's input: a block producer's few seconds of timestamp leeway weigh a reading by a few
        // seconds out of 604800 (see `IMtsosOracle`). `<=` makes a test chain's clock going back a no-op as well.
        // forge-lint: disable-next-line(block-timestamp)
        if (state.ema != 0 && block.timestamp <= state.lastUpdate) return state.ema;
        uint256 spot = _readSpot();
        uint256 newEma;
        if (state.ema == 0) {
            newEma = spot;
            _store(newEma, spot);
            emit EmaInitialized(spot);
        } else {
            uint256 elapsed = block.timestamp - state.lastUpdate;
            newEma = TimeWeightedEma.next(state.ema, spot, elapsed, PERIOD);
            _store(newEma, spot);
            emit EmaUpdated(spot, state.ema, newEma, elapsed);
        }
        return newEma;
    }

    /// @inheritdoc IMtsosOracle
    function previewUpdate() external view returns (uint256, uint256) {
        State memory state = _state;
        // forge-lint: disable-next-line(block-timestamp)
        if (state.ema != 0 && block.timestamp <= state.lastUpdate) return (state.ema, state.lastSpot);
        uint256 spot = _readSpot();
        if (state.ema == 0) return (spot, spot);
        return (TimeWeightedEma.next(state.ema, spot, block.timestamp - state.lastUpdate, PERIOD), spot);
    }

    /// @inheritdoc IMtsosOracle
    function price() external view returns (uint256) {
        uint256 current = _state.ema;
        if (current == 0) revert MtsosOracleNotInitialized();
        return current;
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
        if (state.ema == 0) revert MtsosOracleNotInitialized();
        // Both below 2^96: the casts are exact and the product fits easily.
        int256 current = int256(uint256(state.ema));
        return (int256(uint256(state.lastSpot)) - current) * int256(Constants.WAD) / current;
    }

    /// @dev Both below 2^96 (`_readSpot` bounds the spot, the EMA lies between readings) and a block timestamp
    ///      below 2^64 for the next 584 billion years, so the narrowing casts are exact.
    function _store(uint256 newEma, uint256 spot) private {
        // forge-lint: disable-next-line(unsafe-typecast)
        _state = State({ema: uint96(newEma), lastSpot: uint96(spot), lastUpdate: uint64(block.timestamp)});
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
}
