// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {SignedMath} from "@openzeppelin/contracts/utils/math/SignedMath.sol";
import {Constants} from "../Constants.sol";

/// @title Funding rate, per-market cumulative funding index, and what a position owes from it.
/// @notice docs/protocol.md section 6. Rates are signed WAD: positive means longs pay and shorts earn. The index is the
///         cumulative funding paid per unit of notional by a long (signed WAD): a position with notional `n` owes
///         `n x (indexNow - indexAtEntry)` if long and the opposite if short. Open interest and the notional a
///         position is charged on are the same quantity (TAO notional, wei), so each side pays or earns
///         `rate x its own OI` and the vault keeps `(longOI - shortOI) x rate`, which is never negative because
///         the rate has the sign of the imbalance.
library FundingMath {
    /// @notice A max funding rate above 100% per period.
    error MaxFundingRateAboveOne(uint256 maxFunding8h);

    /// @notice The funding rate per 8 hours for the current open interest.
    /// @param longOI Long open interest, TAO notional in wei.
    /// @param shortOI Short open interest, TAO notional in wei.
    /// @param maxFunding8h The market's max funding rate, WAD per 8 hours.
    /// @return rate8h `(longOI - shortOI) / (longOI + shortOI) x maxFunding8h`, signed WAD per 8 hours; 0 without OI.
    /// @dev Rounds the magnitude DOWN (toward zero). The rate is shared by both sides, so no single direction is
    ///      against every trader; fairness is enforced where each position settles (see `owed`).
    function rate8h(uint256 longOI, uint256 shortOI, uint256 maxFunding8h) internal pure returns (int256) {
        if (maxFunding8h > Constants.WAD) revert MaxFundingRateAboveOne(maxFunding8h);
        uint256 total = longOI + shortOI;
        if (total == 0) return 0;
        if (longOI >= shortOI) return SafeCast.toInt256(Math.mulDiv(longOI - shortOI, maxFunding8h, total));
        return -SafeCast.toInt256(Math.mulDiv(shortOI - longOI, maxFunding8h, total));
    }

    /// @notice The same rate per second, for display and off-chain estimates.
    /// @param rate8h_ Signed WAD per 8 hours.
    /// @return Signed WAD per second.
    /// @dev Truncates toward zero. The index itself is advanced from the 8-hour rate (`indexDelta`), which divides
    ///      once at the end and loses less precision than summing per-second rates.
    function ratePerSecond(int256 rate8h_) internal pure returns (int256) {
        return rate8h_ / SafeCast.toInt256(Constants.FUNDING_PERIOD);
    }

    /// @notice The seconds one accrual counts: the real gap capped at `MAX_ACCRUAL_GAP` (32 hours).
    /// @param elapsed Seconds since the last accrual.
    /// @return Seconds to charge.
    function chargeableSeconds(uint256 elapsed) internal pure returns (uint256) {
        return Math.min(elapsed, Constants.MAX_ACCRUAL_GAP);
    }

    /// @notice How much the index moves over a gap at a constant rate.
    /// @param rate8h_ Signed WAD per 8 hours, from `rate8h` at the open interest of the gap.
    /// @param elapsed Seconds since the last accrual (capped at 32 hours here).
    /// @return delta Signed WAD per unit of notional: `rate8h x min(elapsed, 32h) / 8h`.
    /// @dev Truncates toward zero (Solidity signed division). Shared by both sides; see `rate8h`.
    function indexDelta(int256 rate8h_, uint256 elapsed) internal pure returns (int256) {
        return rate8h_ * SafeCast.toInt256(chargeableSeconds(elapsed)) / SafeCast.toInt256(Constants.FUNDING_PERIOD);
    }

    /// @notice The cumulative index after an accrual.
    /// @param index The index before, signed WAD.
    /// @param rate8h_ The rate that held over the gap, signed WAD per 8 hours.
    /// @param elapsed Seconds since the last accrual.
    /// @return The new index.
    function advanceIndex(int256 index, int256 rate8h_, uint256 elapsed) internal pure returns (int256) {
        return index + indexDelta(rate8h_, elapsed);
    }

    /// @notice What a position owes (positive) or earns (negative) since it last settled.
    /// @param isLong The position's side.
    /// @param notional The notional it is charged on (the amount it adds to its side's OI), wei.
    /// @param indexAtSettle The market index when it last settled.
    /// @param indexNow The market index now.
    /// @return owedWei Signed wei: positive is paid by the trader, negative is paid to the trader.
    /// @dev Rounds against the trader: an amount owed rounds UP, an amount earned rounds its magnitude DOWN. Summed
    ///      over a side, payers pay at least `OI x delta` and earners get at most `OI x delta`, so rounding never
    ///      creates TAO.
    function owed(bool isLong, uint256 notional, int256 indexAtSettle, int256 indexNow)
        internal
        pure
        returns (int256 owedWei)
    {
        int256 delta = indexNow - indexAtSettle;
        bool pays = isLong ? delta > 0 : delta < 0;
        uint256 magnitude = SignedMath.abs(delta);
        if (pays) return SafeCast.toInt256(Math.mulDiv(notional, magnitude, Constants.WAD, Math.Rounding.Ceil));
        return -SafeCast.toInt256(Math.mulDiv(notional, magnitude, Constants.WAD));
    }

    /// @notice What each side owes over an index move, and the vault's net share.
    /// @param longOI Long open interest, wei.
    /// @param shortOI Short open interest, wei.
    /// @param delta The index move, signed WAD.
    /// @return longsOwe Signed wei owed by all longs (negative: earned).
    /// @return shortsOwe Signed wei owed by all shorts (negative: earned).
    /// @return toVault `longsOwe + shortsOwe`: the imbalance, kept by the vault.
    /// @dev Same rounding as `owed` applied to each side's aggregate, so the figure is what the vault can count on;
    ///      positions settling one by one only round further in the vault's favour.
    function sideFlows(uint256 longOI, uint256 shortOI, int256 delta)
        internal
        pure
        returns (int256 longsOwe, int256 shortsOwe, int256 toVault)
    {
        longsOwe = owed(true, longOI, 0, delta);
        shortsOwe = owed(false, shortOI, 0, delta);
        toVault = longsOwe + shortsOwe;
    }
}
