// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketKind} from "../types/MarketId.sol";
import {MarketParams} from "../interfaces/IMarketModule.sol";
import {IMarketErrors} from "./errors/MarketErrors.sol";
import {Constants} from "./Constants.sol";

/// @title Bounds of the per-market governance parameters (docs/protocol.md section 2), and their check.
/// @dev Units: fractions and leverage are WAD (1e18 = 100% = 1x); open interest and pool reserves are wei of TAO.
///      Every bound is inclusive. The check reverts with the first parameter out of bounds, in field order. The
///      lower bounds of 0 and the upper bounds at a field's full size hold by type and are not tested.
library MarketBounds {
    /// @dev Max leverage, WAD: 1x..20x.
    uint256 internal constant MIN_MAX_LEVERAGE = 1e18;
    uint256 internal constant MAX_MAX_LEVERAGE = 20e18;

    /// @dev Maintenance margin, WAD: 1%..50% (and strictly below 1 / max leverage).
    uint256 internal constant MIN_MAINTENANCE_MARGIN = 0.01e18;
    uint256 internal constant MAX_MAINTENANCE_MARGIN = 0.5e18;

    /// @dev Partial-liquidation band above MM, WAD: 0..10 points.
    uint256 internal constant MIN_PARTIAL_LIQUIDATION_BAND = 0;
    uint256 internal constant MAX_PARTIAL_LIQUIDATION_BAND = 0.1e18;

    /// @dev Taker fee, WAD: 0..1%. The maker fee's bounds are 0..taker fee.
    uint256 internal constant MIN_TAKER_FEE = 0;
    uint256 internal constant MAX_TAKER_FEE = 0.01e18;
    uint256 internal constant MIN_MAKER_FEE = 0;

    /// @dev Max funding rate per 8 hours, WAD: 0..2%.
    uint256 internal constant MIN_MAX_FUNDING_RATE_8H = 0;
    uint256 internal constant MAX_MAX_FUNDING_RATE_8H = 0.02e18;

    /// @dev Max open interest per side, wei of TAO notional: > 0 (the top is the stored field's size, 7.9e10 TAO).
    uint256 internal constant MIN_MAX_OPEN_INTEREST = 1;
    uint256 internal constant MAX_MAX_OPEN_INTEREST = type(uint96).max;

    /// @dev Liquidity threshold of an alpha market, wei of pool TAO: > 0 (the top is the stored field's size).
    ///      An index market has none: 0..0.
    uint256 internal constant MIN_LIQUIDITY_THRESHOLD = 1;
    uint256 internal constant MAX_LIQUIDITY_THRESHOLD = type(uint96).max;

    /// @dev Reference price period, seconds: 60 s..1 day.
    uint256 internal constant MIN_REFERENCE_PERIOD = Constants.MIN_REFERENCE_PERIOD;
    uint256 internal constant MAX_REFERENCE_PERIOD = Constants.MAX_REFERENCE_PERIOD;

    /// @dev Spot/reference divergence limit for opens, WAD: 0.5%..25%.
    uint256 internal constant MIN_DIVERGENCE_LIMIT = Constants.MIN_DIVERGENCE_LIMIT;
    uint256 internal constant MAX_DIVERGENCE_LIMIT = Constants.MAX_DIVERGENCE_LIMIT;

    /// @dev Depth cap of an alpha market, WAD of the pool's TAO reserve: 0.1%..50%. An index market has none: 0..0.
    uint256 internal constant MIN_OI_DEPTH_RATIO = Constants.MIN_OI_DEPTH_RATIO;
    uint256 internal constant MAX_OI_DEPTH_RATIO = Constants.MAX_OI_DEPTH_RATIO;

    /// @dev Skew impact depth factor, WAD: 0.1..100.
    uint256 internal constant MIN_DEPTH_FACTOR = Constants.MIN_DEPTH_FACTOR;
    uint256 internal constant MAX_DEPTH_FACTOR = Constants.MAX_DEPTH_FACTOR;

    /// @dev Ticker length, characters from A-Z and 0-9.
    uint256 internal constant MIN_TICKER_LENGTH = 2;
    uint256 internal constant MAX_TICKER_LENGTH = 12;

    /// @notice Reverts unless every parameter of a market of kind `kind` lies within its bounds.
    function check(MarketParams memory p, MarketKind kind) internal pure {
        uint256 value = p.maxLeverage;
        if (value < MIN_MAX_LEVERAGE || value > MAX_MAX_LEVERAGE) {
            revert IMarketErrors.MaxLeverageOutOfBounds(value, MIN_MAX_LEVERAGE, MAX_MAX_LEVERAGE);
        }
        value = p.maintenanceMargin;
        if (value < MIN_MAINTENANCE_MARGIN || value > MAX_MAINTENANCE_MARGIN) {
            revert IMarketErrors.MaintenanceMarginOutOfBounds(value, MIN_MAINTENANCE_MARGIN, MAX_MAINTENANCE_MARGIN);
        }
        // MM < 1 / maxLeverage  <=>  MM x maxLeverage < 1, both WAD: compare with WAD^2 (no overflow at 20x).
        if (value * p.maxLeverage >= Constants.WAD * Constants.WAD) {
            revert IMarketErrors.MaintenanceMarginTooHighForLeverage(value, p.maxLeverage);
        }
        value = p.partialLiquidationBand;
        if (value > MAX_PARTIAL_LIQUIDATION_BAND) {
            revert IMarketErrors.PartialLiquidationBandOutOfBounds(
                value, MIN_PARTIAL_LIQUIDATION_BAND, MAX_PARTIAL_LIQUIDATION_BAND
            );
        }
        value = p.takerFee;
        if (value > MAX_TAKER_FEE) revert IMarketErrors.TakerFeeOutOfBounds(value, MIN_TAKER_FEE, MAX_TAKER_FEE);
        value = p.makerFee;
        if (value > p.takerFee) revert IMarketErrors.MakerFeeOutOfBounds(value, MIN_MAKER_FEE, p.takerFee);
        value = p.maxFundingRate8h;
        if (value > MAX_MAX_FUNDING_RATE_8H) {
            revert IMarketErrors.MaxFundingRateOutOfBounds(value, MIN_MAX_FUNDING_RATE_8H, MAX_MAX_FUNDING_RATE_8H);
        }
        value = p.maxOpenInterestPerSide;
        if (value < MIN_MAX_OPEN_INTEREST || value > MAX_MAX_OPEN_INTEREST) {
            revert IMarketErrors.MaxOpenInterestOutOfBounds(value, MIN_MAX_OPEN_INTEREST, MAX_MAX_OPEN_INTEREST);
        }
        bool alpha = kind == MarketKind.Alpha;
        value = p.liquidityThreshold;
        if (alpha ? value < MIN_LIQUIDITY_THRESHOLD || value > MAX_LIQUIDITY_THRESHOLD : value != 0) {
            (uint256 min, uint256 max) = alpha ? (MIN_LIQUIDITY_THRESHOLD, MAX_LIQUIDITY_THRESHOLD) : (0, 0);
            revert IMarketErrors.LiquidityThresholdOutOfBounds(value, min, max);
        }
        value = p.referencePeriod;
        if (value < MIN_REFERENCE_PERIOD || value > MAX_REFERENCE_PERIOD) {
            revert IMarketErrors.ReferencePeriodOutOfBounds(value, MIN_REFERENCE_PERIOD, MAX_REFERENCE_PERIOD);
        }
        value = p.divergenceLimit;
        if (value < MIN_DIVERGENCE_LIMIT || value > MAX_DIVERGENCE_LIMIT) {
            revert IMarketErrors.DivergenceLimitOutOfBounds(value, MIN_DIVERGENCE_LIMIT, MAX_DIVERGENCE_LIMIT);
        }
        value = p.oiDepthRatio;
        if (alpha ? value < MIN_OI_DEPTH_RATIO || value > MAX_OI_DEPTH_RATIO : value != 0) {
            (uint256 min, uint256 max) = alpha ? (MIN_OI_DEPTH_RATIO, MAX_OI_DEPTH_RATIO) : (0, 0);
            revert IMarketErrors.OiDepthRatioOutOfBounds(value, min, max);
        }
        value = p.depthFactor;
        if (value < MIN_DEPTH_FACTOR || value > MAX_DEPTH_FACTOR) {
            revert IMarketErrors.DepthFactorOutOfBounds(value, MIN_DEPTH_FACTOR, MAX_DEPTH_FACTOR);
        }
    }
}
