// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {GovernanceFixture} from "./GovernanceFixture.t.sol";
import {MegaTAO} from "../../../contracts/protocol/MegaTAO.sol";
import {MegaTAOToken} from "../../../contracts/governance/MegaTAOToken.sol";
import {MegaTAOGovernor} from "../../../contracts/governance/MegaTAOGovernor.sol";
import {GovernanceDeployer} from "../../../contracts/governance/GovernanceDeployer.sol";
import {GovernanceDefaults} from "../../../contracts/governance/GovernanceDefaults.sol";
import {Built} from "../utils/Built.sol";

/// @dev The state after the handover of `GovernanceFixture`: who holds what.
contract GovernanceHandoverTest is GovernanceFixture {
    function _assertNoTimelockRole(address account) internal view {
        _assertNoTimelockRoleOn(timelock, account);
    }

    function test_handover_DeployerHoldsNoRoleAnywhere() public view {
        // The deploying account and the one-shot deployer contract: no timelock role, no ownership, no guardianship.
        _assertNoTimelockRole(owner);
        _assertNoTimelockRole(address(governanceDeployer));
        assertEq(router.owner(), address(timelock), "protocol owner");
        assertEq(router.pendingOwner(), address(0), "pending owner");
        assertEq(router.guardian(), guardianAccount, "protocol guardian");
        assertEq(governor.proposalGuardian(), guardianAccount, "proposal guardian");
        assertTrue(governanceDeployer.handedOver(), "handed over");
        // The token has no owner and no minter at all; the deployer only holds what it has not distributed yet.
        assertEq(token.totalSupply(), GovernanceDefaults.TOKEN_SUPPLY, "supply");
        assertEq(token.getVotes(owner), 0, "deployer votes");
    }

    function test_handover_TimelockAnswersOnlyToGovernor() public view {
        bytes32 proposer = timelock.PROPOSER_ROLE();
        bytes32 canceller = timelock.CANCELLER_ROLE();
        bytes32 executor = timelock.EXECUTOR_ROLE();
        bytes32 admin = timelock.DEFAULT_ADMIN_ROLE();
        assertTrue(timelock.hasRole(proposer, address(governor)), "governor proposes");
        assertTrue(timelock.hasRole(canceller, address(governor)), "governor cancels");
        assertTrue(timelock.hasRole(executor, address(0)), "anyone executes");
        assertTrue(timelock.hasRole(admin, address(timelock)), "timelock administers itself");
        assertFalse(timelock.hasRole(admin, address(governor)), "governor is no admin");
        assertFalse(timelock.hasRole(executor, address(governor)), "governor needs no executor role");
        // Neither the guardian nor anyone else holds a role.
        _assertNoTimelockRole(guardianAccount);
        _assertNoTimelockRole(stranger);
        assertFalse(timelock.hasRole(proposer, address(0)), "open proposer");
        assertFalse(timelock.hasRole(canceller, address(0)), "open canceller");
        assertEq(timelock.getMinDelay(), 2 days, "min delay");
        assertEq(governor.timelock(), address(timelock), "governor's timelock");
        assertEq(address(governor.token()), address(token), "governor's token");
    }

    function test_handover_EmitsTimelockDeployedAndHandedOver() public {
        MegaTAO protocol2 = MegaTAO(Built.deploy("MegaTAO", abi.encode(owner)));
        vm.startPrank(owner);
        vm.expectEmit(false, true, false, false);
        emit GovernanceDeployer.TimelockDeployed(address(0), owner);
        GovernanceDeployer deployer2 = GovernanceDeployer(Built.deploy("GovernanceDeployer"));
        TimelockController timelock2 = deployer2.timelock();
        MegaTAOGovernor governor2 =
            MegaTAOGovernor(Built.deploy("MegaTAOGovernor", abi.encode(token, timelock2, guardianAccount)));
        protocol2.transferOwnership(address(timelock2));
        address[] memory owned = new address[](1);
        owned[0] = address(protocol2);
        vm.expectEmit(address(deployer2));
        emit GovernanceDeployer.HandedOver(address(governor2), address(timelock2), owned, 2 days);
        deployer2.handover(address(governor2), owned);
        vm.stopPrank();
        assertEq(protocol2.owner(), address(timelock2), "owner");
        _assertNoTimelockRoleOn(timelock2, owner);
        _assertNoTimelockRoleOn(timelock2, address(deployer2));
    }

    function test_handover_AcceptsSeveralOwnedContracts() public {
        MegaTAO first = MegaTAO(Built.deploy("MegaTAO", abi.encode(owner)));
        MegaTAO second = MegaTAO(Built.deploy("MegaTAO", abi.encode(owner)));
        vm.startPrank(owner);
        GovernanceDeployer deployer2 = GovernanceDeployer(Built.deploy("GovernanceDeployer"));
        TimelockController timelock2 = deployer2.timelock();
        MegaTAOGovernor governor2 =
            MegaTAOGovernor(Built.deploy("MegaTAOGovernor", abi.encode(token, timelock2, guardianAccount)));
        first.transferOwnership(address(timelock2));
        second.transferOwnership(address(timelock2));
        address[] memory owned = new address[](2);
        owned[0] = address(first);
        owned[1] = address(second);
        deployer2.handover(address(governor2), owned);
        vm.stopPrank();
        assertEq(first.owner(), address(timelock2), "first");
        assertEq(second.owner(), address(timelock2), "second");
    }

    function test_RevertWhen_HandoverCalledTwice() public {
        address[] memory owned = new address[](1);
        owned[0] = address(router);
        vm.prank(owner);
        vm.expectRevert(GovernanceDeployer.AlreadyHandedOver.selector);
        governanceDeployer.handover(address(governor), owned);
    }

    function test_RevertWhen_TimelockSchedulesWithoutGovernance() public {
        // The deploying account can no longer schedule, execute privileged calls through, or administer the timelock.
        vm.startPrank(owner);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, owner, timelock.PROPOSER_ROLE()
            )
        );
        timelock.schedule(address(router), 0, abi.encodeCall(MegaTAO.setGuardian, (owner)), 0, 0, 2 days);
        bytes32 proposerRole = timelock.PROPOSER_ROLE();
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, owner, timelock.DEFAULT_ADMIN_ROLE()
            )
        );
        timelock.grantRole(proposerRole, owner);
        vm.expectRevert(abi.encodeWithSelector(TimelockController.TimelockUnauthorizedCaller.selector, owner));
        timelock.updateDelay(0);
        vm.stopPrank();
    }
}

