// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Constants} from "../Constants.sol";

/// @title The per-market price band: how far one oracle update may move the accepted price.
/// @notice PROTOCOL.md section 3. A reading more than `band` away from the last accepted price is clamped to the
///         edge of the band; opens revert on a clamped reading, closes and liquidations use the clamped price.
///         Prices are TAO per unit x 1e18, the band is WAD.
library PriceBand {
    /// @notice An oracle reading of zero, which is never a price.
    error ZeroPrice();

    /// @notice A band of 100% or more (the lower edge would reach zero).
    error BandNotBelowOne(uint256 band);

    /// @notice The band's edges around the last accepted price.
    /// @param lastPrice The last accepted price (nonzero).
    /// @param band WAD, below 100%.
    /// @return lower `last x (1 - band)`, rounded UP.
    /// @return upper `last x (1 + band)`, rounded DOWN.
    /// @dev Both edges round toward `lastPrice`, so a clamped price never moves more than the band.
    function bounds(uint256 lastPrice, uint256 band) internal pure returns (uint256 lower, uint256 upper) {
        if (band >= Constants.WAD) revert BandNotBelowOne(band);
        lower = Math.mulDiv(lastPrice, Constants.WAD - band, Constants.WAD, Math.Rounding.Ceil);
        upper = Math.mulDiv(lastPrice, Constants.WAD + band, Constants.WAD);
    }

    /// @notice Clamps a new reading to the band around the last accepted price.
    /// @param lastPrice The last accepted price; 0 if the market has none yet (the reading is then accepted as is).
    /// @param newPrice The new oracle reading (nonzero).
    /// @param band WAD, below 100%.
    /// @return accepted The price to use: `newPrice` if inside the band, else the nearer edge.
    /// @return clamped Whether the reading was outside the band.
    function clamp(uint256 lastPrice, uint256 newPrice, uint256 band)
        internal
        pure
        returns (uint256 accepted, bool clamped)
    {
        if (newPrice == 0) revert ZeroPrice();
        if (lastPrice == 0) return (newPrice, false);
        (uint256 lower, uint256 upper) = bounds(lastPrice, band);
        if (newPrice < lower) return (lower, true);
        if (newPrice > upper) return (upper, true);
        return (newPrice, false);
    }
}
