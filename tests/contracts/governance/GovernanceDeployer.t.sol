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
import {IRouterErrors} from "../../../contracts/libraries/errors/RouterErrors.sol";
import {MegaTAOTimelock} from "../../../contracts/governance/MegaTAOTimelock.sol";
import {IGovernanceErrors} from "../../../contracts/libraries/errors/GovernanceErrors.sol";
import {IMegaTAOProtocol} from "../../../contracts/interfaces/IMegaTAOProtocol.sol";
import {LpModule} from "../../../contracts/protocol/modules/LpModule.sol";
import {Built} from "../utils/Built.sol";

/// @dev A fresh entry contract owned by `owner`, with the LP module at its genesis schedule (what the handover reads).
function deployProtocolWithLp(address owner) returns (MegaTAO protocol) {
    protocol = MegaTAO(Built.deploy("MegaTAO", abi.encode(owner)));
    LpModule lp = LpModule(Built.deploy("LpModule"));
    address lpToken = Built.deploy("MegaTAOLpToken", abi.encode(address(protocol)));
    protocol.setModule(
        lp.MODULE_ID(), address(lp), lp.exportedSelectors(), abi.encodeCall(LpModule.initialize, (lpToken))
    );
}

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
        assertEq(governor.proposalGuardian(), proposalGuardianAccount, "proposal guardian");
        assertTrue(router.guardian() != governor.proposalGuardian(), "different keys");
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
        // Neither guardian nor anyone else holds a role.
        _assertNoTimelockRole(guardianAccount);
        _assertNoTimelockRole(proposalGuardianAccount);
        _assertNoTimelockRole(stranger);
        assertFalse(timelock.hasRole(proposer, address(0)), "open proposer");
        assertFalse(timelock.hasRole(canceller, address(0)), "open canceller");
        assertEq(timelock.getMinDelay(), 2 days, "min delay");
        assertEq(timelock.upgradeDelay(), 9 days, "upgrade delay");
        assertEq(timelock.protocol(), address(router), "timelock's protocol");
        assertGt(timelock.upgradeDelay(), protocol.longestLpExit(), "upgrade delay longer than the LP exit");
        assertEq(governor.timelock(), address(timelock), "governor's timelock");
        assertEq(governor.protocol(), address(router), "governor's protocol");
        assertEq(address(governor.token()), address(token), "governor's token");
    }

    function test_handover_EmitsTimelockDeployedAndHandedOver() public {
        vm.startPrank(owner);
        MegaTAO protocol2 = deployProtocolWithLp(owner);
        vm.expectEmit(false, true, false, false);
        emit GovernanceDeployer.TimelockDeployed(address(0), owner);
        GovernanceDeployer deployer2 = GovernanceDeployer(Built.deploy("GovernanceDeployer", abi.encode(protocol2)));
        TimelockController timelock2 = deployer2.timelock();
        MegaTAOGovernor governor2 = MegaTAOGovernor(
            Built.deploy("MegaTAOGovernor", abi.encode(token, timelock2, proposalGuardianAccount, protocol2))
        );
        protocol2.transferOwnership(address(timelock2));
        address[] memory owned = new address[](1);
        owned[0] = address(protocol2);
        vm.expectEmit(address(deployer2));
        emit GovernanceDeployer.HandedOver(address(governor2), address(timelock2), owned, 2 days, 9 days);
        deployer2.handover(address(governor2), owned);
        vm.stopPrank();
        assertEq(protocol2.owner(), address(timelock2), "owner");
        _assertNoTimelockRoleOn(timelock2, owner);
        _assertNoTimelockRoleOn(timelock2, address(deployer2));
    }

    function test_handover_AcceptsSeveralOwnedContracts() public {
        vm.startPrank(owner);
        MegaTAO first = deployProtocolWithLp(owner);
        MegaTAO second = MegaTAO(Built.deploy("MegaTAO", abi.encode(owner)));
        GovernanceDeployer deployer2 = GovernanceDeployer(Built.deploy("GovernanceDeployer", abi.encode(first)));
        TimelockController timelock2 = deployer2.timelock();
        MegaTAOGovernor governor2 = MegaTAOGovernor(
            Built.deploy("MegaTAOGovernor", abi.encode(token, timelock2, proposalGuardianAccount, first))
        );
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
    address internal proposalGuardian = makeAddr("proposalGuardian");
    MegaTAO internal protocol;
    MegaTAOToken internal token;
    GovernanceDeployer internal governanceDeployer;
    MegaTAOTimelock internal timelock;
    MegaTAOGovernor internal governor;

    function setUp() public {
        // Not forge's default timestamp of 1, which TimelockController reserves as its "done" mark.
        vm.warp(1_750_000_000);
        vm.startPrank(deployerAccount);
        protocol = deployProtocolWithLp(deployerAccount);
        protocol.setGuardian(guardian);
        token = MegaTAOToken(Built.deploy("MegaTAOToken", abi.encode(deployerAccount)));
        governanceDeployer = GovernanceDeployer(Built.deploy("GovernanceDeployer", abi.encode(protocol)));
        timelock = governanceDeployer.timelock();
        governor = _governor(timelock, proposalGuardian, address(protocol));
        vm.stopPrank();
    }

    function _governor(TimelockController lock, address guardian_, address protocol_)
        internal
        returns (MegaTAOGovernor)
    {
        return MegaTAOGovernor(Built.deploy("MegaTAOGovernor", abi.encode(token, lock, guardian_, protocol_)));
    }

    function _owned() internal view returns (address[] memory owned) {
        owned = new address[](1);
        owned[0] = address(protocol);
    }

    function _handover() internal {
        vm.startPrank(deployerAccount);
        protocol.transferOwnership(address(timelock));
        governanceDeployer.handover(address(governor), _owned());
        vm.stopPrank();
    }

    function test_constructor_TimelockHeldByDeployerContractOnly() public view {
        assertEq(governanceDeployer.deployer(), deployerAccount, "deployer");
        assertEq(governanceDeployer.protocol(), address(protocol), "protocol");
        assertEq(timelock.getMinDelay(), 0, "delay before handover");
        assertEq(timelock.upgradeDelay(), GovernanceDefaults.UPGRADE_DELAY, "upgrade delay");
        assertEq(timelock.protocol(), address(protocol), "timelock's protocol");
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
        _handover();
        assertEq(timelock.getMinDelay(), GovernanceDefaults.TIMELOCK_MIN_DELAY, "delay");
        assertEq(timelock.upgradeDelay(), GovernanceDefaults.UPGRADE_DELAY, "upgrade delay");
        assertEq(protocol.owner(), address(timelock), "owner");
        assertEq(protocol.pendingOwner(), address(0), "pending");
        _assertNoTimelockRoleOn(timelock, deployerAccount);
        _assertNoTimelockRoleOn(timelock, address(governanceDeployer));
    }

    function test_handover_AcceptsNoGuardians() public {
        // Zero is no key: a deployment without guardians (both zero) is not a shared key.
        vm.startPrank(deployerAccount);
        protocol.setGuardian(address(0));
        governor = _governor(timelock, address(0), address(protocol));
        vm.stopPrank();
        _handover();
        assertEq(protocol.owner(), address(timelock), "owner");
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
        GovernanceDeployer other = GovernanceDeployer(Built.deploy("GovernanceDeployer", abi.encode(protocol)));
        MegaTAOGovernor wrongGovernor = _governor(other.timelock(), proposalGuardian, address(protocol));
        protocol.transferOwnership(address(timelock));
        vm.expectRevert(
            abi.encodeWithSelector(
                GovernanceDeployer.GovernorTimelockMismatch.selector, address(wrongGovernor), address(other.timelock())
            )
        );
        governanceDeployer.handover(address(wrongGovernor), _owned());
        vm.stopPrank();
    }

    function test_RevertWhen_GovernorKnowsAnotherProtocol() public {
        vm.startPrank(deployerAccount);
        MegaTAO other = MegaTAO(Built.deploy("MegaTAO", abi.encode(deployerAccount)));
        MegaTAOGovernor wrongGovernor = _governor(timelock, proposalGuardian, address(other));
        protocol.transferOwnership(address(timelock));
        vm.expectRevert(
            abi.encodeWithSelector(
                GovernanceDeployer.GovernorProtocolMismatch.selector, address(wrongGovernor), address(other)
            )
        );
        governanceDeployer.handover(address(wrongGovernor), _owned());
        vm.stopPrank();
    }

    function test_RevertWhen_ProtocolNotAmongOwnedContracts() public {
        vm.startPrank(deployerAccount);
        MegaTAO other = MegaTAO(Built.deploy("MegaTAO", abi.encode(deployerAccount)));
        other.transferOwnership(address(timelock));
        address[] memory owned = new address[](1);
        owned[0] = address(other);
        vm.expectRevert(abi.encodeWithSelector(GovernanceDeployer.ProtocolNotHandedOver.selector, address(protocol)));
        governanceDeployer.handover(address(governor), owned);
        vm.stopPrank();
    }

    function test_RevertWhen_GuardiansAreTheSameKey() public {
        // The deploying account set the protocol's guardian to the Governor's proposal guardian after the Governor
        // was deployed (the Governor's constructor checked the guardian of the moment): the handover refuses.
        vm.startPrank(deployerAccount);
        protocol.setGuardian(proposalGuardian);
        protocol.transferOwnership(address(timelock));
        vm.expectRevert(abi.encodeWithSelector(IGovernanceErrors.GuardiansNotDistinct.selector, proposalGuardian));
        governanceDeployer.handover(address(governor), _owned());
        vm.stopPrank();
        assertFalse(governanceDeployer.handedOver(), "handed over");
    }

    function test_RevertWhen_GovernorDeployedWithThePauseGuardian() public {
        vm.prank(deployerAccount);
        vm.expectRevert(abi.encodeWithSelector(IGovernanceErrors.GuardiansNotDistinct.selector, guardian));
        this.deployGovernor(timelock, guardian, address(protocol));
    }

    function test_RevertWhen_GovernorProtocolHasNoCode() public {
        vm.expectRevert(abi.encodeWithSelector(IGovernanceErrors.InvalidProtocol.selector, stranger()));
        this.deployGovernor(timelock, proposalGuardian, stranger());
    }

    function test_RevertWhen_DeployerProtocolHasNoCode() public {
        vm.expectRevert(abi.encodeWithSelector(IGovernanceErrors.InvalidProtocol.selector, stranger()));
        new GovernanceDeployer(stranger());
    }

    function test_RevertWhen_LpExitNotShorterThanUpgradeDelay() public {
        // Before the handover the owner (an account) sets any schedule: an 8-day epoch next makes the longest exit
        // 8 days + 48 h - 1 s, longer than the 9-day upgrade delay. The handover refuses.
        vm.startPrank(deployerAccount);
        IMegaTAOProtocol(address(protocol)).setEpochSchedule(8 days, 48 hours, 48 hours);
        protocol.transferOwnership(address(timelock));
        uint256 exit = 8 days + 48 hours - 1;
        assertEq(IMegaTAOProtocol(address(protocol)).longestLpExit(), exit, "exit");
        vm.expectRevert(
            abi.encodeWithSelector(IGovernanceErrors.UpgradeDelayNotLongerThanLpExit.selector, 9 days, exit)
        );
        governanceDeployer.handover(address(governor), _owned());
        vm.stopPrank();
    }

    function test_RevertWhen_ProtocolHasNoLpModule() public {
        // The relation between the upgrade delay and the LP exit cannot be checked: the handover refuses.
        vm.startPrank(deployerAccount);
        MegaTAO bare = MegaTAO(Built.deploy("MegaTAO", abi.encode(deployerAccount)));
        GovernanceDeployer deployer2 = GovernanceDeployer(Built.deploy("GovernanceDeployer", abi.encode(bare)));
        MegaTAOGovernor governor2 = _governor(deployer2.timelock(), proposalGuardian, address(bare));
        bare.transferOwnership(address(deployer2.timelock()));
        address[] memory owned = new address[](1);
        owned[0] = address(bare);
        vm.expectRevert(abi.encodeWithSelector(IRouterErrors.UnknownSelector.selector, LpModule.longestLpExit.selector));
        deployer2.handover(address(governor2), owned);
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

    /// @dev External, so that `expectRevert` sees the constructor's revert.
    function deployGovernor(TimelockController lock, address guardian_, address protocol_) external {
        _governor(lock, guardian_, protocol_);
    }

    function stranger() internal returns (address) {
        return makeAddr("stranger");
    }

    function _assertNoTimelockRoleOn(TimelockController lock, address account) internal view {
        assertFalse(lock.hasRole(lock.DEFAULT_ADMIN_ROLE(), account), "admin");
        assertFalse(lock.hasRole(lock.PROPOSER_ROLE(), account), "proposer");
        assertFalse(lock.hasRole(lock.EXECUTOR_ROLE(), account), "executor");
        assertFalse(lock.hasRole(lock.CANCELLER_ROLE(), account), "canceller");
    }
}
