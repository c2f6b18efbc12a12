// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketId} from "../../types/MarketId.sol";

/// @title Errors of the liquidation module.
/// @dev Fractions are WAD (1e18 = 100%).
interface ILiquidationErrors {
    /// @notice `account`'s position in `marketId` has margin ratio `marginRatio`, at or above MM + band.
    error NotLiquidatable(address account, MarketId marketId, int256 marginRatio);

    /// @notice The liquidation fee `fee` outside [min, max] (0..10% of the remaining margin).
    error LiquidationFeeOutOfBounds(uint256 fee, uint256 min, uint256 max);

    /// @notice Keeper, insurance and vault shares of the liquidation fee that do not sum to 100%.
    error LiquidationFeeSplitInvalid(uint256 keeperShare, uint256 insuranceShare, uint256 vaultShare);
}
