// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketId, MarketStatus} from "../../types/MarketId.sol";

/// @title Errors of the position module.
/// @dev Fractions and leverage are WAD (1e18 = 100% = 1x); amounts of TAO are wei; prices TAO x 1e18.
interface IPositionErrors {
    /// @notice `value` wei is not a multiple of 1e9 wei (1 rao): the chain would drop the remainder.
    error ValueNotRaoMultiple(uint256 value);

    /// @notice The guardian paused opens and increases (closes, reductions and liquidations still work).
    error OpensArePaused();

    /// @notice Market `marketId` accepts no open or increase in status `status` (reduce-only or delisted).
    error MarketNotActive(MarketId marketId, MarketStatus status);

    /// @notice The vault's circuit breaker is tripped: every market is reduce-only until utilization falls back
    ///         below the utilization limit on increases.
    error CircuitBreakerActive();

    /// @notice `marketId`'s price source fails (a zero or reverting precompile, a subnet registered again, a stale
    ///         index price): no open, increase or margin removal; closes and liquidations use the reference price.
    error OraclePriceUnavailable(MarketId marketId);

    /// @notice `marketId`'s spot `spot` is further from its reference price `referencePrice` than the divergence
    ///         limit `limit` (WAD): opens and increases wait for the two to meet.
    error PriceDivergenceTooHigh(MarketId marketId, uint256 spot, uint256 referencePrice, uint256 limit);

    /// @notice The trade's average price `price` (impact included) is worse than the trader's `acceptablePrice`.
    error PriceNotAcceptable(uint256 price, uint256 acceptablePrice);

    /// @notice The trade's `deadline` passed (now `timestamp`).
    error DeadlinePassed(uint256 deadline, uint256 timestamp);

    /// @notice `leverage` outside [min, max] (the market's max leverage).
    error LeverageOutOfBounds(uint256 leverage, uint256 min, uint256 max);

    /// @notice A position's notional `notional` below the minimum `min` (0.0001 TAO).
    error PositionNotionalTooSmall(uint256 notional, uint256 min);

    /// @notice `account` holds a position in `marketId` already: increase it instead.
    error PositionAlreadyOpen(address account, MarketId marketId);

    /// @notice `account` holds no position in `marketId`.
    error NoPosition(address account, MarketId marketId);

    /// @notice `account` holds `max` positions already.
    error TooManyPositions(address account, uint256 max);

    /// @notice `account`'s position in `marketId` was opened or increased in this block: it cannot be reduced or
    ///         closed before the next one (flash-loan guard).
    error SameBlockAsIncrease(address account, MarketId marketId);

    /// @notice The `isLong` side of `marketId` would reach `openInterest` wei at the mark, above its cap `cap`.
    error OpenInterestCapExceeded(MarketId marketId, bool isLong, uint256 openInterest, uint256 cap);

    /// @notice The `isLong` side of `marketId` would reach `openInterest` wei at the mark, above its depth cap `cap`
    ///         (the market's share of its pool's TAO reserve).
    error DepthCapExceeded(MarketId marketId, bool isLong, uint256 openInterest, uint256 cap);

    /// @notice A position's margin `margin` below the min margin `min`.
    error MarginBelowMinimum(uint256 margin, uint256 min);

    /// @notice `marketId`'s |longOI - shortOI| would grow to `netExposure`, above `cap` (50% of vault reserves).
    error NetExposureCapExceeded(MarketId marketId, uint256 netExposure, uint256 cap);

    /// @notice Vault utilization would reach `utilization`, above the limit on increases `limit`.
    error UtilizationLimitExceeded(uint256 utilization, uint256 limit);

    /// @notice `account`'s collateral would reach `collateral` wei, above the per-account cap `cap`.
    error AccountCollateralCapExceeded(address account, uint256 collateral, uint256 cap);

    /// @notice All traders' collateral would reach `collateral` wei, above the global cap `cap`.
    error GlobalCollateralCapExceeded(uint256 collateral, uint256 cap);

    /// @notice `account`'s position in `marketId` owes more funding and interest than its margin (net margin
    ///         `netMargin`): only a full close or a liquidation settles it.
    error PositionUnderwater(address account, MarketId marketId, int256 netMargin);

    /// @notice After the operation `account`'s position in `marketId` would have margin ratio `marginRatio`, below
    ///         `required` (its initial margin for a margin removal, MM + band otherwise).
    error MarginRatioTooLow(address account, MarketId marketId, int256 marginRatio, uint256 required);

    /// @notice A reduction of `sizeDelta` is zero or not smaller than the position's size `sizeAbs` (close it).
    error InvalidReduceSize(uint256 sizeDelta, uint256 sizeAbs);

    /// @notice A margin removal of zero or of more than the position's margin `margin`.
    error InvalidMarginAmount(uint256 amount, uint256 margin);
}
