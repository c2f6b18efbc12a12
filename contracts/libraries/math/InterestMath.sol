// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Constants} from "../Constants.sol";

/// @title Utilization, the interest (borrow fee) rate, and the global cumulative interest index.
/// @notice docs/protocol.md section 6. Both sides pay interest to the vault. The index is the cumulative interest per
///         unit of notional (WAD, never decreasing); a position with notional `n` owes `n x (indexNow - indexAt)`.
///         Each accrual step adds simple interest `annualRate x elapsed / SECONDS_PER_YEAR`; steps do not compound
///         on each other (the rate is re-read at every step, because utilization changes only where the protocol
///         accrues first). Unlike funding, interest has no cap on the gap: every second counts.
library InterestMath {
    /// @notice The index is lower than the index a position settled at.
    error InterestIndexDecreased(uint256 indexAtSettle, uint256 indexNow);

    /// @notice Open notional as a fraction of vault reserves.
    /// @param openNotional Total open notional (both sides), wei.
    /// @param reserves Vault reserves, wei.
    /// @return u Utilization, WAD; `type(uint256).max` when there is open notional and no reserves.
    /// @dev Rounds UP: a higher utilization means a higher rate, a higher slippage tier and stricter limits, which
    ///      is the side against the trader. Zero over zero is 0.
    function utilization(uint256 openNotional, uint256 reserves) internal pure returns (uint256) {
        if (openNotional == 0) return 0;
        if (reserves == 0) return type(uint256).max;
        return Math.mulDiv(openNotional, Constants.WAD, reserves, Math.Rounding.Ceil);
    }

    /// @notice The annual interest rate at a utilization: `min(80%, 0.01% + 20% x u^2)`.
    /// @param u Utilization, WAD.
    /// @return Annual rate, WAD.
    /// @dev Rounds `u^2` and the slope term UP (against the trader). At u >= 2 the uncapped rate is above 80%, so
    ///      the cap is returned before squaring (which also keeps a huge `u` from overflowing).
    function annualRate(uint256 u) internal pure returns (uint256) {
        if (u >= 2 * Constants.WAD) return Constants.INTEREST_MAX_RATE_PER_YEAR;
        uint256 uSquared = Math.mulDiv(u, u, Constants.WAD, Math.Rounding.Ceil);
        uint256 rate = Constants.INTEREST_BASE_RATE_PER_YEAR
            + Math.mulDiv(Constants.INTEREST_SLOPE_PER_YEAR, uSquared, Constants.WAD, Math.Rounding.Ceil);
        return Math.min(rate, Constants.INTEREST_MAX_RATE_PER_YEAR);
    }

    /// @notice The annual rate per second, for display.
    /// @param annualRate_ WAD per year.
    /// @return WAD per second, rounded UP.
    function ratePerSecond(uint256 annualRate_) internal pure returns (uint256) {
        return Math.ceilDiv(annualRate_, Constants.SECONDS_PER_YEAR);
    }

    /// @notice How much the index grows over a gap at a constant rate (simple interest).
    /// @param annualRate_ WAD per year.
    /// @param elapsed Seconds since the last accrual.
    /// @return WAD per unit of notional.
    /// @dev Rounds UP: interest only flows from traders to the vault, so a shared index rounded up is against
    ///      every trader alike.
    function indexDelta(uint256 annualRate_, uint256 elapsed) internal pure returns (uint256) {
        return Math.mulDiv(annualRate_, elapsed, Constants.SECONDS_PER_YEAR, Math.Rounding.Ceil);
    }

    /// @notice The cumulative index after an accrual.
    /// @param index The index before, WAD.
    /// @param annualRate_ The rate that held over the gap, WAD per year.
    /// @param elapsed Seconds since the last accrual.
    /// @return The new index, WAD.
    function advanceIndex(uint256 index, uint256 annualRate_, uint256 elapsed) internal pure returns (uint256) {
        return index + indexDelta(annualRate_, elapsed);
    }

    /// @notice The interest a position owes since it last settled.
    /// @param notional The notional it is charged on, wei.
    /// @param indexAtSettle The index when it last settled.
    /// @param indexNow The index now.
    /// @return Wei owed to the vault.
    /// @dev Rounds UP (against the trader).
    function owed(uint256 notional, uint256 indexAtSettle, uint256 indexNow) internal pure returns (uint256) {
        if (indexNow < indexAtSettle) revert InterestIndexDecreased(indexAtSettle, indexNow);
        return Math.mulDiv(notional, indexNow - indexAtSettle, Constants.WAD, Math.Rounding.Ceil);
    }
}
