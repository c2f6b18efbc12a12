// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {GovernorProposalGuardian} from "@openzeppelin/contracts/governance/extensions/GovernorProposalGuardian.sol";
import {GovernanceFixture} from "../governance/GovernanceFixture.t.sol";
import {DrainModule} from "../governance/AccessControl.t.sol";
import {IMegaTAO} from "../../../contracts/interfaces/IMegaTAO.sol";
import {IGovernanceErrors} from "../../../contracts/libraries/errors/GovernanceErrors.sol";
import {IRouterErrors} from "../../../contracts/libraries/errors/RouterErrors.sol";
import {IPositionErrors} from "../../../contracts/libraries/errors/PositionErrors.sol";
import {MarketId, MarketIdLibrary} from "../../../contracts/types/MarketId.sol";

/// @dev The guardian freeze: rogue guardians try to stop the protocol, or governance, for good, and a hostile
///      majority tries to upgrade before the LPs can leave. Each attempt is refused with its own error, and
///      governance always removes the guardians.
///      - the proposal guardian cancels the proposal that replaces it: `ProposalGuardianCannotCancel`;
///      - the pause guardian extends its pause: `OpensAlreadyPaused`; re-pauses at each lapse until governance, whose
///        proposal neither guardian can cancel, replaces it: `GuardianUnauthorizedAccount` afterwards;
///      - a hostile upgrade hidden behind a guardian replacement stays cancellable;
///      - the two guardians merged into one key: `GuardiansNotDistinct`;
///      - an upgrade executed before the LPs who saw it queued can claim: `TimelockUnexpectedOperationState`.
contract GuardianFreezeTest is GovernanceFixture {
    MarketId internal sn19 = MarketIdLibrary.alpha(SN19);
    address internal trader = makeAddr("trader");
    address internal newGuardian = makeAddr("newGuardian");
    address internal newProposalGuardian = makeAddr("newProposalGuardian");

    function setUp() public override {
        super.setUp();
        vm.prank(address(timelock));
        protocol.listMarket(_sn19Listing());
        vm.deal(trader, 1_000e18);
    }

    /// @dev One proposal, guardian-proof: replace both guardians and lift the pause.
    function _replaceGuardians() internal view returns (Proposal memory p) {
        p.targets = new address[](3);
        p.values = new uint256[](3);
        p.calldatas = new bytes[](3);
        p.targets[0] = address(router);
        p.calldatas[0] = abi.encodeCall(IMegaTAO.setGuardian, (newGuardian));
        p.targets[1] = address(governor);
        p.calldatas[1] = abi.encodeCall(GovernorProposalGuardian.setProposalGuardian, (newProposalGuardian));
        p.targets[2] = address(router);
        p.calldatas[2] = abi.encodeCall(IMegaTAO.unpauseOpens, ());
        p.description = "# Replace the guardians\nBoth guardians abused their powers.";
    }

    function _proposalGuardianTriesToCancel(Proposal memory p, uint256 proposalId) internal {
        vm.prank(proposalGuardianAccount);
        vm.expectRevert(abi.encodeWithSelector(IGovernanceErrors.ProposalGuardianCannotCancel.selector, proposalId));
        governor.cancel(p.targets, p.values, p.calldatas, _descriptionHash(p));
    }

    /// @dev The pause guardian re-pauses whenever it may: at once if the pause lapsed, else it tries to extend it.
    function _guardianKeepsOpensFrozen() internal {
        if (!router.opensPaused()) {
            vm.prank(guardianAccount);
            router.pauseOpens();
        } else {
            uint256 until = router.pausedUntil();
            vm.prank(guardianAccount);
            vm.expectRevert(abi.encodeWithSelector(IRouterErrors.OpensAlreadyPaused.selector, until));
            router.pauseOpens();
        }
    }

    function _openSucceeds() internal {
        vm.prank(trader);
        protocol.openPosition{value: 1e18}(sn19, true, 2e18, type(uint256).max, block.timestamp);
        assertGt(protocol.position(trader, sn19).size, 0, "opened");
    }

    function test_RevertWhen_ProposalGuardianCancelsItsReplacement() public {
        Proposal memory p = _replaceGuardians();
        uint256 proposalId = _propose(alice, p);
        // At every stage the proposal guardian tries, and is refused.
        _proposalGuardianTriesToCancel(p, proposalId);
        _warpToVoteStart(proposalId);
        _proposalGuardianTriesToCancel(p, proposalId);
        _vote(alice, proposalId, FOR);
        _vote(bob, proposalId, FOR);
        _warpPastDeadline(proposalId);
        _proposalGuardianTriesToCancel(p, proposalId);
        _queue(p);
        _proposalGuardianTriesToCancel(p, proposalId);
        vm.warp(governor.proposalEta(proposalId));
        _proposalGuardianTriesToCancel(p, proposalId);
        _execute(p);
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Executed), "executed");
        assertEq(governor.proposalGuardian(), newProposalGuardian, "replaced");
        // The old proposal guardian has no power left: it cannot cancel even an ordinary proposal.
        Proposal memory ordinary = _protocolCall(abi.encodeCall(IMegaTAO.setMaxPause, (1 days)), "Max pause 1 day");
        uint256 ordinaryId = _propose(alice, ordinary);
        vm.prank(proposalGuardianAccount);
        vm.expectRevert(
            abi.encodeWithSelector(IGovernor.GovernorUnableToCancel.selector, ordinaryId, proposalGuardianAccount)
        );
        governor.cancel(ordinary.targets, ordinary.values, ordinary.calldatas, _descriptionHash(ordinary));
    }

    function test_RevertWhen_PauseGuardianFreezesOpensRepeatedly() public {
        // Day 0: the pause guardian pauses, and governance answers at once with the proposal that replaces both
        // guardians (the proposal guardian, colluding, cannot cancel it).
        _guardianKeepsOpensFrozen();
        Proposal memory p = _replaceGuardians();
        uint256 proposalId = _propose(alice, p);
        _warpToVoteStart(proposalId);
        _vote(alice, proposalId, FOR);
        _vote(bob, proposalId, FOR);

        // Every hour until the proposal executes, the guardian tries to extend or renew its pause.
        uint256 deadline = governor.proposalDeadline(proposalId);
        // forge-lint: disable-next-line(block-timestamp)
        while (block.timestamp <= deadline) {
            _guardianKeepsOpensFrozen();
            vm.warp(block.timestamp + 1 hours);
        }
        _proposalGuardianTriesToCancel(p, proposalId);
        _queue(p);
        uint256 eta = governor.proposalEta(proposalId);
        // forge-lint: disable-next-line(block-timestamp)
        while (block.timestamp < eta) {
            _guardianKeepsOpensFrozen();
            vm.warp(block.timestamp + 1 hours);
        }
        _proposalGuardianTriesToCancel(p, proposalId);
        assertTrue(router.opensPaused(), "frozen until governance acts");
        vm.prank(trader);
        vm.expectRevert(IPositionErrors.OpensArePaused.selector);
        protocol.openPosition{value: 1e18}(sn19, true, 2e18, type(uint256).max, block.timestamp);

        // Governance executes: new guardians, opens resumed; the old guardian is refused from then on.
        _execute(p);
        assertEq(router.guardian(), newGuardian, "pause guardian replaced");
        assertFalse(router.opensPaused(), "unpaused");
        vm.prank(guardianAccount);
        vm.expectRevert(abi.encodeWithSelector(IRouterErrors.GuardianUnauthorizedAccount.selector, guardianAccount));
        router.pauseOpens();
        _openSucceeds();
    }

    function test_pauseLapsesByItselfWithoutGovernance() public {
        // A guardian that pauses and disappears (or a pause nobody renews) stops opens for 7 days at most.
        vm.prank(guardianAccount);
        router.pauseOpens();
        uint256 until = router.pausedUntil();
        vm.warp(until - 1);
        vm.prank(trader);
        vm.expectRevert(IPositionErrors.OpensArePaused.selector);
        protocol.openPosition{value: 1e18}(sn19, true, 2e18, type(uint256).max, block.timestamp);
        vm.warp(until);
        assertFalse(router.opensPaused(), "lapsed");
        _openSucceeds();
    }

    function test_RevertWhen_UpgradeHiddenBehindGuardianReplacement() public {
        // A hostile majority bundles a draining module with the guardians' replacement, hoping the bundle is as
        // uncancellable as a replacement alone. It is not: the proposal guardian cancels it.
        DrainModule drain = new DrainModule();
        Proposal memory p = _replaceGuardians();
        p.calldatas[2] =
            abi.encodeCall(IMegaTAO.setModule, ("drain", address(drain), drain.exportedSelectors(), bytes("")));
        assertFalse(governor.isGuardianProof(p.targets, p.values, p.calldatas), "not guardian-proof");
        uint256 proposalId = _proposeAndQueue(p);
        vm.prank(proposalGuardianAccount);
        governor.cancel(p.targets, p.values, p.calldatas, _descriptionHash(p));
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Canceled), "canceled");
        vm.prank(relayer);
        vm.expectRevert(
            abi.encodeWithSelector(
                IGovernor.GovernorUnexpectedProposalState.selector,
                proposalId,
                IGovernor.ProposalState.Canceled,
                bytes32(uint256(1) << uint8(IGovernor.ProposalState.Queued))
            )
        );
        governor.execute(p.targets, p.values, p.calldatas, _descriptionHash(p));
        assertEq(router.moduleImplementation("drain"), address(0), "not installed");
    }

    function test_RevertWhen_GuardiansMergedIntoOneKey() public {
        // A guardian-proof proposal cannot be used to hand both powers to one key: it reverts at execution.
        Proposal memory p = _replaceGuardians();
        p.calldatas[1] = abi.encodeCall(GovernorProposalGuardian.setProposalGuardian, (newGuardian));
        _proposeAndQueue(p);
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(IGovernanceErrors.GuardiansNotDistinct.selector, newGuardian));
        governor.execute(p.targets, p.values, p.calldatas, _descriptionHash(p));
        assertEq(router.guardian(), guardianAccount, "unchanged");
    }

    function test_RevertWhen_UpgradeExecutesBeforeLpsCanExit() public {
        // An LP holds shares from genesis (the fixture's capital is the deploying account's). A hostile upgrade
        // passes its vote and is queued when epoch 1's withdrawal window opens; the LP requests at that second.
        address lp = owner;
        uint256 shares = lpToken.balanceOf(lp);
        assertGt(shares, 0, "LP shares");
        DrainModule drain = new DrainModule();
        Proposal memory p = _protocolCall(
            abi.encodeCall(IMegaTAO.setModule, ("drain", address(drain), drain.exportedSelectors(), bytes(""))), "Drain"
        );
        uint256 proposalId = _propose(alice, p);
        _warpToVoteStart(proposalId);
        _vote(alice, proposalId, FOR);
        _vote(bob, proposalId, FOR);
        _warpPastDeadline(proposalId);
        (, uint256 epochStart) = protocol.currentEpoch();
        uint256 windowOpens = epochStart + 7 days;
        vm.warp(windowOpens);
        _queue(p);
        uint256 eta = governor.proposalEta(proposalId);
        assertEq(eta, windowOpens + 9 days, "eta");
        assertGt(eta, windowOpens + protocol.longestLpExit(), "the delay outlasts the longest exit");
        vm.prank(lp);
        protocol.requestWithdrawal(shares);

        // The attacker tries to execute when the LP's claim opens, and at the last second of its claim window.
        bytes32 operationId = timelock.hashOperationBatch(
            p.targets, p.values, p.calldatas, 0, bytes20(address(governor)) ^ _descriptionHash(p)
        );
        bytes memory notReady = abi.encodeWithSelector(
            TimelockController.TimelockUnexpectedOperationState.selector,
            operationId,
            bytes32(uint256(1) << uint8(TimelockController.OperationState.Ready))
        );
        vm.warp(windowOpens + 7 days);
        vm.roll(block.number + 1);
        vm.prank(relayer);
        vm.expectRevert(notReady);
        governor.execute(p.targets, p.values, p.calldatas, _descriptionHash(p));
        vm.warp(windowOpens + 7 days + 48 hours - 1);
        vm.prank(relayer);
        vm.expectRevert(notReady);
        governor.execute(p.targets, p.values, p.calldatas, _descriptionHash(p));

        // The LP claims at that last second, before the upgrade can run.
        uint256 balanceBefore = lp.balance;
        vm.prank(lp);
        uint256 paid = protocol.claimWithdrawal();
        assertGt(paid, 0, "paid");
        assertEq(lp.balance, balanceBefore + paid, "the LP left with its TAO");

        // Only then may the upgrade execute.
        vm.warp(eta);
        _execute(p);
        assertEq(router.moduleImplementation("drain"), address(drain), "installed after the LP left");
    }
}
