// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {MarketId, MarketKind} from "../../types/MarketId.sol";
import {IAlpha} from "../../interfaces/IAlpha.sol";
import {IOracleModule, IIndexOracle} from "../../interfaces/IOracleModule.sol";
import {IOracleErrors} from "../../libraries/errors/OracleErrors.sol";
import {Bittensor} from "../../libraries/Bittensor.sol";
import {PriceBand} from "../../libraries/math/PriceBand.sol";
import {MarketStorage} from "../storage/MarketStorage.sol";
import {OracleStorage} from "../storage/OracleStorage.sol";
import {ModuleBase} from "./ModuleBase.sol";

/// @title The oracle's logic, on the `megatao.storage.oracle` namespace.
/// @dev Internal library: the oracle module serves it, the market module seeds it at listing, and the trading modules
///      will update the price they trade at through it. Only this library writes the oracle namespace.
library OracleLogic {
    using SafeCast for uint256;

    /// @notice The Alpha precompile.
    IAlpha internal constant ALPHA = IAlpha(Bittensor.ALPHA_PRECOMPILE);

    /// @notice A listed market's raw price (TAO x 1e18); reverts on zero.
    function spot(MarketId marketId) internal view returns (uint256) {
        MarketStorage.Market storage market = MarketStorage.listed(marketId);
        if (market.kind == MarketKind.Alpha) return readAlpha(marketId, market.netuid);
        return readIndex(marketId, OracleStorage.load().prices[marketId].indexOracle);
    }

    /// @notice The spot, the price an update would accept now, and whether the band clamps it.
    /// @dev Index markets are not clamped: their oracle's EMA is itself the spike filter (PROTOCOL.md section 4).
    function preview(MarketId marketId) internal view returns (uint256 spotPrice, uint256 price, bool clamped) {
        spotPrice = spot(marketId);
        MarketStorage.Market storage market = MarketStorage.load().markets[marketId];
        if (market.kind == MarketKind.Index) return (spotPrice, spotPrice, false);
        OracleStorage.PriceState storage state = OracleStorage.load().prices[marketId];
        (price, clamped) = PriceBand.clamp(referencePrice(state), spotPrice, market.priceBand);
    }

    /// @notice Reads the spot and accepts it within the band; stores and returns the accepted price.
    function update(MarketId marketId) internal returns (uint256 price, bool clamped) {
        uint256 spotPrice;
        (spotPrice, price, clamped) = preview(marketId);
        OracleStorage.PriceState storage state = OracleStorage.load().prices[marketId];
        if (state.lastBlock != block.number) {
            state.blockStartPrice = state.lastPrice;
            state.lastBlock = uint64(block.number);
        }
        state.lastPrice = price.toUint96();
        emit IOracleModule.PriceUpdated(marketId, spotPrice, price, clamped);
    }

    /// @notice Seeds a new market: its index oracle (zero for alpha) and its first accepted price.
    function initialize(MarketId marketId, IIndexOracle oracle, uint256 price) internal {
        OracleStorage.PriceState storage state = OracleStorage.load().prices[marketId];
        uint96 price96 = price.toUint96();
        state.lastPrice = price96;
        state.blockStartPrice = price96;
        state.lastBlock = uint64(block.number);
        if (address(oracle) != address(0)) {
            state.indexOracle = oracle;
            emit IOracleModule.IndexOracleSet(marketId, address(0), address(oracle));
        }
        emit IOracleModule.PriceUpdated(marketId, price, price, false);
    }

    /// @notice The band's reference for an update in the current block: the price accepted before it.
    function referencePrice(OracleStorage.PriceState storage state) internal view returns (uint256) {
        return state.lastBlock == block.number ? state.blockStartPrice : state.lastPrice;
    }

    /// @notice Subnet `netuid`'s alpha price (TAO x 1e18); reverts on zero.
    function readAlpha(MarketId marketId, uint16 netuid) internal view returns (uint256 price) {
        price = _readPrecompile(abi.encodeCall(IAlpha.getAlphaPrice, (netuid)), netuid);
        if (price == 0) revert IOracleErrors.OraclePriceZero(marketId);
    }

    /// @notice Subnet `netuid`'s pool TAO reserve, in wei.
    function poolTao(uint16 netuid) internal view returns (uint256) {
        return _readPrecompile(abi.encodeCall(IAlpha.getTaoInPool, (netuid)), netuid) * Bittensor.WEI_PER_RAO;
    }

    /// @notice Subnet `netuid`'s mechanism (`Bittensor.MECHANISM_*`).
    function mechanism(uint16 netuid) internal view returns (uint256) {
        return _readPrecompile(abi.encodeCall(IAlpha.getSubnetMechanism, (netuid)), netuid);
    }

    /// @notice An index oracle's price (TAO x 1e18); reverts on zero.
    function readIndex(MarketId marketId, IIndexOracle oracle) internal view returns (uint256 price) {
        (bool ok, bytes memory data) = address(oracle).staticcall(abi.encodeCall(IIndexOracle.price, ()));
        if (!ok || data.length < 32) revert IOracleErrors.IndexOracleUnavailable(address(oracle));
        price = abi.decode(data, (uint256));
        if (price > type(uint96).max) revert IOracleErrors.IndexOracleUnavailable(address(oracle));
        if (price == 0) revert IOracleErrors.OraclePriceZero(marketId);
    }

    /// @dev One word from the precompile; a revert (switched off) or an empty answer (no code) is reported as such.
    function _readPrecompile(bytes memory call, uint16 netuid) private view returns (uint256) {
        (bool ok, bytes memory data) = address(ALPHA).staticcall(call);
        if (!ok || data.length < 32) revert IOracleErrors.AlphaPrecompileUnavailable(netuid);
        return abi.decode(data, (uint256));
    }
}

