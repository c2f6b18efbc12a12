// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketId} from "../../types/MarketId.sol";

/// @title Storage of the accounts' margin: each account's collateral and the markets it holds a position in.
/// @dev ERC-7201 namespace `megatao.storage.margin`. Isolated margin today (each position holds its own margin, in
///      `PositionStorage`); the per-account cross margin docs/protocol.md section 5 announces appends its fields here.
///      Append fields only; never reorder or retype.
library MarginStorage {
    /// @dev One account: 1 slot, written by every open, close and margin change. Its positions are not listed
    ///      in storage (a list entry would cost each open a fresh slot): the views find them by market.
    struct Account {
        /// @dev Open positions, at most `Constants.MAX_POSITIONS_PER_ACCOUNT`.
        uint8 positionCount;
        /// @dev Sum of its positions' margins, wei (what the per-account collateral cap bounds).
        uint128 collateral;
        /// @dev Bound to a referrer (`ReferralStorage.referees`), set once by the referral module: a trade reads the
        ///      referee record only then, not on every trade of the accounts that have none.
        bool referred;
    }

    /// @custom:storage-location erc7201:megatao.storage.margin
    struct Layout {
        mapping(address account => Account) accounts;
    }

    /// @dev The namespace id.
    string internal constant ID = "megatao.storage.margin";

    /// @dev keccak256(abi.encode(uint256(keccak256("megatao.storage.margin")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 internal constant SLOT = 0x50cb8f5f525d069898d9d540ac9d8b78c3953b76209c03499540262e4a9a1900;

    function load() internal pure returns (Layout storage $) {
        assembly ("memory-safe") {
            $.slot := SLOT
        }
    }
}

/// @title Layout probe of `megatao.storage.margin`: never deployed.
contract MarginStorageLayout {
    MarginStorage.Layout internal layout;
}
