// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {GovernorProposalGuardian} from "@openzeppelin/contracts/governance/extensions/GovernorProposalGuardian.sol";
import {GovernanceFixture} from "./GovernanceFixture.t.sol";
import {IMegaTAO} from "../../../contracts/interfaces/IMegaTAO.sol";
import {IGovernanceErrors} from "../../../contracts/libraries/errors/GovernanceErrors.sol";
import {MarketModule} from "../../../contracts/protocol/modules/MarketModule.sol";
import {Built} from "../utils/Built.sol";

/// @dev The proposal guardian's veto cannot protect itself: it cannot cancel a proposal whose only calls replace a
///      guardian or unpause opens; the two guardians are different keys.
contract GuardianProofTest is GovernanceFixture {
    address internal newGuardian = makeAddr("newGuardian");
    address internal newProposalGuardian = makeAddr("newProposalGuardian");

    function _calls(uint256 count, string memory description) internal pure returns (Proposal memory p) {
        p.targets = new address[](count);
        p.values = new uint256[](count);
        p.calldatas = new bytes[](count);
        p.description = description;
    }

    function _setGuardianCall(Proposal memory p, uint256 i, address guardian) internal view {
        p.targets[i] = address(router);
        p.calldatas[i] = abi.encodeCall(IMegaTAO.setGuardian, (guardian));
    }

    function _setProposalGuardianCall(Proposal memory p, uint256 i, address guardian) internal view {
        p.targets[i] = address(governor);
        p.calldatas[i] = abi.encodeCall(GovernorProposalGuardian.setProposalGuardian, (guardian));
    }

    function _unpauseCall(Proposal memory p, uint256 i) internal view {
        p.targets[i] = address(router);
        p.calldatas[i] = abi.encodeCall(IMegaTAO.unpauseOpens, ());
    }

    /// @dev Replace both guardians and lift the pause: the response to a rogue guardian.
    function _replaceBothAndUnpause() internal view returns (Proposal memory p) {
        p = _calls(3, "Replace the guardians, unpause");
        _setGuardianCall(p, 0, newGuardian);
        _setProposalGuardianCall(p, 1, newProposalGuardian);
        _unpauseCall(p, 2);
    }

    function _isGuardianProof(Proposal memory p) internal view returns (bool) {
        return governor.isGuardianProof(p.targets, p.values, p.calldatas);
    }

    function _cancelAs(address caller, Proposal memory p) internal {
        vm.prank(caller);
        governor.cancel(p.targets, p.values, p.calldatas, _descriptionHash(p));
    }

    function _expectGuardianRefused(Proposal memory p) internal {
        uint256 proposalId = _idOf(p);
        vm.prank(proposalGuardianAccount);
        vm.expectRevert(abi.encodeWithSelector(IGovernanceErrors.ProposalGuardianCannotCancel.selector, proposalId));
        governor.cancel(p.targets, p.values, p.calldatas, _descriptionHash(p));
    }

    // ---------------------------------------------------------------- which proposals are guardian-proof

    function test_isGuardianProof_EachProtectedCallAndTheirMix() public view {
        Proposal memory p = _calls(1, "");
        _setGuardianCall(p, 0, newGuardian);
        assertTrue(_isGuardianProof(p), "setGuardian");
        _setProposalGuardianCall(p, 0, newGuardian);
        assertTrue(_isGuardianProof(p), "setProposalGuardian");
        _unpauseCall(p, 0);
        assertTrue(_isGuardianProof(p), "unpauseOpens");
        _setGuardianCall(p, 0, address(0));
        assertTrue(_isGuardianProof(p), "removing the pause guardian");
        assertTrue(_isGuardianProof(_replaceBothAndUnpause()), "all three");
    }

    function test_isGuardianProof_FalseForAnythingElse() public {
        Proposal memory p = _calls(0, "");
        assertFalse(_isGuardianProof(p), "no call");

        // A renewal of the pause renews something: cancellable.
        p = _protocolCall(abi.encodeCall(IMegaTAO.pauseOpens, ()), "");
        assertFalse(_isGuardianProof(p), "renewal");
        p = _protocolCall(abi.encodeCall(IMegaTAO.setMaxPause, (30 days)), "");
        assertFalse(_isGuardianProof(p), "max pause");

        // An upgrade hidden behind a guardian replacement: cancellable.
        MarketModule upgraded = MarketModule(Built.deploy("MarketModule"));
        p = _replaceBothAndUnpause();
        p.calldatas[2] = abi.encodeCall(
            IMegaTAO.setModule, (upgraded.MODULE_ID(), address(upgraded), upgraded.exportedSelectors(), bytes(""))
        );
        assertFalse(_isGuardianProof(p), "mixed with an upgrade");

        // The right selector on the wrong target, or with value, or truncated.
        p = _calls(1, "");
        p.targets[0] = makeAddr("lookalike");
        p.calldatas[0] = abi.encodeCall(IMegaTAO.setGuardian, (newGuardian));
        assertFalse(_isGuardianProof(p), "setGuardian elsewhere");
        p.targets[0] = address(governor);
        assertFalse(_isGuardianProof(p), "setGuardian on the Governor");
        p.targets[0] = address(router);
        p.calldatas[0] = abi.encodeCall(GovernorProposalGuardian.setProposalGuardian, (newGuardian));
        assertFalse(_isGuardianProof(p), "setProposalGuardian on the protocol");
        p.calldatas[0] = abi.encodeCall(IMegaTAO.setGuardian, (newGuardian));
        p.values[0] = 1;
        assertFalse(_isGuardianProof(p), "with value");
        p.values[0] = 0;
        p.calldatas[0] = hex"8a0dac";
        assertFalse(_isGuardianProof(p), "3 bytes");
        p.targets[0] = address(timelock);
        p.calldatas[0] = abi.encodeWithSignature("updateDelay(uint256)", 0);
        assertFalse(_isGuardianProof(p), "timelock call");
    }

    // ---------------------------------------------------------------- cancel

    function test_RevertWhen_ProposalGuardianCancelsGuardianProofProposalAtAnyStage() public {
        IGovernor.ProposalState[4] memory stages = [
            IGovernor.ProposalState.Pending,
            IGovernor.ProposalState.Active,
            IGovernor.ProposalState.Succeeded,
            IGovernor.ProposalState.Queued
        ];
        for (uint256 i; i < stages.length; ++i) {
            Proposal memory p = _replaceBothAndUnpause();
            p.description = vm.toString(i);
            uint256 proposalId = _propose(alice, p);
            if (i >= 1) _warpToVoteStart(proposalId);
            if (i >= 2) {
                _vote(alice, proposalId, FOR);
                _vote(bob, proposalId, FOR);
                _warpPastDeadline(proposalId);
            }
            if (i >= 3) _queue(p);
            assertEq(uint8(_state(proposalId)), uint8(stages[i]), "stage");
            _expectGuardianRefused(p);
            assertEq(uint8(_state(proposalId)), uint8(stages[i]), "not canceled");
        }
    }

    function test_RevertWhen_ProposalGuardianCancelsEachKind() public {
        Proposal memory p = _calls(1, "pause guardian");
        _setGuardianCall(p, 0, newGuardian);
        _propose(alice, p);
        _expectGuardianRefused(p);

        p = _calls(1, "proposal guardian");
        _setProposalGuardianCall(p, 0, newProposalGuardian);
        _propose(alice, p);
        _expectGuardianRefused(p);

        p = _calls(1, "unpause");
        _unpauseCall(p, 0);
        _propose(alice, p);
        _expectGuardianRefused(p);
    }

    function test_cancel_ProposalGuardianCancelsMixedProposal() public {
        MarketModule upgraded = MarketModule(Built.deploy("MarketModule"));
        Proposal memory p = _replaceBothAndUnpause();
        p.calldatas[2] = abi.encodeCall(
            IMegaTAO.setModule, (upgraded.MODULE_ID(), address(upgraded), upgraded.exportedSelectors(), bytes(""))
        );
        uint256 proposalId = _proposeAndQueue(p);
        _cancelAs(proposalGuardianAccount, p);
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Canceled), "canceled");
    }

    function test_cancel_ProposerCancelsOwnPendingGuardianProofProposal() public {
        // OpenZeppelin's rule for proposers is unchanged: alice withdraws her own proposal while Pending.
        Proposal memory p = _replaceBothAndUnpause();
        uint256 proposalId = _propose(alice, p);
        _cancelAs(alice, p);
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Canceled), "canceled");
    }

    function test_cancel_ProposalGuardianAsProposerCancelsOwnPendingProposal() public {
        // The proposal guardian may hold votes and propose; like any proposer it withdraws its own proposal while
        // Pending, and no later.
        vm.prank(alice);
        assertTrue(token.transfer(proposalGuardianAccount, 200_000e18), "transfer");
        _selfDelegate(proposalGuardianAccount);
        vm.warp(block.timestamp + 1);
        Proposal memory p = _replaceBothAndUnpause();
        uint256 proposalId = _propose(proposalGuardianAccount, p);
        _cancelAs(proposalGuardianAccount, p);
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Canceled), "canceled while pending");

        p.description = "again";
        proposalId = _propose(proposalGuardianAccount, p);
        _warpToVoteStart(proposalId);
        _expectGuardianRefused(p);
    }

    function test_cancel_WithoutProposalGuardianProposerCancelsAnyStage() public {
        // Governance removed the proposal guardian: OpenZeppelin lets each proposer cancel their own proposal.
        Proposal memory remove = _calls(1, "No proposal guardian");
        _setProposalGuardianCall(remove, 0, address(0));
        _pass(remove);
        assertEq(governor.proposalGuardian(), address(0), "removed");
        Proposal memory p = _replaceBothAndUnpause();
        uint256 proposalId = _proposeAndQueue(p);
        _cancelAs(alice, p);
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Canceled), "canceled by its proposer");
    }

    function test_lifecycle_ReplacesBothGuardiansAndUnpauses() public {
        vm.prank(guardianAccount);
        router.pauseOpens();
        Proposal memory p = _replaceBothAndUnpause();
        _pass(p);
        assertEq(router.guardian(), newGuardian, "pause guardian");
        assertEq(governor.proposalGuardian(), newProposalGuardian, "proposal guardian");
        assertFalse(router.opensPaused(), "unpaused");
    }

    // ---------------------------------------------------------------- different keys

    function test_RevertWhen_ProposalGuardianSetToPauseGuardian() public {
        Proposal memory p = _calls(1, "Same key");
        _setProposalGuardianCall(p, 0, guardianAccount);
        _proposeAndQueue(p);
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(IGovernanceErrors.GuardiansNotDistinct.selector, guardianAccount));
        governor.execute(p.targets, p.values, p.calldatas, _descriptionHash(p));
        assertEq(governor.proposalGuardian(), proposalGuardianAccount, "unchanged");
    }

    function test_RevertWhen_PauseGuardianSetToProposalGuardian() public {
        Proposal memory p = _calls(1, "Same key");
        _setGuardianCall(p, 0, proposalGuardianAccount);
        _proposeAndQueue(p);
        vm.prank(relayer);
        vm.expectRevert(
            abi.encodeWithSelector(IGovernanceErrors.GuardiansNotDistinct.selector, proposalGuardianAccount)
        );
        governor.execute(p.targets, p.values, p.calldatas, _descriptionHash(p));
        assertEq(router.guardian(), guardianAccount, "unchanged");
    }

    function test_RevertWhen_BothGuardiansSetToOneKey() public {
        Proposal memory p = _calls(2, "One key");
        _setGuardianCall(p, 0, newGuardian);
        _setProposalGuardianCall(p, 1, newGuardian);
        _proposeAndQueue(p);
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(IGovernanceErrors.GuardiansNotDistinct.selector, newGuardian));
        governor.execute(p.targets, p.values, p.calldatas, _descriptionHash(p));
    }

    function test_lifecycle_SwapsTheGuardians() public {
        // The pause guardian's key first, then the proposal guardian's: every step keeps them apart at the end.
        Proposal memory p = _calls(2, "Swap");
        _setGuardianCall(p, 0, proposalGuardianAccount);
        _setProposalGuardianCall(p, 1, guardianAccount);
        _pass(p);
        assertEq(router.guardian(), proposalGuardianAccount, "pause guardian");
        assertEq(governor.proposalGuardian(), guardianAccount, "proposal guardian");
    }

    function test_lifecycle_RemovesBothGuardians() public {
        Proposal memory p = _calls(2, "No guardians");
        _setGuardianCall(p, 0, address(0));
        _setProposalGuardianCall(p, 1, address(0));
        _pass(p);
        assertEq(router.guardian(), address(0), "pause guardian");
        assertEq(governor.proposalGuardian(), address(0), "proposal guardian");
    }
}
