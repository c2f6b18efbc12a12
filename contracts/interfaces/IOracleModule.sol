// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketId} from "../types/MarketId.sol";
import {IOracleErrors} from "../libraries/errors/OracleErrors.sol";

/// @title The price source of an index market (MTSOS).
interface IIndexOracle {
    /// @notice The index price: TAO per unit of index x 1e18. Zero while it has no price.
    function price() external view returns (uint256);
}

/// @title The oracle: spot prices, the liquidity threshold, the per-market price band.
/// @notice Prices are TAO per unit x 1e18 (the Alpha precompile's scale). An alpha market's spot is
///         `getAlphaPrice(netuid)`; an index market's is its `IIndexOracle.price()`. Zero is rejected.
///         Price band (PROTOCOL.md section 3): the oracle keeps each market's last accepted price. An update accepts
///         the spot if it lies within `priceBand` of the reference, and otherwise the reference moved by exactly
///         `priceBand` toward it (clamped). The reference is the price accepted before the current block, so any
///         number of updates in one block move the price by at most one band: opens revert on a clamped price,
///         closes and liquidations use it. The listing's reading is the first accepted price. The band applies to
///         the index oracle's output too (the index input, `getSumAlphaPrice`, is the index oracle's business).
interface IOracleModule is IOracleErrors {
    /// @notice An update of market `marketId` read `spot` and accepted `price`, clamped if they differ.
    event PriceUpdated(MarketId indexed marketId, uint256 spot, uint256 price, bool clamped);

    /// @notice Index market `marketId` now reads `newOracle`.
    event IndexOracleSet(MarketId indexed marketId, address indexed previousOracle, address indexed newOracle);

    /// @notice The market's raw price now (TAO x 1e18), before the band. Reverts `OraclePriceZero` on zero.
    function spotPrice(MarketId marketId) external view returns (uint256);

    /// @notice The price that `updatePrice` would accept now, and whether the band clamps it.
    function previewPrice(MarketId marketId) external view returns (uint256 price, bool clamped);

    /// @notice Reads the spot, accepts it within the band, stores and returns the accepted price. Anyone (keepers);
    ///         the trading modules update the price they trade at the same way.
    /// @return price The accepted price (TAO x 1e18).
    /// @return clamped Whether the spot moved more than the band and `price` is the band's edge.
    function updatePrice(MarketId marketId) external returns (uint256 price, bool clamped);

    /// @notice The last accepted price and the block that accepted it.
    function lastPrice(MarketId marketId) external view returns (uint256 price, uint256 blockNumber);

    /// @notice The TAO reserve of an alpha market's pool, in wei (the precompile's rao x 1e9); 0 for an index market.
    function poolTaoReserve(MarketId marketId) external view returns (uint256);

    /// @notice Whether an alpha market's pool TAO reserve is below its liquidity threshold, in which case the market
    ///         accepts only closes (reduce-only). Always false for an index market.
    function isBelowLiquidityThreshold(MarketId marketId) external view returns (bool);

    /// @notice An index market's oracle (zero for an alpha market).
    function indexOracle(MarketId marketId) external view returns (address);

    /// @notice Replaces an index market's oracle; the new one must answer a nonzero price. Owner only.
    /// @dev The last accepted price stays the band's reference: a new oracle far from it converges one band per block.
    function setIndexOracle(MarketId marketId, IIndexOracle oracle) external;
}
