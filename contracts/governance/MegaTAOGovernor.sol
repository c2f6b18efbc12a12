// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IGovernor, Governor} from "@openzeppelin/contracts/governance/Governor.sol";
import {GovernorSettings} from "@openzeppelin/contracts/governance/extensions/GovernorSettings.sol";
import {GovernorCountingSimple} from "@openzeppelin/contracts/governance/extensions/GovernorCountingSimple.sol";
import {GovernorVotes} from "@openzeppelin/contracts/governance/extensions/GovernorVotes.sol";
import {
    GovernorVotesQuorumFraction
} from "@openzeppelin/contracts/governance/extensions/GovernorVotesQuorumFraction.sol";
import {GovernorTimelockControl} from "@openzeppelin/contracts/governance/extensions/GovernorTimelockControl.sol";
import {GovernorPreventLateQuorum} from "@openzeppelin/contracts/governance/extensions/GovernorPreventLateQuorum.sol";
import {GovernorNoncesKeyed} from "@openzeppelin/contracts/governance/extensions/GovernorNoncesKeyed.sol";
import {GovernorProposalGuardian} from "@openzeppelin/contracts/governance/extensions/GovernorProposalGuardian.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {NoncesKeyed} from "@openzeppelin/contracts/utils/NoncesKeyed.sol";
import {GovernanceDefaults} from "./GovernanceDefaults.sol";

