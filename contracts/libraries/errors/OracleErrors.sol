// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketId} from "../../types/MarketId.sol";

/// @title Errors of the oracle.
interface IOracleErrors {
    /// @notice The price source of `marketId` answered zero.
    error OraclePriceZero(MarketId marketId);

    /// @notice The Alpha precompile reverted or answered nothing for `netuid` (switched off by the chain, or absent).
    error AlphaPrecompileUnavailable(uint16 netuid);

    /// @notice The index oracle `oracle` reverted, answered nothing, or answered more than 96 bits.
    error IndexOracleUnavailable(address oracle);

    /// @notice `oracle` cannot price this market: zero or without code for an index market, nonzero for an alpha one.
    error InvalidIndexOracle(address oracle);

    /// @notice `marketId` is not an index market.
    error NotIndexMarket(MarketId marketId);

    /// @notice The failure time after which anyone may settle a market, `value` seconds, outside [min, max].
    error SettleAfterOutOfBounds(uint256 value, uint256 min, uint256 max);

    /// @notice The max age of an index price for opens, `value` seconds, outside [min, max].
    error IndexMaxAgeOutOfBounds(uint256 value, uint256 min, uint256 max);
}
