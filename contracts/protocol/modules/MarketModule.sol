// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {SignedMath} from "@openzeppelin/contracts/utils/math/SignedMath.sol";
import {IPositionModule} from "../../interfaces/IPositionModule.sol";
import {PositionMath} from "../../libraries/math/PositionMath.sol";
import {PositionStorage} from "../storage/PositionStorage.sol";
import {AccrualLogic} from "../logic/AccrualLogic.sol";
import {LpLogic} from "../logic/LpLogic.sol";
import {PositionLogic} from "../logic/PositionLogic.sol";
import {VaultLogic} from "../logic/VaultLogic.sol";
import {MarketId, MarketIdLibrary, MarketKind, MarketStatus} from "../../types/MarketId.sol";
import {IMarketModule, MarketParams, MarketListing, MarketInfo} from "../../interfaces/IMarketModule.sol";
import {IIndexOracle} from "../../interfaces/IOracleModule.sol";
import {IOracleErrors} from "../../libraries/errors/OracleErrors.sol";
import {Bittensor} from "../../libraries/Bittensor.sol";
import {MarketBounds} from "../../libraries/MarketBounds.sol";
import {FundingStorage} from "../storage/FundingStorage.sol";
import {MarketStorage} from "../storage/MarketStorage.sol";
import {OracleStorage} from "../storage/OracleStorage.sol";
import {RouterStorage} from "../storage/RouterStorage.sol";
import {OracleLogic} from "../logic/OracleLogic.sol";
import {TradingLogic} from "../logic/TradingLogic.sol";
import {ModuleBase} from "./ModuleBase.sol";

