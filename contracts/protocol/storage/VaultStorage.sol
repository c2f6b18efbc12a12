// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title Storage of the vault: the TAO the protocol holds, by owner, and its safeguards.
/// @dev ERC-7201 namespace `megatao.storage.vault`. Append fields only; never reorder or retype.
///      Every wei the entry contract holds belongs to exactly one bucket: `reserves` (the vault's own capital, the
///      LPs' equity floor), `marginsOwed` (traders' margins), `insuranceFund`, `claimsOwed` (payouts waiting for
///      `claim`) and `referralBalance`. The LP shares, epochs and requests are in `megatao.storage.lp`; `reserves`
///      stays the capital they price against.
library VaultStorage {
    /// @custom:storage-location erc7201:megatao.storage.vault
    struct Layout {
        /// @dev Slot 0: the vault's capital (wei) and the open notional of all markets, both sides, at the mark (wei:
        ///      the sum of the markets' `FundingStorage.MarketFunding.markNotional`).
        uint128 reserves;
        uint128 totalOpenNotional;
        /// @dev Slot 1: the sum of all positions' margins, and the insurance fund (wei).
        uint128 marginsOwed;
        uint128 insuranceFund;
        /// @dev Slot 2, read by every trade: payouts credited for `claim` and the referral program's balance (the
        ///      referrers' and builders' rewards not claimed), wei (uint88 holds 3e8 TAO, over the 21M supply); the
        ///      two switches that stop increases, the circuit breaker and the guardian's pause of opens (written by
        ///      the entry contract's `pauseOpens`/`unpauseOpens`, kept here so an increase reads one slot for both);
        ///      and the breaker's level (gov, WAD), which is all a trade reads to re-evaluate the breaker.
        uint88 claimsOwed;
        uint88 referralBalance;
        bool circuitBreakerTripped;
        bool opensPaused;
        uint64 circuitBreakerUtilization;
        /// @dev Slot 3 (gov), read by every increase: the utilization limit on increases, WAD; per-account and global
        ///      caps on collateral (margins), wei (uint96: 7.9e10 TAO, the "no cap" maximum).
        uint64 maxUtilizationForIncrease;
        uint96 accountCollateralCap;
        uint96 globalCollateralCap;
        /// @dev Payouts credited to each account, wei.
        mapping(address account => uint256) claimable;
        /// @dev The initialization version.
        uint8 version;
        /// @dev Governance: the risk parameters (docs/protocol.md section 5), one slot.
        RiskParams risk;
    }

    /// @dev The risk parameters: a position's min margin (wei), the cap on the traders' unrealized profit per market
    ///      (WAD of the reserves) and on a position's realized profit (WAD multiple of its margin). The min keeper fee,
    ///      which liquidations read beside the fee split, is `FeeStorage.minKeeperFee`.
    struct RiskParams {
        uint64 minMargin;
        uint64 maxPnlFactor;
        uint64 maxProfitMultiple;
    }

    /// @dev The namespace id.
    string internal constant ID = "megatao.storage.vault";

    /// @dev keccak256(abi.encode(uint256(keccak256("megatao.storage.vault")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 internal constant SLOT = 0xfa1bd4fa6f5cf07484d040daf7f3490e9210ef8628b4433146cd68df2e807600;

    function load() internal pure returns (Layout storage $) {
        assembly ("memory-safe") {
            $.slot := SLOT
        }
    }
}

/// @title Layout probe of `megatao.storage.vault`: never deployed.
contract VaultStorageLayout {
    VaultStorage.Layout internal layout;
}
