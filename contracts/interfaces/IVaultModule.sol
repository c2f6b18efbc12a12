// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketId, MarketStatus} from "../types/MarketId.sol";
import {IVaultErrors} from "../libraries/errors/VaultErrors.sol";

/// @notice The vault's buckets and state. Amounts wei, ratios WAD.
struct VaultTotals {
    /// @dev The vault's capital: the LPs' equity floor, before traders' unrealized PnL.
    uint256 reserves;
    uint256 insuranceFund;
    /// @dev Sum of all positions' margins.
    uint256 marginsOwed;
    /// @dev Payouts credited for `claim`.
    uint256 claimsOwed;
    /// @dev Trading fees held for the referral program.
    uint256 referralBalance;
    /// @dev Open interest of every market, both sides, at each market's reference price when last touched.
    uint256 totalOpenNotional;
    /// @dev `totalOpenNotional / reserves`.
    uint256 utilization;
    bool circuitBreakerTripped;
    /// @dev The interest rate now, WAD per year, and the interest index accrued to now.
    uint256 interestRatePerYear;
    uint256 interestIndex;
}

/// @notice A market's trading state.
struct MarketTradingState {
    /// @dev Open interest per side at the reference price (size x reference), wei: what the caps bound.
    uint256 longOpenInterest;
    uint256 shortOpenInterest;
    /// @dev Open interest per side at entry (the sum of the positions' entry notionals), wei: what funding is paid on.
    uint256 longEntryNotional;
    uint256 shortEntryNotional;
    /// @dev `(longEntry - shortEntry) / (longEntry + shortEntry) x maxFunding8h`, signed WAD per 8 hours; longs pay
    ///      when positive.
    int256 fundingRate8h;
    /// @dev The funding index accrued to now, signed WAD per unit of notional.
    int256 fundingIndex;
    /// @dev The spot and reference price a trade now would see, and whether the price source fails.
    uint256 spotPrice;
    uint256 referencePrice;
    bool priceBroken;
    MarketStatus status;
    /// @dev Whether the market accepts only closes now: status not active, circuit breaker, failing price source, or
    ///      pool below the liquidity threshold.
    bool reduceOnly;
    bool belowLiquidityThreshold;
    /// @dev The depth cap per side, wei (0 for an index market).
    uint256 depthCap;
    /// @dev The traders' unrealized profit (each side's net PnL at the reference, when positive) and its cap (max PnL
    ///      factor x reserves): above it, anyone may auto-deleverage.
    uint256 traderProfit;
    uint256 traderProfitCap;
}

/// @title The vault: the protocol's TAO by owner, its safeguards, fees, claims, and the trading views.
/// @notice The entry contract holds all TAO; every wei belongs to one bucket: the vault's reserves (LP capital,
///         the counterparty of every trade), traders' margins, the insurance fund, payouts waiting for `claim`, and
///         the referral balance. Utilization = total open notional / reserves: the interest rate, the slippage
///         tier, the 80% limit on increases and the 90% circuit breaker (every market reduce-only until it falls
///         back below 80%) read it. The breaker is evaluated on every close, reduction, liquidation, vault
///         funding and `updateCircuitBreaker` call (opens and increases cannot trip it: they stop at 80%).
interface IVaultModule is IVaultErrors {
    /// @notice `from` added `amount` wei to the vault's reserves.
    event VaultFunded(address indexed from, uint256 amount);

    /// @notice The global interest index reached `index` at `annualRate` (WAD per year).
    event InterestAccrued(uint256 annualRate, uint256 index);

    /// @notice Market `marketId`'s funding index reached `index` at `rate8h` (signed WAD per 8 hours).
    event FundingAccrued(MarketId indexed marketId, int256 rate8h, int256 index);

    /// @notice A trading fee of `toInsurance + toReferral + toVault` wei, each wei booked to one bucket.
    event TradingFeeBooked(bytes32 indexed positionId, uint256 toInsurance, uint256 toReferral, uint256 toVault);

    /// @notice A position's bad debt was covered: `fromInsurance` by the insurance fund, `fromVault` by the vault.
    event BadDebtCovered(bytes32 indexed positionId, uint256 fromInsurance, uint256 fromVault);

