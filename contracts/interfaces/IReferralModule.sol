// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IReferralErrors} from "../libraries/errors/ReferralErrors.sol";

/// @notice A tier of the referral program (governance). Shares WAD of the taker fee (1e18 = 100%).
struct ReferralTier {
    /// @dev An off-chain label (e.g. the ASCII of "base", left-aligned), nonzero.
    bytes32 name;
    /// @dev The referrer's share of each taker fee its referees pay, 0..50%.
    uint256 referrerShare;
    /// @dev The part of each taker fee a referee is not charged, 0..50%, for `discountDays` from its first trade.
    uint256 refereeDiscount;
    /// @dev Days the discount lasts from the referee's first trade after binding, 0..3650.
    uint256 discountDays;
}

/// @notice An account's place in the referral program.
struct ReferralAccount {
    /// @dev Its own referral code (0: none) and that code's tier (as paid: tier 0 when its tier was removed).
    bytes32 code;
    uint256 tier;
    /// @dev Whether it is a registered builder.
    bool builder;
    /// @dev Rewards accrued and not claimed, wei (as a referrer and as a builder).
    uint256 rewards;
    /// @dev Its referrer (0: none) and that referrer's code.
    address referrer;
    bytes32 referrerCode;
    /// @dev Its first trade since binding (0: none yet), and the first second without the discount (0: no discount
    ///      started).
    uint256 firstTradeAt;
    uint256 discountEndsAt;
    /// @dev The discount its next trade gets if made now, WAD of the taker fee.
    uint256 discountNow;
}

/// @title The referral program and builder fees (docs/protocol.md section 8).
/// @notice Anyone registers one referral code (3..32 characters A-Z, 0-9, `_`, as a left-aligned bytes32). A trader
///         binds to a referrer once, by code, never rebinds and never refers itself. Governance sets a table of tiers
///         (referrer share of the taker fee, referee discount, discount duration in days from the referee's first
///         trade since binding) and assigns a code a tier (default tier 0). Each fee a referee pays is routed, every
///         wei to exactly one of: the referee's discount (not charged), its referrer, the order's builder, the
///         insurance fund, the vault. Shares are of the fee before the discount, rounded down; the vault takes the
///         rest. Referrer share + discount + builder share + insurance share never exceed 100% (enforced by every
///         setter, `setTradingFeeSplit` included: the vault's `tradingFeeSplit().referralShare` is the most the
///         program takes, the largest tier's share + discount plus the builder share). A close whose equity does not
///         cover its fee pays no referral, builder or discount: the insurance fund and the vault share what it pays.
///         Any account registers as a builder; an order (`*WithBuilder` in the position module) may name one (not the
///         trader), which earns the builder share of the fee. Rewards accrue in TAO per account, out of the vault's
///         referral balance, and are claimed (pull).
interface IReferralModule is IReferralErrors {
    /// @notice `owner` registered `code`.
    event ReferralCodeRegistered(bytes32 indexed code, address indexed owner);

    /// @notice `trader` bound to `referrer` through `code`.
    event ReferrerSet(address indexed trader, address indexed referrer, bytes32 indexed code);

    /// @notice `builder` registered as a builder.
    event BuilderRegistered(address indexed builder);

    /// @notice Governance set tier `tier` of the table.
    event ReferralTierSet(
        uint256 indexed tier, bytes32 name, uint256 referrerShare, uint256 refereeDiscount, uint256 discountDays
    );

    /// @notice Governance removed tier `tier` (the table shrank): its referrers are paid at tier 0.
    event ReferralTierRemoved(uint256 indexed tier);

    /// @notice Governance set the builder's share of the taker fee.
    event BuilderFeeShareSet(uint256 share);

    /// @notice Governance assigned `code` (owned by `owner`) tier `tier`.
    event ReferralCodeTierSet(bytes32 indexed code, address indexed owner, uint256 tier);

    /// @notice A fee of `positionId`'s trade: `discount` not charged to the trader (0 when the fee was not covered),
    ///         `toReferrer` accrued to `referrer`, `toBuilder` to `builder` (the vault's `TradingFeeBooked` has the
    ///         insurance and vault parts, `toReferral` = `toReferrer + toBuilder`). Indexed by the accounts paid;
    ///         `positionId` is data (the trade's position events are indexed by it), one topic less on every referred
    ///         trade.
    event ReferralFeeBooked(
        address indexed referrer,
        address indexed builder,
        bytes32 positionId,
        uint256 discount,
        uint256 toReferrer,
        uint256 toBuilder
    );

    /// @notice `trader`'s first trade since binding (at this block's timestamp) started its discount period.
    event RefereeFirstTrade(address indexed trader);

    /// @notice `account` claimed `amount` wei of rewards.
    event ReferralRewardsClaimed(address indexed account, uint256 amount);

    /// @notice Registers `code` for the caller (one code per account). Anyone.
    function registerReferralCode(bytes32 code) external;

    /// @notice Binds the caller to the owner of `code` as its referrer: once, never to itself.
    function bindReferralCode(bytes32 code) external;

    /// @notice Registers the caller as a builder, which orders may then name. Anyone, once.
    function registerBuilder() external;

    /// @notice Pays the caller its rewards in whole rao (the wei below 1 rao stay accrued). Reverts when the transfer
    ///         fails (the rewards are kept).
    /// @return amount Wei sent.
    function claimReferralRewards() external returns (uint256 amount);

    /// @notice Replaces the tier table (1..16 tiers, index = position; referrers of removed tiers are paid at tier 0).
    ///         Each tier: shares 0..50%, 0..3650 days, share + discount + builder + insurance shares <= 100%.
    ///         Owner only.
    function setReferralTiers(ReferralTier[] calldata tiers) external;

    /// @notice Sets the builder's share of the taker fee (0..50%, and with every tier and the insurance share at most
    ///         100%). Owner only.
    function setBuilderFeeShare(uint256 share) external;

    /// @notice Assigns registered `code` tier `tier` (in the table). Owner only.
    function setReferralCodeTier(bytes32 code, uint256 tier) external;

    /// @notice The tier table.
    function referralTiers() external view returns (ReferralTier[] memory);

    /// @notice The builder's share of the taker fee, WAD.
    function builderFeeShare() external view returns (uint256);

    /// @notice The owner of `code` (0: not registered).
    function referralCodeOwner(bytes32 code) external view returns (address);

    /// @notice `account`'s code, tier, builder registration, rewards, referrer and discount.
    function referralAccount(address account) external view returns (ReferralAccount memory);
}
