// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketId} from "../types/MarketId.sol";
import {IPositionErrors} from "../libraries/errors/PositionErrors.sol";

/// @title Margin changes of an isolated position (the position module opens and closes it).
interface IMarginModule is IPositionErrors {
    /// @notice `amount` wei of margin was added to a position, now `newMargin`.
    event MarginAdded(bytes32 indexed positionId, uint256 amount, uint256 newMargin);

    /// @notice `amount` wei of margin was removed from a position, now `newMargin`.
    event MarginRemoved(bytes32 indexed positionId, uint256 amount, uint256 newMargin);

    /// @notice Adds the TAO sent (a multiple of 1e9 wei) to the margin of the caller's position in `marketId`.
    ///         Settles nothing: what the position owes is measured from its index snapshots whatever its margin.
    function addMargin(MarketId marketId) external payable;

    /// @notice Removes `amount` wei (a multiple of 1e9) of margin, paid out, while the position stays at or above its
    ///         initial margin (its margin notional / `maxLeverage`, unrealized gains not counted, losses at the best
    ///         for it of spot, reference and the block's starting reference), above MM + band and the min margin. Not
    ///         while the market's price source fails.
    function removeMargin(MarketId marketId, uint256 amount) external;
}