    /// @notice The reserves could not pay `shortfall` wei owed to a position's trader (PnL or funding).
    event ReservesShortfall(bytes32 indexed positionId, uint256 shortfall);

    /// @notice `amount` wei was sent to `account`.
    event PayoutSent(address indexed account, uint256 amount);

    /// @notice `amount` wei was credited to `account` for `claim`.
    event PayoutCredited(address indexed account, uint256 amount);

    /// @notice `account` claimed `amount` wei.
    event Claimed(address indexed account, uint256 amount);

    /// @notice The circuit breaker was tripped (or reset) at `utilization`.
    event CircuitBreakerSet(bool tripped, uint256 utilization);

    /// @notice Trading fees are split `insuranceShare` / `referralShare` / the rest to the vault.
    event TradingFeeSplitSet(uint256 insuranceShare, uint256 referralShare);

    /// @notice New utilization limits.
    event UtilizationLimitsSet(uint256 maxUtilizationForIncrease, uint256 circuitBreakerUtilization);

    /// @notice New collateral caps.
    event CollateralCapsSet(uint256 accountCap, uint256 globalCap);

    /// @notice The vault's genesis parameters were set (`version`).
    event VaultInitialized(uint8 version);

    /// @notice Adds the TAO sent to the vault's reserves. Owner only: the owner's LP deposit outside the windows
    ///         and caps (recapitalisation by governance), minting the owner shares at the deposit value once the LP
    ///         module is initialized; capital added before that becomes the owner's shares at `initialize`. It works
    ///         when the LPs' equity is zero or negative: the shares are then priced at `Constants.MIN_SHARE_VALUE`, so
    ///         the new capital owns all but a dust of the vault and absorbs the loss first.
    /// @dev LPs capitalise the vault with `deposit` (ILpModule); the devnet seeds it with an LP deposit.
    function fundVault() external payable;

    /// @notice Sends the caller's credited payouts (a multiple of 1e9 wei).
    /// @return amount Wei sent.
    function claim() external returns (uint256 amount);

    /// @notice `account`'s credited payouts, wei.
    function claimable(address account) external view returns (uint256);

    /// @notice Re-evaluates the circuit breaker at the current utilization. Anyone.
    /// @return tripped The breaker's state after the call.
    function updateCircuitBreaker() external returns (bool tripped);

    /// @notice Sets the insurance fund's share of trading fees (the referral share stays as it is, 0 until the
    ///         referral issue; the vault takes the rest). Owner only.
    function setTradingFeeSplit(uint256 insuranceShare) external;

    /// @notice Sets the utilization limit on increases (10%..90%) and the circuit-breaker level (above the limit,
    ///         up to 100%). Owner only.
    function setUtilizationLimits(uint256 maxUtilizationForIncrease, uint256 circuitBreakerUtilization) external;

    /// @notice Sets the per-account and global caps on collateral (1 TAO..2^128-1 wei; account <= global). Owner
    ///         only.
    function setCollateralCaps(uint256 accountCap, uint256 globalCap) external;

    /// @notice The trading-fee split, WAD: insurance fund, referral program (the vault takes the rest).
    function tradingFeeSplit() external view returns (uint256 insuranceShare, uint256 referralShare);

    /// @notice The utilization limit on increases and the circuit-breaker level, WAD.
    function utilizationLimits()
        external
        view
        returns (uint256 maxUtilizationForIncrease, uint256 circuitBreakerUtilization);

    /// @notice The per-account and global collateral caps, wei.
    function collateralCaps() external view returns (uint256 accountCap, uint256 globalCap);

    /// @notice Whether the circuit breaker is tripped (every market reduce-only).
    function circuitBreakerTripped() external view returns (bool);

    /// @notice The vault's buckets, utilization, breaker and interest.
    function vaultTotals() external view returns (VaultTotals memory);

    /// @notice Total open notional / reserves, WAD.
    function utilization() external view returns (uint256);

    /// @notice A listed market's open interest, funding, price and status.
    function marketTradingState(MarketId marketId) external view returns (MarketTradingState memory);
}
