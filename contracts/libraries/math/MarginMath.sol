// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {SignedMath} from "@openzeppelin/contracts/utils/math/SignedMath.sol";
import {Constants} from "../Constants.sol";

/// @title Equity, margin ratio, liquidation prices, health classification and close settlement.
/// @notice docs/protocol.md section 5. `MR = (margin + uPnL - funding - interest) / notional`, signed WAD. Amounts are
///         wei, prices TAO per unit x 1e18, MM / band / leverage WAD. Sizes are signed 1e18 units (long > 0).
library MarginMath {
    /// @notice Where a position stands against its maintenance margin.
    enum LiquidationStatus {
        None, // MR >= MM + band
        Partial, // MM <= MR < MM + band: close just enough to bring MR back to MM + band
        Full // MR < MM
    }

    /// @notice A margin ratio asked for a position with zero notional.
    error ZeroNotional();

    /// @notice A leverage of zero.
    error ZeroLeverage();

    /// @notice A maintenance margin of 100% or more.
    error MaintenanceMarginNotBelowOne(uint256 mm);

    /// @notice A position with zero size where one is needed.
    error ZeroSize();

    /// @notice A position's equity: `margin + pnl - funding - interest`.
    /// @param margin Deposited margin, wei.
    /// @param unrealizedPnl Signed wei (see `PositionMath.pnl`).
    /// @param fundingOwed Signed wei owed by the position (negative: earned), see `FundingMath.owed`.
    /// @param interestOwed Wei owed, see `InterestMath.owed`.
    /// @return Signed wei. Exact (the inputs carry their own rounding).
    function equity(uint256 margin, int256 unrealizedPnl, int256 fundingOwed, uint256 interestOwed)
        internal
        pure
        returns (int256)
    {
        return SafeCast.toInt256(margin) + unrealizedPnl - fundingOwed - SafeCast.toInt256(interestOwed);
    }

    /// @notice The margin ratio: `equity / notional`.
    /// @param equity_ Signed wei.
    /// @param notional Wei at the mark price (see `PositionMath.notional`), nonzero.
    /// @return mr Signed WAD, rounded toward negative infinity (a position is never healthier on rounding).
    function marginRatio(int256 equity_, uint256 notional) internal pure returns (int256 mr) {
        if (notional == 0) revert ZeroNotional();
        uint256 magnitude = SignedMath.abs(equity_);
        if (equity_ >= 0) return SafeCast.toInt256(Math.mulDiv(magnitude, Constants.WAD, notional));
        return -SafeCast.toInt256(Math.mulDiv(magnitude, Constants.WAD, notional, Math.Rounding.Ceil));
    }

    /// @notice Classifies a margin ratio.
    /// @param mr Signed WAD margin ratio.
    /// @param mm Maintenance margin, WAD.
    /// @param band Partial-liquidation band above MM, WAD.
    /// @return `Full` below MM, `Partial` from MM up to (not including) MM + band, `None` from MM + band.
    function status(int256 mr, uint256 mm, uint256 band) internal pure returns (LiquidationStatus) {
        if (mr < SafeCast.toInt256(mm)) return LiquidationStatus.Full;
        if (mr < SafeCast.toInt256(mm + band)) return LiquidationStatus.Partial;
        return LiquidationStatus.None;
    }

    /// @notice The published liquidation price, before fees: long `entry x (1 + MM - 1/L)`, short
    ///         `entry x (1 - MM + 1/L)`.
    /// @param entryPrice Entry price.
    /// @param leverage Opening leverage, WAD multiple, nonzero.
    /// @param mm Maintenance margin, WAD.
    /// @param isLong The side.
    /// @return Price; 0 when the long factor is not positive (no price liquidates the long) or the short factor is
    ///         not positive (every price does).
    /// @dev This is the formula of docs/protocol.md section 5, i.e. MR measured on the entry notional. Against the
    ///      trader: `1/L` rounds DOWN, the long price rounds UP and the short price rounds DOWN (shown nearer).
    ///      `liquidationPriceAtMark` gives the price where MR on the mark notional reaches MM.
    function liquidationPrice(uint256 entryPrice, uint256 leverage, uint256 mm, bool isLong)
        internal
        pure
        returns (uint256)
    {
        if (leverage == 0) revert ZeroLeverage();
        uint256 inverse = Math.mulDiv(Constants.WAD, Constants.WAD, leverage);
        if (isLong) {
            if (Constants.WAD + mm <= inverse) return 0;
            return Math.mulDiv(entryPrice, Constants.WAD + mm - inverse, Constants.WAD, Math.Rounding.Ceil);
        }
        if (Constants.WAD + inverse <= mm) return 0;
        return Math.mulDiv(entryPrice, Constants.WAD + inverse - mm, Constants.WAD);
    }

    /// @notice The mark price at which `equity / (|size| x price) == MM`, for a given net margin.
    /// @param size Signed size, nonzero.
    /// @param entryPrice Entry price.
    /// @param netMargin `margin - funding - interest`, signed wei (equity excluding PnL).
    /// @param mm Maintenance margin, WAD, below 100%.
    /// @return Long: `(entry - netMargin/|size|) / (1 - MM)`; short: `(entry + netMargin/|size|) / (1 + MM)`.
    ///         0 when that is not positive (a long: no price liquidates it; a short: every price does).
    /// @dev Margin per unit rounds toward negative infinity, the long price rounds UP, the short price DOWN
    ///      (against the trader: the returned price is reached no later than the true one).
    function liquidationPriceAtMark(int256 size, uint256 entryPrice, int256 netMargin, uint256 mm)
        internal
        pure
        returns (uint256)
    {
        if (size == 0) revert ZeroSize();
        if (mm >= Constants.WAD) revert MaintenanceMarginNotBelowOne(mm);
        uint256 sizeAbs = SignedMath.abs(size);
        uint256 marginAbs = SignedMath.abs(netMargin);
        // perUnit = netMargin x 1e18 / |size|, floor (toward negative infinity).
        int256 perUnit = netMargin >= 0
            ? SafeCast.toInt256(Math.mulDiv(marginAbs, Constants.WAD, sizeAbs))
            : -SafeCast.toInt256(Math.mulDiv(marginAbs, Constants.WAD, sizeAbs, Math.Rounding.Ceil));
        int256 entry = SafeCast.toInt256(entryPrice);
        if (size > 0) {
            int256 base = entry - perUnit;
            if (base <= 0) return 0;
            return Math.mulDiv(SafeCast.toUint256(base), Constants.WAD, Constants.WAD - mm, Math.Rounding.Ceil);
        }
        int256 shortBase = entry + perUnit;
        if (shortBase <= 0) return 0;
        return Math.mulDiv(SafeCast.toUint256(shortBase), Constants.WAD, Constants.WAD + mm);
    }

    /// @notice Settles a close: the fee is taken from the equity, the rest goes back to the trader, and a negative
    ///         equity is bad debt.
    /// @param equity_ Signed wei, computed at the fill price.
    /// @param fee Wei the close would charge (trading fee, or liquidation fee).
    /// @return payout Wei back to the trader.
    /// @return feeCollected The part of `fee` the equity covers (`min(fee, max(equity, 0))`).
    /// @return badDebt Wei of negative equity, for the insurance fund and then the vault to absorb.
    /// @dev Exact: `payout + feeCollected - badDebt == equity`, so no TAO is created.
    function settle(int256 equity_, uint256 fee)
        internal
        pure
        returns (uint256 payout, uint256 feeCollected, uint256 badDebt)
    {
        if (equity_ < 0) return (0, 0, SignedMath.abs(equity_));
        uint256 available = SafeCast.toUint256(equity_);
        feeCollected = Math.min(fee, available);
        payout = available - feeCollected;
    }
}
