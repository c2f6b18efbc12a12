// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title Storage of the fees: the trading-fee split, the liquidation fee and its split.
/// @dev ERC-7201 namespace `megatao.storage.fee`. Append fields only; never reorder or retype. Shares and rates
///      are WAD (1e18 = 100%). What each fee booked where is in the events (`TradingFeeBooked`,
///      `LiquidationFeeBooked`), not in storage: cumulative totals would cost every trade two more slot writes.
library FeeStorage {
    /// @custom:storage-location erc7201:megatao.storage.fee
    struct Layout {
        /// @dev Slot 0 (gov), read by every trade and liquidation: the trading-fee split (the vault takes the rest),
        ///      the liquidation fee and its keeper share.
        uint64 tradingInsuranceShare;
        uint64 tradingReferralShare;
        uint64 liquidationFee;
        uint64 liquidationKeeperShare;
        /// @dev Slot 1 (gov), read by every liquidation: the rest of the liquidation-fee split (the three shares sum to
        ///      100%) and the least a liquidation pays its keeper, wei (what the trader gets back, then the insurance
        ///      fund, top the fee share up to it).
        uint64 liquidationInsuranceShare;
        uint64 liquidationVaultShare;
        uint64 minKeeperFee;
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
