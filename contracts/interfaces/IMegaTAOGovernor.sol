// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IGovernanceErrors} from "../libraries/errors/GovernanceErrors.sol";

/// @title What the MegaTAO Governor adds to OpenZeppelin's: a proposal guardian whose veto cannot protect itself.
/// @notice The proposal guardian (OpenZeppelin's `GovernorProposalGuardian`) cancels any proposal at any stage before
///         execution, except a guardian-proof one: a proposal whose every call, with no value, is one of
///         - `setGuardian(address)` on the protocol (replaces the pause guardian),
///         - `unpauseOpens()` on the protocol,
///         - `setProposalGuardian(address)` on this Governor (replaces the proposal guardian).
///         Such a proposal can only remove or replace guardians and lift a pause; it renews nothing (a renewal of the
///         pause, `pauseOpens` by the timelock, stays cancellable), so neither guardian can keep governance from
///         removing it. A proposal mixing these calls with any other call stays cancellable, so an upgrade cannot
///         hide behind a guardian replacement. The proposer may still cancel their own proposal while it is Pending.
///         The protocol's pause guardian and the proposal guardian are different keys: `setProposalGuardian` refuses
///         the pause guardian, and a proposal that calls the protocol's `setGuardian` reverts at execution if the
///         two end up equal (`GuardiansNotDistinct`).
interface IMegaTAOGovernor is IGovernanceErrors {
    /// @notice The protocol (MegaTAO entry contract) whose `setGuardian` and `unpauseOpens` calls are guardian-proof,
    ///         and whose pause guardian the proposal guardian must differ from; fixed at construction.
    function protocol() external view returns (address);

    /// @notice Whether a proposal of these calls is guardian-proof: at least one call, and every call one of the
    ///         three above with a value of 0.
    function isGuardianProof(address[] calldata targets, uint256[] calldata values, bytes[] calldata calldatas)
        external
        view
        returns (bool);
}
