// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketId} from "../../types/MarketId.sol";

/// @title Storage of the cumulative indices: per-market funding, global interest.
/// @dev ERC-7201 namespace `megatao.storage.funding`. Append fields only; never reorder or retype.
library FundingStorage {
    /// @dev One market's funding: 1 slot, read and written by every trade of the market.
    struct MarketFunding {
        /// @dev Cumulative funding paid by a long per unit of entry notional, signed WAD (`FundingMath`).
        int128 index;
        /// @dev Timestamp of the last accrual; 0 before the market's first trade.
        uint64 lastAccrual;
        /// @dev The market's open interest (both sides) at its reference price when it was last touched, rao: its
        ///      share of `VaultStorage.totalOpenNotional`, the vault's utilization at the mark (uint64 rao: 1.8e10 TAO).
        uint64 markNotional;
    }

    /// @custom:storage-location erc7201:megatao.storage.funding
    struct Layout {
        mapping(MarketId marketId => MarketFunding) markets;
        /// @dev Cumulative interest per unit of entry notional, WAD (`InterestMath`), and its last accrual. 1 slot.
        uint128 interestIndex;
        uint64 lastInterestAccrual;
        /// @dev A settled market's interest index at its settlement: its positions owe interest up to it, not after.
        mapping(MarketId marketId => uint256) settledInterestIndex;
    }

    /// @dev The namespace id.
    string internal constant ID = "megatao.storage.funding";

    /// @dev keccak256(abi.encode(uint256(keccak256("megatao.storage.funding")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 internal constant SLOT = 0x47fadc38964de5726c177b3a6741c71d7190c74773a6e9ee1c0814b9695e9c00;

    function load() internal pure returns (Layout storage $) {
        assembly ("memory-safe") {
            $.slot := SLOT
        }
    }
}

/// @title Layout probe of `megatao.storage.funding`: never deployed.
contract FundingStorageLayout {
    FundingStorage.Layout internal layout;
}
