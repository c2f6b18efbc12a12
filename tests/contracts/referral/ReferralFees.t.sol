// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ReferralFixture} from "./ReferralFixture.t.sol";
import {TaoRefuser} from "../trading/TradingFixture.t.sol";
import {IReferralModule, ReferralTier, ReferralAccount} from "../../../contracts/interfaces/IReferralModule.sol";
import {IReferralErrors} from "../../../contracts/libraries/errors/ReferralErrors.sol";
import {IVaultModule, VaultTotals} from "../../../contracts/interfaces/IVaultModule.sol";
import {PositionInfo} from "../../../contracts/interfaces/IPositionViewModule.sol";
import {ReferralLogic} from "../../../contracts/protocol/logic/ReferralLogic.sol";

/// @dev Exposes `ReferralLogic`'s pure functions.
contract ReferralLogicHarness {
    function split(uint256 fee, uint256 discount, uint256 rs, uint256 bs, uint256 is_)
        external
        pure
        returns (uint256, uint256, uint256, uint256)
    {
        return ReferralLogic.split(fee, discount, rs, bs, is_);
    }

    function isValidCode(bytes32 code) external pure returns (bool) {
        return ReferralLogic.isValidCode(code);
    }
}

/// Fee routing: every wei of each taker fee goes to exactly one of the referee's discount, its referrer, the order's
/// builder, the insurance fund and the vault; the discount's window; claims.
contract ReferralFeesTest is ReferralFixture {
    ReferralLogicHarness internal harness = new ReferralLogicHarness();

    /// @dev Buckets and cumulative fee totals, to diff around a trade.
    struct Snapshot {
        VaultTotals v;
        FeeTotals f;
        uint256 referrer;
        uint256 builder;
    }

    function _snap() internal returns (Snapshot memory s) {
        s.v = protocol.vaultTotals();
        s.f = _feeTotals();
        s.referrer = _rewards(alice);
        s.builder = _rewards(frontend);
    }

    // ---------------------------------------------------------------- the example of docs/protocol.md section 6

    /// Margin 5 TAO at 2x: notional 10, fee 0.025. Base tier: discount 5% (0.00125), referrer 10% (0.0025), insurance
    /// 10% (0.0025), the vault the rest of the 0.02375 charged (0.01875). The skew impact of the open (~0.005) also
    /// comes out of the margin, to the vault: it is no fee, nothing of it is shared.
    function test_open_referee_routesTheFee() public {
        _bind(bob, ALICE_CODE);
        Snapshot memory s0 = _snap();
        bytes32 id = keccak256(abi.encode(bob, chutes));
        vm.expectEmit(address(router));
        emit IReferralModule.RefereeFirstTrade(bob);
        vm.expectEmit(address(router));
        emit IReferralModule.ReferralFeeBooked(alice, address(0), id, 0.00125e18, 0.0025e18, 0);
        vm.expectEmit(address(router));
        emit IVaultModule.TradingFeeBooked(id, 0.0025e18, 0.0025e18, 0.01875e18);
        _open(bob, chutes, true, 5e18, 2e18);
        Snapshot memory s1 = _snap();
        uint256 impact = 5e18 - 0.02375e18 - _marginAfterOpen(5e18, 2e18, true, 0.02375e18);
        assertApproxEqAbs(impact, 0.005e18, 0.00001e18);
        assertEq(protocol.position(bob, chutes).margin, 5e18 - 0.02375e18 - impact, "charged 0.02375 and the impact");
        assertEq(s1.referrer - s0.referrer, 0.0025e18, "referrer");
        assertEq(s1.v.insuranceFund - s0.v.insuranceFund, 0.0025e18, "insurance");
        assertEq(s1.v.reserves - s0.v.reserves, 0.01875e18 + impact, "vault: its fee share and the impact");
        assertEq(s1.v.referralBalance - s0.v.referralBalance, 0.0025e18, "referral balance");
        assertEq(s1.f.tradingToReferral - s0.f.tradingToReferral, 0.0025e18);
        _assertSolvent();
    }

    /// A trader without a referrer, through a frontend: no discount, builder 5% (0.00125), insurance 0.0025, the vault
    /// 0.02125 (and the open's skew impact).
    function test_openWithBuilder_paysTheBuilder() public {
        Snapshot memory s0 = _snap();
        bytes32 id = keccak256(abi.encode(carol, chutes));
        vm.expectEmit(address(router));
        emit IReferralModule.ReferralFeeBooked(address(0), frontend, id, 0, 0, 0.00125e18);
        vm.expectEmit(address(router));
        emit IVaultModule.TradingFeeBooked(id, 0.0025e18, 0.00125e18, 0.02125e18);
        _openWithBuilder(carol, chutes, true, 5e18, 2e18, frontend);
        Snapshot memory s1 = _snap();
        uint256 margin = _marginAfterOpen(5e18, 2e18, true, 0.025e18);
        assertEq(protocol.position(carol, chutes).margin, margin, "no discount");
        assertEq(s1.builder - s0.builder, 0.00125e18);
        assertEq(s1.v.reserves - s0.v.reserves, 0.02125e18 + (4.975e18 - margin));
        _assertSolvent();
    }

    function test_closeWithBuilder_paysTheReferrerAndTheBuilder() public {
        _bind(bob, ALICE_CODE);
        _openWithBuilder(bob, chutes, true, 5e18, 2e18, frontend);
        vm.roll(block.number + 1);
        // The fee is on the close's own notional at its execution price (~9.98 TAO), not the entry notional.
        uint256 gross = _closeFee(protocol.position(bob, chutes).size);
        Snapshot memory s0 = _snap();
        vm.prank(bob);
        protocol.closePositionWithBuilder(chutes, ANY_SELL_PRICE, block.timestamp, frontend);
        Snapshot memory s1 = _snap();
        uint256 discount = gross * 0.05e18 / 1e18;
        assertEq(s1.referrer - s0.referrer, gross * 0.1e18 / 1e18, "referrer");
        assertEq(s1.builder - s0.builder, gross * 0.05e18 / 1e18, "builder");
        uint256 booked = (s1.f.tradingToVault - s0.f.tradingToVault)
            + (s1.f.tradingToInsurance - s0.f.tradingToInsurance) + (s1.f.tradingToReferral - s0.f.tradingToReferral);
        assertEq(booked + discount, gross, "every wei");
        _assertSolvent();
    }

    function test_reduceWithBuilder_paysTheBuilder() public {
        _openWithBuilder(carol, chutes, true, 5e18, 2e18, frontend);
        vm.roll(block.number + 1);
        uint256 before = _rewards(frontend);
        uint256 half = uint256(protocol.position(carol, chutes).size) / 2;
        vm.prank(carol);
        protocol.reducePositionWithBuilder(chutes, half, ANY_SELL_PRICE, block.timestamp, frontend);
        assertGt(_rewards(frontend), before);
        vm.prank(carol);
        protocol.increasePositionWithBuilder{value: 1e18}(chutes, 1e18, ANY_BUY_PRICE, block.timestamp, frontend);
        _assertSolvent();
    }

    function test_RevertWhen_builder_notRegistered() public {
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(IReferralErrors.BuilderNotRegistered.selector, bob));
        protocol.openPositionWithBuilder{value: 5e18}(chutes, true, 2e18, ANY_BUY_PRICE, block.timestamp, bob);
    }

    function test_RevertWhen_builder_isTheTrader() public {
        vm.deal(frontend, 10e18);
        vm.prank(frontend);
        vm.expectRevert(abi.encodeWithSelector(IReferralErrors.SelfBuilder.selector, frontend));
        protocol.openPositionWithBuilder{value: 5e18}(chutes, true, 2e18, ANY_BUY_PRICE, block.timestamp, frontend);
    }

    /// A close whose equity is gone pays no fee, so no discount, referrer or builder part.
    function test_close_underwater_paysNoReferral() public {
        _bind(bob, ALICE_CODE);
        _openWithBuilder(bob, chutes, true, 5e18, 3e18, frontend);
        uint256 referrer = _rewards(alice);
        uint256 builder = _rewards(frontend);
        _moveChutesPrice(0.025e18); // -37.5%: equity < 0 at 3x
        vm.prank(bob);
        protocol.closePositionWithBuilder(chutes, ANY_SELL_PRICE, block.timestamp, frontend);
        assertEq(_rewards(alice), referrer);
        assertEq(_rewards(frontend), builder);
        _assertSolvent();
    }

    // ---------------------------------------------------------------- the discount's window

    /// Tier "base": 30 days from the first trade. Last second in: discounted; first second out: not. The referrer
    /// share continues.
    function test_discount_stopsExactlyAtItsEnd() public {
        _bind(bob, ALICE_CODE);
        uint256 t0 = block.timestamp;
        bytes32 id = _open(bob, chutes, true, 5e18, 2e18);
        ReferralAccount memory a = protocol.referralAccount(bob);
        assertEq(a.firstTradeAt, t0);
        assertEq(a.discountEndsAt, t0 + 30 days);

        // 1 TAO at 1x: fee 0.0025, discount 5% of it.
        vm.roll(block.number + 1);
        vm.warp(t0 + 30 days - 1);
        assertEq(protocol.referralAccount(bob).discountNow, 0.05e18);
        vm.expectEmit(address(router));
        emit IReferralModule.ReferralFeeBooked(alice, address(0), id, 0.000125e18, 0.00025e18, 0);
        vm.prank(bob);
        protocol.increasePosition{value: 1e18}(chutes, 1e18, ANY_BUY_PRICE, block.timestamp);

        vm.roll(block.number + 1);
        vm.warp(t0 + 30 days);
        assertEq(protocol.referralAccount(bob).discountNow, 0);
        vm.expectEmit(address(router));
        emit IReferralModule.ReferralFeeBooked(alice, address(0), id, 0, 0.00025e18, 0);
        vm.prank(bob);
        protocol.increasePosition{value: 1e18}(chutes, 1e18, ANY_BUY_PRICE, block.timestamp);
        _assertSolvent();
    }

    /// The clock starts at the first trade after binding, not at the binding.
    function test_discount_countsFromTheFirstTrade() public {
        _bind(bob, ALICE_CODE);
        vm.warp(block.timestamp + 100 days);
        uint256 t1 = block.timestamp;
        _open(bob, chutes, true, 5e18, 2e18);
        assertEq(protocol.referralAccount(bob).discountEndsAt, t1 + 30 days);
        assertEq(protocol.position(bob, chutes).margin, _marginAfterOpen(5e18, 2e18, true, 0.02375e18));
    }

    /// A tier change applies to the referrer's referees at once (tiers are read at each trade).
    function test_codeTier_appliesToExistingReferees() public {
        ReferralTier[] memory tiers = new ReferralTier[](2);
        tiers[0] = ReferralTier("base", 0.1e18, 0.05e18, 30);
        tiers[1] = ReferralTier("gold", 0.3e18, 0.2e18, 90);
        vm.prank(owner);
        protocol.setReferralTiers(tiers);
        _bind(bob, ALICE_CODE);
        vm.prank(owner);
        protocol.setReferralCodeTier(ALICE_CODE, 1);
        uint256 before = _rewards(alice);
        _open(bob, chutes, true, 5e18, 2e18);
        assertEq(_rewards(alice) - before, 0.0075e18, "30% of 0.025");
        assertEq(protocol.position(bob, chutes).margin, _marginAfterOpen(5e18, 2e18, true, 0.02e18), "20% discount");
    }

    // ---------------------------------------------------------------- claims

    function test_claimReferralRewards_paysWholeRaoAndKeepsTheDust() public {
        _bind(bob, ALICE_CODE);
        _open(bob, chutes, true, 1.000000001e18, 2e18);
        uint256 rewards = _rewards(alice);
        uint256 dust = rewards % 1e9;
        assertGt(dust, 0, "the example leaves dust");
        uint256 balance = alice.balance;
        uint256 referralBalance = protocol.vaultTotals().referralBalance;
        vm.expectEmit(address(router));
        emit IReferralModule.ReferralRewardsClaimed(alice, rewards - dust);
        vm.prank(alice);
        uint256 amount = protocol.claimReferralRewards();
        assertEq(amount, rewards - dust);
        assertEq(alice.balance - balance, amount);
        assertEq(_rewards(alice), dust);
        assertEq(referralBalance - protocol.vaultTotals().referralBalance, amount);
        _assertSolvent();
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IReferralErrors.NoReferralRewards.selector, alice));
        protocol.claimReferralRewards();
    }

    function test_RevertWhen_claimReferralRewards_transferFails() public {
        TaoRefuser refuser = new TaoRefuser();
        vm.prank(address(refuser));
        protocol.registerReferralCode("REFUSER");
        _bind(bob, "REFUSER");
        _open(bob, chutes, true, 5e18, 2e18);
        vm.prank(address(refuser));
        vm.expectRevert(
            abi.encodeWithSelector(IReferralErrors.ReferralClaimFailed.selector, address(refuser), 0.0025e18)
        );
        protocol.claimReferralRewards();
        assertEq(_rewards(address(refuser)), 0.0025e18, "kept");
    }

    // ---------------------------------------------------------------- fuzz: conservation over tiers and sizes

    /// Opens and closes with a fuzzed tier, builder share, size and leverage: the discount, the referrer, the builder,
    /// the insurance fund and the vault receive every wei of each fee, each its share rounded down (the vault the
    /// rest), and the protocol stays solvent.
    function testFuzz_openAndClose_everyFeeWeiRouted(
        uint256 referrerShare,
        uint256 discount,
        uint256 builderShare,
        uint256 margin,
        uint256 leverage,
        bool withBuilder
    ) public {
        referrerShare = bound(referrerShare, 0, 0.5e18);
        discount = bound(discount, 0, 0.5e18);
        if (referrerShare + discount > 0.9e18) discount = 0.9e18 - referrerShare;
        uint256 room = 0.9e18 - referrerShare - discount;
        builderShare = bound(builderShare, 0, room < 0.5e18 ? room : 0.5e18);
        // From 0.11 TAO: the min margin (0.1 TAO) is kept after the fee.
        margin = bound(margin, 0.11e18, 100e18) / 1e9 * 1e9;
        leverage = bound(leverage, 1e18, 3e18);
        vm.startPrank(owner);
        protocol.setBuilderFeeShare(0);
        protocol.setReferralTiers(_tiers1("fuzz", referrerShare, discount, 30));
        protocol.setBuilderFeeShare(builderShare);
        vm.stopPrank();
        _bind(bob, ALICE_CODE);
        address b = withBuilder ? frontend : address(0);

        uint256 gross = _grossFee(margin, leverage);
        Snapshot memory s0 = _snap();
        _openWithBuilder(bob, chutes, true, margin, leverage, b);
        _checkRouted(s0, gross, referrerShare, discount, withBuilder ? builderShare : 0);
        assertEq(
            protocol.position(bob, chutes).margin,
            _marginAfterOpen(margin, leverage, true, gross - gross * discount / 1e18),
            "margin"
        );

        vm.roll(block.number + 1);
        // The close's fee: on its own notional at its execution price.
        gross = _closeFee(protocol.position(bob, chutes).size);
        s0 = _snap();
        vm.prank(bob);
        protocol.closePositionWithBuilder(chutes, ANY_SELL_PRICE, block.timestamp, b);
        _checkRouted(s0, gross, referrerShare, discount, withBuilder ? builderShare : 0);
        _assertSolvent();
    }

    function _checkRouted(Snapshot memory s0, uint256 gross, uint256 rs, uint256 ds, uint256 bs) internal {
        Snapshot memory s1 = _snap();
        uint256 toReferrer = s1.referrer - s0.referrer;
        uint256 toBuilder = s1.builder - s0.builder;
        uint256 toInsurance = s1.f.tradingToInsurance - s0.f.tradingToInsurance;
        uint256 toVault = s1.f.tradingToVault - s0.f.tradingToVault;
        uint256 d = gross * ds / 1e18;
        assertEq(toReferrer, gross * rs / 1e18, "referrer");
        assertEq(toBuilder, gross * bs / 1e18, "builder");
        assertEq(toInsurance, gross * INSURANCE_SHARE / 1e18, "insurance");
        assertEq(s1.f.tradingToReferral - s0.f.tradingToReferral, toReferrer + toBuilder, "referral bucket");
        assertEq(s1.v.referralBalance - s0.v.referralBalance, toReferrer + toBuilder, "referral balance");
        assertEq(d + toReferrer + toBuilder + toInsurance + toVault, gross, "every wei once");
    }

    /// `split`: for any fee and shares within 100% with the discount's, the five parts add up to the fee exactly.
    function testFuzz_split_conservesTheFee(uint256 fee, uint256 rs, uint256 ds, uint256 bs, uint256 is_) public view {
        fee = bound(fee, 0, 1e30);
        rs = bound(rs, 0, 0.5e18);
        ds = bound(ds, 0, 0.5e18);
        bs = bound(bs, 0, 1e18 - rs - ds);
        is_ = bound(is_, 0, 1e18 - rs - ds - bs);
        uint256 discount = fee * ds / 1e18;
        (uint256 r, uint256 b, uint256 i, uint256 v) = harness.split(fee, discount, rs, bs, is_);
        assertEq(discount + r + b + i + v, fee);
        assertEq(r, fee * rs / 1e18);
        assertEq(b, fee * bs / 1e18);
        assertEq(i, fee * is_ / 1e18);
    }

    function testFuzz_isValidCode_matchesTheAlphabet(bytes32 code) public view {
        bool expected = true;
        uint256 length;
        while (length < 32 && code[length] != 0) ++length;
        for (uint256 i; i < 32; ++i) {
            bytes1 c = code[i];
            if (i < length) {
                if (!((c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "_")) expected = false;
            } else if (c != 0) {
                expected = false;
            }
        }
        if (length < 3) expected = false;
        assertEq(harness.isValidCode(code), expected);
    }
}
