// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketId} from "../types/MarketId.sol";
import {IOracleErrors} from "../libraries/errors/OracleErrors.sol";

/// @title The price source of an index market (MTSOS).
interface IIndexOracle {
    /// @notice The index price: TAO per unit of index x 1e18. Reverts while it has none.
    function price() external view returns (uint256);

    /// @notice Updates the index if its input can be read, without reverting when it cannot, and returns the price,
    ///         the last reading of its input and the time of its last successful update. The protocol calls it before
    ///         every trade of the market.
    /// @return price_ The index price (TAO x 1e18).
    /// @return spot The last reading of the index's input (what the price follows), same scale.
    /// @return updatedAt The time of the last successful update, seconds.
    function refresh() external returns (uint256 price_, uint256 spot, uint256 updatedAt);

    /// @notice What `refresh` would return now, nothing stored (views).
    function previewRefresh() external view returns (uint256 price_, uint256 spot, uint256 updatedAt);
}

/// @notice A market's prices as the oracle sees them now (views).
struct OraclePrices {
    /// @dev An alpha market's Alpha precompile price now; an index market's oracle price. 0 when it cannot be read.
    uint256 spot;
    /// @dev The reference price a trade now would use (the mark): the time-weighted EMA after this block's update.
    uint256 referencePrice;
    /// @dev The reference price the block started with (before its update): fills are priced no better than it.
    uint256 blockStartReferencePrice;
    /// @dev The reference price stored, and the time of that update.
    uint256 storedReferencePrice;
    uint256 updatedAt;
    /// @dev The reading the next update weighs (an index market: its oracle's last input reading).
    uint256 heldSpot;
    /// @dev The chain's own EMA of an alpha price (`getMovingAlphaPrice`, shown beside the others; 0 for an index
    ///      market or when it cannot be read).
    uint256 movingPrice;
    /// @dev |spot - reference| / reference, WAD (an index market: its input against its price).
    uint256 divergence;
    /// @dev The depth reading trades use, wei: the smaller of the pool's TAO reserve now and the smallest reading of
    ///      the last block that touched the market (0 for an index market).
    uint256 poolTao;
    /// @dev Whether the price source fails now (zero, reverting, re-registered subnet, stale index price): the market
    ///      accepts no opens and closes at the reference price.
    bool broken;
    /// @dev When the source started failing (0: it works).
    uint256 failingSince;
}

/// @title The oracle: reference prices, spot prices, depth, and the failure state of each market's price source.
/// @notice Prices are TAO per unit x 1e18 (the Alpha precompile's scale). docs/protocol.md section 3:
///         - an alpha market's reference price is a time-weighted EMA kept by the protocol,
///           `ref' = (held x dt + ref x P) / (dt + P)`, updated at most once per block, by the block's first trade or
///           `poke`, before anything uses it; `held` is the reading stored by the last block that touched the market
///           (of its readings, the one nearest the reference), never the reading of the updating transaction, and
///           `dt` is capped at the period P. Nothing in one block, let alone one transaction, moves the reference it
///           trades at.
///         - an index market's reference is its oracle's EMA, refreshed before every trade;
///         - spot is the precompile's price now (an index market: its oracle's price). Trades execute at the worst for
///           the trader of spot, reference and the block's starting reference; margin checks use the best; everything
///           valued (open interest, utilization, LP equity) uses the reference (LP equity: the stored one).
///         A price source that fails (a zero or reverting precompile, a subnet registered again, an index price older
///         than its max age) freezes nothing else: the market accepts no opens and closes at its reference price;
///         after `settleAfter` seconds of failure anyone may settle it (`IMarketModule.settleMarket`).
interface IOracleModule is IOracleErrors {
    /// @notice An update moved `marketId`'s reference price to `referencePrice`, weighing `heldSpot` (of the held
    ///         reading and the reading now, the one nearer the reference).
    event ReferencePriceUpdated(MarketId indexed marketId, uint256 heldSpot, uint256 referencePrice);

    /// @notice `marketId`'s price source started failing.
    event PriceSourceFailing(MarketId indexed marketId);

    /// @notice `marketId`'s price source works again.
    event PriceSourceRecovered(MarketId indexed marketId);

    /// @notice Index market `marketId` now reads `newOracle`.
    event IndexOracleSet(MarketId indexed marketId, address indexed previousOracle, address indexed newOracle);

    /// @notice The failure time after which anyone may settle a market, and the max age of an index price for opens.
    event OracleParamsSet(uint256 settleAfter, uint256 indexMaxAge);

    /// @notice Updates `marketId`'s reference price (at most once per block; later calls in the block only refine the
    ///         reading the next update weighs). Anyone (keepers); a failing source is recorded, never reverted on.
    /// @return referencePrice The reference price after the call.
    function poke(MarketId marketId) external returns (uint256 referencePrice);

    /// @notice Accrues `marketId`'s funding and the global interest to now, and re-values the market's open interest
    ///         at its reference price in the vault's utilization. Anyone.
    function accrue(MarketId marketId) external;

    /// @notice `marketId`'s prices now (a view: what a trade now would see, nothing stored).
    function oraclePrices(MarketId marketId) external view returns (OraclePrices memory);

    /// @notice The market's spot price now (TAO x 1e18). Reverts `OraclePriceZero` on zero.
    function spotPrice(MarketId marketId) external view returns (uint256);

    /// @notice The stored reference price and the time of its last update.
    function referencePrice(MarketId marketId) external view returns (uint256 price, uint256 updatedAt);

    /// @notice The TAO reserve of an alpha market's pool now, in wei (the precompile's rao x 1e9); 0 for an index
    ///         market.
    function poolTaoReserve(MarketId marketId) external view returns (uint256);

    /// @notice Whether an alpha market's depth reading is below its liquidity threshold, in which case the market
    ///         accepts only closes (reduce-only). Always false for an index market.
    function isBelowLiquidityThreshold(MarketId marketId) external view returns (bool);

    /// @notice An index market's oracle (zero for an alpha market).
    function indexOracle(MarketId marketId) external view returns (address);

    /// @notice Replaces an index market's oracle; the new one must answer a nonzero price. Owner only.
    function setIndexOracle(MarketId marketId, IIndexOracle oracle) external;

    /// @notice The failure time after which anyone may settle a market, and the max age of an index price for opens,
    ///         seconds.
    function oracleParams() external view returns (uint256 settleAfter, uint256 indexMaxAge);

    /// @notice Sets them: `settleAfter` 10 minutes..7 days, `indexMaxAge` 1 minute..1 day. Owner only.
    function setOracleParams(uint256 settleAfter, uint256 indexMaxAge) external;
}
