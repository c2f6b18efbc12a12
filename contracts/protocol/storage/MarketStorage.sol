// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketId, MarketKind, MarketStatus} from "../../types/MarketId.sol";
import {MarketParams} from "../../interfaces/IMarketModule.sol";
import {IMarketErrors} from "../../libraries/errors/MarketErrors.sol";

/// @title Storage of the market registry.
/// @dev ERC-7201 namespace `megatao.storage.market`. Append fields only; never reorder or retype.
library MarketStorage {
    /// @dev One market: 5 slots.
    struct Market {
        /// @dev Slots 0-2: the governance parameters (units in `MarketParams`).
        MarketParams params;
        /// @dev Slot 3: the ticker's ASCII bytes, left-aligned, zero-padded.
        bytes32 ticker;
        /// @dev Slot 4.
        MarketKind kind;
        MarketStatus status;
        uint16 netuid;
        uint64 listedAt;
    }

    /// @custom:storage-location erc7201:megatao.storage.market
    struct Layout {
        mapping(MarketId marketId => Market) markets;
        MarketId[] marketIds;
        mapping(bytes32 ticker => MarketId marketId) marketIdByTicker;
    }

    /// @dev The namespace id.
    string internal constant ID = "megatao.storage.market";

    /// @dev keccak256(abi.encode(uint256(keccak256("megatao.storage.market")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 internal constant SLOT = 0x6b4ffe0c5a3981f79367bb818aa6ee54b9a121f67d602e48ceba95ba2b4b0e00;

    function load() internal pure returns (Layout storage $) {
        assembly ("memory-safe") {
            $.slot := SLOT
        }
    }

    /// @dev A listed market's record; reverts `MarketNotListed` for an id never listed.
    function listed(MarketId marketId) internal view returns (Market storage market) {
        market = load().markets[marketId];
        if (market.status == MarketStatus.None) revert IMarketErrors.MarketNotListed(marketId);
    }
}

/// @title Layout probe of `megatao.storage.market`: never deployed.
/// @dev `forge inspect MarketStorageLayout storageLayout` prints the namespace's fields, offsets relative to
///      `MarketStorage.SLOT`.
contract MarketStorageLayout {
    MarketStorage.Layout internal layout;
}
