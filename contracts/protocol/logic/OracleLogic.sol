// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {MarketId, MarketKind, MarketStatus} from "../../types/MarketId.sol";
import {IAlpha} from "../../interfaces/IAlpha.sol";
import {ISubnet} from "../../interfaces/ISubnet.sol";
import {IOracleModule, IIndexOracle, OraclePrices} from "../../interfaces/IOracleModule.sol";
import {IOracleErrors} from "../../libraries/errors/OracleErrors.sol";
import {Bittensor} from "../../libraries/Bittensor.sol";
import {Constants} from "../../libraries/Constants.sol";
import {TimeWeightedEma} from "../../oracles/TimeWeightedEma.sol";
import {MarketStorage} from "../storage/MarketStorage.sol";
import {OracleStorage} from "../storage/OracleStorage.sol";

/// @title Reference prices, spot readings and depth, on the `megatao.storage.oracle` namespace (docs/protocol.md
///        sections 3 and 3a).
/// @dev Internal library of the oracle, market and trading modules; only it writes the oracle namespace.
///      Who can move each input, and what it changes:
///      - the pool (anyone, in any transaction): the spot and the pool's TAO reserve read now. The reference is
///        updated only by the first touch of a block, from the reading stored by the last block that touched the
///        market (of its readings the one nearest the reference): a reading set and undone inside one transaction
///        enters only if no other transaction touched the market in that block, and then weighs only the time to
///        the next update (keepers' `poke` keeps that short). Depth reads the smaller of the reserve now and the
///        smallest reading of the last touched block.
///      - the clock (a validator, seconds): `dt`, capped at the period.
///      - the order of transactions in a block: after the block's first touch the reference is fixed for the block.
library OracleLogic {
    using SafeCast for uint256;

    /// @notice The Alpha precompile and the subnet precompile (emulators on local chains).
    IAlpha internal constant ALPHA = IAlpha(Bittensor.ALPHA_PRECOMPILE);
    ISubnet internal constant SUBNET = ISubnet(Bittensor.SUBNET_PRECOMPILE);

    /// @dev A price state's slot 0, read once (memory, against stack depth).
    struct Stored {
        uint256 ref;
        uint256 held;
        uint256 updatedAt;
        uint256 poolWhole;
    }

    /// @notice A market's prices for one trade.
    struct Prices {
        /// @dev Alpha: the precompile's price now; index: the oracle's EMA. The reference when the source fails.
        uint256 spot;
        /// @dev The reference price (the mark), after this block's update.
        uint256 ref;
        /// @dev The reference price before this block's update: fills are priced at the worst of spot, `ref` and it.
        uint256 refBefore;
        /// @dev Alpha: the depth reading, wei; index: 0.
        uint256 poolTao;
        /// @dev What the divergence limit compares with the reference: the spot (alpha), the oracle's last reading
        ///      of its input (index).
        uint256 divergenceSpot;
        /// @dev The source fails: no opens, closes at the reference.
        bool broken;
    }

    // ---------------------------------------------------------------- updates (trades, poke)

    /// @notice Reads `marketId`'s price source and updates its reference price (once per block); never reverts on
    ///         a failing source (it is recorded and the reference stands in for the spot).
    function update(MarketId marketId, MarketStorage.Market storage m) internal returns (Prices memory p) {
        OracleStorage.PriceState storage s = OracleStorage.load().prices[marketId];
        if (m.kind == MarketKind.Index) return _updateIndex(marketId, s);
        Stored memory st = Stored(s.referencePrice, s.heldSpot, s.updatedAt, s.poolTao);
        bool first = st.updatedAt != block.timestamp;
        bool ok;
        uint256 poolWei;
        (ok, p.spot, poolWei) = readAlphaNow(m.netuid);
        // A subnet deregistered and registered again under the netuid starts a new pool, whose price stands far from
        // the reference: the registration is read when the spot diverges, so a normal update pays nothing for it.
        if (ok && first && _diverges(p.spot, st.ref, m)) ok = _sameRegistration(s, m.netuid);
        if (!ok) return _fail(marketId, s, st.ref, st.poolWhole * Constants.WAD);
        p.poolTao = Math.min(poolWei, st.poolWhole * Constants.WAD);
        if (first) {
            p.refBefore = st.ref;
            uint256 period = m.referencePeriod;
            // What held over the gap is known at its two ends only: the held reading and the reading now. The one
            // nearer the reference is weighed, so a reading pushed and restored before anyone else looked counts for
            // nothing unless the pool is pushed again at the gap's end too (docs/protocol.md section 3).
            uint256 weighed = _nearest(st.held, p.spot, st.ref);
            st.ref = TimeWeightedEma.next(st.ref, weighed, Math.min(block.timestamp - st.updatedAt, period), period);
            emit IOracleModule.ReferencePriceUpdated(marketId, weighed, st.ref);
            bool wasFailing = s.failingSince != 0;
            // Below 2^96: a stored reference; the depth is stored whole TAO in 24 bits.
            // forge-lint: disable-next-line(unsafe-typecast)
            (s.blockStartReference, s.failingSince, s.blockStartPoolTao) = (uint96(p.refBefore), 0, uint24(st.poolWhole));
            (st.held, st.poolWhole) = (p.spot, _whole(poolWei));
            if (wasFailing) emit IOracleModule.PriceSourceRecovered(marketId);
        } else {
            (p.refBefore, p.poolTao) = (s.blockStartReference, Math.min(p.poolTao, s.blockStartPoolTao * Constants.WAD));
            st.held = _nearest(st.held, p.spot, st.ref);
            st.poolWhole = Math.min(st.poolWhole, _whole(poolWei));
        }
        // Below 2^96: the reference lies between readings, which `readAlphaNow` bounds; the time fits 40 bits.
        // forge-lint: disable-next-line(unsafe-typecast)
        (s.referencePrice, s.heldSpot, s.updatedAt, s.poolTao) =
            (uint96(st.ref), uint96(st.held), uint40(block.timestamp), uint24(st.poolWhole));
        (p.ref, p.divergenceSpot) = (st.ref, p.spot);
    }

    /// @notice Seeds a new market: its first reference price (the listing's reading), its depth reading, its index
    ///         oracle (zero for alpha) and, for an alpha market, the subnet's registration block.
    function initialize(MarketId marketId, IIndexOracle oracle, uint256 price, uint256 poolWei, uint16 netuid)
        internal
    {
        OracleStorage.PriceState storage s = OracleStorage.load().prices[marketId];
        uint96 price96 = price.toUint96();
        (s.referencePrice, s.heldSpot, s.updatedAt, s.poolTao) =
            (price96, price96, uint40(block.timestamp), uint24(_whole(poolWei)));
        (s.blockStartReference, s.blockStartPoolTao) = (price96, uint24(_whole(poolWei)));
        if (address(oracle) != address(0)) {
            s.indexOracle = oracle;
            emit IOracleModule.IndexOracleSet(marketId, address(0), address(oracle));
        } else {
            s.registeredAt = uint56(_registrationBlock(netuid));
        }
        emit IOracleModule.ReferencePriceUpdated(marketId, price, price);
    }

    // ---------------------------------------------------------------- views

    /// @notice What `update` would see now, nothing stored.
    function preview(MarketId marketId) internal view returns (OraclePrices memory r) {
        MarketStorage.Market storage m = MarketStorage.listed(marketId);
        OracleStorage.PriceState storage s = OracleStorage.load().prices[marketId];
        (r.storedReferencePrice, r.heldSpot, r.updatedAt, r.failingSince) =
            (s.referencePrice, s.heldSpot, s.updatedAt, s.failingSince);
        r.referencePrice = r.storedReferencePrice;
        bool touched = r.updatedAt == block.timestamp;
        r.blockStartReferencePrice = touched ? s.blockStartReference : r.storedReferencePrice;
        // A settled market stands at its settlement price (the stored reference), whatever its source says now.
        if (m.status == MarketStatus.Settled) {
            (r.broken, r.poolTao) = (true, uint256(s.poolTao) * Constants.WAD);
            return r;
        }
        if (m.kind == MarketKind.Index) {
            (bool ok, uint256 price, uint256 input, uint256 updatedAt) = _peekIndex(s.indexOracle);
            r.broken = !ok || _isStale(updatedAt);
            if (ok) {
                (r.spot, r.referencePrice, r.heldSpot) = (price, price, input);
                r.divergence = divergence(input, price);
            }
            return r;
        }
        uint256 poolWei;
        bool readable;
        (readable, r.spot, poolWei) = readAlphaNow(m.netuid);
        // An unreadable pool keeps the last good depth, as a trade measures it (`_fail`).
        r.poolTao = uint256(touched ? Math.min(s.poolTao, s.blockStartPoolTao) : s.poolTao) * Constants.WAD;
        if (readable) r.poolTao = Math.min(r.poolTao, poolWei);
        r.broken = !readable || (_diverges(r.spot, r.storedReferencePrice, m) && !_sameRegistration(s, m.netuid));
        if (!r.broken && r.updatedAt != block.timestamp) {
            uint256 period = m.referencePeriod;
            r.referencePrice = TimeWeightedEma.next(
                r.storedReferencePrice,
                _nearest(r.heldSpot, r.spot, r.storedReferencePrice),
                Math.min(block.timestamp - r.updatedAt, period),
                period
            );
        }
        if (readable) r.divergence = divergence(r.spot, r.referencePrice);
        (, r.movingPrice) = _tryRead(abi.encodeCall(IAlpha.getMovingAlphaPrice, (m.netuid)));
    }

    /// @notice The stored reference price: the mark of anything valued outside a trade (LP equity).
    function storedReference(MarketId marketId) internal view returns (uint256) {
        return OracleStorage.load().prices[marketId].referencePrice;
    }

    /// @notice `|spot - ref| / ref`, WAD, rounded up.
    function divergence(uint256 spot, uint256 ref) internal pure returns (uint256) {
        uint256 gap = spot > ref ? spot - ref : ref - spot;
        return Math.mulDiv(gap, Constants.WAD, ref, Math.Rounding.Ceil);
    }

    /// @notice The failure time after which anyone may settle a market, and the max age of an index price (their
    ///         genesis values until governance sets them).
    function params() internal view returns (uint256 settleAfter, uint256 indexMaxAge) {
        OracleStorage.Layout storage $ = OracleStorage.load();
        (settleAfter, indexMaxAge) = ($.settleAfter, $.indexMaxAge);
        if (settleAfter == 0) settleAfter = Constants.GENESIS_SETTLE_AFTER;
        if (indexMaxAge == 0) indexMaxAge = Constants.GENESIS_INDEX_MAX_AGE;
    }

    // ---------------------------------------------------------------- reads (listing and views)

    /// @notice Subnet `netuid`'s alpha price and pool TAO reserve (wei) now; `ok` false when the precompile reverts,
    ///         answers nothing, or prices the subnet at zero or beyond 96 bits.
    function readAlphaNow(uint16 netuid) internal view returns (bool ok, uint256 spot, uint256 poolWei) {
        (ok, spot) = _tryRead(abi.encodeCall(IAlpha.getAlphaPrice, (netuid)));
        if (!ok || spot == 0 || spot > type(uint96).max) return (false, 0, 0);
        (ok, poolWei) = _tryRead(abi.encodeCall(IAlpha.getTaoInPool, (netuid)));
        if (!ok) return (false, 0, 0);
        poolWei *= Bittensor.WEI_PER_RAO;
    }

    /// @notice Subnet `netuid`'s alpha price (TAO x 1e18); reverts on zero or an unavailable precompile.
    function readAlpha(MarketId marketId, uint16 netuid) internal view returns (uint256 price) {
        price = _readPrecompile(abi.encodeCall(IAlpha.getAlphaPrice, (netuid)), netuid);
        if (price == 0) revert IOracleErrors.OraclePriceZero(marketId);
    }

    /// @notice Subnet `netuid`'s pool TAO reserve, in wei; reverts on an unavailable precompile.
    function poolTao(uint16 netuid) internal view returns (uint256) {
        return _readPrecompile(abi.encodeCall(IAlpha.getTaoInPool, (netuid)), netuid) * Bittensor.WEI_PER_RAO;
    }

    /// @notice Subnet `netuid`'s mechanism (`Bittensor.MECHANISM_*`).
    function mechanism(uint16 netuid) internal view returns (uint256) {
        return _readPrecompile(abi.encodeCall(IAlpha.getSubnetMechanism, (netuid)), netuid);
    }

    /// @notice An index oracle's price (TAO x 1e18); reverts on zero or an unavailable oracle.
    function readIndex(MarketId marketId, IIndexOracle oracle) internal view returns (uint256 price) {
        (bool ok, bytes memory data) = address(oracle).staticcall(abi.encodeCall(IIndexOracle.price, ()));
        if (!ok || data.length < 32) revert IOracleErrors.IndexOracleUnavailable(address(oracle));
        price = abi.decode(data, (uint256));
        if (price > type(uint96).max) revert IOracleErrors.IndexOracleUnavailable(address(oracle));
        if (price == 0) revert IOracleErrors.OraclePriceZero(marketId);
    }

    // ---------------------------------------------------------------- internals

    /// @dev An index market: the oracle refreshes its EMA (never reverting on its input), and the protocol keeps a
    ///      copy as the market's reference (its fallback and the LPs' mark). A reverting oracle, or one whose last
    ///      successful update is older than the max age, fails.
    function _updateIndex(MarketId marketId, OracleStorage.PriceState storage s) private returns (Prices memory p) {
        uint256 stored = s.referencePrice;
        (bool ok, uint256 price, uint256 input, uint256 updatedAt) = _refreshIndex(s.indexOracle);
        if (!ok) return _fail(marketId, s, stored, 0);
        if (s.updatedAt != block.timestamp) {
            p.refBefore = stored;
            // Below 2^96: a stored reference.
            // forge-lint: disable-next-line(unsafe-typecast)
            s.blockStartReference = uint96(stored);
        } else {
            p.refBefore = s.blockStartReference;
        }
        if (s.updatedAt != block.timestamp || price != stored) {
            // Below 2^96, checked by `_refreshIndex`; the time fits 40 bits.
            // forge-lint: disable-next-line(unsafe-typecast)
            (s.referencePrice, s.heldSpot, s.updatedAt) = (uint96(price), uint96(input), uint40(block.timestamp));
        }
        (p.spot, p.ref, p.divergenceSpot) = (price, price, input);
        if (_isStale(updatedAt)) {
            p.broken = true;
            if (s.failingSince == 0) _markFailing(marketId, s);
        } else if (s.failingSince != 0) {
            _recover(marketId, s);
        }
    }

    /// @dev A failing source: recorded once, and the reference stands in for the spot.
    function _fail(MarketId marketId, OracleStorage.PriceState storage s, uint256 ref, uint256 poolWei)
        private
        returns (Prices memory p)
    {
        if (s.failingSince == 0) _markFailing(marketId, s);
        (p.spot, p.ref, p.refBefore, p.divergenceSpot, p.poolTao, p.broken) = (ref, ref, ref, ref, poolWei, true);
    }

    function _markFailing(MarketId marketId, OracleStorage.PriceState storage s) private {
        s.failingSince = uint40(block.timestamp);
        emit IOracleModule.PriceSourceFailing(marketId);
    }

    function _recover(MarketId marketId, OracleStorage.PriceState storage s) private {
        s.failingSince = 0;
        emit IOracleModule.PriceSourceRecovered(marketId);
    }

    function _isStale(uint256 updatedAt) private view returns (bool) {
        (, uint256 maxAge) = params();
        return block.timestamp > updatedAt + maxAge;
    }

    /// @dev Whether `spot` stands beyond the market's divergence limit from `ref`; the limit's slot is read only past
    ///      the smallest limit governance may set.
    function _diverges(uint256 spot, uint256 ref, MarketStorage.Market storage m) private view returns (bool) {
        uint256 gap = divergence(spot, ref);
        return gap > Constants.MIN_DIVERGENCE_LIMIT && gap > m.divergenceLimit;
    }

    /// @dev Whether the subnet is still the one listed (its registration block unchanged). A subnet precompile that
    ///      cannot be read tells nothing, and is taken as unchanged.
    function _sameRegistration(OracleStorage.PriceState storage s, uint16 netuid) private view returns (bool) {
        (bool ok, uint256 registered) = _tryRead(abi.encodeCall(ISubnet.getNetworkRegistrationBlock, (netuid)), SUBNET);
        return !ok || registered == s.registeredAt;
    }

    function _registrationBlock(uint16 netuid) private view returns (uint256 registered) {
        (, registered) = _tryRead(abi.encodeCall(ISubnet.getNetworkRegistrationBlock, (netuid)), SUBNET);
    }

    /// @dev `refresh()` on an index oracle; `ok` false when it reverts or answers out of range.
    function _refreshIndex(IIndexOracle oracle)
        private
        returns (bool ok, uint256 price, uint256 input, uint256 updatedAt)
    {
        bytes memory data;
        (ok, data) = address(oracle).call(abi.encodeCall(IIndexOracle.refresh, ()));
        if (!ok || data.length < 96) return (false, 0, 0, 0);
        (price, input, updatedAt) = abi.decode(data, (uint256, uint256, uint256));
        ok = price != 0 && price <= type(uint96).max && input <= type(uint96).max;
    }

    /// @dev `previewRefresh()` on an index oracle (views); `ok` as for `_refreshIndex`.
    function _peekIndex(IIndexOracle oracle)
        private
        view
        returns (bool ok, uint256 price, uint256 input, uint256 updatedAt)
    {
        bytes memory data;
        (ok, data) = address(oracle).staticcall(abi.encodeCall(IIndexOracle.previewRefresh, ()));
        if (!ok || data.length < 96) return (false, 0, 0, 0);
        (price, input, updatedAt) = abi.decode(data, (uint256, uint256, uint256));
        ok = price != 0 && price <= type(uint96).max && input <= type(uint96).max;
    }

    /// @dev The one of `a`, `b` nearer `ref` (`a` on a tie).
    function _nearest(uint256 a, uint256 b, uint256 ref) private pure returns (uint256) {
        uint256 da = a > ref ? a - ref : ref - a;
        uint256 db = b > ref ? b - ref : ref - b;
        return db < da ? b : a;
    }

    /// @dev Wei in whole TAO, saturating at the 24-bit field (16.7M TAO, beyond any pool: depth reads the smaller
    ///      of it and the reserve now, so saturation can only understate it).
    function _whole(uint256 poolWei) private pure returns (uint256) {
        return Math.min(poolWei / Constants.WAD, type(uint24).max);
    }

    function _tryRead(bytes memory call) private view returns (bool, uint256) {
        return _tryRead(call, address(ALPHA));
    }

    function _tryRead(bytes memory call, address target) private view returns (bool, uint256) {
        (bool ok, bytes memory data) = target.staticcall(call);
        if (!ok || data.length < 32) return (false, 0);
        return (true, abi.decode(data, (uint256)));
    }

    function _tryRead(bytes memory call, ISubnet target) private view returns (bool, uint256) {
        return _tryRead(call, address(target));
    }

    /// @dev One word from the Alpha precompile; a revert (switched off) or an empty answer (no code) is reported.
    function _readPrecompile(bytes memory call, uint16 netuid) private view returns (uint256) {
        (bool ok, uint256 value) = _tryRead(call);
        if (!ok) revert IOracleErrors.AlphaPrecompileUnavailable(netuid);
        return value;
    }
}
