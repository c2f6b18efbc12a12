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

    /// @notice The oracle's reading of `marketId` moved more than the price band and was clamped to `price`: opens
    ///         and increases wait for the price to settle.
    error OraclePriceClamped(MarketId marketId, uint256 price);

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

    /// @notice The `isLong` side of `marketId` would reach `openInterest` wei of notional, above its cap `cap`.
    error OpenInterestCapExceeded(MarketId marketId, bool isLong, uint256 openInterest, uint256 cap);

    /// @notice `marketId`'s |longOI - shortOI| would grow to `netExposure`, above `cap` (50% of vault reserves).
    error NetExposureCapExceeded(MarketId marketId, uint256 netExposure, uint256 cap);

    /// @notice Vault utilization would reach `utilization`, above the limit on increases `limit`.
    error UtilizationLimitExceeded(uint256 utilization, uint256 limit);

    /// @notice `account`'s collateral would reach `collateral` wei, above the per-account cap `cap`.
    error AccountCollateralCapExceeded(address account, uint256 collateral, uint256 cap);

    /// @notice All traders' collateral would reach `collateral` wei, above the global cap `cap`.
    error GlobalCollateralCapExceeded(uint256 collateral, uint256 cap);

    /// @notice The fill's slippage `slippage` is beyond the trader's `maxSlippage` (same selector as
    ///         `SlippageMath.SlippageExceeded`).
    error SlippageExceeded(uint256 slippage, uint256 maxSlippage);

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
