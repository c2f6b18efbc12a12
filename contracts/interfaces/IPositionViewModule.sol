// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketId} from "../types/MarketId.sol";
import {MarginMath} from "../libraries/math/MarginMath.sol";

/// @notice One position as the views return it. Units: size 1e18 units of the asset (long > 0), prices TAO x 1e18,
///         amounts wei, ratios and leverage WAD.
struct PositionInfo {
    bytes32 positionId;
    address account;
    MarketId marketId;
    /// @dev 0 when there is no position (every other field is then 0 too).
    int256 size;
    uint256 entryPrice;
    /// @dev `|size| x entryPrice`, rounded up: the notional the margin ratio, open interest, funding and interest
    ///      use (GMX v2's `sizeInUsd`).
    uint256 entryNotional;
    /// @dev Margin after the last settlement.
    uint256 margin;
    /// @dev Funding owed since the last settlement (negative: earned).
    int256 accruedFunding;
    /// @dev Interest owed since the last settlement.
    uint256 accruedInterest;
    /// @dev The reference price a trade now would use (the mark).
    uint256 markPrice;
    /// @dev The spot price now (the mark when the price source fails).
    uint256 spotPrice;
    /// @dev PnL at the mark, before slippage, impact and fees.
    int256 unrealizedPnl;
    /// @dev `margin + unrealizedPnl - accruedFunding - accruedInterest`.
    int256 equity;
    /// @dev `equity / entryNotional`, signed WAD, at the mark: what no pool move within a block changes.
    int256 marginRatio;
    /// @dev `entryNotional / (margin - accruedFunding - accruedInterest)`; max uint when that is not positive.
    uint256 leverage;
    /// @dev The mark at which MR reaches MM, before fees: `entry x (1 + MM - 1/leverage)` for a long (docs/protocol.md
    ///      section 5, exact on the entry notional); for a short the lower of `entry x (1 - MM + 1/leverage)` and the
    ///      mark at which MR on its margin notional `max(entry, size x mark)` reaches MM. A long with nothing left is
    ///      liquidatable at any price (max uint); a short at any price (0).
    uint256 liquidationPrice;
    /// @dev Where it stands at the best for it of spot, mark and the block's starting reference: it is liquidatable
    ///      only when under water at all three.
    MarginMath.LiquidationStatus liquidationStatus;
    /// @dev The block of the last open or increase (no close or reduce in it).
    uint256 lastIncreaseBlock;
}

/// @notice An account's positions and collateral.
struct AccountSummary {
    uint256 positionCount;
    /// @dev Sum of its positions' margins, wei.
    uint256 collateral;
    /// @dev Payouts waiting for `claim`, wei.
    uint256 claimable;
    PositionInfo[] positions;
}

/// @title Views of positions and accounts, for the CLI and keepers.
/// @notice Positions are valued at the reference price a trade now would use (the mark) with the funding and
///         interest an accrual now would charge; the margin ratio is on the entry notional (see `IPositionModule`).
interface IPositionViewModule {
    /// @notice The id of `account`'s position in `marketId`: `keccak256(abi.encode(account, marketId))`.
    function positionId(address account, MarketId marketId) external pure returns (bytes32);

    /// @notice `account`'s position in `marketId` valued now (all zero but the ids if none).
    function position(address account, MarketId marketId) external view returns (PositionInfo memory);

    /// @notice The markets in which `account` holds a position.
    function accountMarkets(address account) external view returns (MarketId[] memory);

    /// @notice `account`'s positions valued now, its collateral and claimable payouts.
    function accountSummary(address account) external view returns (AccountSummary memory);
}
