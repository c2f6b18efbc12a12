// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {stdError} from "forge-std/StdError.sol";
import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {GovernorSettings} from "@openzeppelin/contracts/governance/extensions/GovernorSettings.sol";
import {
    GovernorVotesQuorumFraction
} from "@openzeppelin/contracts/governance/extensions/GovernorVotesQuorumFraction.sol";
import {GovernorPreventLateQuorum} from "@openzeppelin/contracts/governance/extensions/GovernorPreventLateQuorum.sol";
import {GovernorProposalGuardian} from "@openzeppelin/contracts/governance/extensions/GovernorProposalGuardian.sol";
import {GovernanceFixture} from "./GovernanceFixture.t.sol";
import {GovernanceDefaults} from "../../../contracts/governance/GovernanceDefaults.sol";
import {IMegaTAO} from "../../../contracts/interfaces/IMegaTAO.sol";

/// @dev The Governor's rules: settings, voting, signed ballots and their nonces, late quorum, cancellation.
contract MegaTAOGovernorTest is GovernanceFixture {
    /// @dev A proposal the proposal guardian may cancel: the timelock renews the pause of opens.
    function _pauseProposal(string memory description) internal view returns (Proposal memory) {
        return _protocolCall(abi.encodeCall(IMegaTAO.pauseOpens, ()), description);
    }

    function _stateBit(IGovernor.ProposalState s) internal pure returns (bytes32) {
        return bytes32(uint256(1) << uint8(s));
    }

    // ---------------------------------------------------------------- settings

    function test_constructor_SetsDefaults() public view {
        assertEq(governor.name(), "MegaTAO Governor", "name");
        assertEq(governor.version(), "1", "version");
        assertEq(governor.votingDelay(), 1 days, "voting delay");
        assertEq(governor.votingPeriod(), 5 days, "voting period");
        assertEq(governor.proposalThreshold(), 100_000e18, "threshold");
        assertEq(governor.proposalThreshold() * 1000, token.totalSupply(), "threshold is 0.1% of supply");
        assertEq(governor.quorumNumerator(), 4, "quorum numerator");
        assertEq(governor.quorumDenominator(), 100, "quorum denominator");
        assertEq(governor.quorum(block.timestamp - 1), 4_000_000e18, "quorum is 4% of supply");
        assertEq(governor.lateQuorumVoteExtension(), 1 days, "late quorum extension");
        assertEq(governor.COUNTING_MODE(), "support=bravo&quorum=for,abstain", "counting");
        assertEq(governor.proposalGuardian(), proposalGuardianAccount, "guardian");
        assertEq(governor.protocol(), address(router), "protocol");
        assertEq(governor.INITIAL_VOTING_DELAY(), GovernanceDefaults.VOTING_DELAY, "delay constant");
        assertEq(governor.INITIAL_VOTING_PERIOD(), GovernanceDefaults.VOTING_PERIOD, "period constant");
    }

    function test_clock_FollowsTokenTimestamps() public {
        assertEq(governor.clock(), block.timestamp, "clock");
        assertEq(governor.CLOCK_MODE(), "mode=timestamp", "mode");
        vm.warp(block.timestamp + 1 days);
        assertEq(governor.clock(), block.timestamp, "clock moves with time, not blocks");
    }

    function test_RevertWhen_SettingChangedOutsideGovernance() public {
        address[5] memory callers =
            [alice, guardianAccount, proposalGuardianAccount, owner, address(governanceDeployer)];
        for (uint256 i; i < callers.length; ++i) {
            address caller = callers[i];
            vm.startPrank(caller);
            vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorOnlyExecutor.selector, caller));
            governor.setVotingDelay(0);
            vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorOnlyExecutor.selector, caller));
            governor.setVotingPeriod(1 hours);
            vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorOnlyExecutor.selector, caller));
            governor.setProposalThreshold(0);
            vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorOnlyExecutor.selector, caller));
            governor.updateQuorumNumerator(1);
            vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorOnlyExecutor.selector, caller));
            governor.setLateQuorumVoteExtension(0);
            vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorOnlyExecutor.selector, caller));
            governor.setProposalGuardian(caller);
            vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorOnlyExecutor.selector, caller));
            governor.updateTimelock(TimelockController(payable(caller)));
            vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorOnlyExecutor.selector, caller));
            governor.relay(caller, 0, "");
            vm.stopPrank();
        }
        // Even the timelock cannot change a setting outside the execution of a proposal that does it.
        vm.prank(address(timelock));
        vm.expectRevert(stdError.popError);
        governor.setVotingPeriod(1 hours);
        assertEq(governor.votingPeriod(), 5 days, "unchanged");
    }

    function test_setVotingPeriod_ChangesThroughGovernance() public {
        Proposal memory p = _singleCall(
            address(governor), abi.encodeCall(GovernorSettings.setVotingPeriod, (3 days)), "Voting period: 3 days"
        );
        _proposeAndQueue(p);
        vm.expectEmit(address(governor));
        emit GovernorSettings.VotingPeriodSet(5 days, 3 days);
        _execute(p);
        assertEq(governor.votingPeriod(), 3 days, "period");

        // The next proposal votes for 3 days.
        uint256 next = _propose(alice, _pauseProposal("next"));
        assertEq(governor.proposalDeadline(next), governor.proposalSnapshot(next) + 3 days, "new deadline");
    }

    function test_settings_AllChangeInOneProposal() public {
        Proposal memory p;
        p.targets = new address[](6);
        p.values = new uint256[](6);
        p.calldatas = new bytes[](6);
        for (uint256 i; i < 6; ++i) {
            p.targets[i] = address(governor);
        }
        p.calldatas[0] = abi.encodeCall(GovernorSettings.setVotingDelay, (2 days));
        p.calldatas[1] = abi.encodeCall(GovernorSettings.setVotingPeriod, (7 days));
        p.calldatas[2] = abi.encodeCall(GovernorSettings.setProposalThreshold, (250_000e18));
        p.calldatas[3] = abi.encodeCall(GovernorVotesQuorumFraction.updateQuorumNumerator, (5));
        p.calldatas[4] = abi.encodeCall(GovernorPreventLateQuorum.setLateQuorumVoteExtension, (2 days));
        p.calldatas[5] = abi.encodeCall(GovernorProposalGuardian.setProposalGuardian, (carol));
        p.description = "Settings";
        _pass(p);
        assertEq(governor.votingDelay(), 2 days, "delay");
        assertEq(governor.votingPeriod(), 7 days, "period");
        assertEq(governor.proposalThreshold(), 250_000e18, "threshold");
        assertEq(governor.quorumNumerator(), 5, "quorum");
        assertEq(governor.lateQuorumVoteExtension(), 2 days, "extension");
        assertEq(governor.proposalGuardian(), carol, "guardian");
    }

    // ---------------------------------------------------------------- proposing

    function test_propose_SetsSnapshotAndDeadline() public {
        uint256 proposedAt = block.timestamp;
        uint256 proposalId = _propose(alice, _pauseProposal("p"));
        assertEq(governor.proposalSnapshot(proposalId), proposedAt + 1 days, "snapshot");
        assertEq(governor.proposalDeadline(proposalId), proposedAt + 6 days, "deadline");
        assertEq(governor.proposalProposer(proposalId), alice, "proposer");
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Pending), "pending");
        _warpToVoteStart(proposalId);
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Active), "active");
    }

    function test_RevertWhen_ProposerBelowThreshold() public {
        Proposal memory p = _pauseProposal("p");
        vm.prank(dave);
        vm.expectRevert(
            abi.encodeWithSelector(IGovernor.GovernorInsufficientProposerVotes.selector, dave, DAVE_VOTES, 100_000e18)
        );
        governor.propose(p.targets, p.values, p.calldatas, p.description);
    }

    // ---------------------------------------------------------------- voting

    function test_castVote_CountsVotesAtSnapshot() public {
        uint256 proposalId = _propose(alice, _pauseProposal("p"));
        _warpToVoteStart(proposalId);
        // Tokens moved after the snapshot count where they were at the snapshot.
        vm.prank(carol);
        assertTrue(token.transfer(bob, CAROL_VOTES), "transfer");
        _vote(bob, proposalId, FOR);
        _vote(carol, proposalId, AGAINST);
        (uint256 against, uint256 forVotes, uint256 abstain) = governor.proposalVotes(proposalId);
        assertEq(forVotes, BOB_VOTES, "for");
        assertEq(against, CAROL_VOTES, "against");
        assertEq(abstain, 0, "abstain");
        assertTrue(governor.hasVoted(proposalId, bob), "bob voted");
    }

    function test_RevertWhen_VoteBeforeStart() public {
        uint256 proposalId = _propose(alice, _pauseProposal("p"));
        vm.prank(bob);
        vm.expectRevert(
            abi.encodeWithSelector(
                IGovernor.GovernorUnexpectedProposalState.selector,
                proposalId,
                IGovernor.ProposalState.Pending,
                _stateBit(IGovernor.ProposalState.Active)
            )
        );
        governor.castVote(proposalId, FOR);
    }

    function test_RevertWhen_VotingTwice() public {
        uint256 proposalId = _propose(alice, _pauseProposal("p"));
        _warpToVoteStart(proposalId);
        _vote(bob, proposalId, FOR);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorAlreadyCastVote.selector, bob));
        governor.castVote(proposalId, AGAINST);
    }

    function test_state_DefeatedWithoutQuorum() public {
        uint256 proposalId = _propose(alice, _pauseProposal("p"));
        _warpToVoteStart(proposalId);
        _vote(alice, proposalId, FOR); // 3% < 4%
        _warpPastDeadline(proposalId);
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Defeated), "defeated");
    }

    function test_state_QuorumCountsAbstain() public {
        uint256 proposalId = _propose(alice, _pauseProposal("p"));
        _warpToVoteStart(proposalId);
        _vote(alice, proposalId, FOR);
        _vote(carol, proposalId, ABSTAIN); // 3% + 1% = 4%: quorum exactly
        _warpPastDeadline(proposalId);
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Succeeded), "succeeded");
    }

    function test_state_DefeatedWhenAgainstIsNotOutvoted() public {
        address erin = makeAddr("erin");
        vm.prank(owner);
        assertTrue(token.transfer(erin, 1_000_000e18), "transfer");
        _selfDelegate(erin);
        vm.warp(block.timestamp + 1);
        uint256 proposalId = _propose(alice, _pauseProposal("p"));
        _warpToVoteStart(proposalId);
        _vote(alice, proposalId, AGAINST); // 3%
        _vote(bob, proposalId, FOR); // 2%
        _vote(carol, proposalId, FOR); // 1%
        _vote(erin, proposalId, ABSTAIN); // 1%: quorum (for + abstain) 4% reached
        _warpPastDeadline(proposalId);
        (uint256 against, uint256 forVotes,) = governor.proposalVotes(proposalId);
        assertEq(against, forVotes, "tie");
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Defeated), "a tie is defeated");
    }

    // ---------------------------------------------------------------- signed ballots

    function test_castVoteBySig_CountsBallotSignedWithSequentialNonce() public {
        uint256 proposalId = _propose(alice, _pauseProposal("p"));
        bytes memory ballot = _signBallot(bobKey, proposalId, FOR, governor.nonces(bob));
        _warpToVoteStart(proposalId);
        vm.expectEmit(address(governor));
        emit IGovernor.VoteCast(bob, proposalId, FOR, BOB_VOTES, "");
        _relayBallot(proposalId, FOR, bob, ballot);
        assertTrue(governor.hasVoted(proposalId, bob), "voted");
        assertEq(governor.nonces(bob), 1, "sequential nonce used");
    }

    function test_castVoteBySig_KeyedBallotsStayValidWhicheverLandsFirst() public {
        uint256 first = _propose(alice, _pauseProposal("first"));
        uint256 second = _propose(alice, _pauseProposal("second"));
        // Signed offline in this order, before either vote opens.
        bytes memory ballotFirst = _signKeyedBallot(bobKey, first, FOR);
        bytes memory ballotSecond = _signKeyedBallot(bobKey, second, AGAINST);
        _warpToVoteStart(second);
        // Relayed in the other order, with a direct vote and a sequential-nonce ballot of bob's landing in between.
        _relayBallot(second, AGAINST, bob, ballotSecond);
        uint256 third = _propose(alice, _pauseProposal("third"));
        _warpToVoteStart(third);
        _relayBallot(third, FOR, bob, _signBallot(bobKey, third, FOR, governor.nonces(bob)));
        _relayBallot(first, FOR, bob, ballotFirst);
        assertTrue(governor.hasVoted(first, bob), "first");
        assertTrue(governor.hasVoted(second, bob), "second");
        assertTrue(governor.hasVoted(third, bob), "third");
        // forge-lint: disable-next-line(unsafe-typecast)
        assertEq(governor.nonces(bob, uint192(first)), (uint256(uint192(first)) << 64) | 1, "keyed nonce used");
        assertEq(governor.nonces(bob), 1, "sequential nonce used once");
    }

    function test_RevertWhen_SequentialBallotOvertakenByAnother() public {
        // The failure keyed nonces avoid: two ballots signed with the same sequential nonce, the second landing first.
        uint256 first = _propose(alice, _pauseProposal("first"));
        uint256 second = _propose(alice, _pauseProposal("second"));
        uint256 nonce = governor.nonces(bob);
        bytes memory ballotFirst = _signBallot(bobKey, first, FOR, nonce);
        bytes memory ballotSecond = _signBallot(bobKey, second, FOR, nonce);
        _warpToVoteStart(second);
        _relayBallot(second, FOR, bob, ballotSecond);
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorInvalidSignature.selector, bob));
        governor.castVoteBySig(first, FOR, bob, ballotFirst);
    }

    function test_RevertWhen_KeyedBallotReplayed() public {
        uint256 proposalId = _propose(alice, _pauseProposal("p"));
        bytes memory ballot = _signKeyedBallot(bobKey, proposalId, FOR);
        _warpToVoteStart(proposalId);
        _relayBallot(proposalId, FOR, bob, ballot);
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorInvalidSignature.selector, bob));
        governor.castVoteBySig(proposalId, FOR, bob, ballot);
    }

    function test_RevertWhen_BallotSignedByAnotherAccount() public {
        uint256 proposalId = _propose(alice, _pauseProposal("p"));
        _warpToVoteStart(proposalId);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(aliceKey, _ballotDigest(proposalId, FOR, bob, 0));
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorInvalidSignature.selector, bob));
        governor.castVoteBySig(proposalId, FOR, bob, abi.encodePacked(r, s, v));
    }

    function test_RevertWhen_BallotSupportAltered() public {
        uint256 proposalId = _propose(alice, _pauseProposal("p"));
        bytes memory ballot = _signKeyedBallot(bobKey, proposalId, AGAINST);
        _warpToVoteStart(proposalId);
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorInvalidSignature.selector, bob));
        governor.castVoteBySig(proposalId, FOR, bob, ballot);
    }

    // ---------------------------------------------------------------- late quorum

    function test_castVote_LateQuorumExtendsDeadline() public {
        uint256 proposalId = _propose(alice, _pauseProposal("p"));
        uint256 deadline = governor.proposalDeadline(proposalId);
        vm.warp(deadline - 1 hours);
        _vote(alice, proposalId, FOR);
        vm.expectEmit(address(governor));
        emit GovernorPreventLateQuorum.ProposalExtended(proposalId, uint64(block.timestamp + 1 days));
        _vote(bob, proposalId, FOR); // quorum reached one hour before the end
        assertEq(governor.proposalDeadline(proposalId), block.timestamp + 1 days, "extended");

        // Past the original deadline the vote is still open, and the other side can still answer.
        vm.warp(deadline + 1);
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Active), "still active");
        _vote(carol, proposalId, AGAINST);
        _warpPastDeadline(proposalId);
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Succeeded), "succeeded");
    }

    function test_castVote_EarlyQuorumKeepsDeadline() public {
        uint256 proposalId = _propose(alice, _pauseProposal("p"));
        uint256 deadline = governor.proposalDeadline(proposalId);
        _warpToVoteStart(proposalId);
        _vote(alice, proposalId, FOR);
        _vote(bob, proposalId, FOR);
        assertEq(governor.proposalDeadline(proposalId), deadline, "not extended");
    }

    // ---------------------------------------------------------------- cancellation

    function test_cancel_GuardianCancelsPendingActiveSucceededAndQueued() public {
        IGovernor.ProposalState[4] memory stages = [
            IGovernor.ProposalState.Pending,
            IGovernor.ProposalState.Active,
            IGovernor.ProposalState.Succeeded,
            IGovernor.ProposalState.Queued
        ];
        for (uint256 i; i < stages.length; ++i) {
            Proposal memory p = _pauseProposal(vm.toString(i));
            uint256 proposalId = _propose(alice, p);
            if (i >= 1) _warpToVoteStart(proposalId);
            if (i >= 2) {
                _vote(alice, proposalId, FOR);
                _vote(bob, proposalId, FOR);
                _warpPastDeadline(proposalId);
            }
            if (i >= 3) _queue(p);
            assertEq(uint8(_state(proposalId)), uint8(stages[i]), "stage");

            vm.prank(proposalGuardianAccount);
            governor.cancel(p.targets, p.values, p.calldatas, _descriptionHash(p));
            assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Canceled), "canceled");
        }
    }

    function test_cancel_GuardianCancelRemovesTimelockOperation() public {
        Proposal memory p = _pauseProposal("p");
        _proposeAndQueue(p);
        bytes32 operationId =
            timelock.hashOperationBatch(p.targets, p.values, p.calldatas, 0, _timelockSalt(_descriptionHash(p)));
        assertTrue(timelock.isOperationReady(operationId), "ready");
        vm.prank(proposalGuardianAccount);
        governor.cancel(p.targets, p.values, p.calldatas, _descriptionHash(p));
        assertFalse(timelock.isOperation(operationId), "timelock operation cancelled");
        vm.prank(relayer);
        vm.expectRevert();
        timelock.executeBatch(p.targets, p.values, p.calldatas, 0, _timelockSalt(_descriptionHash(p)));
        assertEq(router.pausedUntil(), 0, "nothing executed");
    }

    function test_cancel_ProposerCancelsOwnPendingProposal() public {
        Proposal memory p = _pauseProposal("p");
        uint256 proposalId = _propose(alice, p);
        vm.prank(alice);
        governor.cancel(p.targets, p.values, p.calldatas, _descriptionHash(p));
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Canceled), "canceled");
    }

    function test_RevertWhen_ProposerCancelsActiveProposal() public {
        Proposal memory p = _pauseProposal("p");
        uint256 proposalId = _propose(alice, p);
        _warpToVoteStart(proposalId);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorUnableToCancel.selector, proposalId, alice));
        governor.cancel(p.targets, p.values, p.calldatas, _descriptionHash(p));
    }

    function test_RevertWhen_StrangerCancels() public {
        Proposal memory p = _pauseProposal("p");
        uint256 proposalId = _propose(alice, p);
        address[3] memory callers = [stranger, owner, bob];
        for (uint256 i; i < callers.length; ++i) {
            vm.prank(callers[i]);
            vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorUnableToCancel.selector, proposalId, callers[i]));
            governor.cancel(p.targets, p.values, p.calldatas, _descriptionHash(p));
        }
    }

    /// @dev GovernorTimelockControl's salt: the Governor's address xor the description hash.
    function _timelockSalt(bytes32 descriptionHash) internal view returns (bytes32) {
        return bytes20(address(governor)) ^ descriptionHash;
    }
}
