// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketId} from "../../types/MarketId.sol";

/// @title Storage of the LPs: the LP token, the epoch schedule, the deposit caps, each account's withdrawal request,
///        and the traders' aggregate exposure that prices a share.
/// @dev ERC-7201 namespace `megatao.storage.lp`. Append fields only; never reorder or retype. Times are unix
///      seconds, amounts wei, shares in the LP token's units, sizes in 1e18 units of the asset.
library LpStorage {
    /// @dev An epoch schedule (1 slot): epoch `anchorEpoch` starts at `anchorTime`, each epoch lasts `epochLength`;
    ///      the deposit and withdrawal windows open at each epoch's start and last `depositWindow`, `withdrawalWindow`.
    struct Schedule {
        uint40 anchorTime;
        uint32 anchorEpoch;
        uint32 epochLength;
        uint32 depositWindow;
        uint32 withdrawalWindow;
    }

    /// @dev An account (1 slot): its withdrawal request (shares held in escrow by the entry contract, the epoch it
    ///      was made in; none when `requestShares == 0`) and the blocks of its last deposit and last redemption.
    struct Account {
        uint128 requestShares;
        uint32 requestEpoch;
        uint40 lastDepositBlock;
        uint40 lastRedeemBlock;
    }

    /// @dev A market's unsettled funding per side (1 slot; the sides' size sums are in `PositionStorage.OpenInterest`):
    ///      the funding the side's positions owe and have not settled (signed wei, negative: earned). Every accrual
    ///      adds each side's flow on its open interest, every settlement takes off what the position settled; it
    ///      restarts at zero when the side empties.
    struct Exposure {
        int128 longFundingOwed;
        int128 shortFundingOwed;
    }

    /// @custom:storage-location erc7201:megatao.storage.lp
    struct Layout {
        /// @dev Slot 0: the LP token (mint, burn and escrow by the entry contract only), the initialization version.
        address token;
        uint8 version;
        /// @dev Slot 1 (gov): the schedule in force.
        Schedule schedule;
        /// @dev Slot 2 (gov): the schedule set for the next epoch (`anchorTime == 0`: none); it replaces `schedule`
        ///      from `anchorTime`, the end of the epoch it was set in.
        Schedule nextSchedule;
        /// @dev Slot 3 (gov): per-account and global caps on LP equity at deposit, wei.
        uint128 accountDepositCap;
        uint128 globalDepositCap;
        mapping(address account => Account) accounts;
        mapping(MarketId marketId => Exposure) exposure;
        /// @dev The markets with open positions (nonzero exposure), and 1 + each one's index in the list.
        MarketId[] activeMarkets;
        mapping(MarketId marketId => uint256) activeSlot;
    }

    /// @dev The namespace id.
    string internal constant ID = "megatao.storage.lp";

    /// @dev keccak256(abi.encode(uint256(keccak256("megatao.storage.lp")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 internal constant SLOT = 0xaaeed9c7d8e6f14d4e7308ed8b16ae70196ea7531e70856a743e9e4a4678c000;

    function load() internal pure returns (Layout storage $) {
        assembly ("memory-safe") {
            $.slot := SLOT
        }
    }
}

/// @title Layout probe of `megatao.storage.lp`: never deployed.
contract LpStorageLayout {
    LpStorage.Layout internal layout;
}
