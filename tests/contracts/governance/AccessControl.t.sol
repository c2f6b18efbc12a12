// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {GovernanceFixture} from "./GovernanceFixture.t.sol";
import {MockIndexOracle} from "../protocol/ProtocolFixture.t.sol";
import {IMegaTAO} from "../../../contracts/interfaces/IMegaTAO.sol";
import {IGovernanceErrors} from "../../../contracts/libraries/errors/GovernanceErrors.sol";
import {IRouterErrors} from "../../../contracts/libraries/errors/RouterErrors.sol";
import {IMarketModule, MarketParams} from "../../../contracts/interfaces/IMarketModule.sol";
import {IOracleModule, IIndexOracle} from "../../../contracts/interfaces/IOracleModule.sol";
import {ModuleBase} from "../../../contracts/protocol/modules/ModuleBase.sol";
import {MarketId, MarketIdLibrary, MarketStatus} from "../../../contracts/types/MarketId.sol";

/// @dev A module that would send the protocol's TAO anywhere: what a hostile `setModule` would install.
contract DrainModule is ModuleBase {
    function moduleId() external pure override returns (bytes32) {
        return "drain";
    }

    function exportedSelectors() external pure override returns (bytes4[] memory selectors) {
        selectors = new bytes4[](1);
        selectors[0] = DrainModule.drain.selector;
    }

    function drain(address payable to) external onlyDelegateCall {
        (bool sent,) = to.call{value: address(this).balance}("");
        require(sent, "drain failed");
    }
}

