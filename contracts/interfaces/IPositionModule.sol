// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketId} from "../types/MarketId.sol";
import {IPositionErrors} from "../libraries/errors/PositionErrors.sol";

/// @title Isolated positions: open, increase, reduce, close, add and remove margin.
/// @notice One position per (account, market), id `keccak256(abi.encode(account, marketId))`, at most 50 per account,
///         notional at least 0.0001 TAO. TAO sent must be a multiple of 1e9 wei. Fills happen at the oracle price
///         (updated through the price band) moved against the trader by the slippage of PROTOCOL.md section 3; the
///         trader bounds it with `maxSlippage` (WAD). The taker fee is charged on the entry notional filled: taken
///         out of the margin sent on an open or increase (margin 5 TAO at 2x: notional 10, fee 0.025, margin 4.975),
///         out of the proceeds on a reduce or close; a referee's discount (referral program) is not charged. Funding
///         and interest are settled into the margin on every touch. The margin ratio is measured on the entry
///         notional (GMX v2's `sizeInUsd`), so `PositionInfo.liquidationPrice` is the published formula, exactly.
///         Opens and increases revert when the market is not active, when the circuit breaker is tripped, when its
///         pool is below the liquidity threshold, when the oracle reading is clamped, when opens are paused, and
///         beyond max leverage, the per-side open-interest cap, the per-market net-exposure cap (50% of reserves),
///         the utilization limit (80%) and the collateral caps. Closes always work, at the clamped price if clamped.
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

    /// @notice A touch settled `fundingOwed` (negative: earned) and `interestOwed` into the position's margin.
    event PositionSettled(bytes32 indexed positionId, int256 fundingOwed, uint256 interestOwed);

    /// @notice `amount` wei of margin was added to a position, now `newMargin`.
    event MarginAdded(bytes32 indexed positionId, uint256 amount, uint256 newMargin);

    /// @notice `amount` wei of margin was removed from a position, now `newMargin`.
    event MarginRemoved(bytes32 indexed positionId, uint256 amount, uint256 newMargin);

    /// @notice Opens a position in `marketId` with the TAO sent as margin.
    /// @param isLong The side.
    /// @param leverage WAD multiple, 1x..the market's max: notional = margin sent x leverage.
    /// @param maxSlippage The worst slippage accepted, WAD.
    /// @return positionId `keccak256(abi.encode(msg.sender, marketId))`.
    function openPosition(MarketId marketId, bool isLong, uint256 leverage, uint256 maxSlippage)
        external
        payable
        returns (bytes32 positionId);

    /// @notice Adds to the caller's position in `marketId`: the TAO sent is margin, `leverage` x it the notional
    ///         added. The whole position must stay within max leverage (notional <= max x margin before the fee)
    ///         and above MM + band. The entry price becomes the size-weighted average.
    function increasePosition(MarketId marketId, uint256 leverage, uint256 maxSlippage) external payable;

    /// @notice Closes `sizeDelta` (magnitude, 1e18 units) of the caller's position in `marketId`, below its size;
    ///         releases the matching share of the margin with the realized PnL, less the fee. The rest must keep
    ///         the minimum notional. Not in the block of the last open or increase.
    function reducePosition(MarketId marketId, uint256 sizeDelta, uint256 maxSlippage) external;

    /// @notice Closes the caller's position in `marketId` and pays the equity less the fee out (credited for
    ///         `claim` if the transfer fails). A negative equity is bad debt: the insurance fund, then the vault.
    function closePosition(MarketId marketId, uint256 maxSlippage) external;

    /// @notice Adds the TAO sent to the margin of the caller's position in `marketId`.
    function addMargin(MarketId marketId) external payable;

    /// @notice Removes `amount` wei (a multiple of 1e9) of margin, paid out, while the position stays at or above its
    ///         initial margin (`entryNotional / maxLeverage`, unrealized gains not counted) and above MM + band.
    function removeMargin(MarketId marketId, uint256 amount) external;
}
