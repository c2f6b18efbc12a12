// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title Storage of the referral program: codes, referees, tiers, the builder fee share, rewards per account.
/// @dev ERC-7201 namespace `megatao.storage.referral`. Append fields only; never reorder or retype. Shares are WAD
///      (1e18 = 100%), amounts wei, times seconds. The rewards of all accounts sum to `FeeStorage.referralBalance`
///      (the vault's referral bucket), which holds the TAO that pays them.
library ReferralStorage {
    /// @dev One tier: 1 slot, read by every trade of a referee. `active` marks the tiers of the current table;
    ///      a referrer whose tier is not active (removed since) is paid at tier 0.
    struct Tier {
        uint64 referrerShare;
        uint64 refereeDiscount;
        uint32 discountDays;
        bool active;
    }

    /// @dev One account, as a referrer (its code and tier), as a builder, and its rewards. Slot 0 is written by every
    ///      fee that pays it; registration makes it nonzero for good, so a reward costs a nonzero-to-nonzero write.
    struct Account {
        /// @dev Slot 0: rewards accrued and not claimed (wei); its code's tier; registered as a referrer, a builder.
        uint128 rewards;
        uint8 tier;
        bool referrer;
        bool builder;
        /// @dev Slot 1: its referral code (0: none).
        bytes32 code;
    }

    /// @dev A trader's referrer (set once) and the time of its first trade since (the discount counts from it). 1 slot.
    struct Referee {
        address referrer;
        uint40 firstTradeAt;
    }

    /// @custom:storage-location erc7201:megatao.storage.referral
    struct Layout {
        /// @dev Slot 0 (gov): the builder's share of the taker fee; the number of tiers in the table.
        uint64 builderFeeShare;
        uint8 tierCount;
        /// @dev Slot 1: cumulative rewards claimed (wei).
        uint128 totalClaimed;
        /// @dev Slots 2..17 (gov): the tier table (16 = `Constants.MAX_REFERRAL_TIERS`), indices 0..tierCount-1
        ///      active; slots 18..33: the tiers' names.
        Tier[16] tiers;
        bytes32[16] tierNames;
        mapping(bytes32 code => address owner) codeOwners;
        mapping(address account => Account) accounts;
        mapping(address trader => Referee) referees;
    }

    /// @dev The namespace id.
    string internal constant ID = "megatao.storage.referral";

    /// @dev keccak256(abi.encode(uint256(keccak256("megatao.storage.referral")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 internal constant SLOT = 0x7766e45fbe2497165944778ce9d669581f4cb709a3f2ed8f3ec85c0fddc1d400;

    function load() internal pure returns (Layout storage $) {
        assembly ("memory-safe") {
            $.slot := SLOT
        }
    }
}

/// @title Layout probe of `megatao.storage.referral`: never deployed.
contract ReferralStorageLayout {
    ReferralStorage.Layout internal layout;
}