/// @dev Only the timelock changes the protocol. The pause guardian pauses opens, the proposal guardian cancels proposals
///      that are not guardian-proof, and neither does anything else.
contract AccessControlTest is GovernanceFixture {
    MarketId internal sn19 = MarketIdLibrary.alpha(SN19);
    MarketId internal mtsos = MarketIdLibrary.indexFromTicker("MTSOS");
    MockIndexOracle internal replacementOracle;
    DrainModule internal drainModule;

    function setUp() public override {
        super.setUp();
        replacementOracle = new MockIndexOracle(MTSOS_PRICE);
        drainModule = new DrainModule();
        // State in which every setter below succeeds when the timelock calls it: an alpha and an index market
        // listed, opens paused. (The timelock is impersonated here; the lifecycle tests go through votes.)
        vm.startPrank(address(timelock));
        protocol.listMarket(_sn19Listing());
        protocol.listMarket(_indexListing("MTSOS", address(indexOracle)));
        vm.stopPrank();
        vm.prank(guardianAccount);
        router.pauseOpens();
        vm.deal(address(router), 1_000e18);
        vm.deal(address(timelock), 10e18);
    }

    /// @dev One call to every owner-only function of the entry contract and of every module, each valid in the state
    ///      of `setUp`.
    function _setterCalls() internal view returns (bytes[] memory calls) {
        MarketParams memory params = _alphaParams();
        params.maxLeverage = 2e18;
        calls = new bytes[](9);
        calls[0] = abi.encodeCall(
            IMegaTAO.setModule,
            (marketModule.MODULE_ID(), address(marketModule), marketModule.exportedSelectors(), bytes(""))
        );
        calls[1] = abi.encodeCall(IMegaTAO.setGuardian, (stranger));
        calls[2] = abi.encodeCall(IMegaTAO.unpauseOpens, ());
        calls[3] = abi.encodeCall(IMegaTAO.transferOwnership, (stranger));
        calls[4] = abi.encodeCall(IMarketModule.listMarket, (_alphaListing("LIUM", LIUM)));
        calls[5] = abi.encodeCall(IMarketModule.updateMarketParams, (sn19, params));
        calls[6] = abi.encodeCall(IMarketModule.setMarketStatus, (sn19, MarketStatus.ReduceOnly));
        calls[7] = abi.encodeCall(IOracleModule.setIndexOracle, (mtsos, IIndexOracle(address(replacementOracle))));
        calls[8] = abi.encodeCall(IMegaTAO.setMaxPause, (1 days));
    }

    function _assertEverySetterRevertsFor(address caller) internal {
        bytes[] memory calls = _setterCalls();
        for (uint256 i; i < calls.length; ++i) {
            vm.prank(caller);
            (bool success, bytes memory returned) = address(router).call(calls[i]);
            assertFalse(success, vm.toString(i));
            assertEq(
                returned,
                abi.encodeWithSelector(IRouterErrors.OwnableUnauthorizedAccount.selector, caller),
                string.concat("error of call ", vm.toString(i))
            );
        }
    }

    function _assertUntouched() internal view {
        assertEq(router.guardian(), guardianAccount, "guardian");
        assertTrue(router.opensPaused(), "paused");
        assertEq(router.pendingOwner(), address(0), "pending owner");
        assertEq(router.owner(), address(timelock), "owner");
        assertEq(protocol.marketIds().length, 2, "markets");
        assertEq(protocol.marketParams(sn19).maxLeverage, 3e18, "params");
        assertEq(uint8(protocol.marketStatus(sn19)), uint8(MarketStatus.Active), "status");
        assertEq(protocol.indexOracle(mtsos), address(indexOracle), "oracle");
        assertEq(address(router).balance, 1_000e18, "TAO");
        assertEq(router.maxPause(), 7 days, "max pause");
        assertEq(timelock.upgradeDelay(), 9 days, "upgrade delay");
        assertEq(governor.proposalGuardian(), proposalGuardianAccount, "proposal guardian");
    }

    // ---------------------------------------------------------------- the protocol's setters

    function test_RevertWhen_SetterCalledByDeployer() public {
        _assertEverySetterRevertsFor(owner);
        _assertUntouched();
    }

    function test_RevertWhen_SetterCalledByGuardian() public {
        _assertEverySetterRevertsFor(guardianAccount);
        _assertEverySetterRevertsFor(proposalGuardianAccount);
        _assertUntouched();
    }

    function test_RevertWhen_SetterCalledByGovernorOrDeployerContract() public {
        // The Governor reaches the protocol only through a queued, delayed timelock operation.
        _assertEverySetterRevertsFor(address(governor));
        _assertEverySetterRevertsFor(address(governanceDeployer));
        _assertUntouched();
    }

    function test_RevertWhen_SetterCalledByLargestVoter() public {
        _assertEverySetterRevertsFor(alice);
        _assertEverySetterRevertsFor(stranger);
        _assertUntouched();
    }

    function testFuzz_setters_RevertWhenCallerIsNotTimelock(address caller) public {
        vm.assume(caller != address(timelock));
        _assertEverySetterRevertsFor(caller);
        _assertUntouched();
    }

    function test_setters_SucceedForTimelock() public {
        // The same calls pass from the timelock: the revert above is the access check, not the call's state.
        bytes[] memory calls = _setterCalls();
        for (uint256 i; i < calls.length; ++i) {
            vm.prank(address(timelock));
            (bool success,) = address(router).call(calls[i]);
            assertTrue(success, vm.toString(i));
        }
        assertEq(router.guardian(), stranger, "guardian");
        assertFalse(router.opensPaused(), "unpaused");
        assertEq(router.pendingOwner(), stranger, "pending owner");
        assertEq(protocol.marketIds().length, 3, "listed");
        assertEq(protocol.marketParams(sn19).maxLeverage, 2e18, "params");
        assertEq(uint8(protocol.marketStatus(sn19)), uint8(MarketStatus.ReduceOnly), "status");
        assertEq(protocol.indexOracle(mtsos), address(replacementOracle), "oracle");
        assertEq(router.maxPause(), 1 days, "max pause");
    }

    function test_RevertWhen_AcceptOwnershipByOtherThanPending() public {
        vm.prank(address(timelock));
        router.transferOwnership(stranger);
        vm.prank(guardianAccount);
        vm.expectRevert(abi.encodeWithSelector(IRouterErrors.OwnableUnauthorizedAccount.selector, guardianAccount));
        router.acceptOwnership();
    }

    // ---------------------------------------------------------------- the timelock's own functions

    function test_RevertWhen_TimelockCalledWithoutRole() public {
        address[3] memory callers = [owner, guardianAccount, alice];
        bytes memory data = abi.encodeCall(IMegaTAO.setGuardian, (stranger));
        for (uint256 i; i < callers.length; ++i) {
            address caller = callers[i];
            vm.startPrank(caller);
            vm.expectRevert(
                abi.encodeWithSelector(
                    IAccessControl.AccessControlUnauthorizedAccount.selector, caller, timelock.PROPOSER_ROLE()
                )
            );
            timelock.schedule(address(router), 0, data, 0, 0, 2 days);
            vm.expectRevert(
                abi.encodeWithSelector(
                    IAccessControl.AccessControlUnauthorizedAccount.selector, caller, timelock.CANCELLER_ROLE()
                )
            );
            timelock.cancel(bytes32(uint256(1)));
            bytes32 role = timelock.EXECUTOR_ROLE();
            vm.expectRevert(
                abi.encodeWithSelector(
                    IAccessControl.AccessControlUnauthorizedAccount.selector, caller, timelock.DEFAULT_ADMIN_ROLE()
                )
            );
            timelock.grantRole(role, caller);
            vm.expectRevert(abi.encodeWithSelector(TimelockController.TimelockUnauthorizedCaller.selector, caller));
            timelock.updateDelay(0);
            vm.stopPrank();
        }
    }

    /// @dev `setUpgradeDelay`, like `updateDelay`, only by the timelock itself (an operation): every other account
    ///      reverts, the Governor, the deployer, both guardians and the protocol included.
    function testFuzz_setUpgradeDelay_RevertWhenCallerIsNotTimelock(address caller) public {
        vm.assume(caller != address(timelock));
        vm.prank(caller);
        vm.expectRevert(abi.encodeWithSelector(TimelockController.TimelockUnauthorizedCaller.selector, caller));
        timelock.setUpgradeDelay(10 days);
        assertEq(timelock.upgradeDelay(), 9 days, "unchanged");
    }

    function test_RevertWhen_setUpgradeDelayCalledByAnyPrivilegedAccount() public {
        address[7] memory callers = [
            owner,
            guardianAccount,
            proposalGuardianAccount,
            address(governor),
            address(governanceDeployer),
            address(router),
            alice
        ];
        for (uint256 i; i < callers.length; ++i) {
            vm.prank(callers[i]);
            vm.expectRevert(abi.encodeWithSelector(TimelockController.TimelockUnauthorizedCaller.selector, callers[i]));
            timelock.setUpgradeDelay(10 days);
        }
        // The timelock itself (an executed operation) may.
        vm.prank(address(timelock));
        timelock.setUpgradeDelay(10 days);
        assertEq(timelock.upgradeDelay(), 10 days, "set by the timelock");
    }

    function test_RevertWhen_scheduleBatchWithoutProposerRole() public {
        // The override that raises an upgrade's delay keeps OpenZeppelin's role check.
        address[] memory targets = new address[](1);
        targets[0] = address(router);
        bytes[] memory payloads = new bytes[](1);
        payloads[0] = abi.encodeCall(IMegaTAO.unpauseOpens, ());
        address[3] memory callers = [owner, guardianAccount, proposalGuardianAccount];
        bytes32 role = timelock.PROPOSER_ROLE();
        for (uint256 i; i < callers.length; ++i) {
            vm.prank(callers[i]);
            vm.expectRevert(
                abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, callers[i], role)
            );
            timelock.scheduleBatch(targets, new uint256[](1), payloads, 0, 0, 9 days);
        }
    }

    // ---------------------------------------------------------------- the guardians: one power each

    function test_pauseOpens_GuardianPausesAtOnce() public {
        vm.prank(address(timelock));
        router.unpauseOpens();
        vm.expectEmit(address(router));
        emit IMegaTAO.OpensPaused(guardianAccount, block.timestamp + 7 days);
        vm.prank(guardianAccount);
        router.pauseOpens();
        assertTrue(router.opensPaused(), "paused");
    }

    function test_RevertWhen_StrangerPausesOpens() public {
        vm.prank(address(timelock));
        router.unpauseOpens();
        address[3] memory callers = [stranger, proposalGuardianAccount, address(governor)];
        for (uint256 i; i < callers.length; ++i) {
            vm.prank(callers[i]);
            vm.expectRevert(abi.encodeWithSelector(IRouterErrors.GuardianUnauthorizedAccount.selector, callers[i]));
            router.pauseOpens();
        }
        assertFalse(router.opensPaused(), "not paused");
    }

    function test_cancel_ProposalGuardianCancelsProposal() public {
        // The defence against a hostile upgrade that won its vote: the proposal guardian cancels it.
        bytes4[] memory selectors = drainModule.exportedSelectors();
        Proposal memory p = _protocolCall(
            abi.encodeCall(IMegaTAO.setModule, ("drain", address(drainModule), selectors, bytes(""))), "Drain"
        );
        uint256 proposalId = _proposeAndQueue(p);
        vm.prank(proposalGuardianAccount);
        governor.cancel(p.targets, p.values, p.calldatas, _descriptionHash(p));
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Canceled), "canceled");
    }

    function test_RevertWhen_ProposalGuardianCancelsGuardianProofProposal() public {
        Proposal memory p = _protocolCall(abi.encodeCall(IMegaTAO.unpauseOpens, ()), "Unpause");
        uint256 proposalId = _proposeAndQueue(p);
        vm.prank(proposalGuardianAccount);
        vm.expectRevert(abi.encodeWithSelector(IGovernanceErrors.ProposalGuardianCannotCancel.selector, proposalId));
        governor.cancel(p.targets, p.values, p.calldatas, _descriptionHash(p));
        // The pause guardian has no cancel at all.
        vm.prank(guardianAccount);
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorUnableToCancel.selector, proposalId, guardianAccount));
        governor.cancel(p.targets, p.values, p.calldatas, _descriptionHash(p));
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Queued), "still queued");
    }

    function test_RevertWhen_GuardianMovesTao() public {
        _assertCannotMoveTao(guardianAccount);
        _assertCannotMoveTao(proposalGuardianAccount);
        assertEq(address(timelock).balance, 10e18, "timelock TAO");
        _assertUntouched();
    }

    function _assertCannotMoveTao(address guardian) internal {
        // Through the protocol: installing a module that pays out.
        bytes4[] memory selectors = drainModule.exportedSelectors();
        vm.startPrank(guardian);
        vm.expectRevert(abi.encodeWithSelector(IRouterErrors.OwnableUnauthorizedAccount.selector, guardian));
        router.setModule("drain", address(drainModule), selectors, "");
        // Through the timelock: scheduling a transfer of its TAO, or executing an operation never scheduled.
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, guardian, timelock.PROPOSER_ROLE()
            )
        );
        timelock.schedule(guardian, 10e18, "", 0, 0, 2 days);
        bytes32 operationId = timelock.hashOperation(guardian, 10e18, "", 0, 0);
        vm.expectRevert(
            abi.encodeWithSelector(
                TimelockController.TimelockUnexpectedOperationState.selector,
                operationId,
                bytes32(uint256(1) << uint8(TimelockController.OperationState.Ready))
            )
        );
        timelock.execute(guardian, 10e18, "", 0, 0);
        // Through the Governor: relaying, or proposing without votes.
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorOnlyExecutor.selector, guardian));
        governor.relay(guardian, 1e18, "");
        address[] memory targets = new address[](1);
        targets[0] = guardian;
        uint256[] memory values = new uint256[](1);
        values[0] = 10e18;
        vm.expectRevert(
            abi.encodeWithSelector(IGovernor.GovernorInsufficientProposerVotes.selector, guardian, 0, 100_000e18)
        );
        governor.propose(targets, values, new bytes[](1), "pay the guardian");
        // Nor replace the other guardian, or itself.
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorOnlyExecutor.selector, guardian));
        governor.setProposalGuardian(guardian);
        vm.expectRevert(abi.encodeWithSelector(IRouterErrors.OwnableUnauthorizedAccount.selector, guardian));
        router.setGuardian(guardian);
        vm.stopPrank();
        assertEq(guardian.balance, 0, "guardian got nothing");
    }

    function test_drain_WorksOnlyOnceGovernanceInstallsIt() public {
        // The drain module is a real threat, not a dud: installed by the owner, it would pay out. Only the timelock,
        // after a vote and the delay, can install a module; the guardian's cancel is the defence against such a
        // proposal.
        bytes4[] memory selectors = drainModule.exportedSelectors();
        vm.prank(address(timelock));
        router.setModule("drain", address(drainModule), selectors, "");
        DrainModule(address(router)).drain(payable(stranger));
        assertEq(stranger.balance, 1_000e18, "drained");
    }
}
