// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketId, MarketKind, MarketStatus} from "../types/MarketId.sol";
import {IMarketErrors} from "../libraries/errors/MarketErrors.sol";

/// @notice The governance parameters of one market (docs/protocol.md section 2), with their units.
/// @dev Fractions are WAD: 1e18 = 100% (so 0.25% = 0.0025e18). Leverage and the depth factor are WAD too: 1e18 = 1x.
///      TAO amounts are wei (18 decimals), periods seconds. Bounds are in `MarketBounds`; storage packs them narrower
///      (`MarketStorage.Market`), which every bound fits.
struct MarketParams {
    /// @dev Max leverage, WAD (1e18 = 1x). Bounds 1x..20x.
    uint96 maxLeverage;
    /// @dev Maintenance margin (MM), WAD. Bounds 1%..50%, and MM < 1 / maxLeverage.
    uint64 maintenanceMargin;
    /// @dev Width of the partial-liquidation band above MM, WAD (5 points = 0.05e18). Bounds 0..10 points.
    uint64 partialLiquidationBand;
    /// @dev Taker fee on a fill's notional, WAD. Bounds 0..1%.
    uint64 takerFee;
    /// @dev Maker fee on a fill's notional, WAD. Bounds 0..takerFee.
    uint64 makerFee;
    /// @dev Max funding rate per 8 hours, WAD. Bounds 0..2%.
    uint64 maxFundingRate8h;
    /// @dev Max open interest per side, wei of TAO notional at the mark. Bounds 1 wei..2^96-1.
    uint128 maxOpenInterestPerSide;
    /// @dev Liquidity threshold: the min pool TAO reserve for opens, wei. Alpha markets 1 wei..2^96-1; index 0.
    uint128 liquidityThreshold;
    /// @dev Reference price period P of the time-weighted EMA, seconds. Bounds 60 s..1 day (index markets, whose
    ///      reference is their oracle's EMA, ignore it but keep it in bounds).
    uint32 referencePeriod;
    /// @dev Largest |spot - reference| / reference at which opens are accepted, WAD. Bounds 0.5%..25%.
    uint64 divergenceLimit;
    /// @dev Open interest per side at most this share of the pool's TAO reserve (depth cap), WAD. Alpha markets
    ///      0.1%..50%; index markets 0 (n/a).
    uint64 oiDepthRatio;
    /// @dev Skew impact depth factor: D = depth x factor, the depth being the pool's TAO reserve (the vault's
    ///      reserves for an index market), WAD. Bounds 0.1..100.
    uint96 depthFactor;
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

    /// @notice Market `marketId` was settled by `by` at `price`: its positions close at it through
    ///         `closeSettledPosition`, with no fee.
    event MarketSettledAt(MarketId indexed marketId, uint256 price, address by);

    /// @notice A position of settled market `marketId` closed at the settlement `price`, realizing `realizedPnl` and
    ///         paying `payout` to the trader, with no fee.
    event SettledPositionClosed(
        bytes32 indexed positionId,
        address indexed account,
        MarketId indexed marketId,
        int256 size,
        uint256 price,
        int256 realizedPnl,
        uint256 payout
    );

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

    /// @notice Sets a listed market's status to `Active`, `ReduceOnly` or `Delisted`. Owner only. A settled market's
    ///         status never changes again (`MarketSettled`).
    function setMarketStatus(MarketId marketId, MarketStatus status) external;

    /// @notice Settles a market (docs/protocol.md section 3a): the owner at any time, anyone once its price source has
    ///         failed for `settleAfter` consecutive seconds. Its reference price is updated first if the source works,
    ///         then frozen as the settlement price; funding and interest accrue to now and stop; the status becomes
    ///         `Settled` for good. Its positions then close at that price, with no fee, through
    ///         `closeSettledPosition`; the LPs' equity values them at it.
    /// @return price The settlement price.
    function settleMarket(MarketId marketId) external returns (uint256 price);

    /// @notice Closes `account`'s position in settled market `marketId` at the settlement price, with no fee; funding
    ///         and interest stop at the settlement. Anyone; the equity goes to the trader (credited if the transfer
    ///         fails), bad debt to the insurance fund then the vault.
    function closeSettledPosition(address account, MarketId marketId) external;

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
