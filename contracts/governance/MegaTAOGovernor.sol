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
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IMegaTAO} from "../interfaces/IMegaTAO.sol";
import {IMegaTAOGovernor} from "../interfaces/IMegaTAOGovernor.sol";
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
///           minimum delay is 2 days, an upgrade's 9 days (`MegaTAOTimelock`), and `proposalEta` is the timelock's
///           own ETA of the operation;
///         - ballots signed offline (`castVoteBySig`) with either the voter's sequential nonce or a nonce keyed by the
///           proposal (`GovernorNoncesKeyed`), so ballots a voter signs for several proposals stay valid whichever
///           lands first;
///         - a proposal guardian that may cancel any proposal at any stage before execution, except one that only
///           replaces a guardian or unpauses opens (`IMegaTAOGovernor.isGuardianProof`), and do nothing else
///           (`GovernorProposalGuardian`); governance replaces it with `setProposalGuardian`. It is never the
///           protocol's pause guardian (`GuardiansNotDistinct`).
/// @dev Besides the rules of `IMegaTAOGovernor` (`cancel`, `_setProposalGuardian`, `_executeOperations`) and the ETA
///      (`_queueOperations`), the overrides below only resolve OpenZeppelin's multiple inheritance: each calls
///      `super`, so every module's logic runs in the linearization order of the `is` list. `GovernorSettings` precedes
///      `GovernorPreventLateQuorum` because the latter's constructor bounds the extension by `votingPeriod()`.
contract MegaTAOGovernor is
    IMegaTAOGovernor,
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

    /// @inheritdoc IMegaTAOGovernor
    address public immutable protocol;

    /// @param token The voting token (`MegaTAOToken`), whose clock the Governor adopts.
    /// @param timelock The TimelockController that executes proposals (`MegaTAOTimelock`); it must grant this
    ///        Governor the proposer and canceller roles (see `GovernanceDeployer`).
    /// @param proposalGuardian_ The account that may cancel proposals (not guardian-proof ones); zero lets each
    ///        proposer cancel their own. Not the protocol's pause guardian.
    /// @param protocol_ The MegaTAO entry contract that the timelock owns.
    constructor(IVotes token, TimelockController timelock, address proposalGuardian_, address protocol_)
        Governor("MegaTAO Governor")
        GovernorSettings(INITIAL_VOTING_DELAY, INITIAL_VOTING_PERIOD, INITIAL_PROPOSAL_THRESHOLD)
        GovernorVotes(token)
        GovernorVotesQuorumFraction(INITIAL_QUORUM_PERCENT)
        GovernorTimelockControl(timelock)
        GovernorPreventLateQuorum(INITIAL_LATE_QUORUM_EXTENSION)
    {
        if (protocol_.code.length == 0) revert InvalidProtocol(protocol_);
        protocol = protocol_;
        _setProposalGuardian(proposalGuardian_);
    }

    // ---------------------------------------------------------------- the guardians

    /// @inheritdoc IMegaTAOGovernor
    function isGuardianProof(address[] memory targets, uint256[] memory values, bytes[] memory calldatas)
        public
        view
        returns (bool)
    {
        uint256 count = targets.length;
        if (count == 0 || values.length != count || calldatas.length != count) return false;
        for (uint256 i; i < count; ++i) {
            if (values[i] != 0 || !_isGuardianProofCall(targets[i], calldatas[i])) return false;
        }
        return true;
    }

    /// @notice OpenZeppelin's `cancel`, except that the proposal guardian cannot cancel a guardian-proof proposal
    ///         (`ProposalGuardianCannotCancel`) unless it is the proposal's proposer and the proposal is Pending,
    ///         which any proposer may do (OpenZeppelin's `Governor._validateCancel`).
    function cancel(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) public override returns (uint256) {
        address caller = _msgSender();
        if (caller == proposalGuardian() && isGuardianProof(targets, values, calldatas)) {
            uint256 proposalId = getProposalId(targets, values, calldatas, descriptionHash);
            if (!Governor._validateCancel(proposalId, caller)) revert ProposalGuardianCannotCancel(proposalId);
        }
        return super.cancel(targets, values, calldatas, descriptionHash);
    }

    /// @dev OpenZeppelin's setter, refusing the protocol's pause guardian (zero, none, is always accepted).
    function _setProposalGuardian(address newProposalGuardian) internal override {
        if (newProposalGuardian != address(0) && newProposalGuardian == IMegaTAO(protocol).guardian()) {
            revert GuardiansNotDistinct(newProposalGuardian);
        }
        super._setProposalGuardian(newProposalGuardian);
    }

    /// @dev Whether a call is one a guardian-proof proposal may make: `setGuardian` or `unpauseOpens` on the protocol,
    ///      `setProposalGuardian` on this Governor.
    function _isGuardianProofCall(address target, bytes memory data) private view returns (bool) {
        if (data.length < 4) return false;
        // The call's selector: its first 4 bytes, which it has.
        // forge-lint: disable-next-line(unsafe-typecast)
        bytes4 selector = bytes4(data);
        if (target == protocol) {
            return selector == IMegaTAO.setGuardian.selector || selector == IMegaTAO.unpauseOpens.selector;
        }
        return target == address(this) && selector == GovernorProposalGuardian.setProposalGuardian.selector;
    }

    /// @dev Whether a proposal calls the protocol's `setGuardian`.
    function _setsPauseGuardian(address[] memory targets, bytes[] memory calldatas) private view returns (bool) {
        for (uint256 i; i < targets.length; ++i) {
            bytes memory data = calldatas[i];
            if (targets[i] != protocol || data.length < 4) continue;
            // The call's selector: its first 4 bytes, which it has.
            // forge-lint: disable-next-line(unsafe-typecast)
            if (bytes4(data) == IMegaTAO.setGuardian.selector) return true;
        }
        return false;
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

    /// @dev Schedules the proposal's calls on the timelock (`GovernorTimelockControl`), then returns the time the
    ///      timelock says the operation is ready: OpenZeppelin's `now + getMinDelay()`, unless the timelock waits
    ///      longer (`MegaTAOTimelock` raises an upgrade's delay), which `proposalEta` and `ProposalQueued` then show.
    function _queueOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) returns (uint48) {
        super._queueOperations(proposalId, targets, values, calldatas, descriptionHash);
        TimelockController lock = TimelockController(payable(timelock()));
        // GovernorTimelockControl's operation: no predecessor, salt = this Governor's address xor the description.
        bytes32 operationId =
            lock.hashOperationBatch(targets, values, calldatas, 0, bytes20(address(this)) ^ descriptionHash);
        return SafeCast.toUint48(lock.getTimestamp(operationId));
    }

    /// @dev Executes the proposal's calls through the timelock (`GovernorTimelockControl`); a proposal that set the
    ///      protocol's pause guardian reverts if it is now the proposal guardian.
    function _executeOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) {
        super._executeOperations(proposalId, targets, values, calldatas, descriptionHash);
        if (_setsPauseGuardian(targets, calldatas)) {
            address guardian = proposalGuardian();
            if (guardian != address(0) && guardian == IMegaTAO(protocol).guardian()) {
                revert GuardiansNotDistinct(guardian);
            }
        }
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

    /// @dev The guardian cancels any proposal; the proposer a pending one (`GovernorProposalGuardian`). `cancel`
    ///      keeps the guardian from guardian-proof proposals before this runs.
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
