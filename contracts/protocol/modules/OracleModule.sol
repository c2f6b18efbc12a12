// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {MarketId, MarketKind, MarketStatus} from "../../types/MarketId.sol";
import {IOracleModule, IIndexOracle, OraclePrices} from "../../interfaces/IOracleModule.sol";
import {Constants} from "../../libraries/Constants.sol";
import {MarketStorage} from "../storage/MarketStorage.sol";
import {OracleStorage} from "../storage/OracleStorage.sol";
import {PositionStorage} from "../storage/PositionStorage.sol";
import {AccrualLogic} from "../logic/AccrualLogic.sol";
import {OracleLogic} from "../logic/OracleLogic.sol";
import {TradingLogic} from "../logic/TradingLogic.sol";
import {ModuleBase} from "./ModuleBase.sol";

/// @title The oracle module: reference prices kept fresh by anyone, the prices every view shows, the oracle's
///        governance parameters.
contract OracleModule is IOracleModule, ModuleBase, ReentrancyGuardTransient {
    /// @notice This module's id in the entry contract's registry.
    bytes32 public constant MODULE_ID = "oracle";

    /// @inheritdoc ModuleBase
    function moduleId() external pure override returns (bytes32) {
        return MODULE_ID;
    }

    /// @inheritdoc ModuleBase
    function exportedSelectors() external pure virtual override returns (bytes4[] memory selectors) {
        selectors = new bytes4[](11);
        selectors[0] = IOracleModule.poke.selector;
        selectors[1] = IOracleModule.accrue.selector;
        selectors[2] = IOracleModule.oraclePrices.selector;
        selectors[3] = IOracleModule.spotPrice.selector;
        selectors[4] = IOracleModule.referencePrice.selector;
        selectors[5] = IOracleModule.poolTaoReserve.selector;
        selectors[6] = IOracleModule.isBelowLiquidityThreshold.selector;
        selectors[7] = IOracleModule.indexOracle.selector;
        selectors[8] = IOracleModule.setIndexOracle.selector;
        selectors[9] = IOracleModule.oracleParams.selector;
        selectors[10] = IOracleModule.setOracleParams.selector;
    }

    // ---------------------------------------------------------------- keepers

    /// @inheritdoc IOracleModule
    function poke(MarketId marketId) external onlyDelegateCall nonReentrant returns (uint256) {
        MarketStorage.Market storage m = MarketStorage.listed(marketId);
        // A settled market's reference is its settlement price for good.
        if (m.status == MarketStatus.Settled) return OracleLogic.storedReference(marketId);
        return OracleLogic.update(marketId, m).ref;
    }

    /// @inheritdoc IOracleModule
    function accrue(MarketId marketId) external onlyDelegateCall nonReentrant {
        MarketStorage.Market storage m = MarketStorage.listed(marketId);
        if (m.status == MarketStatus.Settled) {
            AccrualLogic.accrueInterest();
            return;
        }
        TradingLogic.accrue(marketId);
        PositionStorage.OpenInterest storage oi = PositionStorage.load().openInterest[marketId];
        AccrualLogic.markOpenInterest(marketId, oi.longSize + oi.shortSize, OracleLogic.storedReference(marketId));
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IOracleModule
    function oraclePrices(MarketId marketId) external view onlyDelegateCall returns (OraclePrices memory) {
        return OracleLogic.preview(marketId);
    }

    /// @inheritdoc IOracleModule
    function spotPrice(MarketId marketId) external view onlyDelegateCall returns (uint256) {
        MarketStorage.Market storage m = MarketStorage.listed(marketId);
        if (m.kind == MarketKind.Alpha) return OracleLogic.readAlpha(marketId, m.netuid);
        return OracleLogic.readIndex(marketId, OracleStorage.load().prices[marketId].indexOracle);
    }

    /// @inheritdoc IOracleModule
    function referencePrice(MarketId marketId) external view onlyDelegateCall returns (uint256, uint256) {
        MarketStorage.listed(marketId);
        OracleStorage.PriceState storage s = OracleStorage.load().prices[marketId];
        return (s.referencePrice, s.updatedAt);
    }

    /// @inheritdoc IOracleModule
    function poolTaoReserve(MarketId marketId) external view onlyDelegateCall returns (uint256) {
        MarketStorage.Market storage market = MarketStorage.listed(marketId);
        if (market.kind != MarketKind.Alpha) return 0;
        return OracleLogic.poolTao(market.netuid);
    }

    /// @inheritdoc IOracleModule
    function isBelowLiquidityThreshold(MarketId marketId) external view onlyDelegateCall returns (bool) {
        MarketStorage.Market storage market = MarketStorage.listed(marketId);
        if (market.kind != MarketKind.Alpha) return false;
        return OracleLogic.preview(marketId).poolTao < market.liquidityThreshold;
    }

    /// @inheritdoc IOracleModule
    function indexOracle(MarketId marketId) external view onlyDelegateCall returns (address) {
        MarketStorage.listed(marketId);
        return address(OracleStorage.load().prices[marketId].indexOracle);
    }

    /// @inheritdoc IOracleModule
    function oracleParams() external view onlyDelegateCall returns (uint256 settleAfter, uint256 indexMaxAge) {
        return OracleLogic.params();
    }

    // ---------------------------------------------------------------- governance

    /// @inheritdoc IOracleModule
    function setIndexOracle(MarketId marketId, IIndexOracle oracle) external onlyDelegateCall onlyOwner {
        MarketStorage.Market storage market = MarketStorage.listed(marketId);
        if (market.kind != MarketKind.Index) revert NotIndexMarket(marketId);
        if (address(oracle).code.length == 0) revert InvalidIndexOracle(address(oracle));
        OracleLogic.readIndex(marketId, oracle);
        OracleStorage.PriceState storage state = OracleStorage.load().prices[marketId];
        address previous = address(state.indexOracle);
        state.indexOracle = oracle;
        emit IndexOracleSet(marketId, previous, address(oracle));
    }

    /// @inheritdoc IOracleModule
    function setOracleParams(uint256 settleAfter, uint256 indexMaxAge) external onlyDelegateCall onlyOwner {
        if (settleAfter < Constants.MIN_SETTLE_AFTER || settleAfter > Constants.MAX_SETTLE_AFTER) {
            revert SettleAfterOutOfBounds(settleAfter, Constants.MIN_SETTLE_AFTER, Constants.MAX_SETTLE_AFTER);
        }
        if (indexMaxAge < Constants.MIN_INDEX_MAX_AGE || indexMaxAge > Constants.MAX_INDEX_MAX_AGE) {
            revert IndexMaxAgeOutOfBounds(indexMaxAge, Constants.MIN_INDEX_MAX_AGE, Constants.MAX_INDEX_MAX_AGE);
        }
        OracleStorage.Layout storage $ = OracleStorage.load();
        // Both below 2^32, checked above.
        // forge-lint: disable-next-line(unsafe-typecast)
        ($.settleAfter, $.indexMaxAge) = (uint32(settleAfter), uint32(indexMaxAge));
        emit OracleParamsSet(settleAfter, indexMaxAge);
    }
}
