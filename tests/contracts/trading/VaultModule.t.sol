// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TradingFixture} from "./TradingFixture.t.sol";
import {IVaultModule, VaultTotals, MarketTradingState} from "../../../contracts/interfaces/IVaultModule.sol";
import {IVaultErrors} from "../../../contracts/libraries/errors/VaultErrors.sol";
import {IPositionErrors} from "../../../contracts/libraries/errors/PositionErrors.sol";
import {IRouterErrors} from "../../../contracts/libraries/errors/RouterErrors.sol";
import {VaultModule} from "../../../contracts/protocol/modules/VaultModule.sol";
import {MarketStatus} from "../../../contracts/types/MarketId.sol";

contract VaultModuleTest is TradingFixture {
    // ---------------------------------------------------------------- genesis

    function test_initialize_setsGenesisParameters() public view {
        (uint256 insuranceShare, uint256 referralShare) = protocol.tradingFeeSplit();
        assertEq(insuranceShare, 0.1e18);
        assertEq(referralShare, 0);
        (uint256 limit, uint256 breaker) = protocol.utilizationLimits();
        assertEq(limit, 0.8e18);
        assertEq(breaker, 0.9e18);
        (uint256 accountCap, uint256 globalCap) = protocol.collateralCaps();
        assertEq(accountCap, type(uint96).max);
        assertEq(globalCap, type(uint96).max);
    }

    function test_RevertWhen_initialize_twice() public {
        bytes32 moduleId = vaultModule.MODULE_ID();
        bytes4[] memory selectors = vaultModule.exportedSelectors();
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(IVaultErrors.VaultAlreadyInitialized.selector, 1));
        router.setModule(moduleId, address(vaultModule), selectors, abi.encodeCall(VaultModule.initialize, ()));
    }

    function test_RevertWhen_initialize_notThroughTheEntryContract() public {
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(IRouterErrors.NotDelegateCall.selector, address(vaultModule)));
        vaultModule.initialize();
        // Not served by the entry contract either.
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(IRouterErrors.UnknownSelector.selector, VaultModule.initialize.selector));
        VaultModule(address(router)).initialize();
    }

    // ---------------------------------------------------------------- fundVault, claim

    function test_fundVault_addsToReservesAndEmits() public {
        vm.deal(owner, 5e18);
        vm.expectEmit(address(router));
        emit IVaultModule.VaultFunded(owner, 5e18);
        vm.prank(owner);
        protocol.fundVault{value: 5e18}();
        assertEq(protocol.vaultTotals().reserves, VAULT_FUNDS + 5e18);
        _assertSolvent();
    }

    function test_RevertWhen_fundVault_notOwner() public {
        vm.deal(stranger, 1e18);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IRouterErrors.OwnableUnauthorizedAccount.selector, stranger));
        protocol.fundVault{value: 1e18}();
    }

    function test_RevertWhen_fundVault_invalidValue() public {
        vm.deal(owner, 2e18);
        vm.startPrank(owner);
        vm.expectRevert(abi.encodeWithSelector(IPositionErrors.ValueNotRaoMultiple.selector, 1e18 + 5));
        protocol.fundVault{value: 1e18 + 5}();
        vm.expectRevert(IVaultErrors.ZeroFunding.selector);
        protocol.fundVault();
        vm.stopPrank();
    }

    function test_RevertWhen_claim_nothing() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IVaultErrors.NothingToClaim.selector, alice));
        protocol.claim();
    }

    // ---------------------------------------------------------------- circuit breaker

    function test_circuitBreaker_tripsIntoReduceOnlyAndResets() public {
        _open(alice, chutes, true, 125e18, 2e18);
        _open(bob, chutes, false, 125e18, 2e18); // 500 of ~1,001 TAO: ~50%
        vm.prank(owner);
        protocol.setUtilizationLimits(0.2e18, 0.45e18);
        vm.expectEmit(false, false, false, false, address(router));
        emit IVaultModule.CircuitBreakerSet(true, 0);
        assertTrue(protocol.updateCircuitBreaker());
        assertTrue(protocol.circuitBreakerTripped());
        MarketTradingState memory s = protocol.marketTradingState(mtsos);
        assertTrue(s.reduceOnly);
        assertTrue(s.status == MarketStatus.Active);
        vm.prank(alice);
        vm.expectRevert(IPositionErrors.CircuitBreakerActive.selector);
        protocol.openPosition{value: 1e18}(mtsos, true, 2e18, ANY_BUY_PRICE, block.timestamp);

        vm.roll(block.number + 1);
        _close(alice, chutes); // ~25%: still tripped (reset below the 20% limit)
        assertTrue(protocol.circuitBreakerTripped());
        vm.expectEmit(false, false, false, false, address(router));
        emit IVaultModule.CircuitBreakerSet(false, 0);
        _close(bob, chutes);
        assertFalse(protocol.circuitBreakerTripped());
        _open(alice, mtsos, true, 1e18, 2e18);
    }

    // ---------------------------------------------------------------- governance

    function test_setTradingFeeSplit_setsAndEmits() public {
        vm.expectEmit(address(router));
        emit IVaultModule.TradingFeeSplitSet(0.25e18, 0);
        vm.prank(owner);
        protocol.setTradingFeeSplit(0.25e18);
        (uint256 insuranceShare,) = protocol.tradingFeeSplit();
        assertEq(insuranceShare, 0.25e18);
        _open(alice, chutes, true, 5e18, 2e18);
        assertEq(protocol.vaultTotals().insuranceFund, 0.00625e18);
    }

    function test_RevertWhen_setTradingFeeSplit_outOfBounds() public {
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(IVaultErrors.TradingFeeShareOutOfBounds.selector, 1e18 + 1, 0, 1e18));
        protocol.setTradingFeeSplit(1e18 + 1);
    }

    function test_RevertWhen_setTradingFeeSplit_notOwner() public {
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IRouterErrors.OwnableUnauthorizedAccount.selector, stranger));
        protocol.setTradingFeeSplit(0.2e18);
    }

    function test_setUtilizationLimits_setsAndEmits() public {
        vm.expectEmit(address(router));
        emit IVaultModule.UtilizationLimitsSet(0.7e18, 0.95e18);
        vm.prank(owner);
        protocol.setUtilizationLimits(0.7e18, 0.95e18);
        (uint256 limit, uint256 breaker) = protocol.utilizationLimits();
        assertEq(limit, 0.7e18);
        assertEq(breaker, 0.95e18);
    }

    function test_RevertWhen_setUtilizationLimits_outOfBounds() public {
        vm.startPrank(owner);
        vm.expectRevert(
            abi.encodeWithSelector(IVaultErrors.UtilizationLimitOutOfBounds.selector, 0.1e18 - 1, 0.1e18, 0.9e18)
        );
        protocol.setUtilizationLimits(0.1e18 - 1, 0.95e18);
        vm.expectRevert(
            abi.encodeWithSelector(IVaultErrors.UtilizationLimitOutOfBounds.selector, 0.9e18 + 1, 0.1e18, 0.9e18)
        );
        protocol.setUtilizationLimits(0.9e18 + 1, 0.95e18);
        vm.expectRevert(
            abi.encodeWithSelector(IVaultErrors.CircuitBreakerUtilizationOutOfBounds.selector, 0.8e18, 0.8e18 + 1, 1e18)
        );
        protocol.setUtilizationLimits(0.8e18, 0.8e18);
        vm.expectRevert(
            abi.encodeWithSelector(
                IVaultErrors.CircuitBreakerUtilizationOutOfBounds.selector, 1e18 + 1, 0.8e18 + 1, 1e18
            )
        );
        protocol.setUtilizationLimits(0.8e18, 1e18 + 1);
        vm.stopPrank();
    }

    function test_RevertWhen_setUtilizationLimits_notOwner() public {
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IRouterErrors.OwnableUnauthorizedAccount.selector, stranger));
        protocol.setUtilizationLimits(0.8e18, 0.9e18);
    }

    function test_setCollateralCaps_setsAndEmits() public {
        vm.expectEmit(address(router));
        emit IVaultModule.CollateralCapsSet(10e18, 100e18);
        vm.prank(owner);
        protocol.setCollateralCaps(10e18, 100e18);
        (uint256 accountCap, uint256 globalCap) = protocol.collateralCaps();
        assertEq(accountCap, 10e18);
        assertEq(globalCap, 100e18);
    }

    function test_RevertWhen_setCollateralCaps_outOfBounds() public {
        vm.startPrank(owner);
        vm.expectRevert(
            abi.encodeWithSelector(IVaultErrors.CollateralCapOutOfBounds.selector, 1e18 - 1, 1e18, type(uint96).max)
        );
        protocol.setCollateralCaps(1e18, 1e18 - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IVaultErrors.CollateralCapOutOfBounds.selector, uint256(type(uint96).max) + 1, 1e18, type(uint96).max
            )
        );
        protocol.setCollateralCaps(1e18, uint256(type(uint96).max) + 1);
        vm.expectRevert(abi.encodeWithSelector(IVaultErrors.CollateralCapOutOfBounds.selector, 11e18, 1e18, 10e18));
        protocol.setCollateralCaps(11e18, 10e18);
        vm.expectRevert(abi.encodeWithSelector(IVaultErrors.CollateralCapOutOfBounds.selector, 0, 1e18, 10e18));
        protocol.setCollateralCaps(0, 10e18);
        vm.stopPrank();
    }

    function test_RevertWhen_setCollateralCaps_notOwner() public {
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IRouterErrors.OwnableUnauthorizedAccount.selector, stranger));
        protocol.setCollateralCaps(10e18, 100e18);
    }

    // ---------------------------------------------------------------- views

    /// The vault's total open notional is each market's open interest at the mark (size x reference), counted in whole
    /// rao rounded up per market (the market's share is stored in rao).
    function test_vaultTotals_accountForEveryWei() public {
        _open(alice, chutes, true, 5e18, 2e18);
        _open(bob, mtsos, false, 3e18, 4e18);
        VaultTotals memory t = protocol.vaultTotals();
        assertEq(
            t.totalOpenNotional,
            _raoCeil(protocol.marketTradingState(chutes).longOpenInterest)
                + _raoCeil(protocol.marketTradingState(mtsos).shortOpenInterest)
        );
        assertEq(t.utilization, protocol.utilization());
        assertEq(t.utilization, (t.totalOpenNotional * 1e18 + t.reserves - 1) / t.reserves);
        _assertSolvent();
    }

    /// `amount` wei rounded up to a whole rao (1e9 wei).
    function _raoCeil(uint256 amount) internal pure returns (uint256) {
        return (amount + 1e9 - 1) / 1e9 * 1e9;
    }
}
