// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketId, MarketKind, MarketStatus} from "../types/MarketId.sol";
import {IMarketErrors} from "../libraries/errors/MarketErrors.sol";

/// @notice The governance parameters of one market (PROTOCOL.md section 2), with their units.
/// @dev Fractions are WAD: 1e18 = 100% (so 0.25% = 0.0025e18). Leverage is WAD too: 1e18 = 1x, 3x = 3e18.
///      TAO amounts are wei (18 decimals). Bounds are in `MarketBounds`. The field sizes pack the struct into three
///      storage slots; every bound fits them.
struct MarketParams {
    /// @dev Max leverage, WAD (1e18 = 1x). Bounds 1x..20x.
    uint96 maxLeverage;
    /// @dev Maintenance margin (MM), WAD. Bounds 1%..50%, and MM < 1 / maxLeverage.
    uint64 maintenanceMargin;
    /// @dev Width of the partial-liquidation band above MM, WAD (5 points = 0.05e18). Bounds 0..10 points.
    uint64 partialLiquidationBand;
    /// @dev Taker fee on notional, WAD. Bounds 0..1%.
    uint64 takerFee;
    /// @dev Maker fee on notional, WAD. Bounds 0..takerFee.
    uint64 makerFee;
    /// @dev Max funding rate per 8 hours, WAD. Bounds 0..2%.
    uint64 maxFundingRate8h;
    /// @dev Max oracle move per price update (price band), WAD. Bounds 1%..50%.
    uint64 priceBand;
    /// @dev Max open interest per side, wei of TAO notional. Bounds > 0.
    uint128 maxOpenInterestPerSide;
    /// @dev Liquidity threshold: the min pool TAO reserve for opens, wei. Alpha markets > 0; index markets 0 (n/a).
    uint128 liquidityThreshold;
}

/// @notice What `listMarket` takes.
struct MarketListing {
    /// @dev 2 to 12 characters from A-Z and 0-9, unique among markets.
    string ticker;
    MarketKind kind;
    /// @dev The subnet of an alpha market (1..65535, root excluded); 0 for an index market.
    uint16 netuid;
    /// @dev The `IIndexOracle` of an index market; zero for an alpha market.
    address indexOracle;
    MarketParams params;
}

/// @notice A listed market as `market` returns it.
struct MarketInfo {
    string ticker;
    MarketKind kind;
    MarketStatus status;
    /// @dev 0 for an index market.
    uint16 netuid;
    /// @dev Timestamp of the listing.
    uint64 listedAt;
    MarketParams params;
}

/// @title The market registry.
/// @notice Lists markets after checking the on-chain listing criteria, holds each market's governance parameters
///         and status. Every setter is the owner's (the TimelockController), so a governance proposal
///         `listMarket(...)` that the criteria reject reverts at execution.
interface IMarketModule is IMarketErrors {
    /// @notice Market `marketId` was listed, with status `Active`.
    event MarketListed(MarketId indexed marketId, string ticker, MarketKind kind, uint16 netuid, MarketParams params);

    /// @notice Market `marketId`'s parameters changed from `previousParams` to `newParams`.
    event MarketParamsUpdated(MarketId indexed marketId, MarketParams previousParams, MarketParams newParams);

    /// @notice Market `marketId`'s status changed.
    event MarketStatusSet(MarketId indexed marketId, MarketStatus previousStatus, MarketStatus newStatus);

    /// @notice Lists a market. Owner only.
    /// @dev Checks, each with its own error: the ticker's format (`InvalidTicker`); the netuid for the kind (root
    ///      excluded: `InvalidNetuid`) and the index oracle for the kind (`InvalidIndexOracle`); every parameter
    ///      bound (`*OutOfBounds`, `MaintenanceMarginTooHighForLeverage`); not listed already
    ///      (`MarketAlreadyListed`, one market per subnet) and the ticker free (`TickerTaken`); then the listing
    ///      criteria read on chain: for an alpha market a dynamic subnet (`SubnetNotDynamic`), a nonzero Alpha
    ///      precompile price (`OraclePriceZero`) and a pool TAO reserve at or above `params.liquidityThreshold`
    ///      (`PoolBelowLiquidityThreshold`); for an index market a nonzero index oracle price (`OraclePriceZero`).
    ///      The price read becomes the oracle's first accepted price for the market.
    /// @return marketId The new market's id (see `MarketId` for the derivation).
    function listMarket(MarketListing calldata listing) external returns (MarketId marketId);

    /// @notice Replaces a listed market's parameters, under the same bounds as listing. Owner only.
    function updateMarketParams(MarketId marketId, MarketParams calldata params) external;

    /// @notice Sets a listed market's status to `Active`, `ReduceOnly` or `Delisted`. Owner only.
    function setMarketStatus(MarketId marketId, MarketStatus status) external;

    /// @notice Everything about a listed market. Reverts `MarketNotListed` otherwise.
    function market(MarketId marketId) external view returns (MarketInfo memory);

    /// @notice A listed market's parameters. Reverts `MarketNotListed` otherwise.
    function marketParams(MarketId marketId) external view returns (MarketParams memory);

    /// @notice A market's status; `None` if it was never listed.
    function marketStatus(MarketId marketId) external view returns (MarketStatus);

    /// @notice Every market ever listed, in order of listing.
    function marketIds() external view returns (MarketId[] memory);

    /// @notice The market named `ticker`, or the zero id if none.
    function marketIdByTicker(string calldata ticker) external view returns (MarketId);
}
