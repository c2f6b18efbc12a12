// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IReferralModule, ReferralTier, ReferralAccount} from "../../interfaces/IReferralModule.sol";
import {IVaultModule} from "../../interfaces/IVaultModule.sol";
import {Bittensor} from "../../libraries/Bittensor.sol";
import {Constants} from "../../libraries/Constants.sol";
import {FeeStorage} from "../storage/FeeStorage.sol";
import {MarginStorage} from "../storage/MarginStorage.sol";
import {VaultStorage} from "../storage/VaultStorage.sol";
import {ReferralStorage} from "../storage/ReferralStorage.sol";
import {ReferralLogic} from "../logic/ReferralLogic.sol";
import {ModuleBase} from "./ModuleBase.sol";

/// @title The referral module, on the `megatao.storage.referral` namespace: codes, bindings, builders, claims and the
///        program's governance parameters. The fees themselves are routed by `ReferralLogic` inside the position
///        module's trades.
/// @dev No genesis parameters: until governance sets a tier table, tier 0 is all zero (codes and bindings work, no
///      fee is shared). Every setter keeps referrer share + discount + builder share + insurance share <= 100% and
///      writes the largest referral share to `FeeStorage.tradingReferralShare`, which `setTradingFeeSplit` checks the
///      insurance share against. `claimReferralRewards` is `nonReentrant` (the transient guard all modules share).
contract ReferralModule is IReferralModule, ModuleBase, ReentrancyGuardTransient {
    /// @notice This module's id in the entry contract's registry.
    bytes32 public constant MODULE_ID = "referral";

    /// @inheritdoc ModuleBase
    function moduleId() external pure override returns (bytes32) {
        return MODULE_ID;
    }

    /// @inheritdoc ModuleBase
    function exportedSelectors() external pure virtual override returns (bytes4[] memory selectors) {
        selectors = new bytes4[](11);
        selectors[0] = IReferralModule.registerReferralCode.selector;
        selectors[1] = IReferralModule.bindReferralCode.selector;
        selectors[2] = IReferralModule.registerBuilder.selector;
        selectors[3] = IReferralModule.claimReferralRewards.selector;
        selectors[4] = IReferralModule.setReferralTiers.selector;
        selectors[5] = IReferralModule.setBuilderFeeShare.selector;
        selectors[6] = IReferralModule.setReferralCodeTier.selector;
        selectors[7] = IReferralModule.referralTiers.selector;
        selectors[8] = IReferralModule.builderFeeShare.selector;
        selectors[9] = IReferralModule.referralCodeOwner.selector;
        selectors[10] = IReferralModule.referralAccount.selector;
    }

    // ---------------------------------------------------------------- anyone

    /// @inheritdoc IReferralModule
    function registerReferralCode(bytes32 code) external onlyDelegateCall {
        if (!ReferralLogic.isValidCode(code)) revert InvalidReferralCode(code);
        ReferralStorage.Layout storage r = ReferralStorage.load();
        address owner = r.codeOwners[code];
        if (owner != address(0)) revert ReferralCodeTaken(code, owner);
        ReferralStorage.Account storage a = r.accounts[msg.sender];
        if (a.referrer) revert ReferralCodeAlreadyOwned(msg.sender, a.code);
        r.codeOwners[code] = msg.sender;
        a.referrer = true;
        a.code = code;
        emit ReferralCodeRegistered(code, msg.sender);
    }

    /// @inheritdoc IReferralModule
    function bindReferralCode(bytes32 code) external onlyDelegateCall {
        ReferralStorage.Layout storage r = ReferralStorage.load();
        address referrer = r.codeOwners[code];
        if (referrer == address(0)) revert UnknownReferralCode(code);
        if (referrer == msg.sender) revert SelfReferral(msg.sender, code);
        ReferralStorage.Referee storage e = r.referees[msg.sender];
        address current = e.referrer;
        if (current != address(0)) revert ReferrerAlreadySet(msg.sender, current);
        e.referrer = referrer;
        MarginStorage.load().accounts[msg.sender].referred = true;
        emit ReferrerSet(msg.sender, referrer, code);
    }

    /// @inheritdoc IReferralModule
    function registerBuilder() external onlyDelegateCall {
        ReferralStorage.Account storage a = ReferralStorage.load().accounts[msg.sender];
        if (a.builder) revert BuilderAlreadyRegistered(msg.sender);
        a.builder = true;
        emit BuilderRegistered(msg.sender);
    }

    /// @inheritdoc IReferralModule
    function claimReferralRewards() external onlyDelegateCall nonReentrant returns (uint256 amount) {
        ReferralStorage.Layout storage r = ReferralStorage.load();
        ReferralStorage.Account storage a = r.accounts[msg.sender];
        uint256 rewards = a.rewards;
        amount = rewards - rewards % Bittensor.WEI_PER_RAO;
        if (amount == 0) revert NoReferralRewards(msg.sender);
        VaultStorage.Layout storage v = VaultStorage.load();
        // amount <= rewards <= referralBalance (the sum of all rewards) < 2^88; totalClaimed <= all fees booked.
        // forge-lint: disable-start(unsafe-typecast)
        a.rewards = uint128(rewards - amount);
        v.referralBalance = uint88(v.referralBalance - amount);
        r.totalClaimed = uint128(r.totalClaimed + amount);
        // forge-lint: disable-end(unsafe-typecast)
        emit ReferralRewardsClaimed(msg.sender, amount);
        (bool ok,) = msg.sender.call{value: amount}("");
        if (!ok) revert ReferralClaimFailed(msg.sender, amount);
    }

    // ---------------------------------------------------------------- governance

    /// @inheritdoc IReferralModule
    function setReferralTiers(ReferralTier[] calldata tiers) external onlyDelegateCall onlyOwner {
        uint256 count = tiers.length;
        if (count == 0 || count > Constants.MAX_REFERRAL_TIERS) {
            revert ReferralTierCountOutOfBounds(count, Constants.MAX_REFERRAL_TIERS);
        }
        ReferralStorage.Layout storage r = ReferralStorage.load();
        uint256 builderShare = r.builderFeeShare;
        uint256 insuranceShare = FeeStorage.load().tradingInsuranceShare;
        for (uint256 i; i < count; ++i) {
            ReferralTier calldata t = tiers[i];
            _checkTier(i, t, builderShare, insuranceShare);
            // Each field checked above: shares <= 0.5e18, days <= 3650.
            // forge-lint: disable-start(unsafe-typecast)
            r.tiers[i] = ReferralStorage.Tier({
                referrerShare: uint64(t.referrerShare),
                refereeDiscount: uint64(t.refereeDiscount),
                discountDays: uint32(t.discountDays),
                active: true
            });
            // forge-lint: disable-end(unsafe-typecast)
            r.tierNames[i] = t.name;
            emit ReferralTierSet(i, t.name, t.referrerShare, t.refereeDiscount, t.discountDays);
        }
        for (uint256 i = count; i < r.tierCount; ++i) {
            delete r.tiers[i];
            delete r.tierNames[i];
            emit ReferralTierRemoved(i);
        }
        // count <= 16, checked above.
        // forge-lint: disable-next-line(unsafe-typecast)
        r.tierCount = uint8(count);
        _reserve(r);
    }

    /// @inheritdoc IReferralModule
    function setBuilderFeeShare(uint256 share) external onlyDelegateCall onlyOwner {
        if (share > Constants.MAX_BUILDER_FEE_SHARE) {
            revert BuilderFeeShareOutOfBounds(share, Constants.MAX_BUILDER_FEE_SHARE);
        }
        ReferralStorage.Layout storage r = ReferralStorage.load();
        uint256 insuranceShare = FeeStorage.load().tradingInsuranceShare;
        uint256 count = r.tierCount;
        for (uint256 i; i < count; ++i) {
            ReferralStorage.Tier storage t = r.tiers[i];
            uint256 sum = uint256(t.referrerShare) + t.refereeDiscount + share + insuranceShare;
            if (sum > Constants.WAD) revert FeeSharesExceedFee(i, sum);
        }
        // share <= 0.5e18, checked above.
        // forge-lint: disable-next-line(unsafe-typecast)
        r.builderFeeShare = uint64(share);
        emit BuilderFeeShareSet(share);
        _reserve(r);
    }

    /// @inheritdoc IReferralModule
    function setReferralCodeTier(bytes32 code, uint256 tier) external onlyDelegateCall onlyOwner {
        ReferralStorage.Layout storage r = ReferralStorage.load();
        address owner = r.codeOwners[code];
        if (owner == address(0)) revert UnknownReferralCode(code);
        uint256 count = r.tierCount;
        if (tier >= count) revert ReferralTierNotFound(tier, count);
        // tier < count <= 16, checked above.
        // forge-lint: disable-next-line(unsafe-typecast)
        r.accounts[owner].tier = uint8(tier);
        emit ReferralCodeTierSet(code, owner, tier);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IReferralModule
    function referralTiers() external view onlyDelegateCall returns (ReferralTier[] memory tiers) {
        ReferralStorage.Layout storage r = ReferralStorage.load();
        uint256 count = r.tierCount;
        tiers = new ReferralTier[](count);
        for (uint256 i; i < count; ++i) {
            ReferralStorage.Tier storage t = r.tiers[i];
            tiers[i] = ReferralTier(r.tierNames[i], t.referrerShare, t.refereeDiscount, t.discountDays);
        }
    }

    /// @inheritdoc IReferralModule
    function builderFeeShare() external view onlyDelegateCall returns (uint256) {
        return ReferralStorage.load().builderFeeShare;
    }

    /// @inheritdoc IReferralModule
    function referralCodeOwner(bytes32 code) external view onlyDelegateCall returns (address) {
        return ReferralStorage.load().codeOwners[code];
    }

    /// @inheritdoc IReferralModule
    function referralAccount(address account) external view onlyDelegateCall returns (ReferralAccount memory info) {
        ReferralStorage.Layout storage r = ReferralStorage.load();
        ReferralStorage.Account storage a = r.accounts[account];
        info.code = a.code;
        info.tier = r.tiers[a.tier].active ? a.tier : 0;
        info.builder = a.builder;
        info.rewards = a.rewards;
        ReferralStorage.Referee storage e = r.referees[account];
        address referrer = e.referrer;
        if (referrer == address(0)) return info;
        info.referrer = referrer;
        info.referrerCode = r.accounts[referrer].code;
        ReferralStorage.Tier memory t = ReferralLogic.tierOf(r, r.accounts[referrer].tier);
        info.firstTradeAt = e.firstTradeAt;
        uint256 start = info.firstTradeAt == 0 ? block.timestamp : info.firstTradeAt;
        uint256 endsAt = start + uint256(t.discountDays) * 1 days;
        if (info.firstTradeAt != 0) info.discountEndsAt = endsAt;
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp < endsAt) info.discountNow = t.refereeDiscount;
    }

    // ---------------------------------------------------------------- internals

    /// @dev Checks tier `index` against the bounds and, with the builder and insurance shares, against the fee.
    function _checkTier(uint256 index, ReferralTier calldata t, uint256 builderShare, uint256 insuranceShare)
        private
        pure
    {
        if (t.name == bytes32(0)) revert ReferralTierNameEmpty(index);
        if (t.referrerShare > Constants.MAX_REFERRAL_SHARE) {
            revert ReferralShareOutOfBounds(index, t.referrerShare, Constants.MAX_REFERRAL_SHARE);
        }
        if (t.refereeDiscount > Constants.MAX_REFERRAL_SHARE) {
            revert ReferralShareOutOfBounds(index, t.refereeDiscount, Constants.MAX_REFERRAL_SHARE);
        }
        if (t.discountDays > Constants.MAX_REFERRAL_DISCOUNT_DAYS) {
            revert ReferralDiscountDaysOutOfBounds(index, t.discountDays, Constants.MAX_REFERRAL_DISCOUNT_DAYS);
        }
        uint256 sum = t.referrerShare + t.refereeDiscount + builderShare + insuranceShare;
        if (sum > Constants.WAD) revert FeeSharesExceedFee(index, sum);
    }

    /// @dev Reserves the program's largest share in the vault's trading-fee split, which `setTradingFeeSplit` keeps
    ///      the insurance share within.
    function _reserve(ReferralStorage.Layout storage r) private {
        uint256 reserved = ReferralLogic.reservedShare(r);
        FeeStorage.Layout storage f = FeeStorage.load();
        // reserved <= 1e18 - insurance share, checked by the setters.
        // forge-lint: disable-next-line(unsafe-typecast)
        f.tradingReferralShare = uint64(reserved);
        emit IVaultModule.TradingFeeSplitSet(f.tradingInsuranceShare, reserved);
    }
}
