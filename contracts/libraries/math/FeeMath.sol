// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Constants} from "../Constants.sol";

/// @title Trading fees on notional and their split.
/// @notice Amounts in wei, rates and shares in WAD (1e18 = 100%). docs/protocol.md section 6.
library FeeMath {
    /// @notice A fee rate above 100% of notional.
    error FeeRateAboveOne(uint256 feeRate);

    /// @notice Shares of a fee that add up to more than 100%.
    error FeeSharesAboveOne(uint256 shareSum);

    /// @notice The fee a fill pays on its notional.
    /// @param notional The fill's notional in wei.
    /// @param feeRate The taker or maker rate, WAD of notional.
    /// @return fee The fee in wei.
    /// @dev Rounds UP: the trader pays the fractional wei, so the fee never undercharges (against the trader).
    function fee(uint256 notional, uint256 feeRate) internal pure returns (uint256) {
        if (feeRate > Constants.WAD) revert FeeRateAboveOne(feeRate);
        return Math.mulDiv(notional, feeRate, Constants.WAD, Math.Rounding.Ceil);
    }

    /// @notice Splits a collected fee into its insurance, referral and vault parts.
    /// @param amount The fee in wei.
    /// @param insuranceShare The insurance fund's share, WAD.
    /// @param referralShare The referral program's share (referrer plus builder), WAD.
    /// @return toInsurance Wei to the insurance fund.
    /// @return toReferral Wei to the referral program.
    /// @return toVault Wei to the vault: the rest, rounding remainders included.
    /// @dev The two named shares round DOWN and the vault takes the remainder, so the three parts sum to `amount`
    ///      exactly: every wei lands in exactly one bucket and none is created.
    function split(uint256 amount, uint256 insuranceShare, uint256 referralShare)
        internal
        pure
        returns (uint256 toInsurance, uint256 toReferral, uint256 toVault)
    {
        uint256 shareSum = insuranceShare + referralShare;
        if (shareSum > Constants.WAD) revert FeeSharesAboveOne(shareSum);
        toInsurance = Math.mulDiv(amount, insuranceShare, Constants.WAD);
        toReferral = Math.mulDiv(amount, referralShare, Constants.WAD);
        toVault = amount - toInsurance - toReferral;
    }
}
