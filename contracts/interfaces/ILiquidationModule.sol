// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketId} from "../types/MarketId.sol";
import {MarginMath} from "../libraries/math/MarginMath.sol";
import {ILiquidationErrors} from "../libraries/errors/LiquidationErrors.sol";

/// @title Liquidations and auto-deleveraging (docs/protocol.md section 5).
/// @notice Anyone liquidates a position that is under water at the spot, the reference price and the block's starting
///         reference: its margin ratio (on its entry notional; a short's on the larger of it and its size at the
///         reference) at the best of the three for it is below MM + band. Pushing spot alone can never liquidate a
///         position that is healthy at the reference. The position closes at the reference price (the mark), with no
///         slippage, impact or trading fee. Below MM: full liquidation; the fee (a share of the remaining equity) is
///         split keeper / insurance fund / vault and the rest of the equity is sent to the trader (with a gas limit;
///         credited for `claim` if that fails). From MM to MM + band: partial liquidation, closing just enough size to
///         bring MR at the mark back to MM + band (full if the rest would fall below the minimum notional); the fee is
///         charged on the closed share of the equity. The keeper receives at least the min keeper fee, topped up from
///         the insurance fund. A negative equity is bad debt, paid by the insurance fund first, then the vault.
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

    /// @notice A liquidation's keeper payment was brought up to the min keeper fee: `fromEquity` out of what the
    ///         trader would have got back, then `fromInsurance` from the insurance fund.
    event KeeperFloorPaid(bytes32 indexed positionId, uint256 fromEquity, uint256 fromInsurance);

    /// @notice `keeper` auto-deleveraged `sizeClosed` (signed like the position) at the mark `price`, realizing
    ///         `realizedPnl` and paying `payout` to the trader, with no fee.
    event AutoDeleveraged(
        bytes32 indexed positionId,
        address indexed account,
        MarketId indexed marketId,
        address keeper,
        int256 sizeClosed,
        uint256 price,
        int256 realizedPnl,
        uint256 payout
    );

    /// @notice New risk parameters.
    event RiskParamsSet(uint256 minMargin, uint256 minKeeperFee, uint256 maxPnlFactor, uint256 maxProfitMultiple);

    /// @notice The liquidation fee changed.
    event LiquidationFeeSet(uint256 previousFee, uint256 newFee);

    /// @notice The liquidation fee's split changed.
    event LiquidationFeeSplitSet(uint256 keeperShare, uint256 insuranceShare, uint256 vaultShare);

    /// @notice Liquidates `account`'s position in `marketId`, fully or partially. Anyone.
    /// @return full Whether the whole position was closed.
    /// @return sizeClosed The size closed, signed like the position.
    function liquidate(address account, MarketId marketId) external returns (bool full, int256 sizeClosed);

    /// @notice Auto-deleverages `account`'s position in `marketId` (anyone): while the traders' unrealized profit in
    ///         the market exceeds the max PnL factor x reserves, closes at the mark, with no fee, just enough of a
    ///         profitable position to bring it back under (all of it if the rest would be below the minimum notional).
    ///         The position must be at least as profitable per notional as its side's average (keepers take the most
    ///         profitable first); its profit is capped at the max profit multiple of the margin closed.
    /// @return sizeClosed The size closed, signed like the position.
    function autoDeleverage(address account, MarketId marketId) external returns (int256 sizeClosed);

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

    /// @notice The risk parameters (docs/protocol.md section 5). Amounts wei, factors WAD.
    /// @return minMargin A position's min margin (0.1 TAO at genesis).
    /// @return minKeeperFee What a liquidation pays its keeper at least (0.01 TAO), from the insurance fund when the
    ///         fee share is smaller.
    /// @return maxPnlFactor The cap on the traders' unrealized profit per market, of the reserves (30%): above it,
    ///         anyone may auto-deleverage.
    /// @return maxProfitMultiple The cap on a position's realized profit, multiple of the margin closed (9x).
    function riskParams()
        external
        view
        returns (uint256 minMargin, uint256 minKeeperFee, uint256 maxPnlFactor, uint256 maxProfitMultiple);

    /// @notice Sets the risk parameters. Owner only. Bounds: min keeper fee 0..1 TAO; min margin from the min keeper
    ///         fee to 10 TAO; max PnL factor 1%..90%; max profit multiple 1x..18x.
    function setRiskParams(uint256 minMargin, uint256 minKeeperFee, uint256 maxPnlFactor, uint256 maxProfitMultiple)
        external;
}
