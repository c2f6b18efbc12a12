// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title The Bittensor Alpha precompile, at 0x0000000000000000000000000000000000000808.
/// @notice All functions are views. Units are the chain's real ones (the upstream doc comments are wrong):
///         prices are TAO per alpha x 1e18 with only 9 significant decimals (the low 9 digits are zero);
///         reserves and swap amounts are in 9 decimals (rao for TAO).
/// @dev Root (netuid 0) and stable-mechanism subnets price at exactly 1.0; a pool with no alpha prices at 0.
///      The chain's administrators can switch the precompile off, and every call then reverts.
interface IAlpha {
    /// @notice Spot price of `netuid`'s alpha: TAO per alpha x 1e18, truncated to 9 decimals.
    function getAlphaPrice(uint16 netuid) external view returns (uint256);

    /// @notice The chain's own moving average of that price, same scale.
    function getMovingAlphaPrice(uint16 netuid) external view returns (uint256);

    /// @notice TAO reserve of the subnet's pool, in rao (9 decimals).
    function getTaoInPool(uint16 netuid) external view returns (uint64);

    /// @notice Alpha reserve of the subnet's pool, 9 decimals.
    function getAlphaInPool(uint16 netuid) external view returns (uint64);

    /// @notice Sum of the prices of non-root subnets priced below 1 TAO, x 1e18, truncated to 9 decimals.
    function getSumAlphaPrice() external view returns (uint256);

    /// @notice Alpha (9 decimals) that `tao` rao would buy from the pool now, pool fee included.
    function simSwapTaoForAlpha(uint16 netuid, uint64 tao) external view returns (uint256);

    /// @notice Rao that `alpha` (9 decimals) would sell for in the pool now, pool fee included.
    function simSwapAlphaForTao(uint16 netuid, uint64 alpha) external view returns (uint256);

    /// @notice 0 for a stable subnet (price always 1.0), 1 for a dynamic one.
    function getSubnetMechanism(uint16 netuid) external view returns (uint16);
}
