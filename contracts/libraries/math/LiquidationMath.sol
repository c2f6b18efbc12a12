// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {SignedMath} from "@openzeppelin/contracts/utils/math/SignedMath.sol";
import {Constants} from "../Constants.sol";

/// @title Liquidation fee, its split, partial-liquidation size and bad debt.
/// @notice docs/protocol.md section 5. The fee is a WAD fraction of the remaining margin (equity); it is split between
///         keeper, insurance fund and vault, every wei to exactly one of them, and the rest of the equity returns
///         to the trader. A partial liquidation closes part of the size at the mark price (equity unchanged by the
///         close itself) and charges the fee on the closed share of the equity only. Amounts in wei.
library LiquidationMath {
    /// @notice The result of a full liquidation. `fee + toTrader - badDebt == equity`, and
    ///         `toKeeper + toInsurance + toVault == fee`.
    struct Outcome {
        uint256 fee;
        uint256 toKeeper;
        uint256 toInsurance;
        uint256 toVault;
        uint256 toTrader;
        uint256 badDebt;
    }

    /// @notice A liquidation fee rate above 100%.
    error LiquidationFeeAboveOne(uint256 feeRate);

    /// @notice Keeper and insurance shares adding up to more than 100%.
    error LiquidationSharesAboveOne(uint256 shareSum);

    /// @notice A partial close larger than the position.
    error CloseExceedsSize(uint256 closeAbs, uint256 sizeAbs);

    /// @notice A partial-liquidation target asked for a position without size or notional.
    error EmptyPosition();

    /// @notice The liquidation fee on a (remaining) equity.
    /// @param equity Signed wei; nothing is charged on a non-positive equity.
    /// @param feeRate WAD, at most 100%.
    /// @return Wei, rounded UP (against the trader) and never above the equity.
    function fee(int256 equity, uint256 feeRate) internal pure returns (uint256) {
        if (feeRate > Constants.WAD) revert LiquidationFeeAboveOne(feeRate);
        if (equity <= 0) return 0;
        return Math.mulDiv(SafeCast.toUint256(equity), feeRate, Constants.WAD, Math.Rounding.Ceil);
    }

    /// @notice Splits a liquidation fee between keeper, insurance fund and vault.
    /// @param amount The fee, wei.
    /// @param keeperShare WAD.
    /// @param insuranceShare WAD.
    /// @return toKeeper Rounded DOWN.
    /// @return toInsurance Rounded DOWN.
    /// @return toVault The remainder: `amount - toKeeper - toInsurance`, so the parts sum to `amount` exactly.
    function splitFee(uint256 amount, uint256 keeperShare, uint256 insuranceShare)
        internal
        pure
        returns (uint256 toKeeper, uint256 toInsurance, uint256 toVault)
    {
        uint256 shareSum = keeperShare + insuranceShare;
        if (shareSum > Constants.WAD) revert LiquidationSharesAboveOne(shareSum);
        toKeeper = Math.mulDiv(amount, keeperShare, Constants.WAD);
        toInsurance = Math.mulDiv(amount, insuranceShare, Constants.WAD);
        toVault = amount - toKeeper - toInsurance;
    }

    /// @notice The full liquidation of a position with the given equity.
    /// @param equity Signed wei at the liquidation price.
    /// @param feeRate WAD of the equity.
    /// @param keeperShare WAD of the fee.
    /// @param insuranceShare WAD of the fee (the vault takes the rest).
    /// @return o The fee and its split, what returns to the trader, and the bad debt if the equity is negative.
    function liquidate(int256 equity, uint256 feeRate, uint256 keeperShare, uint256 insuranceShare)
        internal
        pure
        returns (Outcome memory o)
    {
        o.fee = fee(equity, feeRate);
        (o.toKeeper, o.toInsurance, o.toVault) = splitFee(o.fee, keeperShare, insuranceShare);
        if (equity < 0) o.badDebt = SignedMath.abs(equity);
        else o.toTrader = SafeCast.toUint256(equity) - o.fee;
    }

    /// @notice The size a partial liquidation closes to bring MR back to `targetMr` (MM + band).
    /// @param sizeAbs The position's size magnitude.
    /// @param equity Signed wei at the mark price.
    /// @param notional Wei at the mark price.
    /// @param targetMr WAD.
    /// @param feeRate Liquidation fee, WAD, charged on the closed share of the equity (see `partialFee`).
    /// @return closeAbs Size magnitude to close; 0 if MR is already at or above the target, all of it if the
    ///         equity is not positive.
    /// @dev With E = equity, N = notional, f = feeRate, closing a fraction q leaves MR' = E(1 - f q) / (N (1 - q)),
    ///      increasing in q; MR' = T at q = (T N - E) / (T N - f E). q and the size round UP, so MR' lands at or
    ///      above T up to the wei rounding of the fee and the new notional. The caller should turn the result into
    ///      a full liquidation when the remaining notional would fall below the minimum position notional.
    function partialCloseSize(uint256 sizeAbs, int256 equity, uint256 notional, uint256 targetMr, uint256 feeRate)
        internal
        pure
        returns (uint256 closeAbs)
    {
        if (sizeAbs == 0 || notional == 0) revert EmptyPosition();
        if (feeRate > Constants.WAD) revert LiquidationFeeAboveOne(feeRate);
        if (equity <= 0) return sizeAbs;
        uint256 e = SafeCast.toUint256(equity);
        // Scaled by 1e18: targetNotional = T x N, eScaled = E x 1e18.
        uint256 targetNotional = targetMr * notional;
        uint256 eScaled = e * Constants.WAD;
        if (eScaled >= targetNotional) return 0;
        // f E <= E < T N, so the denominator is positive and q <= 1.
        uint256 q =
            Math.mulDiv(targetNotional - eScaled, Constants.WAD, targetNotional - feeRate * e, Math.Rounding.Ceil);
        closeAbs = Math.min(Math.mulDiv(sizeAbs, q, Constants.WAD, Math.Rounding.Ceil), sizeAbs);
    }

    /// @notice The liquidation fee of a partial liquidation: `feeRate x equity x closeAbs / sizeAbs`.
    /// @param equity Signed wei before the close; nothing is charged on a non-positive equity.
    /// @param closeAbs Size magnitude closed.
    /// @param sizeAbs Size magnitude before the close, nonzero.
    /// @param feeRate WAD.
    /// @return Wei, rounded UP in both steps (against the trader) and never above the equity.
    function partialFee(int256 equity, uint256 closeAbs, uint256 sizeAbs, uint256 feeRate)
        internal
        pure
        returns (uint256)
    {
        if (sizeAbs == 0) revert EmptyPosition();
        if (closeAbs > sizeAbs) revert CloseExceedsSize(closeAbs, sizeAbs);
        if (feeRate > Constants.WAD) revert LiquidationFeeAboveOne(feeRate);
        if (equity <= 0) return 0;
        uint256 closedShare = Math.mulDiv(SafeCast.toUint256(equity), closeAbs, sizeAbs, Math.Rounding.Ceil);
        return Math.mulDiv(closedShare, feeRate, Constants.WAD, Math.Rounding.Ceil);
    }

    /// @notice Who pays a bad debt: the insurance fund first, then the vault.
    /// @param badDebt Wei.
    /// @param insuranceBalance The insurance fund's balance, wei.
    /// @return fromInsurance `min(badDebt, insuranceBalance)`.
    /// @return fromVault The rest. The two sum to `badDebt` exactly.
    function coverBadDebt(uint256 badDebt, uint256 insuranceBalance)
        internal
        pure
        returns (uint256 fromInsurance, uint256 fromVault)
    {
        fromInsurance = Math.min(badDebt, insuranceBalance);
        fromVault = badDebt - fromInsurance;
    }
}
