// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IGovernanceErrors} from "../libraries/errors/GovernanceErrors.sol";

/// @title What MegaTAO's TimelockController adds to OpenZeppelin's: a longer delay for upgrades.
/// @notice Every operation waits at least the minimum delay (`getMinDelay`, 2 days at genesis). An operation with any
///         upgrade call waits at least `upgradeDelay` (9 days at genesis), whatever delay its proposer asked for:
///         `schedule` and `scheduleBatch` raise the delay, so the Governor's proposals need no change, and the
///         operation's `CallScheduled` events carry the delay it really waits. An upgrade call is a call, on any
///         target, with one of the selectors `isUpgradeCall` lists: one that changes the code the protocol runs
///         (`setModule`, `setIndexOracle`), who controls it (`transferOwnership`, the timelock's `grantRole`), or this
///         rule (`setUpgradeDelay`). The upgrade delay stays longer than the protocol's longest LP exit
///         (`ILpModule.longestLpExit`, 9 days - 1 s at genesis), so that an LP can leave before a code change it
///         rejects: `setUpgradeDelay` refuses a shorter one, the LP module's `setEpochSchedule` a longer exit.
interface IMegaTAOTimelock is IGovernanceErrors {
    /// @notice The delay of operations with an upgrade call changed (seconds).
    event UpgradeDelaySet(uint256 previousDelay, uint256 newDelay);

    /// @notice The protocol (MegaTAO entry contract) whose longest LP exit the upgrade delay exceeds; fixed at
    ///         construction.
    function protocol() external view returns (address);

    /// @notice The least delay of an operation with an upgrade call, seconds (gov, genesis 9 days; bounds 1 day..60
    ///         days and longer than `protocol().longestLpExit()`).
    function upgradeDelay() external view returns (uint256);

    /// @notice Sets the upgrade delay. Only the timelock itself, through an operation (which, being an upgrade call
    ///         itself, waits the current upgrade delay), like OpenZeppelin's `updateDelay`.
    /// @dev Reverts `UpgradeDelayOutOfBounds` outside 1 day..60 days, `UpgradeDelayNotLongerThanLpExit` unless longer
    ///      than the protocol's longest LP exit (a protocol that does not answer `longestLpExit` reverts).
    function setUpgradeDelay(uint256 newDelay) external;

    /// @notice Whether a call with `data` (on any target) is an upgrade call: its selector is `setModule`,
    ///         `setIndexOracle`, `transferOwnership`, `grantRole` or `setUpgradeDelay`.
    function isUpgradeCall(bytes calldata data) external pure returns (bool);

    /// @notice The delay an operation of `payloads` waits when its proposer asks for `delay`: the larger of `delay`
    ///         and, if any payload is an upgrade call, `upgradeDelay()`.
    function operationDelay(bytes[] calldata payloads, uint256 delay) external view returns (uint256);
}
