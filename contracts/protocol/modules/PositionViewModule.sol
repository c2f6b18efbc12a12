// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketId} from "../../types/MarketId.sol";
import {IPositionViewModule, PositionInfo, AccountSummary} from "../../interfaces/IPositionViewModule.sol";
import {MarginStorage} from "../storage/MarginStorage.sol";
import {VaultStorage} from "../storage/VaultStorage.sol";
import {PositionLogic} from "../logic/PositionLogic.sol";
import {ModuleBase} from "./ModuleBase.sol";

/// @title The position views module: read-only, on the position, margin and vault namespaces.
/// @dev Apart from `PositionModule` so that each stays under the 24,576-byte code limit; it writes nothing.
contract PositionViewModule is IPositionViewModule, ModuleBase {
    /// @notice This module's id in the entry contract's registry.
    bytes32 public constant MODULE_ID = "positionView";

    /// @inheritdoc ModuleBase
    function moduleId() external pure override returns (bytes32) {
        return MODULE_ID;
    }

    /// @inheritdoc ModuleBase
    function exportedSelectors() external pure virtual override returns (bytes4[] memory selectors) {
        selectors = new bytes4[](4);
        selectors[0] = IPositionViewModule.positionId.selector;
        selectors[1] = IPositionViewModule.position.selector;
        selectors[2] = IPositionViewModule.accountMarkets.selector;
        selectors[3] = IPositionViewModule.accountSummary.selector;
    }

    /// @inheritdoc IPositionViewModule
    function positionId(address account, MarketId marketId) external pure returns (bytes32) {
        return PositionLogic.id(account, marketId);
    }

    /// @inheritdoc IPositionViewModule
    function position(address account, MarketId marketId) external view onlyDelegateCall returns (PositionInfo memory) {
        return PositionLogic.info(account, marketId);
    }

    /// @inheritdoc IPositionViewModule
    function accountMarkets(address account) external view onlyDelegateCall returns (MarketId[] memory) {
        return PositionLogic.markets(account);
    }

    /// @inheritdoc IPositionViewModule
    function accountSummary(address account) external view onlyDelegateCall returns (AccountSummary memory s) {
        MarketId[] memory list = PositionLogic.markets(account);
        s.positionCount = list.length;
        s.collateral = MarginStorage.load().accounts[account].collateral;
        s.claimable = VaultStorage.load().claimable[account];
        s.positions = new PositionInfo[](list.length);
        for (uint256 i; i < list.length; ++i) {
            s.positions[i] = PositionLogic.info(account, list[i]);
        }
    }
}
