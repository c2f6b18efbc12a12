// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title Facts of the Bittensor EVM that contracts depend on.
library Bittensor {
    /// @dev The Alpha precompile's address.
    address internal constant ALPHA_PRECOMPILE = 0x0000000000000000000000000000000000000808;

    /// @dev The subnet precompile's address (its `getNetworkRegistrationBlock` tells a re-registered netuid).
    address internal constant SUBNET_PRECOMPILE = 0x0000000000000000000000000000000000000803;

    /// @dev Wei per rao: the chain keeps 9 decimals, the EVM shows 18, so a transfer drops anything below 1e9 wei.
    uint256 internal constant WEI_PER_RAO = 1e9;

    /// @dev Fixed-point scale of prices returned by the precompile (TAO per alpha x 1e18).
    uint256 internal constant PRICE_SCALE = 1e18;

    /// @dev The root subnet, whose price is always 1.0 and which no sum of prices counts.
    uint16 internal constant ROOT_NETUID = 0;

    /// @dev Subnet mechanisms as `getSubnetMechanism` reports them.
    uint16 internal constant MECHANISM_STABLE = 0;
    uint16 internal constant MECHANISM_DYNAMIC = 1;
}
