// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ReferralFixture} from "./ReferralFixture.t.sol";
import {IReferralModule, ReferralTier, ReferralAccount} from "../../../contracts/interfaces/IReferralModule.sol";
import {IReferralErrors} from "../../../contracts/libraries/errors/ReferralErrors.sol";
import {IRouterErrors} from "../../../contracts/libraries/errors/RouterErrors.sol";
import {IVaultModule} from "../../../contracts/interfaces/IVaultModule.sol";
import {IVaultErrors} from "../../../contracts/libraries/errors/VaultErrors.sol";
import {ReferralStorage} from "../../../contracts/protocol/storage/ReferralStorage.sol";
import {PositionInfo} from "../../../contracts/interfaces/IPositionViewModule.sol";

/// Codes, bindings, builders and the governance setters of the referral module.
contract ReferralModuleTest is ReferralFixture {
    bytes32 internal constant BOB_CODE = "BOB_2024";
    bytes32 internal constant NOPE = "NOPE";
    bytes32 internal constant GOLD = "gold";
    bytes32 internal constant REFERRAL_ID = "referral";
    bytes32 internal constant TOO_SHORT = "AB";
    bytes32 internal constant LOWER_CASE = "abc";
    bytes32 internal constant DASH = "AB-C";
    bytes32 internal constant ZERO_INSIDE = hex"41424300440000";
    bytes32 internal constant NOT_LEFT_ALIGNED = hex"00414243";

    // ---------------------------------------------------------------- codes

    function test_registerReferralCode_registersAndEmits() public {
        vm.expectEmit(address(router));
        emit IReferralModule.ReferralCodeRegistered("BOB_2024", bob);
        vm.prank(bob);
        protocol.registerReferralCode("BOB_2024");
        assertEq(protocol.referralCodeOwner("BOB_2024"), bob);
        ReferralAccount memory a = protocol.referralAccount(bob);
        assertEq(a.code, BOB_CODE);
        assertEq(a.tier, 0);
    }

    function test_registerReferralCode_acceptsEdgeLengths() public {
        vm.prank(bob);
        protocol.registerReferralCode("ABC");
        bytes32 longest = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
        vm.prank(carol);
        protocol.registerReferralCode(longest);
        assertEq(protocol.referralCodeOwner(longest), carol);
    }

    function test_RevertWhen_registerReferralCode_invalid() public {
        bytes32[6] memory bad = [
            TOO_SHORT,
            LOWER_CASE,
            DASH,
            bytes32(0),
            ZERO_INSIDE, // "ABC\0D"
            NOT_LEFT_ALIGNED
        ];
        for (uint256 i; i < bad.length; ++i) {
            vm.prank(bob);
            vm.expectRevert(abi.encodeWithSelector(IReferralErrors.InvalidReferralCode.selector, bad[i]));
            protocol.registerReferralCode(bad[i]);
        }
    }

    function test_RevertWhen_registerReferralCode_taken() public {
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IReferralErrors.ReferralCodeTaken.selector, ALICE_CODE, alice));
        protocol.registerReferralCode(ALICE_CODE);
    }

    function test_RevertWhen_registerReferralCode_secondCode() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IReferralErrors.ReferralCodeAlreadyOwned.selector, alice, ALICE_CODE));
        protocol.registerReferralCode("ALICE_2");
    }

    // ---------------------------------------------------------------- binding

    function test_bindReferralCode_bindsAndEmits() public {
        vm.expectEmit(address(router));
        emit IReferralModule.ReferrerSet(bob, alice, ALICE_CODE);
        _bind(bob, ALICE_CODE);
        ReferralAccount memory a = protocol.referralAccount(bob);
        assertEq(a.referrer, alice);
        assertEq(a.referrerCode, ALICE_CODE);
        assertEq(a.firstTradeAt, 0);
        assertEq(a.discountNow, 0.05e18);
    }

    function test_RevertWhen_bindReferralCode_rebinding() public {
        _bind(bob, ALICE_CODE);
        vm.prank(carol);
        protocol.registerReferralCode("CAROL");
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IReferralErrors.ReferrerAlreadySet.selector, bob, alice));
        protocol.bindReferralCode("CAROL");
        // Not even to the same referrer again.
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IReferralErrors.ReferrerAlreadySet.selector, bob, alice));
        protocol.bindReferralCode(ALICE_CODE);
    }

    function test_RevertWhen_bindReferralCode_selfReferral() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IReferralErrors.SelfReferral.selector, alice, ALICE_CODE));
        protocol.bindReferralCode(ALICE_CODE);
    }

    function test_RevertWhen_bindReferralCode_unknownCode() public {
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IReferralErrors.UnknownReferralCode.selector, NOPE));
        protocol.bindReferralCode("NOPE");
    }

    // ---------------------------------------------------------------- builders

    function test_registerBuilder_registersAndEmits() public {
        vm.expectEmit(address(router));
        emit IReferralModule.BuilderRegistered(carol);
        vm.prank(carol);
        protocol.registerBuilder();
        assertTrue(protocol.referralAccount(carol).builder);
    }

    function test_RevertWhen_registerBuilder_twice() public {
        vm.prank(frontend);
        vm.expectRevert(abi.encodeWithSelector(IReferralErrors.BuilderAlreadyRegistered.selector, frontend));
        protocol.registerBuilder();
    }

    // ---------------------------------------------------------------- governance: tiers

    function test_setReferralTiers_setsEmitsAndReserves() public {
        ReferralTier[] memory tiers = new ReferralTier[](2);
        tiers[0] = ReferralTier("base", 0.1e18, 0.05e18, 30);
        tiers[1] = ReferralTier("gold", 0.3e18, 0.2e18, 90);
        vm.expectEmit(address(router));
        emit IReferralModule.ReferralTierSet(0, "base", 0.1e18, 0.05e18, 30);
        vm.expectEmit(address(router));
        emit IReferralModule.ReferralTierSet(1, "gold", 0.3e18, 0.2e18, 90);
        vm.expectEmit(address(router));
        emit IVaultModule.TradingFeeSplitSet(INSURANCE_SHARE, 0.55e18);
        vm.prank(owner);
        protocol.setReferralTiers(tiers);
        ReferralTier[] memory got = protocol.referralTiers();
        assertEq(got.length, 2);
        assertEq(got[1].name, GOLD);
        assertEq(got[1].referrerShare, 0.3e18);
        assertEq(got[1].refereeDiscount, 0.2e18);
        assertEq(got[1].discountDays, 90);
        (, uint256 reserved) = protocol.tradingFeeSplit();
        assertEq(reserved, 0.55e18, "largest tier 50% + builder 5%");
    }

    function test_setReferralTiers_shrinkingFallsBackToTierZero() public {
        ReferralTier[] memory tiers = new ReferralTier[](2);
        tiers[0] = ReferralTier("base", 0.1e18, 0.05e18, 30);
        tiers[1] = ReferralTier("gold", 0.3e18, 0.2e18, 90);
        vm.startPrank(owner);
        protocol.setReferralTiers(tiers);
        protocol.setReferralCodeTier(ALICE_CODE, 1);
        assertEq(protocol.referralAccount(alice).tier, 1);
        vm.expectEmit(address(router));
        emit IReferralModule.ReferralTierRemoved(1);
        protocol.setReferralTiers(_tiers1("base", 0.1e18, 0.05e18, 30));
        vm.stopPrank();
        assertEq(protocol.referralTiers().length, 1);
        assertEq(protocol.referralAccount(alice).tier, 0, "paid at tier 0");
        (, uint256 reserved) = protocol.tradingFeeSplit();
        assertEq(reserved, 0.2e18);
    }

    function test_RevertWhen_setReferralTiers_outOfBounds() public {
        vm.startPrank(owner);
        vm.expectRevert(abi.encodeWithSelector(IReferralErrors.ReferralTierCountOutOfBounds.selector, 0, 16));
        protocol.setReferralTiers(new ReferralTier[](0));
        ReferralTier[] memory many = new ReferralTier[](17);
        for (uint256 i; i < 17; ++i) {
            many[i] = ReferralTier("t", 0, 0, 0);
        }
        vm.expectRevert(abi.encodeWithSelector(IReferralErrors.ReferralTierCountOutOfBounds.selector, 17, 16));
        protocol.setReferralTiers(many);
        vm.expectRevert(
            abi.encodeWithSelector(IReferralErrors.ReferralShareOutOfBounds.selector, 0, 0.5e18 + 1, 0.5e18)
        );
        protocol.setReferralTiers(_tiers1("x", 0.5e18 + 1, 0, 0));
        vm.expectRevert(
            abi.encodeWithSelector(IReferralErrors.ReferralShareOutOfBounds.selector, 0, 0.5e18 + 1, 0.5e18)
        );
        protocol.setReferralTiers(_tiers1("x", 0, 0.5e18 + 1, 0));
        vm.expectRevert(abi.encodeWithSelector(IReferralErrors.ReferralDiscountDaysOutOfBounds.selector, 0, 3651, 3650));
        protocol.setReferralTiers(_tiers1("x", 0, 0, 3651));
        vm.expectRevert(abi.encodeWithSelector(IReferralErrors.ReferralTierNameEmpty.selector, 0));
        protocol.setReferralTiers(_tiers1(bytes32(0), 0, 0, 0));
        // 50% + 40% + builder 5% + insurance 10% = 105%.
        vm.expectRevert(abi.encodeWithSelector(IReferralErrors.FeeSharesExceedFee.selector, 0, 1.05e18));
        protocol.setReferralTiers(_tiers1("x", 0.5e18, 0.4e18, 0));
        vm.stopPrank();
        // Exactly 100% is accepted.
        vm.prank(owner);
        protocol.setReferralTiers(_tiers1("x", 0.5e18, 0.35e18, 0));
    }

    function test_RevertWhen_setReferralTiers_notOwner() public {
        ReferralTier[] memory tiers = _tiers1("base", 0.1e18, 0.05e18, 30);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IRouterErrors.OwnableUnauthorizedAccount.selector, stranger));
        protocol.setReferralTiers(tiers);
    }

    // ---------------------------------------------------------------- governance: builder share

    function test_setBuilderFeeShare_setsAndEmits() public {
        vm.expectEmit(address(router));
        emit IReferralModule.BuilderFeeShareSet(0.2e18);
        vm.expectEmit(address(router));
        emit IVaultModule.TradingFeeSplitSet(INSURANCE_SHARE, 0.35e18);
        vm.prank(owner);
        protocol.setBuilderFeeShare(0.2e18);
        assertEq(protocol.builderFeeShare(), 0.2e18);
    }

    function test_RevertWhen_setBuilderFeeShare_outOfBounds() public {
        vm.startPrank(owner);
        vm.expectRevert(abi.encodeWithSelector(IReferralErrors.BuilderFeeShareOutOfBounds.selector, 0.5e18 + 1, 0.5e18));
        protocol.setBuilderFeeShare(0.5e18 + 1);
        protocol.setReferralTiers(_tiers1("x", 0.4e18, 0.1e18, 0));
        // 40% + 10% + 45% + insurance 10% = 105%.
        vm.expectRevert(abi.encodeWithSelector(IReferralErrors.FeeSharesExceedFee.selector, 0, 1.05e18));
        protocol.setBuilderFeeShare(0.45e18);
        vm.stopPrank();
    }

    function test_RevertWhen_setBuilderFeeShare_notOwner() public {
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IRouterErrors.OwnableUnauthorizedAccount.selector, stranger));
        protocol.setBuilderFeeShare(0.01e18);
    }

    /// The vault's insurance share is held within what the referral program leaves (and the other way round).
    function test_RevertWhen_setTradingFeeSplit_beyondTheReferralReserve() public {
        vm.startPrank(owner);
        protocol.setReferralTiers(_tiers1("x", 0.5e18, 0.3e18, 0));
        // Reserved: 80% + builder 5% = 85%; insurance at most 15%.
        vm.expectRevert(
            abi.encodeWithSelector(IVaultErrors.TradingFeeShareOutOfBounds.selector, 0.15e18 + 1, 0, 0.15e18)
        );
        protocol.setTradingFeeSplit(0.15e18 + 1);
        protocol.setTradingFeeSplit(0.15e18);
        vm.expectRevert(abi.encodeWithSelector(IReferralErrors.FeeSharesExceedFee.selector, 0, 1e18 + 1));
        protocol.setBuilderFeeShare(0.05e18 + 1);
        vm.stopPrank();
    }

    // ---------------------------------------------------------------- governance: a code's tier

    function test_setReferralCodeTier_setsAndEmits() public {
        ReferralTier[] memory tiers = new ReferralTier[](2);
        tiers[0] = ReferralTier("base", 0.1e18, 0.05e18, 30);
        tiers[1] = ReferralTier("gold", 0.3e18, 0.2e18, 90);
        vm.startPrank(owner);
        protocol.setReferralTiers(tiers);
        vm.expectEmit(address(router));
        emit IReferralModule.ReferralCodeTierSet(ALICE_CODE, alice, 1);
        protocol.setReferralCodeTier(ALICE_CODE, 1);
        vm.stopPrank();
        assertEq(protocol.referralAccount(alice).tier, 1);
    }

    function test_RevertWhen_setReferralCodeTier_unknownCodeOrTier() public {
        vm.startPrank(owner);
        vm.expectRevert(abi.encodeWithSelector(IReferralErrors.UnknownReferralCode.selector, NOPE));
        protocol.setReferralCodeTier("NOPE", 0);
        vm.expectRevert(abi.encodeWithSelector(IReferralErrors.ReferralTierNotFound.selector, 1, 1));
        protocol.setReferralCodeTier(ALICE_CODE, 1);
        vm.stopPrank();
    }

    function test_RevertWhen_setReferralCodeTier_notOwner() public {
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IRouterErrors.OwnableUnauthorizedAccount.selector, stranger));
        protocol.setReferralCodeTier(ALICE_CODE, 0);
    }

    // ---------------------------------------------------------------- module

    function test_RevertWhen_calledOnTheImplementation() public {
        vm.expectRevert(abi.encodeWithSelector(IRouterErrors.NotDelegateCall.selector, address(referralModule)));
        referralModule.registerBuilder();
    }

    function test_storageSlot_matchesId() public pure {
        assertEq(ReferralStorage.ID, "megatao.storage.referral");
        assertEq(
            ReferralStorage.SLOT,
            keccak256(abi.encode(uint256(keccak256(bytes(ReferralStorage.ID))) - 1)) & ~bytes32(uint256(0xff))
        );
    }

    function test_exportedSelectors_coverTheInterface() public view {
        bytes4[] memory s = referralModule.exportedSelectors();
        assertEq(s.length, 11);
        assertEq(referralModule.moduleId(), REFERRAL_ID);
        for (uint256 i; i < s.length; ++i) {
            (bytes32 id, address implementation) = router.moduleOf(s[i]);
            assertEq(id, REFERRAL_ID);
            assertEq(implementation, address(referralModule));
        }
        assertEq(builderModule.exportedSelectors().length, 4);
    }

    /// A zero tier shares nothing: the referee pays the whole fee, the referrer earns nothing.
    function test_zeroTier_sharesNothing() public {
        vm.prank(owner);
        protocol.setReferralTiers(_tiers1("zero", 0, 0, 0));
        _bind(bob, ALICE_CODE);
        _open(bob, chutes, true, 5e18, 2e18);
        assertEq(_rewards(alice), 0);
        // The whole fee (0.025) and the open's skew impact (~0.005) out of the 5 TAO sent.
        PositionInfo memory p = protocol.position(bob, chutes);
        assertEq(p.margin, 4.975e18 - _firstChutesImpact(p.size));
    }
}
