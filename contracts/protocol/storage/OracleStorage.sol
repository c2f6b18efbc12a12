// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketId} from "../../types/MarketId.sol";
import {IIndexOracle} from "../../interfaces/IOracleModule.sol";

/// @title Storage of the oracle.
/// @dev ERC-7201 namespace `megatao.storage.oracle`. Append fields only; never reorder or retype.
library OracleStorage {
    /// @dev One market's price state: 2 slots. Prices are TAO per unit x 1e18.
    struct PriceState {
        /// @dev Slot 0, read and written by every trade: the last accepted price; the accepted price when block
        ///      `lastBlock` began (the band's reference for updates in that block); the block of the last accepted
        ///      price. uint96 prices go to 7.9e10 TAO per unit.
        uint96 lastPrice;
        uint96 blockStartPrice;
        uint64 lastBlock;
        /// @dev Slot 1: index markets only.
        IIndexOracle indexOracle;
    }

    /// @custom:storage-location erc7201:megatao.storage.oracle
    struct Layout {
        mapping(MarketId marketId => PriceState) prices;
    }

    /// @dev The namespace id.
    string internal constant ID = "megatao.storage.oracle";

    /// @dev keccak256(abi.encode(uint256(keccak256("megatao.storage.oracle")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 internal constant SLOT = 0xa4616327a37afa9bd43adf646506d5ba0cff05a9c26b2a4d26962cb510bc9100;

    function load() internal pure returns (Layout storage $) {
        assembly ("memory-safe") {
            $.slot := SLOT
        }
    }
}

/// @title Layout probe of `megatao.storage.oracle`: never deployed.
/// @dev `forge inspect OracleStorageLayout storageLayout` prints the namespace's fields, offsets relative to
///      `OracleStorage.SLOT`.
contract OracleStorageLayout {
    OracleStorage.Layout internal layout;
}
