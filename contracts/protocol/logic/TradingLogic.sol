// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
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
import {OracleLogic} from "../modules/OracleModule.sol";
import {AccrualLogic} from "./AccrualLogic.sol";
import {LpLogic} from "./LpLogic.sol";
import {PauseLogic} from "./PauseLogic.sol";

/// @title What every trade shares: the market's state, the price it fills at, and the limits on increases.
/// @dev Internal library of the position and liquidation modules. `begin` does the checks and accruals every trade
///      needs, in order: the market is listed; for an increase, it is active, opens are not paused and the circuit
///      breaker is not tripped; the oracle price is updated through the band (an increase reverts on a clamped
///      price, a decrease or a liquidation uses it); an alpha market's pool is read (an increase reverts below the
///      liquidity threshold); funding and interest accrue at the open interest that held until now.
library TradingLogic {
    using SafeCast for uint256;

    /// @notice What a trade does to the book.
    enum Mode {
        Increase, // open, increase
        Decrease, // reduce, close, remove margin
        Liquidate // no slippage, no pool read
    }

    /// @notice A market's state for one trade (memory).
    struct Context {
        MarketId marketId;
        MarketParams params;
        /// @dev The oracle price accepted for this trade, and whether the band clamped it.
        uint256 price;
        bool clamped;
        bool isAlpha;
        /// @dev The pool's TAO reserve, wei (alpha markets, increase and decrease only).
        uint256 poolTao;
        uint256 longOI;
        uint256 shortOI;
        /// @dev The indices accrued to now.
        int256 fundingIndex;
        uint256 interestIndex;
    }

    /// @notice Checks, prices and accrues a market for a trade (see the library's description).
    function begin(MarketId marketId, Mode mode) internal returns (Context memory c) {
        MarketStorage.Market storage m = MarketStorage.listed(marketId);
        c.marketId = marketId;
        bool increase = mode == Mode.Increase;
        (c.params.maxLeverage, c.params.maintenanceMargin, c.params.partialLiquidationBand) =
        (m.maxLeverage, m.maintenanceMargin, m.partialLiquidationBand);
        (c.params.takerFee, c.params.makerFee, c.params.maxFundingRate8h, c.params.priceBand) =
        (m.takerFee, m.makerFee, m.maxFundingRate8h, m.priceBand);
        // The caps bound increases only: a decrease or a liquidation leaves their slot unread.
        if (increase) {
            (c.params.maxOpenInterestPerSide, c.params.liquidityThreshold) =
            (m.maxOpenInterestPerSide, m.liquidityThreshold);
        }
        if (increase) {
            MarketStatus status = m.status;
            if (status != MarketStatus.Active) revert IPositionErrors.MarketNotActive(marketId, status);
            VaultStorage.Layout storage v = VaultStorage.load();
            if (PauseLogic.opensPaused()) revert IPositionErrors.OpensArePaused();
            if (v.circuitBreakerTripped) revert IPositionErrors.CircuitBreakerActive();
        }
        (c.price, c.clamped) = OracleLogic.update(marketId);
        if (increase && c.clamped) revert IPositionErrors.OraclePriceClamped(marketId, c.price);
        if (m.kind == MarketKind.Alpha) {
            c.isAlpha = true;
            if (mode != Mode.Liquidate) {
                c.poolTao = OracleLogic.poolTao(m.netuid);
                uint256 threshold = c.params.liquidityThreshold;
                if (increase && c.poolTao < threshold) {
                    revert IMarketErrors.PoolBelowLiquidityThreshold(marketId, c.poolTao, threshold);
                }
            }
        }
        PositionStorage.OpenInterest storage oi = PositionStorage.load().openInterest[marketId];
        c.longOI = oi.long;
        c.shortOI = oi.short;
        c.fundingIndex = AccrualLogic.accrueFunding(marketId, c.params.maxFundingRate8h, c.longOI, c.shortOI);
        c.interestIndex = AccrualLogic.accrueInterest();
    }

    /// @notice Accrues a market's funding and the interest without a price (margin changes).
    function accrue(MarketId marketId) internal returns (int256 fundingIndex, uint256 interestIndex) {
        PositionStorage.OpenInterest storage oi = PositionStorage.load().openInterest[marketId];
        uint256 maxFunding8h = MarketStorage.load().markets[marketId].maxFundingRate8h;
        fundingIndex = AccrualLogic.accrueFunding(marketId, maxFunding8h, oi.long, oi.short);
        interestIndex = AccrualLogic.accrueInterest();
    }

    /// @notice The price a fill of `notional` (at the oracle price) gets: the oracle price moved against the trader
    ///         by `baseTier(utilization) + notional / poolTao` (capped at 20%; index markets have no pool, so only
    ///         the base tier). Reverts beyond `maxSlippage`.
    /// @param buy Whether the fill buys (opening or increasing a long, closing or reducing a short).
    function fillPrice(Context memory c, uint256 notional, bool buy, uint256 maxSlippage)
        internal
        view
        returns (uint256)
    {
        uint256 u = _utilization(0);
        uint256 slippage = c.isAlpha
            ? SlippageMath.slippage(notional, u, (c.poolTao / Bittensor.WEI_PER_RAO).toUint64())
            : SlippageMath.baseTier(u);
        if (slippage > maxSlippage) revert IPositionErrors.SlippageExceeded(slippage, maxSlippage);
        return SlippageMath.executionPrice(c.price, slippage, buy);
    }

    /// @notice Checks an increase of `isLong`'s open interest by `added` wei against the per-side cap, the
    ///         per-market net-exposure cap (only when the exposure grows) and the utilization limit.
    function checkIncrease(Context memory c, bool isLong, uint256 added) internal view {
        uint256 longOI = c.longOI;
        uint256 shortOI = c.shortOI;
        uint256 before = _distance(longOI, shortOI);
        if (isLong) longOI += added;
        else shortOI += added;
        uint256 side = isLong ? longOI : shortOI;
        if (side > c.params.maxOpenInterestPerSide) {
            revert IPositionErrors.OpenInterestCapExceeded(c.marketId, isLong, side, c.params.maxOpenInterestPerSide);
        }
        VaultStorage.Layout storage v = VaultStorage.load();
        uint256 net = _distance(longOI, shortOI);
        if (net > before) {
            uint256 cap = Math.mulDiv(v.reserves, Constants.MAX_NET_EXPOSURE, Constants.WAD);
            if (net > cap) revert IPositionErrors.NetExposureCapExceeded(c.marketId, net, cap);
        }
        uint256 u = _utilization(added);
        uint256 limit = v.maxUtilizationForIncrease;
        if (u > limit) revert IPositionErrors.UtilizationLimitExceeded(u, limit);
    }

    /// @notice Moves `isLong`'s open interest from `oldNotional` to `newNotional` (a position's entry notional before
    ///         and after), in the market and in the vault's total; and the side's size sum from `oldSize` to `newSize`
    ///         (the position's absolute size before and after), which prices the LPs' shares (`LpLogic`).
    function updateOpenInterest(
        Context memory c,
        bool isLong,
        uint256 oldNotional,
        uint256 newNotional,
        uint256 oldSize,
        uint256 newSize
    ) internal {
        PositionStorage.OpenInterest storage oi = PositionStorage.load().openInterest[c.marketId];
        VaultStorage.Layout storage v = VaultStorage.load();
        uint256 sizeBefore;
        uint256 sizeAfter;
        uint256 otherSize;
        if (isLong) {
            (sizeBefore, otherSize) = (oi.longSize, oi.shortSize);
            sizeAfter = sizeBefore + newSize - oldSize;
            (oi.long, oi.longSize) = ((c.longOI + newNotional - oldNotional).toUint128(), sizeAfter.toUint128());
        } else {
            (sizeBefore, otherSize) = (oi.shortSize, oi.longSize);
            sizeAfter = sizeBefore + newSize - oldSize;
            (oi.short, oi.shortSize) = ((c.shortOI + newNotional - oldNotional).toUint128(), sizeAfter.toUint128());
        }
        LpLogic.trackExposure(c.marketId, isLong, sizeBefore, sizeAfter, otherSize);
        v.totalOpenNotional = (v.totalOpenNotional + newNotional - oldNotional).toUint128();
    }

    /// @notice Reverts unless `value` is a multiple of 1 rao (1e9 wei).
    function checkRaoMultiple(uint256 value) internal pure {
        if (value % Bittensor.WEI_PER_RAO != 0) revert IPositionErrors.ValueNotRaoMultiple(value);
    }

    /// @dev Utilization with `added` more open notional.
    function _utilization(uint256 added) private view returns (uint256) {
        VaultStorage.Layout storage v = VaultStorage.load();
        return InterestMath.utilization(v.totalOpenNotional + added, v.reserves);
    }

    function _distance(uint256 a, uint256 b) private pure returns (uint256) {
        return a > b ? a - b : b - a;
    }
}