/// @title The oracle module.
contract OracleModule is IOracleModule, ModuleBase {
    /// @notice This module's id in the entry contract's registry.
    bytes32 public constant MODULE_ID = "oracle";

    /// @inheritdoc ModuleBase
    function moduleId() external pure override returns (bytes32) {
        return MODULE_ID;
    }

    /// @inheritdoc ModuleBase
    function exportedSelectors() external pure virtual override returns (bytes4[] memory selectors) {
        selectors = new bytes4[](8);
        selectors[0] = IOracleModule.spotPrice.selector;
        selectors[1] = IOracleModule.previewPrice.selector;
        selectors[2] = IOracleModule.updatePrice.selector;
        selectors[3] = IOracleModule.lastPrice.selector;
        selectors[4] = IOracleModule.poolTaoReserve.selector;
        selectors[5] = IOracleModule.isBelowLiquidityThreshold.selector;
        selectors[6] = IOracleModule.indexOracle.selector;
        selectors[7] = IOracleModule.setIndexOracle.selector;
    }

    /// @inheritdoc IOracleModule
    function spotPrice(MarketId marketId) external view onlyDelegateCall returns (uint256) {
        return OracleLogic.spot(marketId);
    }

    /// @inheritdoc IOracleModule
    function previewPrice(MarketId marketId) external view onlyDelegateCall returns (uint256 price, bool clamped) {
        (, price, clamped) = OracleLogic.preview(marketId);
    }

    /// @inheritdoc IOracleModule
    function updatePrice(MarketId marketId) external onlyDelegateCall returns (uint256 price, bool clamped) {
        return OracleLogic.update(marketId);
    }

    /// @inheritdoc IOracleModule
    function lastPrice(MarketId marketId) external view onlyDelegateCall returns (uint256 price, uint256 blockNumber) {
        MarketStorage.listed(marketId);
        OracleStorage.PriceState storage state = OracleStorage.load().prices[marketId];
        return (state.lastPrice, state.lastBlock);
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
        return OracleLogic.poolTao(market.netuid) < market.liquidityThreshold;
    }

    /// @inheritdoc IOracleModule
    function indexOracle(MarketId marketId) external view onlyDelegateCall returns (address) {
        MarketStorage.listed(marketId);
        return address(OracleStorage.load().prices[marketId].indexOracle);
    }

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
}
