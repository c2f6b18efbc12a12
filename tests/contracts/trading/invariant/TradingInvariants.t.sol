// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TradingFixture} from "../TradingFixture.t.sol";
import {TradingHandler} from "./TradingHandler.sol";
import {PositionInfo} from "../../../../contracts/interfaces/IPositionViewModule.sol";
import {VaultTotals, MarketTradingState} from "../../../../contracts/interfaces/IVaultModule.sol";
import {MarketId} from "../../../../contracts/types/MarketId.sol";
import {ReferralModule} from "../../../../contracts/protocol/modules/ReferralModule.sol";
import {PositionBuilderModule} from "../../../../contracts/protocol/modules/PositionBuilderModule.sol";
import {ReferralTier} from "../../../../contracts/interfaces/IReferralModule.sol";
import {Built} from "../../utils/Built.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// Handler-based invariants of the trading core (run: `forge test --match-path
/// "tests/contracts/trading/invariant/*"`).
contract TradingInvariantsTest is TradingFixture {
    TradingHandler internal handler;

    function setUp() public override {
        super.setUp();
        _fundVault(9_000e18);
        MarketId[] memory ids = new MarketId[](2);
        ids[0] = chutes;
        ids[1] = mtsos;
        handler = new TradingHandler(protocol, alpha, indexOracle, owner, CHUTES, ids);
        targetContract(address(handler));
        _enableReferral();
    }

    address internal referrer = makeAddr("referrer");
    address internal frontend = makeAddr("frontend");

    /// @dev The referral program on: a tier of referrer 20% / discount 10% for 1 day, a 5% builder share; actors 0 and
    ///      1 referred, every actor may trade through the builder (`openViaBuilder`).
    function _enableReferral() internal {
        ReferralModule referralModule = ReferralModule(Built.deploy("ReferralModule"));
        PositionBuilderModule builderModule = PositionBuilderModule(Built.deploy("PositionBuilderModule"));
        ReferralTier[] memory tiers = new ReferralTier[](1);
        tiers[0] = ReferralTier("base", 0.2e18, 0.1e18, 1);
        vm.startPrank(owner);
        router.setModule(referralModule.MODULE_ID(), address(referralModule), referralModule.exportedSelectors(), "");
        router.setModule(builderModule.MODULE_ID(), address(builderModule), builderModule.exportedSelectors(), "");
        protocol.setReferralTiers(tiers);
        protocol.setBuilderFeeShare(0.05e18);
        vm.stopPrank();
        vm.prank(referrer);
        protocol.registerReferralCode("REFERRER");
        vm.prank(frontend);
        protocol.registerBuilder();
        for (uint256 a; a < 2; ++a) {
            vm.prank(handler.actors(a));
            protocol.bindReferralCode("REFERRER");
        }
        handler.enableReferral(frontend);
        bytes4[] memory selectors = new bytes4[](10);
        selectors[0] = TradingHandler.open.selector;
        selectors[1] = TradingHandler.increase.selector;
        selectors[2] = TradingHandler.reduce.selector;
        selectors[3] = TradingHandler.close.selector;
        selectors[4] = TradingHandler.addMargin.selector;
        selectors[5] = TradingHandler.removeMargin.selector;
        selectors[6] = TradingHandler.liquidate.selector;
        selectors[7] = TradingHandler.movePrices.selector;
        selectors[8] = TradingHandler.toggleReduceOnly.selector;
        selectors[9] = TradingHandler.openViaBuilder.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    /// The protocol's TAO covers every claim on it: margins, insurance fund, the vault's reserves (the LP equity
    /// floor), credited payouts and the referral balance. Every wei is in exactly one bucket, so they are equal.
    function invariant_balanceCoversAllClaims() public view {
        assertEq(address(router).balance, _bucketSum());
    }

    /// Open interest at entry equals the sum of the positions' entry notionals, per market and side; at the mark it
    /// is each side's size sum valued at the reference price; the vault's total counts each market's sizes at the
    /// reference of its last trade, in whole rao rounded up. Margins owed equal the sum of margins, and each
    /// account's collateral the sum of its margins.
    function invariant_openInterestAndMarginsEqualTheirPositions() public view {
        uint256 total;
        uint256 margins;
        for (uint256 m; m < handler.marketCount(); ++m) {
            MarketId id = handler.markets(m);
            uint256 longs;
            uint256 shorts;
            uint256 longSizes;
            uint256 shortSizes;
            for (uint256 a; a < handler.actorCount(); ++a) {
                PositionInfo memory p = protocol.position(handler.actors(a), id);
                if (p.size > 0) (longs, longSizes) = (longs + p.entryNotional, longSizes + uint256(p.size));
                else if (p.size < 0) (shorts, shortSizes) = (shorts + p.entryNotional, shortSizes + uint256(-p.size));
                margins += p.margin;
            }
            MarketTradingState memory s = protocol.marketTradingState(id);
            assertEq(s.longEntryNotional, longs, "long entry OI");
            assertEq(s.shortEntryNotional, shorts, "short entry OI");
            assertEq(s.longOpenInterest, Math.mulDiv(longSizes, s.referencePrice, WAD, Math.Rounding.Ceil), "long OI");
            assertEq(s.shortOpenInterest, Math.mulDiv(shortSizes, s.referencePrice, WAD, Math.Rounding.Ceil), "short OI");
            total += Math.mulDiv(longSizes + shortSizes, handler.lastMark(id), WAD * 1e9, Math.Rounding.Ceil) * 1e9;
        }
        VaultTotals memory t = protocol.vaultTotals();
        assertEq(t.totalOpenNotional, total, "total OI");
        assertEq(t.marginsOwed, margins, "margins owed");
        uint256 collateral;
        for (uint256 a; a < handler.actorCount(); ++a) {
            collateral += protocol.accountSummary(handler.actors(a)).collateral;
        }
        assertEq(collateral, margins, "collateral");
    }

    /// Every wei of trading fee charged is booked to exactly one bucket (insurance 10% of the fee before the
    /// referee's discount, referral the referrer and builder parts of `ReferralFeeBooked`, the vault the rest); an open's charged fee plus its discount is the taker fee on its notional.
    function invariant_everyFeeWeiBookedOnce() public view {
        assertEq(handler.ghostFeesCharged(), handler.ghostFeesBooked(), "charged == booked");
        assertFalse(handler.ghostBadSplit(), "split");
        assertFalse(handler.ghostBadGross(), "charged + discount == taker fee");
    }

    /// The referral bucket holds exactly the rewards accrued to the referrer and the builder (nothing is claimed
    /// here), which are the referrer and builder parts of every fee booked.
    function invariant_referralBalanceEqualsTheRewards() public view {
        uint256 toReferrer = protocol.referralAccount(referrer).rewards;
        uint256 toBuilder = protocol.referralAccount(frontend).rewards;
        assertEq(toReferrer, handler.ghostToReferrers(), "referrer");
        assertEq(toBuilder, handler.ghostToBuilders(), "builder");
        assertEq(protocol.vaultTotals().referralBalance, toReferrer + toBuilder, "bucket");
    }

    /// No position opens or grows above its market's max leverage (notional <= max x margin sent).
    function invariant_noPositionAboveMaxLeverage() public view {
        assertFalse(handler.ghostAboveMaxLeverage());
    }

    /// A reduce-only market's open interest never grows.
    function invariant_reduceOnlyMarketNeverGrows() public view {
        assertFalse(handler.ghostReduceOnlyGrew());
    }

    /// The handler is not vacuous: its actions open, close and liquidate.
    function test_handler_exercisesTheProtocol() public {
        handler.open(0, 0, true, 10e18, 3e18);
        handler.open(1, 0, false, 5e18, 2e18);
        handler.open(2, 1, true, 5e18, 5e18);
        assertEq(handler.opens(), 3);
        handler.movePrices(0, 0); // -15%
        handler.movePrices(0, 0); // -15% (-27.75%), the reference 0.3% down
        // A liquidation needs the position under water at the reference too: three periods without a move take it
        // halfway to the spot each (-24% from the entry, beyond the 3x long's ~-23%).
        for (uint256 i; i < 3; ++i) {
            handler.movePrices(15, 600);
        }
        handler.liquidate(0, 0);
        assertEq(handler.liquidations(), 1);
        handler.close(1, 0);
        assertEq(handler.closes(), 1);
        handler.openViaBuilder(1, 1, false, 5e18, 2e18);
        handler.openViaBuilder(3, 0, true, 5e18, 2e18);
        assertEq(handler.opens(), 5);
        assertGt(handler.ghostToReferrers(), 0, "referred");
        assertGt(handler.ghostToBuilders(), 0, "through the builder");
        assertGt(handler.ghostDiscounts(), 0, "discounted");
        invariant_referralBalanceEqualsTheRewards();
        invariant_balanceCoversAllClaims();
        invariant_openInterestAndMarginsEqualTheirPositions();
        invariant_everyFeeWeiBookedOnce();
    }
}
