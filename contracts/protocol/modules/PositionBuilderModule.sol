// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketId} from "../../types/MarketId.sol";
import {IPositionBuilderModule} from "../../interfaces/IPositionBuilderModule.sol";
import {ModuleBase} from "./ModuleBase.sol";
import {PositionTrading} from "./PositionModule.sol";

/// @title The position builder module: the position module's trades, each naming the frontend's builder (the code
///        they share is `PositionTrading`; a module of its own keeps both under the size limit).
contract PositionBuilderModule is IPositionBuilderModule, PositionTrading {
    /// @notice This module's id in the entry contract's registry.
    bytes32 public constant MODULE_ID = "positionBuilder";

    /// @inheritdoc ModuleBase
    function moduleId() external pure override returns (bytes32) {
        return MODULE_ID;
    }

    /// @inheritdoc ModuleBase
    function exportedSelectors() external pure virtual override returns (bytes4[] memory selectors) {
        selectors = new bytes4[](4);
        selectors[0] = IPositionBuilderModule.openPositionWithBuilder.selector;
        selectors[1] = IPositionBuilderModule.increasePositionWithBuilder.selector;
        selectors[2] = IPositionBuilderModule.reducePositionWithBuilder.selector;
        selectors[3] = IPositionBuilderModule.closePositionWithBuilder.selector;
    }

    /// @inheritdoc IPositionBuilderModule
    function openPositionWithBuilder(
        MarketId marketId,
        bool isLong,
        uint256 leverage,
        uint256 acceptablePrice,
        uint256 deadline,
        address builder
    ) external payable onlyDelegateCall beforeDeadline(deadline) returns (bytes32) {
        return _open(marketId, isLong, leverage, acceptablePrice, builder);
    }

    /// @inheritdoc IPositionBuilderModule
    function increasePositionWithBuilder(
        MarketId marketId,
        uint256 leverage,
        uint256 acceptablePrice,
        uint256 deadline,
        address builder
    ) external payable onlyDelegateCall beforeDeadline(deadline) {
        _increase(marketId, leverage, acceptablePrice, builder);
    }

    /// @inheritdoc IPositionBuilderModule
    function reducePositionWithBuilder(
        MarketId marketId,
        uint256 sizeDelta,
        uint256 acceptablePrice,
        uint256 deadline,
        address builder
    ) external onlyDelegateCall beforeDeadline(deadline) {
        _reduce(marketId, sizeDelta, acceptablePrice, builder);
    }

    /// @inheritdoc IPositionBuilderModule
    function closePositionWithBuilder(MarketId marketId, uint256 acceptablePrice, uint256 deadline, address builder)
        external
        onlyDelegateCall
        beforeDeadline(deadline)
    {
        _close(marketId, acceptablePrice, builder);
    }
}
