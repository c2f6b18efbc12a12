// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {GovernanceFixture} from "./GovernanceFixture.t.sol";
import {MockIndexOracle} from "../protocol/ProtocolFixture.t.sol";
import {IMegaTAO} from "../../../contracts/interfaces/IMegaTAO.sol";
import {IMegaTAOTimelock} from "../../../contracts/interfaces/IMegaTAOTimelock.sol";
import {ILpModule} from "../../../contracts/interfaces/ILpModule.sol";
import {IOracleModule, IIndexOracle} from "../../../contracts/interfaces/IOracleModule.sol";
import {IGovernanceErrors} from "../../../contracts/libraries/errors/GovernanceErrors.sol";
import {MarketModule} from "../../../contracts/protocol/modules/MarketModule.sol";
import {MegaTAOTimelock} from "../../../contracts/governance/MegaTAOTimelock.sol";
import {GovernanceDefaults} from "../../../contracts/governance/GovernanceDefaults.sol";
import {Constants} from "../../../contracts/libraries/Constants.sol";
import {MarketIdLibrary} from "../../../contracts/types/MarketId.sol";
import {Built} from "../utils/Built.sol";

/// @dev An upgrade waits `upgradeDelay` (9 days at genesis) in the timelock, longer than the longest LP exit, whatever
///      governance sets later; other proposals wait the minimum delay (2 days).
contract UpgradeDelayTest is GovernanceFixture {
    uint256 internal constant EXIT = 7 days + 48 hours - 1;
    bytes32 internal constant SALT = keccak256("salt");
    bytes32 internal constant LONGER_SALT = keccak256("longer");

    MarketModule internal upgraded;

    function setUp() public override {
        super.setUp();
        upgraded = MarketModule(Built.deploy("MarketModule"));
    }

    function _upgradeCall() internal view returns (bytes memory) {
        return abi.encodeCall(
            IMegaTAO.setModule, (upgraded.MODULE_ID(), address(upgraded), upgraded.exportedSelectors(), bytes(""))
        );
    }

    function _operationId(Proposal memory p) internal view returns (bytes32) {
        bytes32 salt = bytes20(address(governor)) ^ _descriptionHash(p);
        return timelock.hashOperationBatch(p.targets, p.values, p.calldatas, 0, salt);
    }

    /// @dev Proposes and votes `p` through, then queues it; returns its id and the time it was queued.
    function _voteAndQueue(Proposal memory p) internal returns (uint256 proposalId, uint256 queuedAt) {
        proposalId = _propose(alice, p);
        _warpToVoteStart(proposalId);
        _vote(alice, proposalId, FOR);
        _vote(bob, proposalId, FOR);
        _warpPastDeadline(proposalId);
        queuedAt = block.timestamp;
        _queue(p);
    }

    function _expectNotReady(Proposal memory p) internal {
        vm.prank(relayer);
        vm.expectRevert(
            abi.encodeWithSelector(
                TimelockController.TimelockUnexpectedOperationState.selector,
                _operationId(p),
                bytes32(uint256(1) << uint8(TimelockController.OperationState.Ready))
            )
        );
        governor.execute(p.targets, p.values, p.calldatas, _descriptionHash(p));
    }

    // ---------------------------------------------------------------- the delays

    function test_queue_UpgradeWaitsTheUpgradeDelay() public {
        Proposal memory p = _protocolCall(_upgradeCall(), "Upgrade the market module");
        uint256 proposalId = _propose(alice, p);
        _warpToVoteStart(proposalId);
        _vote(alice, proposalId, FOR);
        _vote(bob, proposalId, FOR);
        _warpPastDeadline(proposalId);
        uint256 eta = block.timestamp + 9 days;
        vm.expectEmit(address(governor));
        emit IGovernor.ProposalQueued(proposalId, eta);
        _queue(p);
        assertEq(governor.proposalEta(proposalId), eta, "proposalEta is the timelock's");
        assertEq(timelock.getTimestamp(_operationId(p)), eta, "timelock");

        vm.warp(block.timestamp + 2 days);
        _expectNotReady(p);
        vm.warp(eta - 1);
        _expectNotReady(p);
        vm.warp(eta);
        _execute(p);
        assertEq(router.moduleImplementation(upgraded.MODULE_ID()), address(upgraded), "upgraded");
    }

    function test_queue_OtherProposalsWaitTheMinDelay() public {
        Proposal memory p = _listingProposal(_sn19Listing(), "List SN19");
        (uint256 proposalId, uint256 queuedAt) = _voteAndQueue(p);
        assertEq(governor.proposalEta(proposalId), queuedAt + 2 days, "eta");
        vm.warp(queuedAt + 2 days);
        _execute(p);
    }

    function test_queue_BatchWithOneUpgradeCallWaitsTheUpgradeDelay() public {
        Proposal memory p = _listingProposal(_sn19Listing(), "List SN19 and upgrade");
        p.targets = new address[](2);
        p.values = new uint256[](2);
        bytes[] memory calldatas = new bytes[](2);
        calldatas[0] = p.calldatas[0];
        calldatas[1] = _upgradeCall();
        p.calldatas = calldatas;
        p.targets[0] = address(router);
        p.targets[1] = address(router);
        (uint256 proposalId, uint256 queuedAt) = _voteAndQueue(p);
        assertEq(governor.proposalEta(proposalId), queuedAt + 9 days, "eta");
        vm.warp(queuedAt + 9 days - 1);
        _expectNotReady(p);
    }

    function test_queue_EachUpgradeCallWaitsTheUpgradeDelay() public {
        MockIndexOracle replacement = new MockIndexOracle(MTSOS_PRICE);
        bytes[5] memory calls = [
            _upgradeCall(),
            abi.encodeCall(
                IOracleModule.setIndexOracle,
                (MarketIdLibrary.indexFromTicker("MTSOS"), IIndexOracle(address(replacement)))
            ),
            abi.encodeCall(IMegaTAO.transferOwnership, (stranger)),
            abi.encodeCall(IAccessControl.grantRole, (timelock.PROPOSER_ROLE(), stranger)),
            abi.encodeCall(IMegaTAOTimelock.setUpgradeDelay, (10 days))
        ];
        for (uint256 i; i < calls.length; ++i) {
            Proposal memory p = _protocolCall(calls[i], vm.toString(i));
            (uint256 proposalId, uint256 queuedAt) = _voteAndQueue(p);
            assertEq(governor.proposalEta(proposalId), queuedAt + 9 days, vm.toString(i));
        }
    }

    function test_isUpgradeCall_Selectors() public view {
        assertTrue(timelock.isUpgradeCall(_upgradeCall()), "setModule");
        assertTrue(timelock.isUpgradeCall(abi.encodeWithSelector(IOracleModule.setIndexOracle.selector)), "oracle");
        assertTrue(timelock.isUpgradeCall(abi.encodeWithSelector(IMegaTAO.transferOwnership.selector)), "owner");
        assertTrue(timelock.isUpgradeCall(abi.encodeWithSelector(IAccessControl.grantRole.selector)), "grantRole");
        assertTrue(timelock.isUpgradeCall(abi.encodeWithSelector(IMegaTAOTimelock.setUpgradeDelay.selector)), "rule");

        assertFalse(timelock.isUpgradeCall(abi.encodeWithSelector(TimelockController.updateDelay.selector)), "min");
        assertFalse(timelock.isUpgradeCall(abi.encodeWithSelector(IAccessControl.revokeRole.selector)), "revoke");
        assertFalse(timelock.isUpgradeCall(abi.encodeWithSelector(IAccessControl.renounceRole.selector)), "renounce");
        assertFalse(timelock.isUpgradeCall(abi.encodeWithSelector(IMegaTAO.setGuardian.selector)), "guardian");
        assertFalse(timelock.isUpgradeCall(abi.encodeWithSelector(IMegaTAO.unpauseOpens.selector)), "unpause");
        assertFalse(timelock.isUpgradeCall(abi.encodeWithSelector(ILpModule.setEpochSchedule.selector)), "epochs");
        assertFalse(timelock.isUpgradeCall(hex"e1cd40"), "3 bytes of setModule's selector");
        assertFalse(timelock.isUpgradeCall(""), "empty");
    }

    function test_operationDelay_IsTheLargerForAnUpgrade() public view {
        bytes[] memory payloads = new bytes[](2);
        payloads[0] = abi.encodeCall(IMegaTAO.unpauseOpens, ());
        assertEq(timelock.operationDelay(payloads, 2 days), 2 days, "no upgrade");
        payloads[1] = _upgradeCall();
        assertEq(timelock.operationDelay(payloads, 2 days), 9 days, "raised");
        assertEq(timelock.operationDelay(payloads, 10 days), 10 days, "a longer delay is kept");
    }

    function test_schedule_RaisesAnUpgradesDelay() public {
        // Whoever proposes on the timelock (here the Governor's role, used directly), an upgrade waits 9 days.
        bytes memory data = _upgradeCall();
        bytes32 id = timelock.hashOperation(address(router), 0, data, 0, SALT);
        vm.expectEmit(address(timelock));
        emit TimelockController.CallScheduled(id, 0, address(router), 0, data, 0, 9 days);
        vm.prank(address(governor));
        timelock.schedule(address(router), 0, data, 0, SALT, 2 days);
        assertEq(timelock.getTimestamp(id), block.timestamp + 9 days, "raised");

        bytes memory other = abi.encodeCall(IMegaTAO.setMaxPause, (1 days));
        bytes32 otherId = timelock.hashOperation(address(router), 0, other, 0, 0);
        vm.prank(address(governor));
        timelock.schedule(address(router), 0, other, 0, 0, 2 days);
        assertEq(timelock.getTimestamp(otherId), block.timestamp + 2 days, "kept");

        bytes32 longerId = timelock.hashOperation(address(router), 0, data, 0, LONGER_SALT);
        vm.prank(address(governor));
        timelock.schedule(address(router), 0, data, 0, LONGER_SALT, 20 days);
        assertEq(timelock.getTimestamp(longerId), block.timestamp + 20 days, "longer kept");
    }

    function test_RevertWhen_ScheduleBelowTheMinDelay() public {
        // OpenZeppelin's own check still runs on the raised delay.
        vm.prank(address(governor));
        vm.expectRevert(abi.encodeWithSelector(TimelockController.TimelockInsufficientDelay.selector, 1 days, 2 days));
        timelock.schedule(address(router), 0, abi.encodeCall(IMegaTAO.unpauseOpens, ()), 0, 0, 1 days);
    }

    // ---------------------------------------------------------------- the upgrade delay, governed

    function test_setUpgradeDelay_ThroughGovernanceWaitsTheUpgradeDelay() public {
        Proposal memory p = _singleCall(
            address(timelock), abi.encodeCall(IMegaTAOTimelock.setUpgradeDelay, (12 days)), "Upgrade delay 12 days"
        );
        (uint256 proposalId, uint256 queuedAt) = _voteAndQueue(p);
        assertEq(governor.proposalEta(proposalId), queuedAt + 9 days, "the rule's change is an upgrade");
        vm.warp(queuedAt + 9 days);
        vm.expectEmit(address(timelock));
        emit IMegaTAOTimelock.UpgradeDelaySet(9 days, 12 days);
        _execute(p);
        assertEq(timelock.upgradeDelay(), 12 days, "set");

        Proposal memory upgrade = _protocolCall(_upgradeCall(), "Upgrade");
        (uint256 upgradeId, uint256 upgradeQueuedAt) = _voteAndQueue(upgrade);
        assertEq(governor.proposalEta(upgradeId), upgradeQueuedAt + 12 days, "the new delay applies");
    }

    function test_RevertWhen_setUpgradeDelayNotLongerThanLpExit() public {
        assertEq(protocol.longestLpExit(), EXIT, "genesis exit");
        vm.startPrank(address(timelock));
        vm.expectRevert(abi.encodeWithSelector(IGovernanceErrors.UpgradeDelayNotLongerThanLpExit.selector, EXIT, EXIT));
        timelock.setUpgradeDelay(EXIT);
        timelock.setUpgradeDelay(EXIT + 1);
        assertEq(timelock.upgradeDelay(), EXIT + 1, "one second longer than the exit");

        // A shorter schedule set for the next epoch: the current epoch's 7 days still count until it ends.
        protocol.setEpochSchedule(3 days, 1 days, 1 days);
        uint256 exitNow = 7 days + 1 days - 1;
        assertEq(protocol.longestLpExit(), exitNow, "current epoch and the next window");
        vm.expectRevert(
            abi.encodeWithSelector(IGovernanceErrors.UpgradeDelayNotLongerThanLpExit.selector, exitNow, exitNow)
        );
        timelock.setUpgradeDelay(exitNow);
        vm.stopPrank();

        // Once the new schedule is in force, the exit is 3 days + 1 day - 1 s.
        (, uint256 start) = protocol.currentEpoch();
        vm.warp(start + 7 days);
        assertEq(protocol.longestLpExit(), 4 days - 1, "new schedule in force");
        vm.prank(address(timelock));
        timelock.setUpgradeDelay(4 days);
        assertEq(timelock.upgradeDelay(), 4 days, "shorter with shorter epochs");
    }

    function test_RevertWhen_setUpgradeDelayOutOfBounds() public {
        vm.startPrank(address(timelock));
        vm.expectRevert(
            abi.encodeWithSelector(IGovernanceErrors.UpgradeDelayOutOfBounds.selector, 60 days + 1, 1 days, 60 days)
        );
        timelock.setUpgradeDelay(60 days + 1);
        vm.expectRevert(
            abi.encodeWithSelector(IGovernanceErrors.UpgradeDelayOutOfBounds.selector, 1 days - 1, 1 days, 60 days)
        );
        timelock.setUpgradeDelay(1 days - 1);
        timelock.setUpgradeDelay(60 days);
        vm.stopPrank();
        assertEq(timelock.upgradeDelay(), 60 days, "upper bound inclusive");
    }

    function test_RevertWhen_setEpochScheduleExitNotShorterThanUpgradeDelay() public {
        vm.startPrank(address(timelock));
        // An exit of exactly 9 days (a withdrawal window one second longer): refused.
        vm.expectRevert(abi.encodeWithSelector(ILpModule.LpExitNotShorterThanUpgradeDelay.selector, 9 days, 9 days));
        protocol.setEpochSchedule(7 days, 48 hours, 48 hours + 1);
        vm.expectRevert(
            abi.encodeWithSelector(ILpModule.LpExitNotShorterThanUpgradeDelay.selector, 30 days + 30 days - 1, 9 days)
        );
        protocol.setEpochSchedule(30 days, 1 hours, 30 days);
        // The genesis schedule, or a longer epoch with a shorter window, fits.
        protocol.setEpochSchedule(7 days, 48 hours, 48 hours);
        protocol.setEpochSchedule(8 days, 1 days, 1 days);
        vm.stopPrank();
        assertEq(protocol.longestLpExit(), 9 days - 1, "8 days + 1 day - 1 s");
    }

    function test_setEpochSchedule_LongerEpochsAfterALongerUpgradeDelay() public {
        // One proposal: the upgrade delay first, then the schedule (in this order: each change is checked against
        // the other's value at that moment). It waits the upgrade delay.
        Proposal memory p;
        p.targets = new address[](2);
        p.values = new uint256[](2);
        p.calldatas = new bytes[](2);
        p.targets[0] = address(timelock);
        p.calldatas[0] = abi.encodeCall(IMegaTAOTimelock.setUpgradeDelay, (15 days));
        p.targets[1] = address(router);
        p.calldatas[1] = abi.encodeCall(ILpModule.setEpochSchedule, (10 days, 2 days, 3 days));
        p.description = "Longer epochs";
        _pass(p);
        assertEq(timelock.upgradeDelay(), 15 days, "delay");
        assertEq(protocol.longestLpExit(), 13 days - 1, "exit");

        // The other order fails at execution: the schedule is checked against the 15-day delay... of the moment.
        Proposal memory q;
        q.targets = new address[](2);
        q.values = new uint256[](2);
        q.calldatas = new bytes[](2);
        q.targets[0] = address(router);
        q.calldatas[0] = abi.encodeCall(ILpModule.setEpochSchedule, (20 days, 2 days, 2 days));
        q.targets[1] = address(timelock);
        q.calldatas[1] = abi.encodeCall(IMegaTAOTimelock.setUpgradeDelay, (25 days));
        q.description = "Wrong order";
        _proposeAndQueue(q);
        vm.prank(relayer);
        vm.expectRevert(
            abi.encodeWithSelector(ILpModule.LpExitNotShorterThanUpgradeDelay.selector, 22 days - 1, 15 days)
        );
        governor.execute(q.targets, q.values, q.calldatas, _descriptionHash(q));
    }

    /// @dev Whatever schedule and delay governance tries, in any order, the relation holds after each accepted change.
    function testFuzz_relation_HoldsAfterEveryAcceptedChange(
        uint256 epochLength,
        uint256 withdrawalWindow,
        uint256 delay,
        bool delayFirst,
        uint256 elapsed
    ) public {
        epochLength = bound(epochLength, 1 days, 30 days);
        withdrawalWindow = bound(withdrawalWindow, 1 hours, epochLength);
        delay = bound(delay, 1 days, 60 days);
        vm.startPrank(address(timelock));
        for (uint256 i; i < 2; ++i) {
            if (delayFirst == (i == 0)) {
                try timelock.setUpgradeDelay(delay) {} catch {}
            } else {
                try protocol.setEpochSchedule(epochLength, 1 hours, withdrawalWindow) {} catch {}
            }
            assertLt(protocol.longestLpExit(), timelock.upgradeDelay(), "exit shorter than the upgrade delay");
        }
        vm.stopPrank();
        // And later, once the schedule set for the next epoch is in force.
        vm.warp(block.timestamp + bound(elapsed, 0, 90 days));
        assertLt(protocol.longestLpExit(), timelock.upgradeDelay(), "later");
    }

    function test_defaults_GenesisRelations() public pure {
        assertEq(GovernanceDefaults.UPGRADE_DELAY, 9 days, "genesis upgrade delay");
        assertGt(
            GovernanceDefaults.UPGRADE_DELAY, Constants.GENESIS_EPOCH_LENGTH + Constants.GENESIS_WITHDRAWAL_WINDOW - 1
        );
        assertGt(GovernanceDefaults.UPGRADE_DELAY, GovernanceDefaults.TIMELOCK_MIN_DELAY, "longer than the min delay");
        assertGe(GovernanceDefaults.MAX_UPGRADE_DELAY, 2 * Constants.MAX_EPOCH_LENGTH, "covers the longest schedule");
        assertEq(Constants.GENESIS_MAX_PAUSE, 7 days, "genesis max pause");
        assertGe(Constants.GENESIS_MAX_PAUSE, Constants.MIN_MAX_PAUSE);
        assertLe(Constants.GENESIS_MAX_PAUSE, Constants.MAX_MAX_PAUSE);
    }

    // ---------------------------------------------------------------- construction

    function test_RevertWhen_TimelockConstructedWithDelayOutOfBounds() public {
        vm.expectRevert(abi.encodeWithSelector(IGovernanceErrors.UpgradeDelayOutOfBounds.selector, 0, 1 days, 60 days));
        this.deployTimelock(0, address(router));
        vm.expectRevert(abi.encodeWithSelector(IGovernanceErrors.InvalidProtocol.selector, stranger));
        this.deployTimelock(9 days, stranger);
        MegaTAOTimelock lock = MegaTAOTimelock(payable(this.deployTimelock(9 days, address(router))));
        assertEq(lock.upgradeDelay(), 9 days, "delay");
        assertEq(lock.protocol(), address(router), "protocol");
        assertEq(lock.MIN_UPGRADE_DELAY(), 1 days, "min");
        assertEq(lock.MAX_UPGRADE_DELAY(), 60 days, "max");
    }

    /// @dev External, so that `expectRevert` sees the constructor's revert.
    function deployTimelock(uint256 upgradeDelay, address protocol_) external returns (address) {
        address[] memory none = new address[](0);
        return Built.deploy("MegaTAOTimelock", abi.encode(2 days, upgradeDelay, protocol_, none, none, address(0)));
    }
}
