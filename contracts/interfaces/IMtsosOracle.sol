// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IIndexOracle} from "./IOracleModule.sol";

/// @title Errors of the MTSOS index oracle.
interface IMtsosOracleErrors {
    /// @notice No update has initialised the EMA yet, so there is no price (a market must never trade at 0).
    error MtsosOracleNotInitialized();

    /// @notice The Alpha precompile's `getSumAlphaPrice()` reverted or answered fewer than 32 bytes (switched off by
    ///         the chain's administrators, or no precompile at 0x...0808). `reason` is its revert data, if any.
    error SumAlphaPriceUnavailable(bytes reason);

    /// @notice `getSumAlphaPrice()` answered zero; a zero reading never enters the EMA.
    error SumAlphaPriceZero();

    /// @notice `getSumAlphaPrice()` answered more than the oracle stores (`type(uint96).max`, ~7.9e10 TAO); the real
    ///         sum is below 65536 TAO (at most one TAO per subnet), so such an answer is not a price.
    error SumAlphaPriceOutOfRange(uint256 spot);
}

/// @title The MTSOS index oracle: a 7-day time-weighted EMA of the sum of alpha prices (PROTOCOL.md section 4).
/// @notice Input: the Alpha precompile's `getSumAlphaPrice()` (TAO x 1e18). Anyone may call `update()` (keepers do):
///         the first update sets the EMA to the spot; each later one, `elapsed` seconds after the previous, sets
///         `ema = (spot * elapsed + ema * 604800) / (elapsed + 604800)`. The result is rounded toward the previous
///         EMA (the move is truncated toward zero), so one update never moves the EMA further than the exact formula
///         in either direction, and the EMA always stays between the smallest and the largest reading it has taken.
///         A zero reading reverts and never enters; an update in the same second as the previous one changes
///         nothing (and does not read the precompile). `price()` is the EMA and reverts until the first update.
/// @dev Standalone and ownerless: nothing but `update()` writes its state, one storage slot.
interface IMtsosOracle is IIndexOracle, IMtsosOracleErrors {
    /// @notice The first update set the EMA to the spot `spot` (TAO x 1e18).
    event EmaInitialized(uint256 spot);

    /// @notice An update read `spot`, `elapsed` seconds after the previous update, and moved the EMA from
    ///         `previousEma` to `ema` (TAO x 1e18; equal when the move rounds to zero).
    event EmaUpdated(uint256 spot, uint256 previousEma, uint256 ema, uint256 elapsed);

    /// @notice The EMA period, in seconds: 604800 (7 days, `Constants.MTSOS_EMA_PERIOD`).
    function period() external pure returns (uint256);

    /// @notice Reads `getSumAlphaPrice()` and folds it into the EMA. Anyone may call it.
    /// @dev Reverts `SumAlphaPriceUnavailable` (precompile off), `SumAlphaPriceZero`, `SumAlphaPriceOutOfRange`.
    ///      In the same second as the previous update it returns the EMA unchanged, without reading the precompile.
    ///      Keepers: nodes estimate gas against the latest block, so an estimate taken right after the block of the
    ///      previous update prices that early return and is too low for the next block; send with a fixed margin.
    /// @return ema The EMA after the update (TAO x 1e18).
    function update() external returns (uint256 ema);

    /// @notice The EMA that `update()` would store now, and the spot it would read (same reverts, before the first
    ///         update as well: then it is the spot). In the same second as the last update: the stored EMA and spot.
    function previewUpdate() external view returns (uint256 ema, uint256 spot);

    /// @notice The index price: the EMA (TAO x 1e18). Reverts `MtsosOracleNotInitialized` before the first update.
    /// @dev Unlike the generic `IIndexOracle` wording ("zero while it has no price"), this oracle reverts, which the
    ///      oracle module reports as `IndexOracleUnavailable`: no market can list or trade at 0.
    function price() external view returns (uint256);

    /// @notice The stored EMA (TAO x 1e18); 0 before the first update.
    function ema() external view returns (uint256);

    /// @notice The spot read by the last update that changed the state (TAO x 1e18); 0 before the first update.
    function lastSpot() external view returns (uint256);

    /// @notice The block timestamp of the last update that changed the state (seconds); 0 before the first update.
    function lastUpdate() external view returns (uint256);

    /// @notice `(lastSpot - ema) / ema`, signed WAD (1e18 = +100%), truncated toward zero: how far the last reading
    ///         stands from the EMA. Reverts `MtsosOracleNotInitialized` before the first update.
    function gap() external view returns (int256);
}
