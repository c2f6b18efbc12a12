// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IRouterErrors} from "../libraries/errors/RouterErrors.sol";

/// @title The MegaTAO entry contract: ownership, guardian, and the module registry.
/// @notice One contract holds all of the protocol's state and serves every protocol function through modules: a
///         call whose selector is not one of the functions below is forwarded by `delegatecall` to the module
///         implementation registered for that selector. Each module keeps its state in its own ERC-7201 namespace
///         of this contract's storage, so a module is upgraded by pointing its selectors at a new implementation.
/// @dev Ownership follows OpenZeppelin's Ownable2Step (same events and errors, no renounce), stored in the entry
///      contract's namespace `megatao.storage.router`. Governance transfers it to the TimelockController.
///      The guardian can only pause opens, for `maxPause` at most; renewing and lifting a pause, like every other
///      change, is the owner's.
interface IMegaTAO is IRouterErrors {
    /// @notice The owner proposed `newOwner`, who becomes owner by calling `acceptOwnership`.
    event OwnershipTransferStarted(address indexed previousOwner, address indexed newOwner);

    /// @notice Ownership moved from `previousOwner` to `newOwner`.
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);

    /// @notice The guardian changed.
    event GuardianSet(address indexed previousGuardian, address indexed newGuardian);

    /// @notice `account` (guardian or owner) paused opens, or (the owner) renewed the pause, until `pausedUntil`.
    event OpensPaused(address indexed account, uint256 pausedUntil);

    /// @notice `account` (the owner) unpaused opens.
    event OpensUnpaused(address indexed account);

    /// @notice The length of a pause (seconds) changed; a pause in effect keeps its end.
    event MaxPauseSet(uint256 previousMaxPause, uint256 newMaxPause);

    /// @notice Module `moduleId` now runs `newImplementation` (zero: removed) for the selectors of the
    ///         `SelectorSet` events emitted with it.
    event ModuleSet(
        bytes32 indexed moduleId, address indexed previousImplementation, address indexed newImplementation
    );

    /// @notice `selector` is now served by module `moduleId`, whose implementation is `implementation`.
    event SelectorSet(bytes4 indexed selector, bytes32 indexed moduleId, address implementation);

    /// @notice `selector` is no longer served (it was module `moduleId`'s).
    event SelectorRemoved(bytes4 indexed selector, bytes32 indexed moduleId);

    /// @notice The account that may change the protocol (the TimelockController once governance is live).
    function owner() external view returns (address);

    /// @notice The account proposed as next owner, zero if none.
    function pendingOwner() external view returns (address);

    /// @notice Proposes `newOwner` as owner (zero cancels a proposal). Owner only.
    function transferOwnership(address newOwner) external;

    /// @notice Accepts a proposed ownership. Pending owner only.
    function acceptOwnership() external;

    /// @notice The account that may pause opens, zero if none.
    function guardian() external view returns (address);

    /// @notice Sets the guardian (zero removes it). Owner only.
    /// @dev The guardian must not be the Governor's proposal guardian: the Governor checks it after executing a
    ///      proposal that calls this function, `GovernanceDeployer` at the handover.
    function setGuardian(address newGuardian) external;

    /// @notice Whether opening or increasing positions is paused now: a pause was started and has not lapsed
    ///         (`block.timestamp < pausedUntil()`) or been lifted. Closes, reductions and liquidations never pause.
    function opensPaused() external view returns (bool);

    /// @notice When the current pause lapses (unix seconds): in the future while opens are paused, in the past once
    ///         the pause lapsed, zero when opens were unpaused or never paused.
    function pausedUntil() external view returns (uint256);

    /// @notice The length of a pause, seconds (gov, genesis 7 days, bounds 1 hour..30 days).
    function maxPause() external view returns (uint256);

    /// @notice Pauses opens at once until `block.timestamp + maxPause()`; the pause then lapses by itself. The
    ///         guardian starts a pause when none is in effect (`OpensAlreadyPaused` otherwise: it cannot extend one);
    ///         the owner starts one or renews the one in effect. Guardian or owner.
    function pauseOpens() external;

    /// @notice Lifts the pause of opens, in effect or lapsed, at once; never reverts for the pause's state, so a
    ///         queued unpause still executes after the pause lapsed or another proposal lifted it. Owner only: the
    ///         guardian can stop, never restart.
    function unpauseOpens() external;

    /// @notice Sets the length of every later pause and renewal (1 hour..30 days, seconds); a pause in effect keeps
    ///         its end. Owner only.
    function setMaxPause(uint256 newMaxPause) external;

    /// @notice Sets module `moduleId` to `implementation` serving exactly `selectors` (an upgrade, or a first
    ///         registration, or with a zero implementation and no selectors a removal). Owner only.
    /// @dev The module's previous selectors are released first, then each of `selectors` is claimed: a selector of
    ///      the entry contract itself reverts `SelectorReserved`, one served by another module `SelectorClash`, one
    ///      listed twice `DuplicateSelector`. When `initData` is not empty, it is then delegatecalled into
    ///      `implementation` (a migration run once, atomically with the upgrade); its revert is bubbled.
    /// @param moduleId A nonzero name for the module, e.g. `bytes32("market")`.
    /// @param implementation The module contract, or zero to remove the module.
    /// @param selectors Every selector the module serves after the call.
    /// @param initData Calldata for a one-off delegatecall into the new implementation, or empty.
    function setModule(bytes32 moduleId, address implementation, bytes4[] calldata selectors, bytes calldata initData)
        external;

    /// @notice The module serving `selector` and its implementation (zeros if none).
    function moduleOf(bytes4 selector) external view returns (bytes32 moduleId, address implementation);

    /// @notice Module `moduleId`'s implementation, zero if unset or removed.
    function moduleImplementation(bytes32 moduleId) external view returns (address);

    /// @notice The selectors module `moduleId` serves.
    function moduleSelectors(bytes32 moduleId) external view returns (bytes4[] memory);

    /// @notice Every module id ever set, in order of first registration (a removed module has a zero implementation).
    function moduleIds() external view returns (bytes32[] memory);
}
