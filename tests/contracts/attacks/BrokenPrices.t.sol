// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Attack (or accident): one subnet's price source breaks. Measured before the fix: one zero-priced subnet reverted every
// LP deposit, claim and `fundVault`, and that market's closes and liquidations. Now (docs/protocol.md section 3a) a
// zero or reverting price, or a subnet registered again under the netuid, freezes nothing else: the market accepts no
// opens and closes, liquidates and is valued at its last reference price; after `settleAfter` of failure anyone settles
// it, and its positions close at the settlement price with no fee.

import {AttackFixture} from "./AttackFixture.t.sol";
import {Bittensor} from "../../../contracts/libraries/Bittensor.sol";
import {IPositionErrors} from "../../../contracts/libraries/errors/PositionErrors.sol";
import {IMarketErrors} from "../../../contracts/libraries/errors/MarketErrors.sol";
import {ILiquidationErrors} from "../../../contracts/libraries/errors/LiquidationErrors.sol";
import {PositionInfo} from "../../../contracts/interfaces/IPositionViewModule.sol";
import {MarketId, MarketStatus} from "../../../contracts/types/MarketId.sol";
import {OraclePrices} from "../../../contracts/interfaces/IOracleModule.sol";

contract BrokenPricesTest is AttackFixture {
    MarketId internal lium;
    uint256 internal shares;

    function setUp() public override {
        super.setUp();
        lium = _list(_alphaListing("LIUM", LIUM));
        shares = _deposit(lp1, 1_000e18);
        _open(alice, chutes, true, 20e18, 3e18);
        _open(bob, chutes, false, 20e18, 2e18);
        _nextBlock(1 hours);
        _request(lp1, shares / 2);
    }

    function _zeroChutes() internal {
        alpha.setPool(CHUTES, POOL_TAO_RAO, 0, Bittensor.MECHANISM_DYNAMIC);
        _nextBlock(12);
    }

    function test_zeroPrice_freezesNothingElse() public {
        _zeroChutes();
        // Other markets trade.
        _open(alice, lium, true, 10e18, 2e18);
        // LPs deposit, governance funds the vault.
        _deposit(lp2, 100e18);
        _fundVault(100e18);
        // The broken market closes at its last reference.
        uint256 before = alice.balance;
        _close(alice, chutes);
        assertGt(alice.balance, before, "closed and paid");
        // Claims go on in the next epoch.
        vm.warp(_epochStart(1));
        _nextBlock(12);
        assertGt(_claim(lp1), 0);
        _assertSolvent();
    }

    function test_RevertWhen_openingOnABrokenPrice() public {
        _zeroChutes();
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IPositionErrors.OraclePriceUnavailable.selector, chutes));
        protocol.increasePosition{value: 1e18}(chutes, 2e18, type(uint256).max, block.timestamp);
        alpha.setDisabled(true);
        _nextBlock(12);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IPositionErrors.OraclePriceUnavailable.selector, chutes));
        protocol.increasePosition{value: 1e18}(chutes, 2e18, 0, block.timestamp);
    }

    function test_liquidationWorksAtTheReferenceWhileTheSourceFails() public {
        _moveChutesPrice(0.03e18); // -25%: alice's 3x long under water
        _zeroChutes();
        vm.prank(keeper);
        (bool full,) = protocol.liquidate(alice, chutes);
        assertTrue(full);
        _assertSolvent();
    }

    /// A new subnet registered under netuid 64 starts a pool of its own, priced far from the market's reference: the
    /// divergence makes the update read the registration block, and the market fails.
    function test_reRegisteredSubnet_settledByAnyoneAfterSettleAfter() public {
        subnets.setNetworkRegistrationBlock(CHUTES, uint64(block.number));
        alpha.setPool(CHUTES, 1_000e9, 1_000_000e9, Bittensor.MECHANISM_DYNAMIC); // the new subnet's pool: 0.001
        _nextBlock(12);
        protocol.poke(chutes);
        (uint256 settlementPrice,) = protocol.referencePrice(chutes);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IPositionErrors.OraclePriceUnavailable.selector, chutes));
        protocol.increasePosition{value: 1e18}(chutes, 2e18, type(uint256).max, block.timestamp);
        // Too early for anyone.
        uint256 failingSince = protocol.oraclePrices(chutes).failingSince;
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(IMarketErrors.MarketNotSettleable.selector, chutes, failingSince, 1 hours)
        );
        protocol.settleMarket(chutes);
        _nextBlock(1 hours);
        vm.prank(stranger);
        assertEq(protocol.settleMarket(chutes), settlementPrice);
        assertEq(uint8(protocol.marketStatus(chutes)), uint8(MarketStatus.Settled));
        // Trades are over; positions close at the settlement price, with no fee, by anyone.
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IMarketErrors.MarketSettled.selector, chutes));
        protocol.closePosition(chutes, 0, block.timestamp);
        PositionInfo memory p = _position(alice, chutes);
        uint256 fees = _feeTotals().tradingToVault;
        uint256 before = alice.balance;
        vm.prank(stranger);
        protocol.closeSettledPosition(alice, chutes);
        assertEq(_feeTotals().tradingToVault, fees, "no trading fee");
        assertApproxEqAbs(alice.balance - before, uint256(p.equity), 1e9, "the equity at the settlement price");
        vm.prank(bob);
        protocol.closeSettledPosition(bob, chutes);
        assertEq(protocol.activeMarkets().length, 0, "out of the LP valuation");
        _assertSolvent();
    }

    /// Within the divergence limit the registration is not read (a normal update pays nothing for it): a subnet
    /// re-registered at the same price level trades on until its price leaves the limit or governance settles it.
    function test_reRegisteredSubnetAtTheSamePrice_isReadOnlyOnDivergence() public {
        subnets.setNetworkRegistrationBlock(CHUTES, uint64(block.number));
        _nextBlock(12);
        protocol.poke(chutes);
        OraclePrices memory p = protocol.oraclePrices(chutes);
        assertFalse(p.broken);
        _setChutesPrice(CHUTES_PRICE * 2);
        _nextBlock(12);
        protocol.poke(chutes);
        assertTrue(protocol.oraclePrices(chutes).broken, "read once the price diverged");
    }

    function test_RevertWhen_closingSettledPositionOfAnActiveMarket() public {
        vm.expectRevert(abi.encodeWithSelector(IMarketErrors.MarketNotSettled.selector, chutes));
        protocol.closeSettledPosition(alice, chutes);
    }

    function test_governanceSettlesAHealthyMarketAtAFreshReference() public {
        vm.prank(owner);
        uint256 price = protocol.settleMarket(chutes);
        assertEq(price, CHUTES_PRICE);
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(IMarketErrors.MarketSettled.selector, chutes));
        protocol.setMarketStatus(chutes, MarketStatus.Active);
    }
}
