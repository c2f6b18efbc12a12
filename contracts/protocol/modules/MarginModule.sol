// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {MarketId} from "../../types/MarketId.sol";
import {IMarginModule} from "../../interfaces/IMarginModule.sol";
import {Constants} from "../../libraries/Constants.sol";
import {PositionMath} from "../../libraries/math/PositionMath.sol";
import {PositionStorage} from "../storage/PositionStorage.sol";
import {PositionLogic} from "../logic/PositionLogic.sol";
import {TradingLogic} from "../logic/TradingLogic.sol";
import {VaultLogic} from "../logic/VaultLogic.sol";
import {ModuleBase} from "./ModuleBase.sol";

/// @title The margin module: margin added to and removed from isolated positions, on the `megatao.storage.position`
///        and `megatao.storage.margin` namespaces (through `PositionLogic`).
/// @dev Apart from the position modules so that each stays under the 24,576-byte code limit.
contract MarginModule is IMarginModule, ModuleBase, ReentrancyGuardTransient {
    using SafeCast for uint256;

    /// @notice This module's id in the entry contract's registry.
    bytes32 public constant MODULE_ID = "margin";

    /// @inheritdoc ModuleBase
    function moduleId() external pure override returns (bytes32) {
        return MODULE_ID;
    }

    /// @inheritdoc ModuleBase
    function exportedSelectors() external pure virtual override returns (bytes4[] memory selectors) {
        selectors = new bytes4[](2);
        selectors[0] = IMarginModule.addMargin.selector;
        selectors[1] = IMarginModule.removeMargin.selector;
    }

    /// @inheritdoc IMarginModule
    function addMargin(MarketId marketId) external payable onlyDelegateCall nonReentrant {
        TradingLogic.checkRaoMultiple(msg.value);
        if (msg.value == 0) revert InvalidMarginAmount(0, 0);
        (bytes32 id, PositionStorage.Position storage p) = PositionLogic.existing(msg.sender, marketId);
        // Margin only grows: no price, no accrual, no settlement. What the position owes is measured from its index
        // snapshots whatever its margin, and is settled at its next trade.
        uint256 oldMargin = p.margin;
        uint256 newMargin = oldMargin + msg.value;
        PositionLogic.setMargin(msg.sender, p, oldMargin, newMargin);
        emit MarginAdded(id, msg.value, newMargin);
    }

    /// @inheritdoc IMarginModule
    function removeMargin(MarketId marketId, uint256 amount) external onlyDelegateCall nonReentrant {
        TradingLogic.checkRaoMultiple(amount);
        (bytes32 id, PositionStorage.Position storage p) = PositionLogic.existing(msg.sender, marketId);
        TradingLogic.Context memory c = TradingLogic.begin(marketId, TradingLogic.Mode.Decrease);
        if (c.prices.broken) revert OraclePriceUnavailable(marketId);
        uint256 oldMargin = p.margin;
        uint256 notional = PositionLogic.entryNotional(p);
        uint256 netMargin =
            PositionLogic.settle(msg.sender, marketId, id, p, notional, c.fundingIndex, c.interestIndex, 0);
        if (amount == 0 || amount > netMargin) revert InvalidMarginAmount(amount, netMargin);
        uint256 newMargin = netMargin - amount;
        TradingLogic.checkMinMargin(newMargin);
        // Initial margin, unrealized gains not counted; and never into the liquidation band.
        int256 pnl = PositionMath.pnl(p.size, p.entryPrice, TradingLogic.favourablePrice(c, p.size > 0));
        uint256 initialMargin = Math.mulDiv(Constants.WAD, Constants.WAD, c.params.maxLeverage, Math.Rounding.Ceil);
        PositionLogic.checkMarginRatio(
            msg.sender,
            marketId,
            newMargin.toInt256() + (pnl < 0 ? pnl : int256(0)),
            PositionLogic.marginNotional(p.size, notional, c.prices.ref),
            Math.max(initialMargin, uint256(c.params.maintenanceMargin) + c.params.partialLiquidationBand)
        );

        PositionLogic.setMargin(msg.sender, p, oldMargin, newMargin);
        emit MarginRemoved(id, amount, newMargin);
        VaultLogic.updateCircuitBreaker();
        VaultLogic.payOut(msg.sender, amount, VaultLogic.ALL_GAS);
    }
}
