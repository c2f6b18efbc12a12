// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title Storage of the entry contract itself: ownership, guardian, the module registry.
/// @dev ERC-7201 namespace `megatao.storage.router`. Append fields only; never reorder or retype.
library RouterStorage {
    /// @dev One registered module.
    struct Module {
        /// @dev Zero once removed.
        address implementation;
        /// @dev Listed in `Layout.moduleIds` already.
        bool registered;
        /// @dev The selectors the module serves now.
        bytes4[] selectors;
    }

    /// @custom:storage-location erc7201:megatao.storage.router
    struct Layout {
        /// @dev Ownable2Step semantics: the owner (the TimelockController under governance) and the proposed one.
        address owner;
        address pendingOwner;
        /// @dev May pause opens, nothing else. The pause itself is `VaultStorage.opensPaused`, next to the circuit
        ///      breaker that every increase reads, until `pausedUntil`.
        address guardian;
        /// @dev The dispatch table read by the fallback: one SLOAD per call.
        mapping(bytes4 selector => address implementation) implementationOf;
        /// @dev Which module serves a selector (for clash checks and views).
        mapping(bytes4 selector => bytes32 moduleId) moduleOf;
        mapping(bytes32 moduleId => Module) modules;
        bytes32[] moduleIds;
        /// @dev When the pause of opens lapses (unix seconds; zero once unpaused): opens are paused while
        ///      `VaultStorage.opensPaused && block.timestamp < pausedUntil` (`PauseLogic`), so this slot is read only
        ///      when the flag is set. `maxPause` (gov, seconds) is the length of every pause and renewal.
        uint40 pausedUntil;
        uint32 maxPause;
    }

    /// @dev The namespace id.
    string internal constant ID = "megatao.storage.router";

    /// @dev keccak256(abi.encode(uint256(keccak256("megatao.storage.router")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 internal constant SLOT = 0xac77f1de9422ccdd97b473b262ea6860090cb5942a6f51e259147e0bdea5aa00;

    function load() internal pure returns (Layout storage $) {
        assembly ("memory-safe") {
            $.slot := SLOT
        }
    }
}

/// @title Layout probe of `megatao.storage.router`: never deployed.
/// @dev Its only state variable is the namespace's struct at slot 0, so `forge inspect RouterStorageLayout
///      storageLayout` prints the namespace's fields with their offsets relative to `RouterStorage.SLOT`, for tools
///      that diff a namespace's layout between two versions.
contract RouterStorageLayout {
    RouterStorage.Layout internal layout;
}
