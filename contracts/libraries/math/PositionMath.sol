// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {SignedMath} from "@openzeppelin/contracts/utils/math/SignedMath.sol";
import {Constants} from "../Constants.sol";

/// @title Position size, notional, leverage, entry price and PnL.
/// @notice Sizes are signed, in units of the asset x 1e18: positive is long, negative is short. Prices are TAO per
///         unit x 1e18, notional, margin and PnL are wei, leverage is a WAD multiple (3x = 3e18).
library PositionMath {
    /// @notice A price of zero where a price is needed.
    error ZeroPrice();

    /// @notice A margin of zero where leverage is computed.
    error ZeroMargin();

    /// @notice A position with no size where one is needed.
    error ZeroSize();

    /// @notice A reduction larger than the position.
    error ReduceExceedsSize(uint256 reduceAbs, uint256 sizeAbs);

    /// @notice The notional of a position at a price: `|size| x price / 1e18`.
    /// @param size Signed size, 1e18 units of the asset.
    /// @param price TAO per unit x 1e18.
    /// @return Notional in wei.
    /// @dev Rounds UP: a larger notional means a larger fee, a lower margin ratio and tighter OI caps (against
    ///      the trader).
    function notional(int256 size, uint256 price) internal pure returns (uint256) {
        return Math.mulDiv(SignedMath.abs(size), price, Constants.WAD, Math.Rounding.Ceil);
    }

    /// @notice The notional a margin opens at a leverage: `margin x leverage`.
    /// @param margin Wei.
    /// @param leverage_ WAD multiple.
    /// @return Notional in wei, rounded DOWN (the trader never gets more exposure than the margin pays for).
    function notionalFromMargin(uint256 margin, uint256 leverage_) internal pure returns (uint256) {
        return Math.mulDiv(margin, leverage_, Constants.WAD);
    }

    /// @notice The signed size of a notional at a price.
    /// @param notional_ Wei.
    /// @param price TAO per unit x 1e18, nonzero.
    /// @param isLong The side.
    /// @return size Signed size; its magnitude rounds DOWN (no more size than the notional buys).
    function sizeFromNotional(uint256 notional_, uint256 price, bool isLong) internal pure returns (int256 size) {
        if (price == 0) revert ZeroPrice();
        size = SafeCast.toInt256(Math.mulDiv(notional_, Constants.WAD, price));
        if (!isLong) size = -size;
    }

    /// @notice Leverage of a position: `notional / margin`.
    /// @param notional_ Wei.
    /// @param margin Wei, nonzero.
    /// @return WAD multiple, rounded UP (a max-leverage check never lets a position through on rounding).
    function leverage(uint256 notional_, uint256 margin) internal pure returns (uint256) {
        if (margin == 0) revert ZeroMargin();
        return Math.mulDiv(notional_, Constants.WAD, margin, Math.Rounding.Ceil);
    }

    /// @notice Unrealized PnL: `size x (markPrice - entryPrice) / 1e18`.
    /// @param size Signed size.
    /// @param entryPrice The position's entry price.
    /// @param markPrice The price it is valued at (or the fill price when realizing a close).
    /// @return pnl Signed wei, rounded toward negative infinity: gains round DOWN, losses round UP in magnitude
    ///         (against the trader; a close never pays out a wei the price move did not earn).
    function pnl(int256 size, uint256 entryPrice, uint256 markPrice) internal pure returns (int256) {
        uint256 sizeAbs = SignedMath.abs(size);
        bool gain;
        uint256 move;
        if (markPrice >= entryPrice) {
            move = markPrice - entryPrice;
            gain = size > 0;
        } else {
            move = entryPrice - markPrice;
            gain = size < 0;
        }
        if (gain) return SafeCast.toInt256(Math.mulDiv(sizeAbs, move, Constants.WAD));
        return -SafeCast.toInt256(Math.mulDiv(sizeAbs, move, Constants.WAD, Math.Rounding.Ceil));
    }

    /// @notice The entry price after adding to a position: the size-weighted average.
    /// @param sizeAbs The current size's magnitude (0 for a new position).
    /// @param entryPrice The current entry price.
    /// @param addAbs The added size's magnitude.
    /// @param fillPrice The price the addition filled at.
    /// @param isLong The side.
    /// @return The new entry price: rounded UP for a long and DOWN for a short (against the trader).
    function averageEntryPrice(uint256 sizeAbs, uint256 entryPrice, uint256 addAbs, uint256 fillPrice, bool isLong)
        internal
        pure
        returns (uint256)
    {
        uint256 total = sizeAbs + addAbs;
        if (total == 0) revert ZeroSize();
        // Both products are below 2^256 for sizes and prices below 2^127; the sum is then divided once.
        uint256 weighted = sizeAbs * entryPrice + addAbs * fillPrice;
        return isLong ? Math.ceilDiv(weighted, total) : weighted / total;
    }

    /// @notice The share of a position's margin that belongs to a part of its size.
    /// @param margin The position's margin, wei.
    /// @param partAbs The part's size magnitude (e.g. the size being closed).
    /// @param sizeAbs The whole size's magnitude, nonzero.
    /// @return Wei, rounded DOWN (released margin never exceeds its share; the remainder stays in the position).
    function proportionalMargin(uint256 margin, uint256 partAbs, uint256 sizeAbs) internal pure returns (uint256) {
        if (sizeAbs == 0) revert ZeroSize();
        if (partAbs > sizeAbs) revert ReduceExceedsSize(partAbs, sizeAbs);
        return Math.mulDiv(margin, partAbs, sizeAbs);
    }
}
