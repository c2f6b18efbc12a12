// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title Errors of the referral program: codes, bindings, builders, governance bounds, claims.
/// @dev Fractions are WAD (1e18 = 100%); amounts of TAO are wei. Codes are bytes32: 3..32 characters A-Z, 0-9 or
///      `_`, left-aligned, zero bytes after.
interface IReferralErrors {
    /// @notice `code` is not a valid referral code (3..32 characters A-Z, 0-9, `_`, left-aligned, zero-padded).
    error InvalidReferralCode(bytes32 code);

    /// @notice `code` belongs to `owner` already.
    error ReferralCodeTaken(bytes32 code, address owner);

    /// @notice `account` owns a code already (`code`): one code per account.
    error ReferralCodeAlreadyOwned(address account, bytes32 code);

    /// @notice No account registered `code`.
    error UnknownReferralCode(bytes32 code);

    /// @notice `trader` is bound to `referrer` already: a referrer is set once and never changed.
    error ReferrerAlreadySet(address trader, address referrer);

    /// @notice `trader` tried to bind to its own code `code`.
    error SelfReferral(address trader, bytes32 code);

    /// @notice `builder` is not a registered builder.
    error BuilderNotRegistered(address builder);

    /// @notice `builder` is registered already.
    error BuilderAlreadyRegistered(address builder);

    /// @notice `trader` named itself as its order's builder.
    error SelfBuilder(address trader);

    /// @notice A tier table of `count` tiers (1..max).
    error ReferralTierCountOutOfBounds(uint256 count, uint256 max);

    /// @notice Tier `tier`'s referrer share or referee discount `share` above `max` (50%).
    error ReferralShareOutOfBounds(uint256 tier, uint256 share, uint256 max);

    /// @notice Tier `tier`'s discount duration `discountDays` above `max` days.
    error ReferralDiscountDaysOutOfBounds(uint256 tier, uint256 discountDays, uint256 max);

    /// @notice Tier `tier` has no name (bytes32 zero).
    error ReferralTierNameEmpty(uint256 tier);

    /// @notice The builder fee share `share` above `max` (50%).
    error BuilderFeeShareOutOfBounds(uint256 share, uint256 max);

    /// @notice Tier `tier` with the builder and insurance shares would give away more than the fee: referrer share +
    ///         referee discount + builder share + insurance share = `sum` > 100%.
    error FeeSharesExceedFee(uint256 tier, uint256 sum);

    /// @notice `tier` is not in the tier table of `count` tiers.
    error ReferralTierNotFound(uint256 tier, uint256 count);

    /// @notice `account` has less than 1 rao (1e9 wei) of referral rewards to claim.
    error NoReferralRewards(address account);

    /// @notice Sending `amount` wei of rewards claimed by `account` failed (the rewards are kept).
    error ReferralClaimFailed(address account, uint256 amount);
}
