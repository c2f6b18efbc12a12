// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ISubnet} from "../interfaces/ISubnet.sol";

/// @title Emulator of the Bittensor subnet precompile's registration view, for local chains and forks.
/// @notice Placed at 0x...0803 with `anvil_setCode` or `vm.etch`, next to the Alpha precompile emulator. It answers
///         `getNetworkRegistrationBlock` with the real selector and unit (a block number; 0 for a netuid never
///         registered). The setter is open to anyone: it is a test double and never runs where the real one does.
contract SubnetPrecompileEmulator is ISubnet {
    mapping(uint16 netuid => uint64) private _registeredAt;

    event NetworkRegistrationBlockSet(uint16 indexed netuid, uint64 blockNumber);

    /// @inheritdoc ISubnet
    function getNetworkRegistrationBlock(uint16 netuid) external view returns (uint64) {
        return _registeredAt[netuid];
    }

    /// @notice Sets subnet `netuid`'s registration block, as a deregistration and a new registration would.
    function setNetworkRegistrationBlock(uint16 netuid, uint64 blockNumber) external {
        _registeredAt[netuid] = blockNumber;
        emit NetworkRegistrationBlockSet(netuid, blockNumber);
    }
}