/// @title The MegaTAO Governor.
/// @notice OpenZeppelin's Governor composed of its modules only, with MegaTAO's defaults:
///         - clock: the voting token's, timestamps (ERC-6372 `mode=timestamp`), so every duration is in seconds;
///         - voting delay 1 day, voting period 5 days, proposal threshold 100,000 MEGA (0.1% of the supply), each
///           changeable by governance only (`GovernorSettings`);
///         - quorum 4% of the supply at the proposal's snapshot, counting For and Abstain (`GovernorCountingSimple`,
///           `GovernorVotesQuorumFraction`); a proposal passes with quorum and more For than Against;
///         - late-quorum protection: once quorum is reached, voting stays open at least 1 more day
///           (`GovernorPreventLateQuorum`);
///         - execution through the TimelockController (`GovernorTimelockControl`), which owns the protocol; its
///           minimum delay is 2 days;
///         - ballots signed offline (`castVoteBySig`) with either the voter's sequential nonce or a nonce keyed by the
///           proposal (`GovernorNoncesKeyed`), so ballots a voter signs for several proposals stay valid whichever
///           lands first;
///         - a proposal guardian that may cancel any proposal at any stage before execution, and do nothing else
///           (`GovernorProposalGuardian`); governance replaces it with `setProposalGuardian`.
/// @dev The overrides below only resolve OpenZeppelin's multiple inheritance: each calls `super`, so every module's
///      logic runs in the linearization order of the `is` list. `GovernorSettings` precedes
///      `GovernorPreventLateQuorum` because the latter's constructor bounds the extension by `votingPeriod()`.
contract MegaTAOGovernor is
    Governor,
    GovernorSettings,
    GovernorCountingSimple,
    GovernorVotes,
    GovernorVotesQuorumFraction,
    GovernorTimelockControl,
    GovernorPreventLateQuorum,
    GovernorNoncesKeyed,
    GovernorProposalGuardian
{
    /// @notice Seconds from a proposal to the start of its vote (the voting-power snapshot): 1 day.
    uint48 public constant INITIAL_VOTING_DELAY = GovernanceDefaults.VOTING_DELAY;

    /// @notice Seconds a vote lasts: 5 days.
    uint32 public constant INITIAL_VOTING_PERIOD = GovernanceDefaults.VOTING_PERIOD;

    /// @notice Votes needed to propose: 0.1% of the supply, 100,000 MEGA.
    uint256 public constant INITIAL_PROPOSAL_THRESHOLD = GovernanceDefaults.PROPOSAL_THRESHOLD;

    /// @notice Quorum, in percent of the supply at the snapshot: 4%.
    uint256 public constant INITIAL_QUORUM_PERCENT = GovernanceDefaults.QUORUM_PERCENT;

    /// @notice Seconds a vote stays open after the vote that reaches quorum: 1 day.
    uint48 public constant INITIAL_LATE_QUORUM_EXTENSION = GovernanceDefaults.LATE_QUORUM_EXTENSION;

    /// @param token The voting token (`MegaTAOToken`), whose clock the Governor adopts.
    /// @param timelock The TimelockController that executes proposals; it must grant this Governor the proposer and
    ///        canceller roles (see `GovernanceDeployer`).
    /// @param proposalGuardian_ The account that may cancel any proposal; zero lets each proposer cancel their own.
    constructor(IVotes token, TimelockController timelock, address proposalGuardian_)
        Governor("MegaTAO Governor")
        GovernorSettings(INITIAL_VOTING_DELAY, INITIAL_VOTING_PERIOD, INITIAL_PROPOSAL_THRESHOLD)
        GovernorVotes(token)
        GovernorVotesQuorumFraction(INITIAL_QUORUM_PERCENT)
        GovernorTimelockControl(timelock)
        GovernorPreventLateQuorum(INITIAL_LATE_QUORUM_EXTENSION)
    {
        _setProposalGuardian(proposalGuardian_);
    }

    // ---------------------------------------------------------------- resolution of multiple inheritance

    /// @inheritdoc IGovernor
    function state(uint256 proposalId) public view override(Governor, GovernorTimelockControl) returns (ProposalState) {
        return super.state(proposalId);
    }

    /// @inheritdoc IGovernor
    function proposalThreshold() public view override(Governor, GovernorSettings) returns (uint256) {
        return super.proposalThreshold();
    }

    /// @inheritdoc IGovernor
    function proposalDeadline(uint256 proposalId)
        public
        view
        override(Governor, GovernorPreventLateQuorum)
        returns (uint256)
    {
        return super.proposalDeadline(proposalId);
    }

    /// @inheritdoc IGovernor
    function proposalNeedsQueuing(uint256 proposalId)
        public
        view
        override(Governor, GovernorTimelockControl)
        returns (bool)
    {
        return super.proposalNeedsQueuing(proposalId);
    }

    /// @dev Schedules the proposal's calls on the timelock (`GovernorTimelockControl`).
    function _queueOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) returns (uint48) {
        return super._queueOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    /// @dev Executes the proposal's calls through the timelock (`GovernorTimelockControl`).
    function _executeOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) {
        super._executeOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    /// @dev Cancels the proposal, and its timelock operation if queued (`GovernorTimelockControl`).
    function _cancel(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) returns (uint256) {
        return super._cancel(targets, values, calldatas, descriptionHash);
    }

    /// @dev The timelock executes proposals (`GovernorTimelockControl`).
    function _executor() internal view override(Governor, GovernorTimelockControl) returns (address) {
        return super._executor();
    }

    /// @dev Extends the deadline when this vote reaches quorum late (`GovernorPreventLateQuorum`).
    function _tallyUpdated(uint256 proposalId) internal override(Governor, GovernorPreventLateQuorum) {
        super._tallyUpdated(proposalId);
    }

    /// @dev The guardian cancels any proposal; the proposer a pending one (`GovernorProposalGuardian`).
    function _validateCancel(uint256 proposalId, address caller)
        internal
        view
        override(Governor, GovernorProposalGuardian)
        returns (bool)
    {
        return super._validateCancel(proposalId, caller);
    }

    /// @dev A ballot's nonce is the voter's keyed nonce for the proposal, else their sequential nonce
    ///      (`GovernorNoncesKeyed`).
    function _validateVoteSig(uint256 proposalId, uint8 support, address voter, bytes memory signature)
        internal
        override(Governor, GovernorNoncesKeyed)
        returns (bool)
    {
        return super._validateVoteSig(proposalId, support, voter, signature);
    }

    /// @dev As `_validateVoteSig`, for ballots with a reason and parameters (`GovernorNoncesKeyed`).
    function _validateExtendedVoteSig(
        uint256 proposalId,
        uint8 support,
        address voter,
        string memory reason,
        bytes memory params,
        bytes memory signature
    ) internal override(Governor, GovernorNoncesKeyed) returns (bool) {
        return super._validateExtendedVoteSig(proposalId, support, voter, reason, params, signature);
    }

    /// @dev Consumes a sequential nonce (key 0) or a keyed one (`NoncesKeyed`).
    function _useCheckedNonce(address owner, uint256 nonce) internal override(Nonces, GovernorNoncesKeyed) {
        super._useCheckedNonce(owner, nonce);
    }
}
