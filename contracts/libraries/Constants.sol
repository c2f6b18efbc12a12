// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title Every protocol constant of MegaTAO, with its unit.
/// @notice Numbers from docs/protocol.md sections 2 to 7. Rates and fractions are WAD (1e18 = 100%),
///         amounts of TAO are wei (18 decimals), times are seconds. Governance parameters appear twice: their
///         genesis value (`GENESIS_*`); the bounds the registry enforces are in MarketBounds.sol.
library Constants {
    // ------------------------------------------------------------------ units

    /// @dev Fixed-point one: 1e18 = 1.0 = 100%. Every rate, fraction, leverage and price is scaled by it.
    uint256 internal constant WAD = 1e18;

    /// @dev Seconds in the 365-day year that annual interest rates refer to.
    uint256 internal constant SECONDS_PER_YEAR = 365 days;

    // ------------------------------------------------------------------ positions (section 2)

    /// @dev Smallest notional a position may have, in wei: 0.0001 TAO.
    uint256 internal constant MIN_POSITION_NOTIONAL = 1e14;

    /// @dev Most open positions one account may hold at once (a count).
    uint256 internal constant MAX_POSITIONS_PER_ACCOUNT = 50;

    // ------------------------------------------------------------------ funding (section 6)

    /// @dev The period a funding rate refers to, in seconds: rates are quoted per 8 hours.
    uint256 internal constant FUNDING_PERIOD = 8 hours;

    /// @dev Longest gap, in seconds, that one funding accrual counts; time beyond it is not charged.
    uint256 internal constant MAX_ACCRUAL_GAP = 32 hours;

    // ------------------------------------------------------------------ interest (section 6)

    /// @dev Interest rate at zero utilization, WAD per year: 0.01%.
    uint256 internal constant INTEREST_BASE_RATE_PER_YEAR = 0.0001e18;

    /// @dev Interest slope on utilization squared, WAD per year: 20%.
    uint256 internal constant INTEREST_SLOPE_PER_YEAR = 0.2e18;

    /// @dev Ceiling of the interest rate, WAD per year: 80%.
    uint256 internal constant INTEREST_MAX_RATE_PER_YEAR = 0.8e18;

    // ------------------------------------------------------------------ slippage (section 3)

    /// @dev Base slippage below `SLIPPAGE_MID_TIER_UTILIZATION`, WAD: 0.10%.
    uint256 internal constant SLIPPAGE_LOW_TIER = 0.001e18;

    /// @dev Base slippage from `SLIPPAGE_MID_TIER_UTILIZATION` up to and including
    ///      `SLIPPAGE_HIGH_TIER_UTILIZATION`, WAD: 0.15%.
    uint256 internal constant SLIPPAGE_MID_TIER = 0.0015e18;

    /// @dev Base slippage above `SLIPPAGE_HIGH_TIER_UTILIZATION`, WAD: 0.25%.
    uint256 internal constant SLIPPAGE_HIGH_TIER = 0.0025e18;

    /// @dev Utilization (WAD) from which the mid tier applies: 50%.
    uint256 internal constant SLIPPAGE_MID_TIER_UTILIZATION = 0.5e18;

    /// @dev Utilization (WAD) above which the high tier applies: 75%.
    uint256 internal constant SLIPPAGE_HIGH_TIER_UTILIZATION = 0.75e18;

    /// @dev Ceiling of a fill's skew impact, WAD of the fill's notional: 20%. Capping one fill never makes splitting
    ///      it cheaper (the split fills pay at least the capped amount between them), and lets a close always fill.
    uint256 internal constant MAX_IMPACT = 0.2e18;

    // ------------------------------------------------------------------ reference price and depth (section 3)

    /// @dev Genesis reference price period P of alpha markets, seconds: 600. Bounds 60 s..1 day.
    uint256 internal constant GENESIS_REFERENCE_PERIOD = 600;
    uint256 internal constant MIN_REFERENCE_PERIOD = 60;
    uint256 internal constant MAX_REFERENCE_PERIOD = 1 days;

    /// @dev Genesis spot/reference divergence limit for opens, WAD: 5%. Bounds 0.5%..25%.
    uint256 internal constant GENESIS_DIVERGENCE_LIMIT = 0.05e18;
    uint256 internal constant MIN_DIVERGENCE_LIMIT = 0.005e18;
    uint256 internal constant MAX_DIVERGENCE_LIMIT = 0.25e18;

    /// @dev Genesis open-interest cap per side as a share of the pool's TAO reserve (depth cap), WAD: 5%.
    ///      Bounds 0.1%..50%.
    uint256 internal constant GENESIS_OI_DEPTH_RATIO = 0.05e18;
    uint256 internal constant MIN_OI_DEPTH_RATIO = 0.001e18;
    uint256 internal constant MAX_OI_DEPTH_RATIO = 0.5e18;

    /// @dev Genesis skew-impact depth factor, WAD multiple of the depth (the pool's TAO reserve; the vault's
    ///      reserves for an index market): 1.0. Bounds 0.1..100.
    uint256 internal constant GENESIS_DEPTH_FACTOR = 1e18;
    uint256 internal constant MIN_DEPTH_FACTOR = 0.1e18;
    uint256 internal constant MAX_DEPTH_FACTOR = 100e18;

    // ------------------------------------------------------------------ broken prices (section 3a)

    /// @dev Genesis time after which anyone may settle a market whose price source keeps failing, seconds: 1 hour.
    ///      Bounds 10 minutes..7 days.
    uint256 internal constant GENESIS_SETTLE_AFTER = 1 hours;
    uint256 internal constant MIN_SETTLE_AFTER = 10 minutes;
    uint256 internal constant MAX_SETTLE_AFTER = 7 days;

    /// @dev Genesis max age of an index price (the MTSOS EMA's last successful update) for opens, seconds: 15 min.
    ///      Bounds 1 minute..1 day.
    uint256 internal constant GENESIS_INDEX_MAX_AGE = 15 minutes;
    uint256 internal constant MIN_INDEX_MAX_AGE = 1 minutes;
    uint256 internal constant MAX_INDEX_MAX_AGE = 1 days;

    // ------------------------------------------------------------------ liquidation (section 5)

    /// @dev Genesis liquidation fee, WAD fraction of the remaining margin: 5%.
    uint256 internal constant GENESIS_LIQUIDATION_FEE = 0.05e18;

    /// @dev Upper bound of the liquidation fee (gov), WAD: 10%.
    uint256 internal constant MAX_LIQUIDATION_FEE = 0.1e18;

    /// @dev Genesis share of the liquidation fee paid to the keeper, WAD: 20%.
    uint256 internal constant GENESIS_LIQUIDATION_KEEPER_SHARE = 0.2e18;

    /// @dev Genesis share of the liquidation fee paid to the insurance fund, WAD: 30%.
    uint256 internal constant GENESIS_LIQUIDATION_INSURANCE_SHARE = 0.3e18;

    /// @dev Genesis share of the liquidation fee paid to the vault, WAD: 50% (the vault also takes every
    ///      rounding remainder of the split).
    uint256 internal constant GENESIS_LIQUIDATION_VAULT_SHARE = 0.5e18;

    /// @dev Genesis floor of a liquidation's keeper payment, wei: 0.01 TAO, topped up from the insurance fund when
    ///      the position's fee share is smaller. Bounds 0..1 TAO.
    uint256 internal constant GENESIS_MIN_KEEPER_FEE = 0.01e18;
    uint256 internal constant MAX_MIN_KEEPER_FEE = 1e18;

    /// @dev Genesis min margin of a position, wei: 0.1 TAO, so that a position's equity when it reaches the full
    ///      liquidation line (MM x notional, 0.01 TAO at 1x and MM 10%) pays the keeper floor itself, which the
    ///      insurance fund tops up only when that equity is gone. Bounds: the min keeper fee..10 TAO.
    uint256 internal constant GENESIS_MIN_MARGIN = 0.1e18;
    uint256 internal constant MAX_MIN_MARGIN = 10e18;

    // ------------------------------------------------------------------ solvency (section 5)

    /// @dev Genesis cap on the traders' unrealized profit per market, WAD of the vault's reserves: 30%; above it
    ///      anyone may auto-deleverage. Bounds 1%..90% (at 100% a profit over the cap could never be brought under
    ///      it: every wei realized leaves the reserves too).
    uint256 internal constant GENESIS_MAX_PNL_FACTOR = 0.3e18;
    uint256 internal constant MIN_MAX_PNL_FACTOR = 0.01e18;
    uint256 internal constant MAX_MAX_PNL_FACTOR = 0.9e18;

    /// @dev Genesis cap on a position's realized profit, WAD multiple of its margin: 9x. Bounds 1x..18x (the
    ///      stored field's width).
    uint256 internal constant GENESIS_MAX_PROFIT_MULTIPLE = 9e18;
    uint256 internal constant MIN_MAX_PROFIT_MULTIPLE = 1e18;
    uint256 internal constant MAX_MAX_PROFIT_MULTIPLE = 18e18;

    /// @dev How far under its side's average profit per notional (WAD) a position may be and still be auto-deleveraged:
    ///      1e-9, the wei roundings between a position's figures and its side's sums.
    uint256 internal constant ADL_AVERAGE_TOLERANCE = 1e9;

    /// @dev The share value `fundVault` mints at when the LPs' equity is zero or negative, or worth less than it,
    ///      wei per 1e18 shares: 1e-6 TAO. The new capital then owns all but a dust of the vault: it absorbs the loss
    ///      first (recapitalisation, section 7).
    uint256 internal constant MIN_SHARE_VALUE = 1e12;

    /// @dev Off-chain health tier: above this margin ratio (WAD) a position shows as healthy: 35%.
    uint256 internal constant HEALTH_HEALTHY_ABOVE = 0.35e18;

    /// @dev Off-chain health tier: from this margin ratio (WAD) up to the healthy line, caution: 25%.
    uint256 internal constant HEALTH_CAUTION_FROM = 0.25e18;

    // ------------------------------------------------------------------ trading fees (section 6)

    /// @dev Genesis share of each trading fee paid to the insurance fund, WAD: 10%.
    uint256 internal constant GENESIS_TRADING_FEE_INSURANCE_SHARE = 0.1e18;

    // ------------------------------------------------------------------ vault safeguards (section 7)

    /// @dev Utilization (WAD) above which no position may increase: 80%.
    uint256 internal constant MAX_UTILIZATION_FOR_INCREASE = 0.8e18;

    /// @dev Utilization (WAD) at which the circuit breaker puts every market into reduce-only mode: 90%.
    uint256 internal constant CIRCUIT_BREAKER_UTILIZATION = 0.9e18;

    /// @dev Largest per-market |longOI - shortOI|, WAD fraction of vault reserves: 50%.
    uint256 internal constant MAX_NET_EXPOSURE = 0.5e18;

    // ------------------------------------------------------------------ pause of opens (sections 7 and 9)

    /// @dev Genesis length of a pause of opens (`maxPause`, gov), seconds: 7 days. A pause lapses by itself this
    ///      long after it starts unless the owner renews it.
    uint256 internal constant GENESIS_MAX_PAUSE = 7 days;

    /// @dev Bounds of `maxPause` (gov), seconds: 1 hour (enough for governance to see a pause) to 30 days (what a
    ///      vote and the timelock delay take several times over).
    uint256 internal constant MIN_MAX_PAUSE = 1 hours;
    uint256 internal constant MAX_MAX_PAUSE = 30 days;

    // ------------------------------------------------------------------ MTSOS index (section 4)

    /// @dev Period of the MTSOS time-weighted EMA, in seconds: 7 days (604800).
    uint256 internal constant MTSOS_EMA_PERIOD = 7 days;

    /// @dev Genesis cap on the seconds one MTSOS update weighs its reading by: 1 hour. Bounds 1 minute..1 day.
    uint256 internal constant GENESIS_MTSOS_MAX_ELAPSED = 1 hours;
    uint256 internal constant MIN_MTSOS_MAX_ELAPSED = 1 minutes;
    uint256 internal constant MAX_MTSOS_MAX_ELAPSED = 1 days;

    // ------------------------------------------------------------------ per-market parameters: genesis (section 2)

    /// @dev Genesis max leverage of alpha markets, WAD multiple: 3x.
    uint256 internal constant GENESIS_MAX_LEVERAGE_ALPHA = 3e18;

    /// @dev Genesis max leverage of the MTSOS market, WAD multiple: 5x.
    uint256 internal constant GENESIS_MAX_LEVERAGE_MTSOS = 5e18;

    /// @dev Genesis maintenance margin, WAD: 10%.
    uint256 internal constant GENESIS_MAINTENANCE_MARGIN = 0.1e18;

    /// @dev Genesis partial-liquidation band above the maintenance margin, WAD: 5 points.
    uint256 internal constant GENESIS_PARTIAL_LIQUIDATION_BAND = 0.05e18;

    /// @dev Genesis taker fee, WAD of notional: 0.25%.
    uint256 internal constant GENESIS_TAKER_FEE = 0.0025e18;

    /// @dev Genesis maker fee, WAD of notional: 0%.
    uint256 internal constant GENESIS_MAKER_FEE = 0;

    /// @dev Genesis max funding rate, WAD per 8 hours: 0.75%.
    uint256 internal constant GENESIS_MAX_FUNDING_RATE_8H = 0.0075e18;


    // ------------------------------------------------------------------ trading (sections 2, 5, 6, 7): bounds of the
    // protocol-level governance parameters the vault, fee and liquidation setters enforce (all inclusive)

    /// @dev Smallest leverage a position may be opened or increased at, WAD multiple: 1x.
    uint256 internal constant MIN_LEVERAGE = 1e18;

    /// @dev Genesis share of each trading fee reserved for the referral program, WAD: 0% (the referral issue sets it).
    uint256 internal constant GENESIS_TRADING_FEE_REFERRAL_SHARE = 0;

    /// @dev Upper bound of the insurance fund's share of each trading fee (gov), WAD: 100%.
    uint256 internal constant MAX_TRADING_FEE_INSURANCE_SHARE = 1e18;

    /// @dev Bounds of the utilization limit on increases (gov), WAD: 10%..90%. Genesis `MAX_UTILIZATION_FOR_INCREASE`.
    uint256 internal constant MIN_UTILIZATION_LIMIT = 0.1e18;
    uint256 internal constant MAX_UTILIZATION_LIMIT = 0.9e18;

    /// @dev Upper bound of the circuit-breaker utilization (gov), WAD: 100%. It must also lie strictly above the
    ///      utilization limit on increases (the level the breaker resets below). Genesis `CIRCUIT_BREAKER_UTILIZATION`.
    uint256 internal constant MAX_CIRCUIT_BREAKER_UTILIZATION = 1e18;

    /// @dev Smallest collateral cap (per account or global, gov), wei: 1 TAO.
    uint256 internal constant MIN_COLLATERAL_CAP = 1e18;

    /// @dev Largest collateral cap (per account or global, gov), wei: the 96-bit field's size (7.9e10 TAO, beyond
    ///      the supply), which is also the genesis value of both caps (no cap until governance sets one).
    uint256 internal constant MAX_COLLATERAL_CAP = type(uint96).max;

    // ------------------------------------------------------------------ referral program (section 8): bounds of the
    // governance parameters the referral setters enforce (all inclusive)

    /// @dev Upper bound of a tier's referrer share of the taker fee and of its referee discount (gov), WAD: 50%.
    uint256 internal constant MAX_REFERRAL_SHARE = 0.5e18;

    /// @dev Upper bound of the builder's share of the taker fee (gov), WAD: 50%.
    uint256 internal constant MAX_BUILDER_FEE_SHARE = 0.5e18;

    /// @dev Upper bound of a tier's discount duration (gov), in days from the referee's first trade: 3650.
    uint256 internal constant MAX_REFERRAL_DISCOUNT_DAYS = 3650;

    /// @dev Most tiers the referral tier table holds (a count); tier indices are 0..15.
    uint256 internal constant MAX_REFERRAL_TIERS = 16;

    /// @dev Shortest referral code, in characters (A-Z, 0-9, `_`; at most 32, the bytes32 it is stored in): 3.
    uint256 internal constant MIN_REFERRAL_CODE_LENGTH = 3;

    /// @dev What a partial liquidation aims above MM + band, WAD: 1e-9 (0.0000001 points). `LiquidationMath` lands the
    ///      margin ratio at the target up to the wei rounding of the fee and the new notional; aiming this much above
    ///      it leaves the position out of the band, so one partial liquidation is enough.
    uint256 internal constant PARTIAL_LIQUIDATION_TARGET_BUFFER = 1e9;

    // ------------------------------------------------------------------ LPs (section 7): epochs, windows, caps (gov)

    /// @dev Genesis epoch length, seconds: 7 days.
    uint256 internal constant GENESIS_EPOCH_LENGTH = 7 days;

    /// @dev Genesis deposit window at the start of each epoch, seconds: 48 hours.
    uint256 internal constant GENESIS_DEPOSIT_WINDOW = 48 hours;

    /// @dev Genesis withdrawal window (requests, and claims of the previous epoch's requests) at the start of each
    ///      epoch, seconds: 48 hours.
    uint256 internal constant GENESIS_WITHDRAWAL_WINDOW = 48 hours;

    /// @dev Bounds of the epoch length (gov), seconds: 1 day..30 days.
    uint256 internal constant MIN_EPOCH_LENGTH = 1 days;
    uint256 internal constant MAX_EPOCH_LENGTH = 30 days;

    /// @dev Shortest deposit or withdrawal window (gov), seconds: 1 hour. The longest is the epoch length.
    uint256 internal constant MIN_LP_WINDOW = 1 hours;

    /// @dev Bounds of the per-account and global LP deposit caps (gov), wei: 1 TAO..2^128-1 (the largest is the
    ///      genesis value of both: no cap until governance sets one).
    uint256 internal constant MIN_DEPOSIT_CAP = 1e18;
    uint256 internal constant MAX_DEPOSIT_CAP = type(uint128).max;
}
