// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title A time-weighted exponential moving average step (docs/protocol.md sections 3 and 4).
/// @notice `next = (spot * elapsed + prev * period) / (elapsed + period)`: the reading `spot` weighs as much as the
///         `elapsed` seconds it stands for, the previous average as much as the period. Rounding: the exact quotient
///         is rounded toward `prev` (written `prev + (spot - prev) * elapsed / (elapsed + period)` with the move
///         truncated toward zero), so one step never moves the average further than the exact formula, in either
///         direction, and the result always lies between `prev` and `spot` inclusive. Neither direction is favoured
///         (plain floor division would bias the index down by up to 1 wei per step, toward shorts); the cost is
///         that a step whose exact move is below 1 wei does not move it at all.
library TimeWeightedEma {
    /// @notice The average after `spot` held for `elapsed` seconds, from `prev`, with period `period` seconds.
    /// @dev `|spot - prev| * elapsed` must fit in 256 bits and `elapsed + period` must be nonzero; the MTSOS oracle
    ///      keeps prices below 2^96 and times below 2^64, far inside both.
    function next(uint256 prev, uint256 spot, uint256 elapsed, uint256 period) internal pure returns (uint256) {
        if (spot >= prev) return prev + (spot - prev) * elapsed / (elapsed + period);
        return prev - (prev - spot) * elapsed / (elapsed + period);
    }
}
