// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IMegaTAO} from "../interfaces/IMegaTAO.sol";
import {Constants} from "../libraries/Constants.sol";
import {RouterStorage} from "./storage/RouterStorage.sol";
import {VaultStorage} from "./storage/VaultStorage.sol";
import {PauseLogic} from "./logic/PauseLogic.sol";

/// @title MegaTAO: the protocol's single entry contract.
/// @notice Holds all of the protocol's state and TAO. Its own functions manage ownership, the guardian, the pause of
///         opens and the module registry; every other call is forwarded by `delegatecall` to the module registered
///         for its selector.
/// @dev The contract declares no state variable: its own state lives in the ERC-7201 namespace
///      `megatao.storage.router` (`RouterStorage`), each module's in its own namespace. The contract itself is not
///      upgradeable; modules are, through `setModule`, by the owner only.
contract MegaTAO is IMegaTAO {
    modifier onlyOwner() {
        if (msg.sender != RouterStorage.load().owner) revert OwnableUnauthorizedAccount(msg.sender);
        _;
    }

    /// @param initialOwner The first owner: the deployer during setup, then the TimelockController (two-step).
    constructor(address initialOwner) {
        if (initialOwner == address(0)) revert OwnableInvalidOwner(address(0));
        RouterStorage.Layout storage $ = RouterStorage.load();
        $.owner = initialOwner;
        // 7 days, within the uint32's 136 years.
        // forge-lint: disable-next-line(unsafe-typecast)
        $.maxPause = uint32(Constants.GENESIS_MAX_PAUSE);
        emit OwnershipTransferred(address(0), initialOwner);
        emit MaxPauseSet(0, Constants.GENESIS_MAX_PAUSE);
    }

    /// @notice Forwards the call to the module serving its selector, with its value, and returns or reverts with the
    ///         module's answer. A call shorter than 4 bytes dispatches on its zero-padded first bytes.
    fallback() external payable {
        _delegate(msg.sig);
    }

    /// @notice A plain transfer dispatches on selector 0x00000000, like an empty call to the fallback: it reverts
    ///         `UnknownSelector` unless a module serves that selector.
    receive() external payable {
        _delegate(bytes4(0));
    }

    // ---------------------------------------------------------------- ownership (Ownable2Step semantics)

    /// @inheritdoc IMegaTAO
    function owner() external view returns (address) {
        return RouterStorage.load().owner;
    }

    /// @inheritdoc IMegaTAO
    function pendingOwner() external view returns (address) {
        return RouterStorage.load().pendingOwner;
    }

    /// @inheritdoc IMegaTAO
    function transferOwnership(address newOwner) external onlyOwner {
        RouterStorage.Layout storage $ = RouterStorage.load();
        $.pendingOwner = newOwner;
        emit OwnershipTransferStarted($.owner, newOwner);
    }

    /// @inheritdoc IMegaTAO
    function acceptOwnership() external {
        RouterStorage.Layout storage $ = RouterStorage.load();
        if (msg.sender != $.pendingOwner) revert OwnableUnauthorizedAccount(msg.sender);
        address previousOwner = $.owner;
        $.owner = msg.sender;
        delete $.pendingOwner;
        emit OwnershipTransferred(previousOwner, msg.sender);
    }

    // ---------------------------------------------------------------- guardian

    /// @inheritdoc IMegaTAO
    function guardian() external view returns (address) {
        return RouterStorage.load().guardian;
    }

    /// @inheritdoc IMegaTAO
    function setGuardian(address newGuardian) external onlyOwner {
        RouterStorage.Layout storage $ = RouterStorage.load();
        address previousGuardian = $.guardian;
        $.guardian = newGuardian;
        emit GuardianSet(previousGuardian, newGuardian);
    }

    /// @inheritdoc IMegaTAO
    function opensPaused() external view returns (bool) {
        return PauseLogic.opensPaused();
    }

    /// @inheritdoc IMegaTAO
    function pausedUntil() external view returns (uint256) {
        return RouterStorage.load().pausedUntil;
    }

    /// @inheritdoc IMegaTAO
    function maxPause() external view returns (uint256) {
        return RouterStorage.load().maxPause;
    }

    /// @inheritdoc IMegaTAO
    function pauseOpens() external {
        RouterStorage.Layout storage $ = RouterStorage.load();
        bool byOwner = msg.sender == $.owner;
        if (!byOwner && msg.sender != $.guardian) revert GuardianUnauthorizedAccount(msg.sender);
        // The guardian starts a pause, never extends one: a pause outlives `maxPause` only by the owner's renewal.
        if (!byOwner && PauseLogic.opensPaused()) revert OpensAlreadyPaused($.pausedUntil);
        uint256 until = block.timestamp + $.maxPause;
        // Unix seconds plus at most 30 days: far within a uint40.
        // forge-lint: disable-next-line(unsafe-typecast)
        $.pausedUntil = uint40(until);
        VaultStorage.load().opensPaused = true;
        emit OpensPaused(msg.sender, until);
    }

    /// @inheritdoc IMegaTAO
    function unpauseOpens() external onlyOwner {
        VaultStorage.load().opensPaused = false;
        delete RouterStorage.load().pausedUntil;
        emit OpensUnpaused(msg.sender);
    }

    /// @inheritdoc IMegaTAO
    function setMaxPause(uint256 newMaxPause) external onlyOwner {
        if (newMaxPause < Constants.MIN_MAX_PAUSE || newMaxPause > Constants.MAX_MAX_PAUSE) {
            revert MaxPauseOutOfBounds(newMaxPause, Constants.MIN_MAX_PAUSE, Constants.MAX_MAX_PAUSE);
        }
        RouterStorage.Layout storage $ = RouterStorage.load();
        uint256 previous = $.maxPause;
        // At most 30 days, checked above.
        // forge-lint: disable-next-line(unsafe-typecast)
        $.maxPause = uint32(newMaxPause);
        emit MaxPauseSet(previous, newMaxPause);
    }

    // ---------------------------------------------------------------- modules

    /// @inheritdoc IMegaTAO
    function setModule(bytes32 moduleId, address implementation, bytes4[] calldata selectors, bytes calldata initData)
        external
        onlyOwner
    {
        if (moduleId == bytes32(0)) revert InvalidModuleId(moduleId);
        bool removal = implementation == address(0);
        if (removal ? selectors.length != 0 || initData.length != 0 : implementation.code.length == 0) {
            revert ModuleHasNoCode(implementation);
        }
        RouterStorage.Layout storage $ = RouterStorage.load();
        RouterStorage.Module storage module = $.modules[moduleId];
        bytes4[] memory previousSelectors = module.selectors;
        address previousImplementation = module.implementation;

        // Release the module's selectors, then claim the new set.
        for (uint256 i; i < previousSelectors.length; ++i) {
            delete $.implementationOf[previousSelectors[i]];
            delete $.moduleOf[previousSelectors[i]];
        }
        for (uint256 i; i < selectors.length; ++i) {
            bytes4 selector = selectors[i];
            if (_isOwnSelector(selector)) revert SelectorReserved(selector);
            bytes32 holder = $.moduleOf[selector];
            if (holder == moduleId) revert DuplicateSelector(selector);
            if (holder != bytes32(0)) revert SelectorClash(selector, holder);
            $.moduleOf[selector] = moduleId;
            $.implementationOf[selector] = implementation;
            emit SelectorSet(selector, moduleId, implementation);
        }
        for (uint256 i; i < previousSelectors.length; ++i) {
            if ($.moduleOf[previousSelectors[i]] == bytes32(0)) emit SelectorRemoved(previousSelectors[i], moduleId);
        }

        if (!module.registered) {
            module.registered = true;
            $.moduleIds.push(moduleId);
        }
        module.implementation = implementation;
        module.selectors = selectors;
        emit ModuleSet(moduleId, previousImplementation, implementation);

        if (initData.length != 0) {
            (bool success, bytes memory returnData) = implementation.delegatecall(initData);
            if (!success) {
                assembly ("memory-safe") {
                    revert(add(returnData, 0x20), mload(returnData))
                }
            }
        }
    }

    /// @inheritdoc IMegaTAO
    function moduleOf(bytes4 selector) external view returns (bytes32 moduleId, address implementation) {
        RouterStorage.Layout storage $ = RouterStorage.load();
        return ($.moduleOf[selector], $.implementationOf[selector]);
    }

    /// @inheritdoc IMegaTAO
    function moduleImplementation(bytes32 moduleId) external view returns (address) {
        return RouterStorage.load().modules[moduleId].implementation;
    }

    /// @inheritdoc IMegaTAO
    function moduleSelectors(bytes32 moduleId) external view returns (bytes4[] memory) {
        return RouterStorage.load().modules[moduleId].selectors;
    }

    /// @inheritdoc IMegaTAO
    function moduleIds() external view returns (bytes32[] memory) {
        return RouterStorage.load().moduleIds;
    }

    /// @dev Delegatecalls the implementation serving `selector` with the whole calldata; never returns to Solidity.
    function _delegate(bytes4 selector) private {
        address implementation = RouterStorage.load().implementationOf[selector];
        if (implementation == address(0)) revert UnknownSelector(selector);
        assembly {
            calldatacopy(0, 0, calldatasize())
            let success := delegatecall(gas(), implementation, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            if iszero(success) { revert(0, returndatasize()) }
            return(0, returndatasize())
        }
    }

    /// @dev Whether `selector` is one of this contract's own functions (which the fallback never sees). Keep in step
    ///      with `IMegaTAO`: a test checks every selector of the interface.
    function _isOwnSelector(bytes4 selector) private pure returns (bool) {
        return selector == IMegaTAO.owner.selector || selector == IMegaTAO.pendingOwner.selector
            || selector == IMegaTAO.transferOwnership.selector || selector == IMegaTAO.acceptOwnership.selector
            || selector == IMegaTAO.guardian.selector || selector == IMegaTAO.setGuardian.selector
            || selector == IMegaTAO.opensPaused.selector || selector == IMegaTAO.pausedUntil.selector
            || selector == IMegaTAO.maxPause.selector || selector == IMegaTAO.pauseOpens.selector
            || selector == IMegaTAO.unpauseOpens.selector || selector == IMegaTAO.setMaxPause.selector
            || selector == IMegaTAO.setModule.selector || selector == IMegaTAO.moduleOf.selector
            || selector == IMegaTAO.moduleImplementation.selector || selector == IMegaTAO.moduleSelectors.selector
            || selector == IMegaTAO.moduleIds.selector;
    }
}
