// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title Errors of the entry contract: ownership, guardian, module registry, dispatch.
/// @dev Declared on an interface (as OpenZeppelin's IERC6093) so that every contract and interface that inherits it
///      carries them in its ABI. The ownership errors keep OpenZeppelin Ownable's names and arguments, so tools that
///      decode those decode these.
interface IRouterErrors {
    /// @notice `account` called a function reserved to the owner.
    error OwnableUnauthorizedAccount(address account);

    /// @notice `owner` cannot own the protocol (the zero address).
    error OwnableInvalidOwner(address owner);

    /// @notice `account` called a function reserved to the guardian or the owner.
    error GuardianUnauthorizedAccount(address account);

    /// @notice Opens are paused already (until `pausedUntil`): the guardian starts a pause, only the owner renews one.
    error OpensAlreadyPaused(uint256 pausedUntil);

    /// @notice `maxPause` (seconds) is outside `[min, max]`.
    error MaxPauseOutOfBounds(uint256 maxPause, uint256 min, uint256 max);

    /// @notice No module serves `selector`.
    error UnknownSelector(bytes4 selector);

    /// @notice `selector` is served by module `moduleId` already.
    error SelectorClash(bytes4 selector, bytes32 moduleId);

    /// @notice `selector` is one of the entry contract's own functions, which a module can never serve.
    error SelectorReserved(bytes4 selector);

    /// @notice `selector` appears twice in the same module's selector list.
    error DuplicateSelector(bytes4 selector);

    /// @notice `implementation` has no code, or is zero while selectors or init data were given.
    error ModuleHasNoCode(address implementation);

    /// @notice Module ids are nonzero.
    error InvalidModuleId(bytes32 moduleId);

    /// @notice A module's function was called on the implementation itself, not through the entry contract.
    error NotDelegateCall(address implementation);
}
