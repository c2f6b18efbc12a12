// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketId, MarketStatus} from "../../types/MarketId.sol";

/// @title Errors of the market registry.
/// @dev Fractions and leverage in these errors are WAD (1e18 = 100% = 1x); amounts of TAO are wei.
interface IMarketErrors {
    /// @notice `marketId` is not a listed market.
    error MarketNotListed(MarketId marketId);

    /// @notice `marketId` is listed already (at any status, delisted included).
    error MarketAlreadyListed(MarketId marketId);

    /// @notice `ticker` is not 2 to 12 characters from A-Z and 0-9.
    error InvalidTicker(string ticker);

    /// @notice `ticker` names market `marketId` already.
    error TickerTaken(string ticker, MarketId marketId);

    /// @notice `netuid` cannot back a market of this kind: the root subnet (0) for an alpha market, anything but 0 for
    ///         an index market.
    error InvalidNetuid(uint16 netuid);

    /// @notice Subnet `netuid` does not run the dynamic mechanism (a stable subnet prices at 1.0 forever).
    error SubnetNotDynamic(uint16 netuid, uint256 mechanism);

    /// @notice The pool of `marketId`'s subnet holds `poolTao` wei of TAO, under the listing's `threshold`.
    error PoolBelowLiquidityThreshold(MarketId marketId, uint256 poolTao, uint256 threshold);

    /// @notice A market status cannot be set to `status` (None).
    error InvalidMarketStatus(MarketStatus status);

    /// @notice Max leverage (WAD, 1e18 = 1x) outside [min, max].
    error MaxLeverageOutOfBounds(uint256 value, uint256 min, uint256 max);

    /// @notice Maintenance margin (WAD) outside [min, max].
    error MaintenanceMarginOutOfBounds(uint256 value, uint256 min, uint256 max);

    /// @notice Maintenance margin (WAD) not strictly below 1 / max leverage (WAD): a position at max leverage would
    ///         open liquidatable.
    error MaintenanceMarginTooHighForLeverage(uint256 maintenanceMargin, uint256 maxLeverage);

    /// @notice Partial-liquidation band above MM (WAD) outside [min, max].
    error PartialLiquidationBandOutOfBounds(uint256 value, uint256 min, uint256 max);

    /// @notice Taker fee (WAD) outside [min, max].
    error TakerFeeOutOfBounds(uint256 value, uint256 min, uint256 max);

    /// @notice Maker fee (WAD) outside [min, max]; max is the market's taker fee.
    error MakerFeeOutOfBounds(uint256 value, uint256 min, uint256 max);

    /// @notice Max funding rate per 8 hours (WAD) outside [min, max].
    error MaxFundingRateOutOfBounds(uint256 value, uint256 min, uint256 max);

    /// @notice Max open interest per side (wei of TAO notional) outside [min, max].
    error MaxOpenInterestOutOfBounds(uint256 value, uint256 min, uint256 max);

    /// @notice Liquidity threshold (wei of pool TAO) outside [min, max]; index markets have none, so [0, 0].
    error LiquidityThresholdOutOfBounds(uint256 value, uint256 min, uint256 max);

    /// @notice Reference price period (seconds) outside [min, max].
    error ReferencePeriodOutOfBounds(uint256 value, uint256 min, uint256 max);

    /// @notice Spot/reference divergence limit (WAD) outside [min, max].
    error DivergenceLimitOutOfBounds(uint256 value, uint256 min, uint256 max);

    /// @notice Depth cap (WAD of the pool's TAO reserve) outside [min, max]; index markets have none, so [0, 0].
    error OiDepthRatioOutOfBounds(uint256 value, uint256 min, uint256 max);

    /// @notice Skew impact depth factor (WAD) outside [min, max].
    error DepthFactorOutOfBounds(uint256 value, uint256 min, uint256 max);

    /// @notice Market `marketId` is settled already, or cannot be settled by the caller yet: its price source has
    ///         not failed for `settleAfter` seconds (`failingSince` 0: it has not failed).
    error MarketNotSettleable(MarketId marketId, uint256 failingSince, uint256 settleAfter);

    /// @notice Market `marketId` is settled: its positions close through `closeSettledPosition` at the settlement
    ///         price.
    error MarketSettled(MarketId marketId);

    /// @notice `marketId` is not settled: its positions close through the position module.
    error MarketNotSettled(MarketId marketId);
}
