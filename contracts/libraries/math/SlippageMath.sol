// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Bittensor} from "../Bittensor.sol";
import {Constants} from "../Constants.sol";

/// @title Slippage and execution prices.
/// @notice PROTOCOL.md section 3: `slippage = baseTier(utilization) + notional / taoInPool`, capped at 20%, and the
///         fill happens at the oracle price moved against the trader by it. Prices are TAO per unit of the asset
///         x 1e18, slippage and utilization are WAD, notional is wei, and the pool reserve comes from the
///         precompile in rao (9 decimals) and is converted here (1 rao = 1e9 wei).
library SlippageMath {
    /// @notice A slippage of more than 100%.
    error SlippageAboveOne(uint256 slippage);

    /// @notice A fill whose slippage is beyond what the trader accepted.
    error SlippageExceeded(uint256 slippage, uint256 maxSlippage);

    /// @notice A TAO amount in rao (as the precompile reports it) in wei.
    /// @param rao Amount with 9 decimals.
    /// @return Amount with 18 decimals. Exact.
    function raoToWei(uint64 rao) internal pure returns (uint256) {
        return uint256(rao) * Bittensor.WEI_PER_RAO;
    }

    /// @notice The base slippage for a utilization.
    /// @param u Utilization, WAD.
    /// @return 0.10% below 50%; 0.15% from 50% up to and including 75%; 0.25% above 75%.
    /// @dev The cut-offs belong to the higher tier at 50% and to the middle tier at 75% ("from 50% to 75%").
    function baseTier(uint256 u) internal pure returns (uint256) {
        if (u < Constants.SLIPPAGE_MID_TIER_UTILIZATION) return Constants.SLIPPAGE_LOW_TIER;
        if (u <= Constants.SLIPPAGE_HIGH_TIER_UTILIZATION) return Constants.SLIPPAGE_MID_TIER;
        return Constants.SLIPPAGE_HIGH_TIER;
    }

    /// @notice The size term: what the same trade would move the constant-product pool, `notional / taoInPool`.
    /// @param notional The fill's notional, wei.
    /// @param taoInPoolRao The pool's TAO reserve, rao.
    /// @return WAD, saturated at `MAX_SLIPPAGE` (an empty pool gives the cap, so closes and liquidations still fill).
    /// @dev Rounds UP (against the trader).
    function sizeTerm(uint256 notional, uint64 taoInPoolRao) internal pure returns (uint256) {
        if (notional == 0) return 0;
        uint256 poolWei = raoToWei(taoInPoolRao);
        // Saturate first: past the cap the quotient is not needed, and below it `notional x WAD / pool` is under
        // 0.2e18, so the mulDiv never overflows whatever the notional.
        if (poolWei == 0 || notional >= Math.mulDiv(Constants.MAX_SLIPPAGE, poolWei, Constants.WAD)) {
            return Constants.MAX_SLIPPAGE;
        }
        return Math.mulDiv(notional, Constants.WAD, poolWei, Math.Rounding.Ceil);
    }

    /// @notice The slippage of a fill: base tier plus size term, capped at 20%.
    /// @param notional The fill's notional at the oracle price, wei.
    /// @param u Vault utilization, WAD.
    /// @param taoInPoolRao The pool's TAO reserve, rao.
    /// @return Slippage, WAD, at most `MAX_SLIPPAGE`.
    function slippage(uint256 notional, uint256 u, uint64 taoInPoolRao) internal pure returns (uint256) {
        return Math.min(baseTier(u) + sizeTerm(notional, taoInPoolRao), Constants.MAX_SLIPPAGE);
    }

    /// @notice Reverts when a fill's slippage is beyond the trader's limit.
    /// @param slippage_ The fill's slippage, WAD.
    /// @param maxSlippage The trader's limit, WAD.
    function checkMaxSlippage(uint256 slippage_, uint256 maxSlippage) internal pure {
        if (slippage_ > maxSlippage) revert SlippageExceeded(slippage_, maxSlippage);
    }

    /// @notice Whether a fill buys the asset: opening or increasing a long, or closing or reducing a short.
    /// @param isLong The position's side.
    /// @param increases Whether the fill increases the position (open/increase) rather than reducing it.
    /// @return True for a buy (fills above the oracle price), false for a sell (fills below).
    function isBuy(bool isLong, bool increases) internal pure returns (bool) {
        return isLong == increases;
    }

    /// @notice The execution price: the oracle price moved against the trader by the slippage.
    /// @param oraclePrice TAO per unit x 1e18.
    /// @param slippage_ WAD, at most 100%.
    /// @param buy Whether the fill buys (see `isBuy`).
    /// @return Buy: `price x (1 + s)` rounded UP. Sell: `price x (1 - s)` rounded DOWN. Both against the trader.
    function executionPrice(uint256 oraclePrice, uint256 slippage_, bool buy) internal pure returns (uint256) {
        if (slippage_ > Constants.WAD) revert SlippageAboveOne(slippage_);
        if (buy) return Math.mulDiv(oraclePrice, Constants.WAD + slippage_, Constants.WAD, Math.Rounding.Ceil);
        return Math.mulDiv(oraclePrice, Constants.WAD - slippage_, Constants.WAD);
    }
}
