// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IRouterErrors} from "../../libraries/errors/RouterErrors.sol";
import {RouterStorage} from "../storage/RouterStorage.sol";

/// @title What every module shares: the delegatecall guard and the owner check.
/// @dev A module runs in the entry contract's storage through `delegatecall`. Modules have no constructor state and
///      no initializer: a deployed implementation has nothing to initialize or take over. Every external function
///      that touches state is `onlyDelegateCall`, so calling an implementation directly reverts before it reads or
///      writes its own (meaningless) storage. A one-off migration runs as `setModule`'s `initData`.
abstract contract ModuleBase is IRouterErrors {
    /// @dev The implementation's own address, baked into its code.
    address private immutable SELF = address(this);

    modifier onlyDelegateCall() {
        _checkDelegateCall();
        _;
    }

    modifier onlyOwner() {
        _checkOwner();
        _;
    }

    /// @notice The module's id in the entry contract's registry.
    function moduleId() external pure virtual returns (bytes32);

    /// @notice The selectors the module serves, as `setModule` takes them. Not itself served through the entry
    ///         contract: call it on the implementation.
    function exportedSelectors() external pure virtual returns (bytes4[] memory);

    function _checkDelegateCall() internal view {
        if (address(this) == SELF) revert NotDelegateCall(SELF);
    }

    function _checkOwner() internal view {
        if (msg.sender != RouterStorage.load().owner) revert OwnableUnauthorizedAccount(msg.sender);
    }
}
