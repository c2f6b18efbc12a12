// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IIndexOracle} from "./IOracleModule.sol";

/// @title Errors of the MTSOS index oracle.
interface IMtsosOracleErrors {
    /// @notice The Alpha precompile's `getSumAlphaPrice()` reverted or answered fewer than 32 bytes (switched off by
    ///         the chain's administrators, or no precompile at 0x...0808). `reason` is its revert data, if any.
    error SumAlphaPriceUnavailable(bytes reason);

    /// @notice `getSumAlphaPrice()` answered zero; a zero reading never enters the EMA.
    error SumAlphaPriceZero();

    /// @notice `getSumAlphaPrice()` answered more than the oracle stores (`type(uint96).max`, ~7.9e10 TAO); the real
    ///         sum is below 65536 TAO (at most one TAO per subnet), so such an answer is not a price.
    error SumAlphaPriceOutOfRange(uint256 spot);

    /// @notice The elapsed cap `value` (seconds) outside [min, max].
    error MaxElapsedOutOfBounds(uint256 value, uint256 min, uint256 max);
}

/// @title The MTSOS index oracle: a 7-day time-weighted EMA of the sum of alpha prices (docs/protocol.md section 4).
/// @notice Input: the Alpha precompile's `getSumAlphaPrice()` (TAO x 1e18). The EMA is initialised to the reading in
///         the deploying transaction. Each update, `elapsed` seconds after the previous one, weighs what held since
///         then, known at its two ends (the reading the previous update held and its own): the one of them nearer the
///         EMA (who calls cannot give its reading a weight the held one does not confirm), by `min(elapsed,
///         maxElapsed)`: `ema = (weighed * elapsed + ema * 604800) / (elapsed + 604800)`, then holds its own reading
///         for the next one.
///         Updates in the same second leave the EMA and hold the reading nearer to it. The result is rounded toward
///         the previous EMA, so one update never moves it further than the exact formula, and it always stays between
///         the smallest and largest reading it has taken. A zero, out-of-range or unavailable reading never enters:
///         `update()` reverts on it, `refresh()` (what the protocol calls before every MTSOS trade) leaves the state
///         as it is, so the last successful update's time tells the protocol how old the price is.
/// @dev Owned (Ownable2Step) by the TimelockController under governance, for `setMaxElapsed` only.
interface IMtsosOracle is IIndexOracle, IMtsosOracleErrors {
    /// @notice The EMA was initialised to the spot `spot` (TAO x 1e18).
    event EmaInitialized(uint256 spot);

    /// @notice An update weighed the reading `spot` (of the held reading and the reading now, the one nearer the EMA)
    ///         for `elapsed` seconds (before the cap), and moved the EMA from `previousEma` to `ema` (TAO x 1e18; equal
    ///         when the move rounds to zero).
    event EmaUpdated(uint256 spot, uint256 previousEma, uint256 ema, uint256 elapsed);

    /// @notice The elapsed cap is now `maxElapsed` seconds.
    event MaxElapsedSet(uint256 maxElapsed);

    /// @notice The EMA period, in seconds: 604800 (7 days, `Constants.MTSOS_EMA_PERIOD`).
    function period() external pure returns (uint256);

    /// @notice Reads `getSumAlphaPrice()` and updates the EMA. Anyone may call it (keepers).
    /// @dev Reverts `SumAlphaPriceUnavailable` (precompile off), `SumAlphaPriceZero`, `SumAlphaPriceOutOfRange`.
    ///      Keepers: nodes estimate gas against the latest block; send with a margin.
    /// @return ema The EMA after the update (TAO x 1e18).
    function update() external returns (uint256 ema);

    /// @notice The EMA that `update()` would store now, and the reading it would hold (same reverts).
    function previewUpdate() external view returns (uint256 ema, uint256 heldSpot);

    /// @notice Sets the cap on the seconds one update weighs the held reading by: 1 minute..1 day. Owner only.
    function setMaxElapsed(uint256 maxElapsed) external;

    /// @notice The cap on the seconds one update weighs the held reading by (genesis 1 hour).
    function maxElapsed() external view returns (uint256);

    /// @notice The index price: the EMA (TAO x 1e18), nonzero from deployment on.
    function price() external view returns (uint256);

    /// @notice The stored EMA (TAO x 1e18).
    function ema() external view returns (uint256);

    /// @notice The reading held for the next update (TAO x 1e18).
    function lastSpot() external view returns (uint256);

    /// @notice The block timestamp of the last successful update (seconds).
    function lastUpdate() external view returns (uint256);

    /// @notice `(lastSpot - ema) / ema`, signed WAD (1e18 = +100%), truncated toward zero: how far the held reading
    ///         stands from the EMA.
    function gap() external view returns (int256);
}
