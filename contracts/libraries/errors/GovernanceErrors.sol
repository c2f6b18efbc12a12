// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title Errors of MegaTAO's governance contracts: the Governor, the timelock and the deployer.
/// @dev Declared on an interface (as `IRouterErrors`) so that every governance contract that inherits it carries them
///      in its ABI. Durations are seconds.
interface IGovernanceErrors {
    /// @notice `guardian` would be both the protocol's pause guardian and the Governor's proposal guardian: they must
    ///         be different keys (either may be zero: none).
    error GuardiansNotDistinct(address guardian);

    /// @notice The proposal guardian may not cancel proposal `proposalId`: its only calls replace a guardian or
    ///         unpause opens (`MegaTAOGovernor.isGuardianProof`), so no key can keep governance from removing it.
    error ProposalGuardianCannotCancel(uint256 proposalId);

    /// @notice `protocol` has no code: it is not the MegaTAO entry contract.
    error InvalidProtocol(address protocol);

    /// @notice An upgrade delay of `delay` is outside `[min, max]`.
    error UpgradeDelayOutOfBounds(uint256 delay, uint256 min, uint256 max);

    /// @notice An upgrade delay of `delay` is not longer than the protocol's longest LP exit, `longestLpExit`: an LP
    ///         could not leave before an upgrade queued when it learns of it takes effect.
    error UpgradeDelayNotLongerThanLpExit(uint256 delay, uint256 longestLpExit);
}