/// @title The market registry module, on the `megatao.storage.market` namespace.
contract MarketModule is IMarketModule, ModuleBase, ReentrancyGuardTransient {
    using SafeCast for uint256;

    /// @notice This module's id in the entry contract's registry.
    bytes32 public constant MODULE_ID = "market";

    /// @inheritdoc ModuleBase
    function moduleId() external pure override returns (bytes32) {
        return MODULE_ID;
    }

    /// @inheritdoc ModuleBase
    function exportedSelectors() external pure virtual override returns (bytes4[] memory selectors) {
        selectors = new bytes4[](10);
        selectors[0] = IMarketModule.listMarket.selector;
        selectors[1] = IMarketModule.updateMarketParams.selector;
        selectors[2] = IMarketModule.setMarketStatus.selector;
        selectors[3] = IMarketModule.market.selector;
        selectors[4] = IMarketModule.marketParams.selector;
        selectors[5] = IMarketModule.marketStatus.selector;
        selectors[6] = IMarketModule.marketIds.selector;
        selectors[7] = IMarketModule.marketIdByTicker.selector;
        selectors[8] = IMarketModule.settleMarket.selector;
        selectors[9] = IMarketModule.closeSettledPosition.selector;
    }

    // ---------------------------------------------------------------- governance

    /// @inheritdoc IMarketModule
    function listMarket(MarketListing calldata listing)
        external
        onlyDelegateCall
        onlyOwner
        returns (MarketId marketId)
    {
        bytes32 ticker = _tickerKey(listing.ticker);
        marketId = _listingId(listing, ticker);
        MarketBounds.check(listing.params, listing.kind);

        MarketStorage.Layout storage $ = MarketStorage.load();
        if ($.markets[marketId].status != MarketStatus.None) revert MarketAlreadyListed(marketId);
        MarketId holder = $.marketIdByTicker[ticker];
        if (!holder.isZero()) revert TickerTaken(listing.ticker, holder);

        (uint256 price, uint256 poolTao) = _readCriteria(listing, marketId);

        MarketStorage.Market storage m = $.markets[marketId];
        MarketStorage.setParams(m, listing.params);
        (m.ticker, m.kind, m.status, m.netuid) = (ticker, listing.kind, MarketStatus.Active, listing.netuid);
        m.listedAt = uint64(block.timestamp);
        $.marketIds.push(marketId);
        $.marketIdByTicker[ticker] = marketId;
        emit MarketListed(marketId, listing.ticker, listing.kind, listing.netuid, listing.params);
        OracleLogic.initialize(marketId, IIndexOracle(listing.indexOracle), price, poolTao, listing.netuid);
    }

    /// @inheritdoc IMarketModule
    function updateMarketParams(MarketId marketId, MarketParams calldata params)
        external
        onlyDelegateCall
        onlyOwner
        nonReentrant
    {
        MarketStorage.Market storage m = MarketStorage.listed(marketId);
        MarketBounds.check(params, m.kind);
        // Accrue first: the old reference period and funding cap apply up to now, the new ones from now on.
        if (m.status != MarketStatus.Settled) {
            OracleLogic.update(marketId, m);
            TradingLogic.accrue(marketId);
        }
        MarketParams memory previous = MarketStorage.params(m);
        MarketStorage.setParams(m, params);
        emit MarketParamsUpdated(marketId, previous, params);
    }

    /// @inheritdoc IMarketModule
    function setMarketStatus(MarketId marketId, MarketStatus status) external onlyDelegateCall onlyOwner {
        if (status == MarketStatus.None || status == MarketStatus.Settled) revert InvalidMarketStatus(status);
        MarketStorage.Market storage m = MarketStorage.listed(marketId);
        MarketStatus previous = m.status;
        if (previous == MarketStatus.Settled) revert MarketSettled(marketId);
        m.status = status;
        emit MarketStatusSet(marketId, previous, status);
    }

    /// @inheritdoc IMarketModule
    function settleMarket(MarketId marketId) external onlyDelegateCall nonReentrant returns (uint256 price) {
        MarketStorage.Market storage m = MarketStorage.listed(marketId);
        OracleStorage.PriceState storage s = OracleStorage.load().prices[marketId];
        (uint256 settleAfter,) = OracleLogic.params();
        if (m.status == MarketStatus.Settled) revert MarketNotSettleable(marketId, s.failingSince, settleAfter);
        // A working source moves the reference to now first; a failing one leaves the last good reference.
        OracleLogic.update(marketId, m);
        if (msg.sender != RouterStorage.load().owner) {
            uint256 failingSince = s.failingSince;
            // Failure is measured in chain time by design.
            // forge-lint: disable-next-line(block-timestamp)
            if (failingSince == 0 || block.timestamp < failingSince + settleAfter) {
                revert MarketNotSettleable(marketId, failingSince, settleAfter);
            }
        }
        // Funding and interest accrue to now at the open interest that held, then stop for the market's positions.
        (, uint256 interestIndex) = TradingLogic.accrue(marketId);
        FundingStorage.load().settledInterestIndex[marketId] = interestIndex;
        MarketStatus previous = m.status;
        m.status = MarketStatus.Settled;
        price = s.referencePrice;
        emit MarketStatusSet(marketId, previous, MarketStatus.Settled);
        emit MarketSettledAt(marketId, price, msg.sender);
    }

    /// @inheritdoc IMarketModule
    function closeSettledPosition(address account, MarketId marketId) external onlyDelegateCall nonReentrant {
        MarketStorage.Market storage m = MarketStorage.listed(marketId);
        if (m.status != MarketStatus.Settled) revert MarketNotSettled(marketId);
        (bytes32 id, PositionStorage.Position storage p) = PositionLogic.existing(account, marketId);
        TradingLogic.Context memory c = TradingLogic.settled(marketId);
        int256 size = p.size;
        uint256 margin = p.margin;
        uint256 notional = PositionLogic.entryNotional(p);
        (int256 pnl, int256 equity) = _settledEquity(id, p, c, notional);

        PositionLogic.removeFromAccount(account);
        PositionLogic.setMargin(account, p, margin, 0);
        delete PositionStorage.load().positions[id];
        TradingLogic.updateOpenInterest(c, size > 0, notional, 0, SignedMath.abs(size), 0);
        (uint256 payout,) = VaultLogic.exit(id, margin, equity);
        emit SettledPositionClosed(id, account, marketId, size, c.prices.ref, pnl, payout);
        VaultLogic.updateCircuitBreaker();
        VaultLogic.payOut(account, payout, msg.sender == account ? VaultLogic.ALL_GAS : VaultLogic.TRADER_PAYOUT_GAS);
    }

    /// @dev A settled market's position's PnL at the settlement price (capped) and its equity, its funding (at the
    ///      frozen index) and interest (to the settlement's index) settled.
    function _settledEquity(
        bytes32 id,
        PositionStorage.Position storage p,
        TradingLogic.Context memory c,
        uint256 notional
    ) private returns (int256 pnl, int256 equity) {
        (int256 funding, uint256 interest) =
            AccrualLogic.owed(p, notional, FundingStorage.load().markets[c.marketId].index, c.interestIndex);
        LpLogic.settleFunding(c.marketId, p.size > 0, funding);
        if (funding != 0 || interest != 0) emit IPositionModule.PositionSettled(id, funding, interest);
        uint256 margin = p.margin;
        pnl = TradingLogic.capProfit(PositionMath.pnl(p.size, p.entryPrice, c.prices.ref), margin);
        equity = margin.toInt256() + pnl - funding - interest.toInt256();
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IMarketModule
    function market(MarketId marketId) external view onlyDelegateCall returns (MarketInfo memory info) {
        MarketStorage.Market storage m = MarketStorage.listed(marketId);
        info = MarketInfo({
            ticker: _tickerString(m.ticker),
            kind: m.kind,
            status: m.status,
            netuid: m.netuid,
            listedAt: m.listedAt,
            params: MarketStorage.params(m)
        });
    }

    /// @inheritdoc IMarketModule
    function marketParams(MarketId marketId) external view onlyDelegateCall returns (MarketParams memory) {
        return MarketStorage.params(MarketStorage.listed(marketId));
    }

    /// @inheritdoc IMarketModule
    function marketStatus(MarketId marketId) external view onlyDelegateCall returns (MarketStatus) {
        return MarketStorage.load().markets[marketId].status;
    }

    /// @inheritdoc IMarketModule
    function marketIds() external view onlyDelegateCall returns (MarketId[] memory) {
        return MarketStorage.load().marketIds;
    }

    /// @inheritdoc IMarketModule
    function marketIdByTicker(string calldata ticker) external view onlyDelegateCall returns (MarketId) {
        bytes memory raw = bytes(ticker);
        if (raw.length > MarketBounds.MAX_TICKER_LENGTH) return MarketId.wrap(bytes32(0));
        // The length is at most 12, so nothing is truncated.
        // forge-lint: disable-next-line(unsafe-typecast)
        return MarketStorage.load().marketIdByTicker[bytes32(raw)];
    }

    // ---------------------------------------------------------------- internals

    /// @dev The id of the market a listing names, its netuid and index oracle checked for its kind.
    function _listingId(MarketListing calldata listing, bytes32 ticker) private view returns (MarketId) {
        uint16 netuid = listing.netuid;
        address oracle = listing.indexOracle;
        if (listing.kind == MarketKind.Alpha) {
            if (netuid == Bittensor.ROOT_NETUID) revert InvalidNetuid(netuid);
            if (oracle != address(0)) revert IOracleErrors.InvalidIndexOracle(oracle);
            return MarketIdLibrary.alpha(netuid);
        }
        if (netuid != 0) revert InvalidNetuid(netuid);
        if (oracle.code.length == 0) revert IOracleErrors.InvalidIndexOracle(oracle);
        return MarketIdLibrary.index(ticker);
    }

    /// @dev The listing criteria, read on chain now (a governance proposal is checked at execution): an alpha market's
    ///      subnet is dynamic, priced above zero, its pool at or above the threshold; an index market's oracle prices
    ///      above zero. Returns the price and the pool's TAO reserve (0 for an index market).
    function _readCriteria(MarketListing calldata listing, MarketId marketId)
        private
        view
        returns (uint256 price, uint256 poolTao)
    {
        uint16 netuid = listing.netuid;
        if (listing.kind != MarketKind.Alpha) {
            return (OracleLogic.readIndex(marketId, IIndexOracle(listing.indexOracle)), 0);
        }
        uint256 mechanism = OracleLogic.mechanism(netuid);
        if (mechanism != Bittensor.MECHANISM_DYNAMIC) revert SubnetNotDynamic(netuid, mechanism);
        price = OracleLogic.readAlpha(marketId, netuid);
        poolTao = OracleLogic.poolTao(netuid);
        uint256 threshold = listing.params.liquidityThreshold;
        if (poolTao < threshold) revert PoolBelowLiquidityThreshold(marketId, poolTao, threshold);
    }

    /// @dev Validates a ticker (2 to 12 of A-Z, 0-9) and packs it left-aligned into a bytes32.
    function _tickerKey(string calldata ticker) private pure returns (bytes32) {
        bytes calldata raw = bytes(ticker);
        uint256 length = raw.length;
        if (length < MarketBounds.MIN_TICKER_LENGTH || length > MarketBounds.MAX_TICKER_LENGTH) {
            revert InvalidTicker(ticker);
        }
        for (uint256 i; i < length; ++i) {
            bytes1 c = raw[i];
            if (!((c >= "A" && c <= "Z") || (c >= "0" && c <= "9"))) revert InvalidTicker(ticker);
        }
        // The length is at most 12, so nothing is truncated.
        // forge-lint: disable-next-line(unsafe-typecast)
        return bytes32(raw);
    }

    /// @dev The ticker string back from its packed form (it has no zero byte inside).
    function _tickerString(bytes32 key) private pure returns (string memory) {
        uint256 length;
        while (length < MarketBounds.MAX_TICKER_LENGTH && key[length] != 0) ++length;
        bytes memory raw = new bytes(length);
        for (uint256 i; i < length; ++i) {
            raw[i] = key[i];
        }
        return string(raw);
    }
}
