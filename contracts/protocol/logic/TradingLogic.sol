// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {SignedMath} from "@openzeppelin/contracts/utils/math/SignedMath.sol";
import {MarketId, MarketKind, MarketStatus} from "../../types/MarketId.sol";
import {MarketParams} from "../../interfaces/IMarketModule.sol";
import {IMarketErrors} from "../../libraries/errors/MarketErrors.sol";
import {IPositionErrors} from "../../libraries/errors/PositionErrors.sol";
import {Bittensor} from "../../libraries/Bittensor.sol";
import {Constants} from "../../libraries/Constants.sol";
import {InterestMath} from "../../libraries/math/InterestMath.sol";
import {SlippageMath} from "../../libraries/math/SlippageMath.sol";
import {MarketStorage} from "../storage/MarketStorage.sol";
import {PositionStorage} from "../storage/PositionStorage.sol";
import {VaultStorage} from "../storage/VaultStorage.sol";
import {AccrualLogic} from "./AccrualLogic.sol";
import {LpLogic} from "./LpLogic.sol";
import {OracleLogic} from "./OracleLogic.sol";
import {PauseLogic} from "./PauseLogic.sol";
import {VaultLogic} from "./VaultLogic.sol";

/// @title What every trade shares: the market's state, the prices it fills at, and the limits on increases
///        (docs/protocol.md sections 3 and 5).
/// @dev Internal library of the position and liquidation modules. `begin` does the checks and accruals every trade
///      needs, in order: the market is listed and not settled; for an increase, it is active, opens are not paused,
///      the circuit breaker is not tripped; the reference price is updated (once per block) and the spot read; an
///      increase reverts on a failing price source, on a spot too far from the reference and below the liquidity
///      threshold; funding and interest accrue at the open interest that held until now.
///      Prices: a fill executes at the worst for the trader of spot, reference and the block's starting reference (buys
///      at the highest, sells at the lowest) moved by the utilization tier; margin checks use the best of the three;
///      open interest and utilization are valued at the reference. Impact is charged on the market's skew, so that
///      splitting a trade buys nothing.
library TradingLogic {
    using SafeCast for uint256;
    using SafeCast for int256;

    /// @notice What a trade does to the book.
    enum Mode {
        Increase, // open, increase
        Decrease, // reduce, close, remove margin
        Liquidate // liquidation, auto-deleveraging
    }

    /// @notice A market's state for one trade (memory).
    struct Context {
        MarketId marketId;
        MarketParams params;
        bool isAlpha;
        OracleLogic.Prices prices;
        /// @dev Each side's open interest (entry notional, wei) and size sum (1e18 units).
        uint256 longOI;
        uint256 shortOI;
        uint256 longSize;
        uint256 shortSize;
        /// @dev The indices accrued to now.
        int256 fundingIndex;
        uint256 interestIndex;
    }

    /// @notice Checks, prices and accrues a market for a trade (see the library's description).
    function begin(MarketId marketId, Mode mode) internal returns (Context memory c) {
        MarketStorage.Market storage m = MarketStorage.listed(marketId);
        c.marketId = marketId;
        bool increase = mode == Mode.Increase;
        MarketStatus status = m.status;
        if (status == MarketStatus.Settled) revert IMarketErrors.MarketSettled(marketId);
        (c.params.maxLeverage, c.params.maintenanceMargin, c.params.partialLiquidationBand) =
        (m.maxLeverage, m.maintenanceMargin, m.partialLiquidationBand);
        (c.params.takerFee, c.params.maxFundingRate8h, c.params.divergenceLimit, c.params.depthFactor) =
        (m.takerFee, m.maxFundingRate8h, m.divergenceLimit, m.depthFactor);
        c.isAlpha = m.kind == MarketKind.Alpha;
        if (increase) {
            // The caps bound increases only: a decrease or a liquidation leaves their slot unread.
            (c.params.maxOpenInterestPerSide, c.params.liquidityThreshold, c.params.oiDepthRatio) =
            (m.maxOpenInterestPerSide, m.liquidityThreshold, m.oiDepthRatio);
            if (status != MarketStatus.Active) revert IPositionErrors.MarketNotActive(marketId, status);
            VaultStorage.Layout storage v = VaultStorage.load();
            if (PauseLogic.opensPaused()) revert IPositionErrors.OpensArePaused();
            if (v.circuitBreakerTripped) revert IPositionErrors.CircuitBreakerActive();
        }
        c.prices = OracleLogic.update(marketId, m);
        if (increase) _checkOpenable(c);
        PositionStorage.OpenInterest storage oi = PositionStorage.load().openInterest[marketId];
        (c.longOI, c.longSize, c.shortOI, c.shortSize) = (oi.long, oi.longSize, oi.short, oi.shortSize);
        c.fundingIndex = AccrualLogic.accrueFunding(marketId, c.params.maxFundingRate8h, c.longOI, c.shortOI);
        c.interestIndex = AccrualLogic.accrueInterest();
    }

    /// @notice A settled market's state: its settlement price, its book, and the indices frozen at its settlement.
    function settled(MarketId marketId) internal view returns (Context memory c) {
        c.marketId = marketId;
        c.prices.ref = OracleLogic.storedReference(marketId);
        (c.prices.spot, c.prices.refBefore) = (c.prices.ref, c.prices.ref);
        PositionStorage.OpenInterest storage oi = PositionStorage.load().openInterest[marketId];
        (c.longOI, c.longSize, c.shortOI, c.shortSize) = (oi.long, oi.longSize, oi.short, oi.shortSize);
        c.interestIndex = AccrualLogic.settledInterestIndex(marketId);
    }

    /// @notice Accrues a market's funding and the interest without a price (margin changes, `accrue`).
    function accrue(MarketId marketId) internal returns (int256 fundingIndex, uint256 interestIndex) {
        PositionStorage.OpenInterest storage oi = PositionStorage.load().openInterest[marketId];
        uint256 maxFunding8h = MarketStorage.load().markets[marketId].maxFundingRate8h;
        fundingIndex = AccrualLogic.accrueFunding(marketId, maxFunding8h, oi.long, oi.short);
        interestIndex = AccrualLogic.accrueInterest();
    }

    // ---------------------------------------------------------------- prices

    /// @notice The price a fill executes at: the worst for the trader of spot, reference and the reference the block
    ///         started with (a buy at the highest, a sell at the lowest), moved against it by the utilization tier
    ///         (0.10% / 0.15% / 0.25%).
    /// @param buy Whether the fill buys (opening or increasing a long, closing or reducing a short).
    function executionPrice(Context memory c, bool buy) internal view returns (uint256) {
        return SlippageMath.executionPrice(_extreme(c, buy), SlippageMath.baseTier(VaultLogic.utilization()), buy);
    }

    /// @notice The price margin checks value a position of side `isLong` at: the best for it of spot, reference and
    ///         the block's starting reference. A position is liquidatable only when it is under water at all three.
    function favourablePrice(Context memory c, bool isLong) internal pure returns (uint256) {
        return _extreme(c, isLong);
    }

    /// @dev The highest (`high`) or lowest of the spot, the reference and the block's starting reference.
    function _extreme(Context memory c, bool high) private pure returns (uint256) {
        OracleLogic.Prices memory p = c.prices;
        return high ? Math.max(Math.max(p.spot, p.ref), p.refBefore) : Math.min(Math.min(p.spot, p.ref), p.refBefore);
    }

    /// @notice The skew impact of a fill that changes the market's net size by `sizeDelta` (signed: buys positive):
    ///         with `s` the net open interest (long - short) at the reference price and `D` the depth times the depth
    ///         factor (the pool's TAO reserve for an alpha market, the vault's reserves for an index market), the
    ///         fill pays `max(0, s1^2 - s0^2) / (2D)` wei, at most 20% of `fillNotional`. Fills in one direction add
    ///         up to what one fill of their sum pays: splitting buys nothing.
    function skewImpact(Context memory c, int256 sizeDelta, uint256 fillNotional) internal view returns (uint256) {
        int256 net = c.longSize.toInt256() - c.shortSize.toInt256();
        uint256 ref = c.prices.ref;
        uint256 before = Math.mulDiv(SignedMath.abs(net), ref, Constants.WAD);
        uint256 after_ = Math.mulDiv(SignedMath.abs(net + sizeDelta), ref, Constants.WAD);
        if (after_ <= before) return 0;
        uint256 cap = Math.mulDiv(fillNotional, Constants.MAX_IMPACT, Constants.WAD);
        uint256 depth = c.isAlpha ? c.prices.poolTao : VaultStorage.load().reserves;
        uint256 twoD = 2 * Math.mulDiv(depth, c.params.depthFactor, Constants.WAD);
        if (twoD == 0) return cap;
        return Math.min(Math.mulDiv(after_ - before, after_ + before, twoD, Math.Rounding.Ceil), cap);
    }

    /// @notice Reverts unless a fill of `size` (magnitude) at `price` with `impact` is within `acceptablePrice`: its
    ///         average price, impact included (`price ± impact / size`), at most it for a buy, at least it for a sell.
    function checkAcceptable(uint256 price, uint256 impact, uint256 size, bool buy, uint256 acceptablePrice)
        internal
        pure
    {
        uint256 perUnit = impact == 0 ? 0 : Math.mulDiv(impact, Constants.WAD, size, Math.Rounding.Ceil);
        if (buy) {
            uint256 average = price + perUnit;
            if (average > acceptablePrice) revert IPositionErrors.PriceNotAcceptable(average, acceptablePrice);
        } else {
            uint256 average = perUnit >= price ? 0 : price - perUnit;
            if (average < acceptablePrice) revert IPositionErrors.PriceNotAcceptable(average, acceptablePrice);
        }
    }

    /// @notice Reverts once `deadline` (a timestamp) has passed.
    function checkDeadline(uint256 deadline) internal view {
        // The deadline is the trader's own bound in chain time.
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp > deadline) revert IPositionErrors.DeadlinePassed(deadline, block.timestamp);
    }

    // ---------------------------------------------------------------- limits

    /// @notice Checks an increase of `isLong`'s size by `sizeAdded` against the per-side cap and the depth cap (both
    ///         at the mark), the per-market net-exposure cap (only when the exposure grows) and the utilization limit.
    function checkIncrease(Context memory c, bool isLong, uint256 sizeAdded) internal view {
        uint256 ref = c.prices.ref;
        (uint256 longSize, uint256 shortSize) = (c.longSize, c.shortSize);
        uint256 netBefore = _distance(longSize, shortSize);
        if (isLong) longSize += sizeAdded;
        else shortSize += sizeAdded;
        uint256 side = Math.mulDiv(isLong ? longSize : shortSize, ref, Constants.WAD, Math.Rounding.Ceil);
        if (side > c.params.maxOpenInterestPerSide) {
            revert IPositionErrors.OpenInterestCapExceeded(c.marketId, isLong, side, c.params.maxOpenInterestPerSide);
        }
        if (c.isAlpha) {
            uint256 depthCap = Math.mulDiv(c.prices.poolTao, c.params.oiDepthRatio, Constants.WAD);
            if (side > depthCap) revert IPositionErrors.DepthCapExceeded(c.marketId, isLong, side, depthCap);
        }
        VaultStorage.Layout storage v = VaultStorage.load();
        uint256 reserves = v.reserves;
        uint256 netAfter = _distance(longSize, shortSize);
        if (netAfter > netBefore) {
            uint256 net = Math.mulDiv(netAfter, ref, Constants.WAD, Math.Rounding.Ceil);
            uint256 cap = Math.mulDiv(reserves, Constants.MAX_NET_EXPOSURE, Constants.WAD);
            if (net > cap) revert IPositionErrors.NetExposureCapExceeded(c.marketId, net, cap);
        }
        uint256 total = v.totalOpenNotional - AccrualLogic.markNotional(c.marketId)
            + Math.mulDiv(longSize + shortSize, ref, Constants.WAD, Math.Rounding.Ceil);
        uint256 u = InterestMath.utilization(total, reserves);
        uint256 limit = v.maxUtilizationForIncrease;
        if (u > limit) revert IPositionErrors.UtilizationLimitExceeded(u, limit);
    }

    /// @notice Reverts when a position's margin `margin` is below the min margin.
    function checkMinMargin(uint256 margin) internal view {
        uint256 min = VaultStorage.load().risk.minMargin;
        if (margin < min) revert IPositionErrors.MarginBelowMinimum(margin, min);
    }

    /// @notice A realized profit capped at the max profit multiple of the margin that backed it.
    function capProfit(int256 pnl, uint256 margin) internal view returns (int256) {
        if (pnl <= 0) return pnl;
        uint256 cap = Math.mulDiv(margin, VaultStorage.load().risk.maxProfitMultiple, Constants.WAD);
        // Pnl > 0 in this branch.
        // forge-lint: disable-next-line(unsafe-typecast)
        return uint256(pnl) > cap ? cap.toInt256() : pnl;
    }

    // ---------------------------------------------------------------- book

    /// @notice Moves `isLong`'s open interest from `oldNotional` to `newNotional` (a position's entry notional before
    ///         and after) and the side's size sum from `oldSize` to `newSize` (the position's absolute size before and
    ///         after); re-values the market's open interest at the reference price in the vault's total.
    function updateOpenInterest(
        Context memory c,
        bool isLong,
        uint256 oldNotional,
        uint256 newNotional,
        uint256 oldSize,
        uint256 newSize
    ) internal {
        PositionStorage.OpenInterest storage oi = PositionStorage.load().openInterest[c.marketId];
        uint256 sizeBefore;
        uint256 sizeAfter;
        uint256 otherSize;
        if (isLong) {
            (sizeBefore, otherSize) = (c.longSize, c.shortSize);
            sizeAfter = sizeBefore + newSize - oldSize;
            (oi.long, oi.longSize) = ((c.longOI + newNotional - oldNotional).toUint128(), sizeAfter.toUint128());
            (c.longOI, c.longSize) = (c.longOI + newNotional - oldNotional, sizeAfter);
        } else {
            (sizeBefore, otherSize) = (c.shortSize, c.longSize);
            sizeAfter = sizeBefore + newSize - oldSize;
            (oi.short, oi.shortSize) = ((c.shortOI + newNotional - oldNotional).toUint128(), sizeAfter.toUint128());
            (c.shortOI, c.shortSize) = (c.shortOI + newNotional - oldNotional, sizeAfter);
        }
        LpLogic.trackExposure(c.marketId, isLong, sizeBefore, sizeAfter, otherSize);
        AccrualLogic.markOpenInterest(c.marketId, sizeAfter + otherSize, c.prices.ref);
    }

    /// @notice Reverts unless `value` is a multiple of 1 rao (1e9 wei).
    function checkRaoMultiple(uint256 value) internal pure {
        if (value % Bittensor.WEI_PER_RAO != 0) revert IPositionErrors.ValueNotRaoMultiple(value);
    }

    // ---------------------------------------------------------------- internals

    /// @dev What an increase needs of the price: a working source, a spot within the divergence limit of the
    ///      reference, and (alpha) a depth at or above the liquidity threshold.
    function _checkOpenable(Context memory c) private pure {
        OracleLogic.Prices memory p = c.prices;
        if (p.broken) revert IPositionErrors.OraclePriceUnavailable(c.marketId);
        uint256 gap = OracleLogic.divergence(p.divergenceSpot, p.ref);
        if (gap > c.params.divergenceLimit) {
            revert IPositionErrors.PriceDivergenceTooHigh(c.marketId, p.divergenceSpot, p.ref, c.params.divergenceLimit);
        }
        if (c.isAlpha && p.poolTao < c.params.liquidityThreshold) {
            revert IMarketErrors.PoolBelowLiquidityThreshold(c.marketId, p.poolTao, c.params.liquidityThreshold);
        }
    }

    function _distance(uint256 a, uint256 b) private pure returns (uint256) {
        return a > b ? a - b : b - a;
    }
}
