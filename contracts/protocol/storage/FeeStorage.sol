// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title Storage of the fees: trading-fee split, liquidation fee and split, cumulative totals per bucket.
/// @dev ERC-7201 namespace `megatao.storage.fee`. Append fields only; never reorder or retype. Shares and rates
///      are WAD (1e18 = 100%), amounts wei.
library FeeStorage {
    /// @custom:storage-location erc7201:megatao.storage.fee
    struct Layout {
        /// @dev Slot 0 (gov): the trading-fee split (the vault takes the rest) and the liquidation fee.
        uint64 tradingInsuranceShare;
        uint64 tradingReferralShare;
        uint64 liquidationFee;
        /// @dev Slot 1 (gov): the liquidation-fee split; the three sum to 100%.
        uint64 liquidationKeeperShare;
        uint64 liquidationInsuranceShare;
        uint64 liquidationVaultShare;
        /// @dev Slot 2: cumulative trading fees booked to the vault and the insurance fund.
        uint128 tradingToVault;
        uint128 tradingToInsurance;
        /// @dev Slot 3: cumulative trading fees booked to the referral program, and its balance held for it (the
        ///      referral issue pays referrers out of it).
        uint128 tradingToReferral;
        uint128 referralBalance;
        /// @dev Slot 4-5: cumulative liquidation fees paid to keepers, the insurance fund and the vault.
        uint128 liquidationToKeepers;
        uint128 liquidationToInsurance;
        uint128 liquidationToVault;
    }

    /// @dev The namespace id.
    string internal constant ID = "megatao.storage.fee";

    /// @dev keccak256(abi.encode(uint256(keccak256("megatao.storage.fee")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 internal constant SLOT = 0xf5f7f79b67de8944c70e9a4f5d1fe387911b547d8bb409964b8097761ce07400;

    function load() internal pure returns (Layout storage $) {
        assembly ("memory-safe") {
            $.slot := SLOT
        }
    }
}

/// @title Layout probe of `megatao.storage.fee`: never deployed.
contract FeeStorageLayout {
    FeeStorage.Layout internal layout;
}
