// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IMegaTAO} from "../interfaces/IMegaTAO.sol";
import {IMegaTAOTimelock} from "../interfaces/IMegaTAOTimelock.sol";
import {ILpModule} from "../interfaces/ILpModule.sol";
import {IOracleModule} from "../interfaces/IOracleModule.sol";
import {GovernanceDefaults} from "./GovernanceDefaults.sol";

/// @title MegaTAO's TimelockController: OpenZeppelin's, with a longer delay for upgrades.
/// @notice OpenZeppelin's TimelockController unchanged (roles, minimum delay, execution, cancellation), except that
///         `schedule` and `scheduleBatch` raise the delay of an operation with an upgrade call to `upgradeDelay`
///         (see `IMegaTAOTimelock`). The Governor schedules every proposal with `getMinDelay()`; an upgrade's
///         proposal thus waits `upgradeDelay` instead, and `MegaTAOGovernor` reads the real ETA back.
/// @dev Upgrade calls are recognised by selector on any target: a call with one of these selectors on another
///      contract only waits longer, never less. `updateDelay` is not an upgrade call: it changes the minimum delay,
///      which never shortens an upgrade (the larger of the two applies), and the handover calls it with no delay.
///      `revokeRole` and `renounceRole` take powers away and are not upgrade calls either.
contract MegaTAOTimelock is IMegaTAOTimelock, TimelockController {
    /// @notice Bounds of the upgrade delay, seconds: 1 day..60 days.
    uint256 public constant MIN_UPGRADE_DELAY = GovernanceDefaults.MIN_UPGRADE_DELAY;
    uint256 public constant MAX_UPGRADE_DELAY = GovernanceDefaults.MAX_UPGRADE_DELAY;

    /// @inheritdoc IMegaTAOTimelock
    address public immutable protocol;

    uint256 private _upgradeDelay;

    /// @param minDelay OpenZeppelin's minimum delay of every operation, seconds.
    /// @param upgradeDelay_ The delay of an operation with an upgrade call, seconds (1 day..60 days). Its relation to
    ///        the protocol's longest LP exit is checked by `GovernanceDeployer.handover` and by every later change.
    /// @param protocol_ The MegaTAO entry contract.
    /// @param proposers Accounts granted the proposer and canceller roles (OpenZeppelin).
    /// @param executors Accounts granted the executor role (OpenZeppelin).
    /// @param admin An optional temporary admin (OpenZeppelin); zero for none.
    constructor(
        uint256 minDelay,
        uint256 upgradeDelay_,
        address protocol_,
        address[] memory proposers,
        address[] memory executors,
        address admin
    ) TimelockController(minDelay, proposers, executors, admin) {
        if (protocol_.code.length == 0) revert InvalidProtocol(protocol_);
        _checkUpgradeDelayBounds(upgradeDelay_);
        protocol = protocol_;
        _upgradeDelay = upgradeDelay_;
        emit UpgradeDelaySet(0, upgradeDelay_);
    }

    /// @inheritdoc IMegaTAOTimelock
    function upgradeDelay() external view returns (uint256) {
        return _upgradeDelay;
    }

    /// @inheritdoc IMegaTAOTimelock
    function setUpgradeDelay(uint256 newDelay) external {
        if (msg.sender != address(this)) revert TimelockUnauthorizedCaller(msg.sender);
        _checkUpgradeDelayBounds(newDelay);
        uint256 longestLpExit = ILpModule(protocol).longestLpExit();
        if (newDelay <= longestLpExit) revert UpgradeDelayNotLongerThanLpExit(newDelay, longestLpExit);
        emit UpgradeDelaySet(_upgradeDelay, newDelay);
        _upgradeDelay = newDelay;
    }

    /// @inheritdoc IMegaTAOTimelock
    function isUpgradeCall(bytes calldata data) public pure returns (bool) {
        if (data.length < 4) return false;
        bytes4 selector = bytes4(data[:4]);
        return selector == IMegaTAO.setModule.selector || selector == IOracleModule.setIndexOracle.selector
            || selector == IMegaTAO.transferOwnership.selector || selector == IAccessControl.grantRole.selector
            || selector == IMegaTAOTimelock.setUpgradeDelay.selector;
    }

    /// @inheritdoc IMegaTAOTimelock
    function operationDelay(bytes[] calldata payloads, uint256 delay) public view returns (uint256) {
        uint256 floor = _upgradeDelay;
        if (delay >= floor) return delay;
        for (uint256 i; i < payloads.length; ++i) {
            if (isUpgradeCall(payloads[i])) return floor;
        }
        return delay;
    }

    /// @notice OpenZeppelin's `schedule`, with the delay raised to `upgradeDelay` for an upgrade call.
    function schedule(
        address target,
        uint256 value,
        bytes calldata data,
        bytes32 predecessor,
        bytes32 salt,
        uint256 delay
    ) public override {
        uint256 floor = _upgradeDelay;
        if (delay < floor && isUpgradeCall(data)) delay = floor;
        super.schedule(target, value, data, predecessor, salt, delay);
    }

    /// @notice OpenZeppelin's `scheduleBatch`, with the delay raised to `upgradeDelay` if any call is an upgrade call.
    function scheduleBatch(
        address[] calldata targets,
        uint256[] calldata values,
        bytes[] calldata payloads,
        bytes32 predecessor,
        bytes32 salt,
        uint256 delay
    ) public override {
        super.scheduleBatch(targets, values, payloads, predecessor, salt, operationDelay(payloads, delay));
    }

    function _checkUpgradeDelayBounds(uint256 delay) private pure {
        if (delay < MIN_UPGRADE_DELAY || delay > MAX_UPGRADE_DELAY) {
            revert UpgradeDelayOutOfBounds(delay, MIN_UPGRADE_DELAY, MAX_UPGRADE_DELAY);
        }
    }
}
