// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketId} from "../../types/MarketId.sol";
import {IIndexOracle} from "../../interfaces/IOracleModule.sol";

/// @title Storage of the oracle.
/// @dev ERC-7201 namespace `megatao.storage.oracle`. Append fields only; never reorder or retype.
library OracleStorage {
    /// @dev One market's price state: 2 slots. Prices are TAO per unit x 1e18 (uint96: to 7.9e10 TAO per unit).
    struct PriceState {
        /// @dev Slot 0, read by every trade and written by the first of each block (docs/protocol.md section 3).
        ///      `referencePrice`: the time-weighted EMA (an alpha market's own; an index market's oracle EMA, copied).
        ///      `heldSpot`: the reading the next update weighs, the spot of the last block that touched the market
        ///      (of its readings, the one nearest the reference).
        ///      `updatedAt`: the time of the last reference update (the once-per-block key).
        ///      `poolTao`: an alpha market's pool TAO reserve, whole TAO (saturating), the smallest reading of the last
        ///      block that touched the market (the first reading of this block, then the smallest of them): depth reads
        ///      the smallest of it, `blockStartPoolTao` and the reserve now.
        uint96 referencePrice;
        uint96 heldSpot;
        uint40 updatedAt;
        uint24 poolTao;
        /// @dev Slot 1, written by the first touch of each block, read by every trade.
        ///      `blockStartReference`: the reference price before this block's update (what the block started with;
        ///      fills are priced no better than it, so a reference moved by a reading that only its own updater
        ///      observed never pays that updater).
        ///      `failingSince`: when the price source started failing (0: it works). `registeredAt`: an alpha market's
        ///      subnet registration block when it was listed. `blockStartPoolTao`: `poolTao` as this block found it (the
        ///      smallest reading of the block before), so that a pool pumped and read within one block, even by this
        ///      block's first touch, never deepens what the block's trades read.
        uint96 blockStartReference;
        uint40 failingSince;
        uint56 registeredAt;
        uint24 blockStartPoolTao;
        /// @dev Slot 2: index markets only.
        IIndexOracle indexOracle;
    }

    /// @custom:storage-location erc7201:megatao.storage.oracle
    struct Layout {
        mapping(MarketId marketId => PriceState) prices;
        /// @dev Governance (seconds): failure time after which anyone may settle a market; the max age of an index
        ///      price for opens.
        uint32 settleAfter;
        uint32 indexMaxAge;
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
