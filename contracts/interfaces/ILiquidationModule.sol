// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketId} from "../types/MarketId.sol";
import {MarginMath} from "../libraries/math/MarginMath.sol";
import {ILiquidationErrors} from "../libraries/errors/LiquidationErrors.sol";

/// @title Liquidations (PROTOCOL.md section 5).
/// @notice Anyone liquidates a position whose margin ratio (on its entry notional, at the oracle price, which the
///         band may clamp) is below MM + band. Below MM: full liquidation; the fee (a share of the remaining
///         equity) is split keeper / insurance fund / vault and the rest of the equity is sent to the trader (with a gas limit;
///         credited for `claim` if that fails). From MM to MM + band: partial liquidation, closing just enough size to bring MR back to
///         MM + band (full if the rest would fall below the minimum notional); the fee is charged on the closed
///         share of the equity. A negative equity is bad debt, paid by the insurance fund first, then the vault.
///         No slippage and no trading fee apply; the keeper's share is sent to the caller (credited if that fails).
interface ILiquidationModule is ILiquidationErrors {
    /// @notice `keeper` liquidated `sizeClosed` (signed like the position) of a position at `price`.
    event PositionLiquidated(
        bytes32 indexed positionId,
        address indexed account,
        MarketId indexed marketId,
        address keeper,
        int256 sizeClosed,
        uint256 price,
        uint256 toTrader,
        uint256 badDebt,
        bool full
    );

    /// @notice The liquidation fee of a liquidation and where it went.
    event LiquidationFeeBooked(bytes32 indexed positionId, uint256 toKeeper, uint256 toInsurance, uint256 toVault);

    /// @notice The liquidation fee changed.
    event LiquidationFeeSet(uint256 previousFee, uint256 newFee);

    /// @notice The liquidation fee's split changed.
    event LiquidationFeeSplitSet(uint256 keeperShare, uint256 insuranceShare, uint256 vaultShare);

    /// @notice Liquidates `account`'s position in `marketId`, fully or partially. Anyone.
    /// @return full Whether the whole position was closed.
    /// @return sizeClosed The size closed, signed like the position.
    function liquidate(address account, MarketId marketId) external returns (bool full, int256 sizeClosed);

    /// @notice Where `account`'s position in `marketId` stands now (`None` also when there is no position).
    function liquidationStatus(address account, MarketId marketId) external view returns (MarginMath.LiquidationStatus);

    /// @notice The liquidation fee (WAD of the remaining equity) and its split (WAD, summing to 100%).
    function liquidationParams()
        external
        view
        returns (uint256 fee, uint256 keeperShare, uint256 insuranceShare, uint256 vaultShare);

    /// @notice Sets the liquidation fee, 0..10%. Owner only.
    function setLiquidationFee(uint256 fee) external;

    /// @notice Sets the liquidation fee's split; the shares sum to 100%. Owner only.
    function setLiquidationFeeSplit(uint256 keeperShare, uint256 insuranceShare, uint256 vaultShare) external;
}