/// @dev The handover's checks, on fresh deployments.
contract GovernanceDeployerTest is Test {
    address internal deployerAccount = makeAddr("deployer");
    address internal guardian = makeAddr("guardian");
    MegaTAO internal protocol;
    MegaTAOToken internal token;
    GovernanceDeployer internal governanceDeployer;
    TimelockController internal timelock;
    MegaTAOGovernor internal governor;

    function setUp() public {
        // Not forge's default timestamp of 1, which TimelockController reserves as its "done" mark.
        vm.warp(1_750_000_000);
        vm.startPrank(deployerAccount);
        protocol = MegaTAO(Built.deploy("MegaTAO", abi.encode(deployerAccount)));
        token = MegaTAOToken(Built.deploy("MegaTAOToken", abi.encode(deployerAccount)));
        governanceDeployer = GovernanceDeployer(Built.deploy("GovernanceDeployer"));
        timelock = governanceDeployer.timelock();
        governor = MegaTAOGovernor(Built.deploy("MegaTAOGovernor", abi.encode(token, timelock, guardian)));
        vm.stopPrank();
    }

    function _owned() internal view returns (address[] memory owned) {
        owned = new address[](1);
        owned[0] = address(protocol);
    }

    function test_constructor_TimelockHeldByDeployerContractOnly() public view {
        assertEq(governanceDeployer.deployer(), deployerAccount, "deployer");
        assertEq(timelock.getMinDelay(), 0, "delay before handover");
        address self = address(governanceDeployer);
        assertTrue(timelock.hasRole(timelock.PROPOSER_ROLE(), self), "proposer");
        assertTrue(timelock.hasRole(timelock.EXECUTOR_ROLE(), self), "executor");
        assertTrue(timelock.hasRole(timelock.CANCELLER_ROLE(), self), "canceller");
        assertTrue(timelock.hasRole(timelock.DEFAULT_ADMIN_ROLE(), self), "admin");
        assertFalse(timelock.hasRole(timelock.DEFAULT_ADMIN_ROLE(), deployerAccount), "account admin");
        assertFalse(timelock.hasRole(timelock.PROPOSER_ROLE(), deployerAccount), "account proposer");
        assertFalse(governanceDeployer.handedOver(), "handed over");
    }

    function test_handover_SetsDelayAndOwnership() public {
        vm.startPrank(deployerAccount);
        protocol.transferOwnership(address(timelock));
        governanceDeployer.handover(address(governor), _owned());
        vm.stopPrank();
        assertEq(timelock.getMinDelay(), GovernanceDefaults.TIMELOCK_MIN_DELAY, "delay");
        assertEq(protocol.owner(), address(timelock), "owner");
        assertEq(protocol.pendingOwner(), address(0), "pending");
    }

    function test_RevertWhen_HandoverCallerIsNotDeployer() public {
        vm.prank(deployerAccount);
        protocol.transferOwnership(address(timelock));
        // Anyone else could name their own "governor" and take the timelock: refused.
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(GovernanceDeployer.UnauthorizedHandover.selector, guardian));
        governanceDeployer.handover(address(governor), _owned());
    }

    function test_RevertWhen_GovernorUsesAnotherTimelock() public {
        vm.startPrank(deployerAccount);
        GovernanceDeployer other = GovernanceDeployer(Built.deploy("GovernanceDeployer"));
        MegaTAOGovernor wrongGovernor =
            MegaTAOGovernor(Built.deploy("MegaTAOGovernor", abi.encode(token, other.timelock(), guardian)));
        protocol.transferOwnership(address(timelock));
        vm.expectRevert(
            abi.encodeWithSelector(
                GovernanceDeployer.GovernorTimelockMismatch.selector, address(wrongGovernor), address(other.timelock())
            )
        );
        governanceDeployer.handover(address(wrongGovernor), _owned());
        vm.stopPrank();
    }

    function test_RevertWhen_OwnershipNotOffered() public {
        vm.prank(deployerAccount);
        vm.expectRevert(
            abi.encodeWithSelector(GovernanceDeployer.OwnershipNotOffered.selector, address(protocol), address(0))
        );
        governanceDeployer.handover(address(governor), _owned());
        assertFalse(governanceDeployer.handedOver(), "handed over");
    }

    function test_RevertWhen_NothingToHandOver() public {
        vm.prank(deployerAccount);
        vm.expectRevert(GovernanceDeployer.NothingToHandOver.selector);
        governanceDeployer.handover(address(governor), new address[](0));
    }

    function _assertNoTimelockRoleOn(TimelockController lock, address account) internal view {
        assertFalse(lock.hasRole(lock.DEFAULT_ADMIN_ROLE(), account), "admin");
        assertFalse(lock.hasRole(lock.PROPOSER_ROLE(), account), "proposer");
        assertFalse(lock.hasRole(lock.EXECUTOR_ROLE(), account), "executor");
        assertFalse(lock.hasRole(lock.CANCELLER_ROLE(), account), "canceller");
    }
}
