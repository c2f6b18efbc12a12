// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title The one function of the Bittensor subnet precompile (0x...0803) the protocol reads.
/// @notice The real precompile (subtensor `precompiles/src/subnet.rs`) has many more; this view is enough to tell
///         that a netuid was deregistered and registered again (docs/protocol.md section 3a).
interface ISubnet {
    /// @notice The block at which subnet `netuid` was registered (0 for a netuid never registered).
    function getNetworkRegistrationBlock(uint16 netuid) external view returns (uint64);
}
