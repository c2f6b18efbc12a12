// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketId} from "../../types/MarketId.sol";

/// @title Storage of the positions: one isolated position per (account, market), and each market's open interest.
/// @dev ERC-7201 namespace `megatao.storage.position`. Append fields only; never reorder or retype.
library PositionStorage {
    /// @dev One position: 2 slots. A position exists while `size != 0`. Units: size in 1e18 units of the asset
    ///      (long > 0, short < 0), price TAO x 1e18, margin wei, indices as in `FundingStorage`. The field sizes
    ///      leave room for any real amount (int112: 2.6e15 units of the asset; uint96: 7.9e10 TAO; int80/uint80
    ///      indices: thousands of years at the maximum rates); writes go through SafeCast.
    ///      The position's entry notional, which its margin ratio, open interest, funding and interest all use,
    ///      is derived: `PositionMath.notional(size, entryPrice)` (rounded up), so it is never stored twice.
    struct Position {
        /// @dev Slot 0.
        int112 size;
        uint96 entryPrice;
        /// @dev The block of the last open or increase: no close or reduce in that block (flash-loan guard).
        uint40 lastIncreaseBlock;
        /// @dev Slot 1: margin after the last settlement, and the indices it was settled at.
        uint96 margin;
        int80 fundingIndex;
        uint80 interestIndex;
    }

    /// @dev A market's book per side (2 slots, one per side, so that a trade writes one): the open interest, in wei
    ///      of entry notional (the sum of its positions'), and the sum of its positions' absolute sizes. Together they
    ///      give the side's PnL at any price, `longSize x price - long` and `short - shortSize x price`, which prices
    ///      the LPs' shares (`LpLogic.equity`).
    struct OpenInterest {
        /// @dev Slot 0: the long side.
        uint128 long;
        uint128 longSize;
        /// @dev Slot 1: the short side.
        uint128 short;
        uint128 shortSize;
    }

    /// @custom:storage-location erc7201:megatao.storage.position
    struct Layout {
        /// @dev By position id `keccak256(abi.encode(account, marketId))`.
        mapping(bytes32 positionId => Position) positions;
        mapping(MarketId marketId => OpenInterest) openInterest;
    }

    /// @dev The namespace id.
    string internal constant ID = "megatao.storage.position";

    /// @dev keccak256(abi.encode(uint256(keccak256("megatao.storage.position")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 internal constant SLOT = 0xae49a0d6a3a5fcc97720b68eac102ab507f280377beffe40bae35de6c8dcf100;

    function load() internal pure returns (Layout storage $) {
        assembly ("memory-safe") {
            $.slot := SLOT
        }
    }
}

/// @title Layout probe of `megatao.storage.position`: never deployed.
contract PositionStorageLayout {
    PositionStorage.Layout internal layout;
}
