// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IReferralModule} from "../../interfaces/IReferralModule.sol";
import {IReferralErrors} from "../../libraries/errors/ReferralErrors.sol";
import {Constants} from "../../libraries/Constants.sol";
import {FeeStorage} from "../storage/FeeStorage.sol";
import {MarginStorage} from "../storage/MarginStorage.sol";
import {ReferralStorage} from "../storage/ReferralStorage.sol";
import {VaultLogic} from "./VaultLogic.sol";

/// @title The routing of each trading fee between the referee's discount, its referrer, the order's builder, the
///        insurance fund and the vault, on the `megatao.storage.referral` namespace.
/// @dev Internal library of the position module. A trade `quote`s its fee (checks: the builder; the discount it is
///      not charged), charges the rest, then `book`s what it collected (effects: rewards, the first-trade clock, the
///      vault's buckets through `VaultLogic.bookTradingFee`, events). `split` is the arithmetic.
library ReferralLogic {
    /// @notice A trade's fee before it is charged (memory).
    struct Fee {
        /// @dev The taker fee on the notional filled, wei (rounded up).
        uint256 gross;
        /// @dev The part the trader is not charged (rounded down): `gross - discount` is charged.
        uint256 discount;
        address referrer;
        address builder;
        uint256 referrerShare;
        uint256 builderShare;
        /// @dev The trader's first trade since binding: starts its discount period.
        bool firstTrade;
    }

    /// @notice Quotes the fee `gross` of `trader`'s trade naming `builder` (0: none). Reverts unless `builder` is 0 or
    ///         a registered builder other than the trader.
    /// @dev Reads the trader's account flag (a slot the trade reads anyway); the referral storage only when it has a
    ///      referrer or names a builder.
    function quote(address trader, address builder, uint256 gross) internal view returns (Fee memory f) {
        f.gross = gross;
        ReferralStorage.Layout storage r = ReferralStorage.load();
        if (MarginStorage.load().accounts[trader].referred) {
            ReferralStorage.Referee storage e = r.referees[trader];
            address referrer = e.referrer;
            f.referrer = referrer;
            ReferralStorage.Tier memory t = tierOf(r, r.accounts[referrer].tier);
            f.referrerShare = t.referrerShare;
            uint256 start = e.firstTradeAt;
            if (start == 0) {
                f.firstTrade = true;
                start = block.timestamp;
            }
            // The discount's end is days away: a validator's few seconds of leeway move it by as much.
            // forge-lint: disable-next-line(block-timestamp)
            if (block.timestamp < start + t.discountDays * 1 days) {
                f.discount = gross * t.refereeDiscount / Constants.WAD;
            }
        }
        if (builder != address(0)) {
            if (builder == trader) revert IReferralErrors.SelfBuilder(trader);
            if (!r.accounts[builder].builder) revert IReferralErrors.BuilderNotRegistered(builder);
            f.builder = builder;
            f.builderShare = r.builderFeeShare;
        }
    }

    /// @notice Books `paid` wei of `f` collected from `trader` for `positionId`: `f.gross - f.discount`, or less on a
    ///         close whose equity did not cover the fee (then no discount, no referrer and no builder part).
    function book(bytes32 positionId, address trader, Fee memory f, uint256 paid) internal {
        if (f.firstTrade) {
            ReferralStorage.load().referees[trader].firstTradeAt = uint40(block.timestamp);
            emit IReferralModule.RefereeFirstTrade(trader);
        }
        // Nothing collected: a zero fee, or a close whose equity was gone.
        if (paid == 0) return;
        uint256 fee = f.gross;
        if (paid != fee - f.discount) {
            fee = paid;
            f.discount = 0;
            f.referrerShare = 0;
            f.builderShare = 0;
        }
        (uint256 toReferrer, uint256 toBuilder, uint256 toInsurance, uint256 toVault) =
            split(fee, f.discount, f.referrerShare, f.builderShare, FeeStorage.load().tradingInsuranceShare);
        if (toReferrer != 0) _credit(f.referrer, toReferrer);
        if (toBuilder != 0) _credit(f.builder, toBuilder);
        if (f.referrer != address(0) || f.builder != address(0)) {
            emit IReferralModule.ReferralFeeBooked(f.referrer, f.builder, positionId, f.discount, toReferrer, toBuilder);
        }
        VaultLogic.bookTradingFee(positionId, toInsurance, toReferrer + toBuilder, toVault);
    }

    /// @notice Splits a fee: `fee` before the discount, `discount` of it not charged; the referrer, builder and
    ///         insurance shares of `fee` (each rounded down), the vault the rest of what is charged.
    /// @dev `discount + toReferrer + toBuilder + toInsurance + toVault == fee` exactly when the discount (rounded down
    ///      from its share) and the shares sum to at most 100%: the rounded-down shares never exceed `fee - discount`.
    ///      Plain checked products (a fee is below 2^128 wei and a share at most 1e18), cheaper than `mulDiv`.
    function split(uint256 fee, uint256 discount, uint256 referrerShare, uint256 builderShare, uint256 insuranceShare)
        internal
        pure
        returns (uint256 toReferrer, uint256 toBuilder, uint256 toInsurance, uint256 toVault)
    {
        toReferrer = fee * referrerShare / Constants.WAD;
        toBuilder = fee * builderShare / Constants.WAD;
        toInsurance = fee * insuranceShare / Constants.WAD;
        toVault = fee - discount - toReferrer - toBuilder - toInsurance;
    }

    /// @notice The tier a referrer of tier `index` is paid at: `index` while in the table, otherwise tier 0.
    function tierOf(ReferralStorage.Layout storage r, uint256 index)
        internal
        view
        returns (ReferralStorage.Tier memory t)
    {
        t = r.tiers[index];
        if (!t.active && index != 0) t = r.tiers[0];
    }

    /// @notice The most of a fee the program can take (largest tier's referrer share + discount, plus the builder
    ///         share), which the vault's trading-fee split reserves: `FeeStorage.tradingReferralShare`.
    function reservedShare(ReferralStorage.Layout storage r) internal view returns (uint256 maxTier) {
        uint256 count = r.tierCount;
        for (uint256 i; i < count; ++i) {
            ReferralStorage.Tier storage t = r.tiers[i];
            maxTier = Math.max(maxTier, uint256(t.referrerShare) + t.refereeDiscount);
        }
        return maxTier + r.builderFeeShare;
    }

    /// @notice Whether `code` is 3..32 characters A-Z, 0-9 or `_`, left-aligned, zero bytes after.
    function isValidCode(bytes32 code) internal pure returns (bool) {
        uint256 length;
        for (; length < 32; ++length) {
            bytes1 b = code[length];
            if (b == 0) break;
            if (!((b >= "A" && b <= "Z") || (b >= "0" && b <= "9") || b == "_")) return false;
        }
        // The bytes after the first zero byte must be zero too (`length` < 32 here, so the shift is below 256).
        if (length < 32 && uint256(code) << (8 * length) != 0) return false;
        return length >= Constants.MIN_REFERRAL_CODE_LENGTH;
    }

    /// @dev Accrues `amount` wei of rewards to `account`, held in the vault's referral balance.
    function _credit(address account, uint256 amount) private {
        ReferralStorage.Account storage a = ReferralStorage.load().accounts[account];
        // The rewards of all accounts sum to the referral balance, which `VaultLogic.bookTradingFee` adds `amount` to
        // with SafeCast after this: an overflow here would revert there.
        // forge-lint: disable-next-line(unsafe-typecast)
        a.rewards = uint128(a.rewards + amount);
    }
}
