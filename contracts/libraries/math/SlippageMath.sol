// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Constants} from "../Constants.sol";

/// @title The utilization tier of slippage and execution prices.
/// @notice docs/protocol.md section 3: a fill executes at its base price (the worst for the trader of spot, reference
///         and the block's starting reference) moved against the trader by the base tier of the vault's utilization;
///         the skew impact is charged on top (`TradingLogic.skewImpact`). Prices are TAO per unit of the asset x 1e18,
///         slippage and utilization are WAD.
library SlippageMath {
    /// @notice A slippage of more than 100%.
    error SlippageAboveOne(uint256 slippage);

    /// @notice The base slippage for a utilization.
    /// @param u Utilization, WAD.
    /// @return 0.10% below 50%; 0.15% from 50% up to and including 75%; 0.25% above 75%.
    /// @dev The cut-offs belong to the higher tier at 50% and to the middle tier at 75% ("from 50% to 75%").
    function baseTier(uint256 u) internal pure returns (uint256) {
        if (u < Constants.SLIPPAGE_MID_TIER_UTILIZATION) return Constants.SLIPPAGE_LOW_TIER;
        if (u <= Constants.SLIPPAGE_HIGH_TIER_UTILIZATION) return Constants.SLIPPAGE_MID_TIER;
        return Constants.SLIPPAGE_HIGH_TIER;
    }

    /// @notice Whether a fill buys the asset: opening or increasing a long, or closing or reducing a short.
    /// @param isLong The position's side.
    /// @param increases Whether the fill increases the position (open/increase) rather than reducing it.
    /// @return True for a buy (fills above the oracle price), false for a sell (fills below).
    function isBuy(bool isLong, bool increases) internal pure returns (bool) {
        return isLong == increases;
    }

    /// @notice The execution price: the base price moved against the trader by the slippage.
    /// @param oraclePrice The base price, TAO per unit x 1e18.
    /// @param slippage_ WAD, at most 100%.
    /// @param buy Whether the fill buys (see `isBuy`).
    /// @return Buy: `price x (1 + s)` rounded UP. Sell: `price x (1 - s)` rounded DOWN. Both against the trader.
    function executionPrice(uint256 oraclePrice, uint256 slippage_, bool buy) internal pure returns (uint256) {
        if (slippage_ > Constants.WAD) revert SlippageAboveOne(slippage_);
        if (buy) return Math.mulDiv(oraclePrice, Constants.WAD + slippage_, Constants.WAD, Math.Rounding.Ceil);
        return Math.mulDiv(oraclePrice, Constants.WAD - slippage_, Constants.WAD);
    }
}
