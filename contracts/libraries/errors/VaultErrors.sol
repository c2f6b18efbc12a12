// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title Errors of the vault module: governance bounds, claims, initialization.
/// @dev Fractions are WAD (1e18 = 100%); amounts of TAO are wei.
interface IVaultErrors {
    /// @notice The insurance fund's share of trading fees `share` outside [min, max] (with the referral share, at
    ///         most 100%).
    error TradingFeeShareOutOfBounds(uint256 share, uint256 min, uint256 max);

    /// @notice The utilization limit on increases `limit` outside [min, max].
    error UtilizationLimitOutOfBounds(uint256 limit, uint256 min, uint256 max);

    /// @notice The circuit-breaker utilization `level` outside [min, max]; min is just above the increase limit.
    error CircuitBreakerUtilizationOutOfBounds(uint256 level, uint256 min, uint256 max);

    /// @notice A collateral cap `cap` outside [min, max] (the per-account cap's max is the global cap).
    error CollateralCapOutOfBounds(uint256 cap, uint256 min, uint256 max);

    /// @notice `account` has nothing to claim.
    error NothingToClaim(address account);

    /// @notice Sending `amount` wei claimed by `account` failed (the credit is kept).
    error ClaimTransferFailed(address account, uint256 amount);

    /// @notice The vault's genesis parameters are set already (`version`).
    error VaultAlreadyInitialized(uint8 version);

    /// @notice A `fundVault` call without TAO.
    error ZeroFunding();
}
