// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketId} from "../../types/MarketId.sol";

/// @title Errors of the liquidation module.
/// @dev Fractions are WAD (1e18 = 100%).
interface ILiquidationErrors {
    /// @notice `account`'s position in `marketId` has margin ratio `marginRatio` (at the best for it of spot, reference
    ///         and the block's starting reference), at or above MM + band.
    error NotLiquidatable(address account, MarketId marketId, int256 marginRatio);

    /// @notice The traders' unrealized profit in `marketId`, `profit` wei, is within its cap `cap` (max PnL factor x
    ///         reserves): no auto-deleveraging.
    error AdlNotNeeded(MarketId marketId, uint256 profit, uint256 cap);

    /// @notice `account`'s position in `marketId` cannot be auto-deleveraged: its profit per notional at the mark,
    ///         `positionPnl` on `positionNotional`, is not positive or below its side's average (`sidePnl` on
    ///         `sideNotional`), whose profit must be positive.
    error AdlNotEligible(
        address account,
        MarketId marketId,
        int256 positionPnl,
        uint256 positionNotional,
        int256 sidePnl,
        uint256 sideNotional
    );

    /// @notice A risk parameter outside its bounds: `parameter` names it, `value` is the one given.
    error RiskParamOutOfBounds(bytes32 parameter, uint256 value, uint256 min, uint256 max);

    /// @notice The liquidation fee `fee` outside [min, max] (0..10% of the remaining margin).
    error LiquidationFeeOutOfBounds(uint256 fee, uint256 min, uint256 max);

    /// @notice Keeper, insurance and vault shares of the liquidation fee that do not sum to 100%.
    error LiquidationFeeSplitInvalid(uint256 keeperShare, uint256 insuranceShare, uint256 vaultShare);
}
