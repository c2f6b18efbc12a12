// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketId} from "../types/MarketId.sol";
import {IPositionErrors} from "../libraries/errors/PositionErrors.sol";

/// @title Isolated positions: open, increase, reduce, close (margin changes: `IMarginModule`).
/// @notice One position per (account, market), id `keccak256(abi.encode(account, marketId))`, at most 50 per account,
///         notional at least 0.0001 TAO, margin at least the min margin. TAO sent must be a multiple of 1e9 wei.
///         Prices (docs/protocol.md section 3): a fill executes at the worst for the trader of spot, reference price
///         and the block's starting reference, moved by the utilization tier; it pays the skew impact on top (out of
///         the margin sent on an open or increase, out of the proceeds on a reduce or close); the trader bounds the
///         average price, impact included, with `acceptablePrice` (a buy: at most it; a sell: at least it) and the time
///         with `deadline`. The taker fee is charged on each fill's notional at its execution price (margin 5 TAO at
///         2x: notional 10, fee 0.025); a referee's discount (referral program) is not charged. Realized profit is
///         capped at the max profit multiple of the margin closed. Funding and interest are settled into the margin on
///         every trade. The margin ratio is measured on the entry notional (GMX v2's `sizeInUsd`; a short's on the
///         larger of it and its size at the reference, section 5), so a long's `PositionInfo.liquidationPrice` is the
///         published formula, exactly. Margin checks value the position at the best for it of the same three prices.
///         Opens and increases revert when the market is not active, when opens are paused or the circuit breaker is
///         tripped, when the price source fails or its spot is beyond the divergence limit from the reference, when
///         the pool is below the liquidity threshold, and beyond max leverage, the per-side and depth caps on open
///         interest (at the mark), the per-market net-exposure cap (50% of reserves), the utilization limit (80%) and
///         the collateral caps. Closes always work, at the reference price when the source fails.
interface IPositionModule is IPositionErrors {
    /// @notice `account` opened a position of `size` at `entryPrice` with `margin` kept after the `fee`.
    event PositionOpened(
        bytes32 indexed positionId,
        address indexed account,
        MarketId indexed marketId,
        int256 size,
        uint256 entryPrice,
        uint256 margin,
        uint256 fee
    );

    /// @notice A position grew by `sizeDelta` filled at `fillPrice`, `marginAdded` sent, `fee` paid.
    event PositionIncreased(
        bytes32 indexed positionId,
        int256 sizeDelta,
        uint256 fillPrice,
        uint256 marginAdded,
        uint256 fee,
        int256 newSize,
        uint256 newEntryPrice,
        uint256 newMargin
    );

    /// @notice A position shrank by `sizeDelta` (signed like the position) at `fillPrice`, realizing `realizedPnl`,
    ///         paying `fee` and paying `payout` out; `newSize` 0 is a close.
    event PositionDecreased(
        bytes32 indexed positionId,
        int256 sizeDelta,
        uint256 fillPrice,
        int256 realizedPnl,
        uint256 fee,
        uint256 payout,
        int256 newSize,
        uint256 newMargin
    );

    /// @notice A fill of the position paid `impact` wei of skew impact to the vault.
    event PriceImpactCharged(bytes32 indexed positionId, uint256 impact);

    /// @notice A touch settled `fundingOwed` (negative: earned) and `interestOwed` into the position's margin.
    event PositionSettled(bytes32 indexed positionId, int256 fundingOwed, uint256 interestOwed);

    /// @notice Opens a position in `marketId` with the TAO sent as margin.
    /// @param isLong The side.
    /// @param leverage WAD multiple, 1x..the market's max: notional = margin sent x leverage.
    /// @param acceptablePrice The worst average price accepted, impact included (TAO x 1e18): at most it for a long,
    ///        at least it for a short.
    /// @param deadline The last timestamp the trade may execute at.
    /// @return positionId `keccak256(abi.encode(msg.sender, marketId))`.
    function openPosition(MarketId marketId, bool isLong, uint256 leverage, uint256 acceptablePrice, uint256 deadline)
        external
        payable
        returns (bytes32 positionId);

    /// @notice Adds to the caller's position in `marketId`: the TAO sent is margin, `leverage` x it the notional
    ///         added. The whole position must stay within max leverage (notional <= max x margin before the fee)
    ///         and above MM + band. The entry price becomes the size-weighted average.
    function increasePosition(MarketId marketId, uint256 leverage, uint256 acceptablePrice, uint256 deadline)
        external
        payable;

    /// @notice Closes `sizeDelta` (magnitude, 1e18 units) of the caller's position in `marketId`, below its size;
    ///         releases the matching share of the margin with the realized PnL, less the fee and impact. The rest must
    ///         keep the minimum notional and margin. Not in the block of the last open or increase.
    /// @param acceptablePrice The worst average price accepted: at least it when reducing a long, at most it a short.
    function reducePosition(MarketId marketId, uint256 sizeDelta, uint256 acceptablePrice, uint256 deadline)
        external;

    /// @notice Closes the caller's position in `marketId` and pays the equity less the fee out (credited for
    ///         `claim` if the transfer fails). A negative equity is bad debt: the insurance fund, then the vault.
    function closePosition(MarketId marketId, uint256 acceptablePrice, uint256 deadline) external;
}
