// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {Vm} from "forge-std/Vm.sol";
import {AlphaPrecompileEmulator} from "../../../../contracts/emulators/AlphaPrecompileEmulator.sol";
import {Bittensor} from "../../../../contracts/libraries/Bittensor.sol";
import {IMegaTAOProtocol} from "../../../../contracts/interfaces/IMegaTAOProtocol.sol";
import {IPositionModule} from "../../../../contracts/interfaces/IPositionModule.sol";
import {IVaultModule} from "../../../../contracts/interfaces/IVaultModule.sol";
import {IReferralModule} from "../../../../contracts/interfaces/IReferralModule.sol";
import {ILiquidationModule} from "../../../../contracts/interfaces/ILiquidationModule.sol";
import {PositionInfo} from "../../../../contracts/interfaces/IPositionViewModule.sol";
import {MarketTradingState} from "../../../../contracts/interfaces/IVaultModule.sol";
import {MarginMath} from "../../../../contracts/libraries/math/MarginMath.sol";
import {MarketId, MarketStatus} from "../../../../contracts/types/MarketId.sol";
import {MockIndexOracle} from "../../protocol/ProtocolFixture.t.sol";

/// @dev Drives the protocol with random trades, price moves, time, liquidations and market status changes, and
///      keeps the ghost figures the invariants compare against.
contract TradingHandler is Test {
    IMegaTAOProtocol internal protocol;
    AlphaPrecompileEmulator internal alpha;
    MockIndexOracle internal indexOracle;
    address internal owner;
    uint16 internal netuid;

    address[] public actors;
    MarketId[] public markets;

    /// @dev Fees reported by the position events, and the parts booked by `TradingFeeBooked`.
    uint256 public ghostFeesCharged;
    uint256 public ghostFeesBooked;
    /// @dev Set when an event's insurance share is not the 10% split of its fee, rounded down.
    bool public ghostBadSplit;
    /// @dev Set when a position opened or grew above its market's max leverage.
    bool public ghostAboveMaxLeverage;
    /// @dev Set when a reduce-only market's open interest (at entry: a price move changes it at the mark) grew.
    bool public ghostReduceOnlyGrew;
    mapping(MarketId => uint256) public reduceOnlyOpenInterest;
    /// @dev The reference price at each market's last trade or liquidation: the mark the vault's total open notional
    ///      holds the market's open interest at (a `poke` moves the reference, not that total).
    mapping(MarketId => uint256) public lastMark;

    /// @dev Referral program (when `enableReferral` ran): the builder orders may name, the parts of each fee booked
    ///      by `ReferralFeeBooked` (which precedes the fee's `TradingFeeBooked`), and set when an open's fee charged
    ///      plus its discount is not the taker fee on the notional bought.
    address public builder;
    uint256 public ghostDiscounts;
    uint256 public ghostToReferrers;
    uint256 public ghostToBuilders;
    bool public ghostBadGross;
    uint256 internal pendingDiscount;
    uint256 internal pendingReferral;
    uint256 internal lastOpenFee;
    uint256 internal lastDiscount;

    uint256 internal constant ANY_BUY_PRICE = type(uint256).max;
    uint256 internal constant ANY_SELL_PRICE = 0;

    uint256 public opens;
    uint256 public closes;
    uint256 public liquidations;

    bytes32 internal immutable FEE_BOOKED = IVaultModule.TradingFeeBooked.selector;
    bytes32 internal immutable OPENED = IPositionModule.PositionOpened.selector;
    bytes32 internal immutable INCREASED = IPositionModule.PositionIncreased.selector;
    bytes32 internal immutable DECREASED = IPositionModule.PositionDecreased.selector;
    bytes32 internal immutable REFERRAL_BOOKED = IReferralModule.ReferralFeeBooked.selector;
    bytes32 internal immutable LIQUIDATED = ILiquidationModule.PositionLiquidated.selector;

    constructor(
        IMegaTAOProtocol protocol_,
        AlphaPrecompileEmulator alpha_,
        MockIndexOracle indexOracle_,
        address owner_,
        uint16 netuid_,
        MarketId[] memory markets_
    ) {
        protocol = protocol_;
        alpha = alpha_;
        indexOracle = indexOracle_;
        owner = owner_;
        netuid = netuid_;
        markets = markets_;
        for (uint256 i; i < 4; ++i) {
            // Test values, bounded far below the type limits.
            // forge-lint: disable-next-line(unsafe-typecast)
            address actor = address(uint160(0xA11CE + i));
            actors.push(actor);
            vm.deal(actor, 1_000_000e18);
        }
    }

    /// @dev Set once by the test's setUp (excluded from the fuzzed selectors).
    function enableReferral(address builder_) external {
        require(builder == address(0), "once");
        builder = builder_;
    }

    // ---------------------------------------------------------------- actions

    /// @dev An open through the builder (when the referral program is on); checks that the fee charged plus the
    ///      referee's discount is the taker fee on the notional bought.
    function openViaBuilder(uint256 actorSeed, uint256 marketSeed, bool isLong, uint256 margin, uint256 leverage)
        external
    {
        if (builder == address(0)) return;
        address actor = actors[actorSeed % actors.length];
        MarketId id = markets[marketSeed % markets.length];
        margin = bound(margin, 0.11e18, 100e18) / 1e9 * 1e9;
        leverage = bound(leverage, 1e18, protocol.marketParams(id).maxLeverage);
        uint256 before = _openInterest(id);
        vm.recordLogs();
        vm.prank(actor);
        try protocol.openPositionWithBuilder{value: margin}(
            id, isLong, leverage, isLong ? ANY_BUY_PRICE : ANY_SELL_PRICE, block.timestamp, builder
        ) {
            ++opens;
            uint256 notional = margin * leverage / 1e18;
            uint256 gross = (notional * protocol.marketParams(id).takerFee + 1e18 - 1) / 1e18;
            lastOpenFee = type(uint256).max;
            _afterAction(id, before);
            if (lastOpenFee + lastDiscount != gross) ghostBadGross = true;
            return;
        } catch {}
        _afterAction(id, before);
    }

    /// @dev Margins from 0.11 TAO: the min margin (0.1 TAO) is kept after the fee at the markets' max leverage.
    function open(uint256 actorSeed, uint256 marketSeed, bool isLong, uint256 margin, uint256 leverage) external {
        address actor = actors[actorSeed % actors.length];
        MarketId id = markets[marketSeed % markets.length];
        margin = bound(margin, 0.11e18, 100e18) / 1e9 * 1e9;
        leverage = bound(leverage, 1e18, protocol.marketParams(id).maxLeverage);
        uint256 before = _openInterest(id);
        vm.recordLogs();
        vm.prank(actor);
        try protocol.openPosition{value: margin}(
            id, isLong, leverage, isLong ? ANY_BUY_PRICE : ANY_SELL_PRICE, block.timestamp
        ) {
            ++opens;
            PositionInfo memory p = protocol.position(actor, id);
            if (p.entryNotional > margin * protocol.marketParams(id).maxLeverage / 1e18) ghostAboveMaxLeverage = true;
        } catch {}
        _afterAction(id, before);
    }

    function increase(uint256 actorSeed, uint256 marketSeed, uint256 margin, uint256 leverage) external {
        address actor = actors[actorSeed % actors.length];
        MarketId id = markets[marketSeed % markets.length];
        margin = bound(margin, 0.001e18, 50e18) / 1e9 * 1e9;
        leverage = bound(leverage, 1e18, protocol.marketParams(id).maxLeverage);
        uint256 before = _openInterest(id);
        PositionInfo memory p0 = protocol.position(actor, id);
        vm.recordLogs();
        vm.prank(actor);
        uint256 worst = p0.size < 0 ? ANY_SELL_PRICE : ANY_BUY_PRICE;
        try protocol.increasePosition{value: margin}(id, leverage, worst, block.timestamp) {
            PositionInfo memory p = protocol.position(actor, id);
            // The whole position within max leverage of its margin before the fee.
            // Test values, bounded far below the type limits.
            // forge-lint: disable-next-line(unsafe-typecast)
            int256 net = int256(p0.margin) - p0.accruedFunding - int256(p0.accruedInterest) + int256(margin);
            // Test values, bounded far below the type limits.
            // forge-lint: disable-next-line(unsafe-typecast)
            if (p.entryNotional > uint256(net) * protocol.marketParams(id).maxLeverage / 1e18) {
                ghostAboveMaxLeverage = true;
            }
        } catch {}
        _afterAction(id, before);
    }

    function reduce(uint256 actorSeed, uint256 marketSeed, uint256 fraction) external {
        address actor = actors[actorSeed % actors.length];
        MarketId id = markets[marketSeed % markets.length];
        PositionInfo memory p = protocol.position(actor, id);
        if (p.size == 0) return;
        uint256 sizeAbs = p.size > 0 ? uint256(p.size) : uint256(-p.size);
        uint256 delta = sizeAbs * bound(fraction, 1, 99) / 100;
        uint256 before = _openInterest(id);
        vm.recordLogs();
        vm.prank(actor);
        try protocol.reducePosition(id, delta, p.size > 0 ? ANY_SELL_PRICE : ANY_BUY_PRICE, block.timestamp) {} catch {}
        _afterAction(id, before);
    }

    function close(uint256 actorSeed, uint256 marketSeed) external {
        address actor = actors[actorSeed % actors.length];
        MarketId id = markets[marketSeed % markets.length];
        uint256 before = _openInterest(id);
        uint256 worst = protocol.position(actor, id).size < 0 ? ANY_BUY_PRICE : ANY_SELL_PRICE;
        vm.recordLogs();
        vm.prank(actor);
        try protocol.closePosition(id, worst, block.timestamp) {
            ++closes;
        } catch {}
        _afterAction(id, before);
    }

    function addMargin(uint256 actorSeed, uint256 marketSeed, uint256 amount) external {
        address actor = actors[actorSeed % actors.length];
        MarketId id = markets[marketSeed % markets.length];
        amount = bound(amount, 1e9, 10e18) / 1e9 * 1e9;
        uint256 before = _openInterest(id);
        vm.recordLogs();
        vm.prank(actor);
        try protocol.addMargin{value: amount}(id) {} catch {}
        _afterAction(id, before);
    }

    function removeMargin(uint256 actorSeed, uint256 marketSeed, uint256 amount) external {
        address actor = actors[actorSeed % actors.length];
        MarketId id = markets[marketSeed % markets.length];
        amount = bound(amount, 1e9, 10e18) / 1e9 * 1e9;
        uint256 before = _openInterest(id);
        vm.recordLogs();
        vm.prank(actor);
        try protocol.removeMargin(id, amount) {} catch {}
        _afterAction(id, before);
    }

    function liquidate(uint256 actorSeed, uint256 marketSeed) external {
        address actor = actors[actorSeed % actors.length];
        MarketId id = markets[marketSeed % markets.length];
        uint256 before = _openInterest(id);
        vm.recordLogs();
        try protocol.liquidate(actor, id) {
            ++liquidations;
        } catch {}
        _afterAction(id, before);
    }

    /// @dev Moves CHUTES by up to +-15% and MTSOS by up to +-10%, then lets time pass; the references follow. A `poke`
    ///      in the next block holds the new CHUTES reading (weighing the one before the move), and one after the time
    ///      weighs it (the elapsed time capped at the 600 s period: halfway to it at most per call). MTSOS's reference
    ///      is its oracle's price.
    function movePrices(uint256 moveSeed, uint256 secondsSeed) external {
        int256 move = int256(bound(moveSeed, 0, 30)) - 15;
        uint64 alphaIn = alpha.getAlphaInPool(netuid);
        // Test values, bounded far below the type limits.
        // forge-lint: disable-next-line(unsafe-typecast)
        uint256 newAlpha = uint256(alphaIn) * 100 / uint256(100 + move);
        if (newAlpha > 2_000_000e9) newAlpha = 2_000_000e9;
        if (newAlpha < 20_000e9) newAlpha = 20_000e9;
        // Test values, bounded far below the type limits.
        // forge-lint: disable-next-line(unsafe-typecast)
        alpha.setPool(netuid, alpha.getTaoInPool(netuid), uint64(newAlpha), Bittensor.MECHANISM_DYNAMIC);
        // Test values, bounded far below the type limits.
        // forge-lint: disable-next-line(unsafe-typecast)
        uint256 index = indexOracle.price() * uint256(100 + move * 2 / 3) / 100;
        indexOracle.setPrice(index < 0.2e18 ? 0.2e18 : index > 10e18 ? 10e18 : index);
        vm.roll(block.number + 1);
        vm.warp(block.timestamp + 12);
        protocol.poke(markets[0]);
        protocol.poke(markets[1]);
        vm.roll(block.number + 1);
        vm.warp(block.timestamp + bound(secondsSeed, 12, 2 days));
        protocol.poke(markets[0]);
        protocol.poke(markets[1]);
    }

    /// @dev The owner toggles a market between active and reduce-only.
    function toggleReduceOnly(uint256 marketSeed) external {
        MarketId id = markets[marketSeed % markets.length];
        bool reduceOnly = protocol.marketStatus(id) == MarketStatus.ReduceOnly;
        vm.prank(owner);
        protocol.setMarketStatus(id, reduceOnly ? MarketStatus.Active : MarketStatus.ReduceOnly);
        if (!reduceOnly) reduceOnlyOpenInterest[id] = _openInterest(id);
    }

    // ---------------------------------------------------------------- ghost bookkeeping

    /// @dev Open interest at entry (the sum of the entry notionals): it moves only with trades.
    function _openInterest(MarketId id) internal view returns (uint256) {
        MarketTradingState memory s = protocol.marketTradingState(id);
        return s.longEntryNotional + s.shortEntryNotional;
    }

    function _afterAction(MarketId id, uint256 openInterestBefore) internal {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        lastDiscount = 0;
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter != address(protocol)) continue;
            bytes32 topic = logs[i].topics[0];
            // A trade or liquidation in `id` re-valued its open interest at its reference price.
            if (topic == OPENED || topic == INCREASED || topic == DECREASED || topic == LIQUIDATED) {
                (lastMark[id],) = protocol.referencePrice(id);
            }
            if (topic == FEE_BOOKED) {
                (uint256 toInsurance, uint256 toReferral, uint256 toVault) =
                    abi.decode(logs[i].data, (uint256, uint256, uint256));
                uint256 fee = toInsurance + toReferral + toVault;
                ghostFeesBooked += fee;
                // The insurance share is of the fee before the referee's discount.
                if (toInsurance != (fee + pendingDiscount) * 0.1e18 / 1e18 || toReferral != pendingReferral) {
                    ghostBadSplit = true;
                }
                lastDiscount = pendingDiscount;
                (pendingDiscount, pendingReferral) = (0, 0);
            } else if (topic == REFERRAL_BOOKED) {
                (, uint256 discount, uint256 toReferrer, uint256 toBuilder) =
                    abi.decode(logs[i].data, (bytes32, uint256, uint256, uint256));
                ghostDiscounts += discount;
                ghostToReferrers += toReferrer;
                ghostToBuilders += toBuilder;
                (pendingDiscount, pendingReferral) = (discount, toReferrer + toBuilder);
            } else if (topic == OPENED) {
                (,,, uint256 fee) = abi.decode(logs[i].data, (int256, uint256, uint256, uint256));
                ghostFeesCharged += fee;
                if (lastOpenFee == type(uint256).max) lastOpenFee = fee;
            } else if (topic == INCREASED) {
                (,,, uint256 fee,,,) =
                    abi.decode(logs[i].data, (int256, uint256, uint256, uint256, int256, uint256, uint256));
                ghostFeesCharged += fee;
            } else if (topic == DECREASED) {
                (,,, uint256 fee,,,) =
                    abi.decode(logs[i].data, (int256, uint256, int256, uint256, uint256, int256, uint256));
                ghostFeesCharged += fee;
            }
        }
        if (protocol.marketStatus(id) == MarketStatus.ReduceOnly) {
            uint256 openInterest = _openInterest(id);
            if (openInterest > openInterestBefore || openInterest > reduceOnlyOpenInterest[id]) {
                ghostReduceOnlyGrew = true;
            }
        }
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    function marketCount() external view returns (uint256) {
        return markets.length;
    }
}
