// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TradingFixture, TaoRefuser} from "./TradingFixture.t.sol";
import {IPositionModule} from "../../../contracts/interfaces/IPositionModule.sol";
import {IMarginModule} from "../../../contracts/interfaces/IMarginModule.sol";
import {PositionInfo, AccountSummary} from "../../../contracts/interfaces/IPositionViewModule.sol";
import {IVaultModule, VaultTotals, MarketTradingState} from "../../../contracts/interfaces/IVaultModule.sol";
import {IPositionErrors} from "../../../contracts/libraries/errors/PositionErrors.sol";
import {IMarketErrors} from "../../../contracts/libraries/errors/MarketErrors.sol";
import {IRouterErrors} from "../../../contracts/libraries/errors/RouterErrors.sol";
import {Bittensor} from "../../../contracts/libraries/Bittensor.sol";
import {MarketParams} from "../../../contracts/interfaces/IMarketModule.sol";
import {MarketId, MarketIdLibrary, MarketStatus} from "../../../contracts/types/MarketId.sol";

contract PositionModuleTest is TradingFixture {
    // ---------------------------------------------------------------- open

    /// PROTOCOL.md section 6: margin 5 TAO at 2x, notional 10 TAO, open fee 0.025 TAO, close fee 0.025 TAO.
    function test_openPosition_publishedFees() public {
        bytes32 id = _open(alice, chutes, true, 5e18, 2e18);
        PositionInfo memory p = _position(alice, chutes);
        assertEq(p.positionId, id);
        assertEq(id, keccak256(abi.encode(alice, chutes)));
        assertEq(p.entryNotional, 10e18, "entry notional");
        assertEq(p.margin, 4.975e18, "margin after the open fee");
        FeeTotals memory f = _feeTotals();
        assertEq(f.tradingToVault + f.tradingToInsurance + f.tradingToReferral, 0.025e18, "open fee");
        assertEq(f.tradingToInsurance, 0.0025e18, "10% to the insurance fund");

        vm.roll(block.number + 1);
        _close(alice, chutes);
        f = _feeTotals();
        assertEq(f.tradingToVault + f.tradingToInsurance + f.tradingToReferral, 0.05e18, "open + close fee");
        _assertSolvent();
    }

    function test_openPosition_storesPositionAndEmits() public {
        uint256 price = protocol.spotPrice(chutes);
        // 10 TAO on a 10,000 TAO pool at utilization 0: 0.10% + 0.10%.
        uint256 fill = price * 1.002e18 / WAD;
        // Test values, bounded far below the type limits.
        // forge-lint: disable-next-line(unsafe-typecast)
        int256 size = int256(10e18 * WAD / fill);
        bytes32 id = keccak256(abi.encode(alice, chutes));
        vm.expectEmit(address(router));
        emit IPositionModule.PositionOpened(id, alice, chutes, size, fill, 4.975e18, 0.025e18);
        _open(alice, chutes, true, 5e18, 2e18);

        PositionInfo memory p = _position(alice, chutes);
        assertEq(p.size, size);
        assertEq(p.entryPrice, fill);
        assertEq(p.account, alice);
        assertTrue(p.marketId == chutes);
        assertEq(p.lastIncreaseBlock, block.number);
        MarketTradingState memory s = protocol.marketTradingState(chutes);
        assertEq(s.longOpenInterest, 10e18);
        assertEq(s.shortOpenInterest, 0);
        MarketId[] memory markets = protocol.accountMarkets(alice);
        assertEq(markets.length, 1);
        assertTrue(markets[0] == chutes);
        AccountSummary memory a = protocol.accountSummary(alice);
        assertEq(a.positionCount, 1);
        assertEq(a.collateral, 4.975e18);
        assertEq(a.positions[0].size, size);
        VaultTotals memory t = protocol.vaultTotals();
        assertEq(t.marginsOwed, 4.975e18);
        assertEq(t.totalOpenNotional, 10e18);
        assertEq(t.reserves, VAULT_FUNDS + 0.0225e18);
        assertEq(t.insuranceFund, 0.0025e18);
        _assertSolvent();
    }

    function test_openPosition_short() public {
        _open(alice, chutes, false, 5e18, 3e18);
        PositionInfo memory p = _position(alice, chutes);
        assertLt(p.size, 0);
        assertLt(p.entryPrice, protocol.spotPrice(chutes), "a short sells below the oracle");
        assertEq(protocol.marketTradingState(chutes).shortOpenInterest, p.entryNotional);
    }

    function test_openPosition_indexMarket() public {
        _open(alice, mtsos, true, 1e18, 5e18);
        PositionInfo memory p = _position(alice, mtsos);
        // No pool: the base tier only (0.10%).
        assertEq(p.entryPrice, MTSOS_PRICE * 1.001e18 / WAD);
    }

    function test_RevertWhen_openPosition_valueNotRaoMultiple() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IPositionErrors.ValueNotRaoMultiple.selector, 1e18 + 1));
        protocol.openPosition{value: 1e18 + 1}(chutes, true, 2e18, ANY_BUY_PRICE, block.timestamp);
    }

    function test_RevertWhen_openPosition_alreadyOpen() public {
        _open(alice, chutes, true, 1e18, 2e18);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IPositionErrors.PositionAlreadyOpen.selector, alice, chutes));
        protocol.openPosition{value: 1e18}(chutes, false, 2e18, ANY_SELL_PRICE, block.timestamp);
    }

    function test_RevertWhen_openPosition_leverageOutOfBounds() public {
        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(IPositionErrors.LeverageOutOfBounds.selector, 3e18 + 1, 1e18, 3e18));
        protocol.openPosition{value: 1e18}(chutes, true, 3e18 + 1, ANY_BUY_PRICE, block.timestamp);
        vm.expectRevert(abi.encodeWithSelector(IPositionErrors.LeverageOutOfBounds.selector, 1e18 - 1, 1e18, 3e18));
        protocol.openPosition{value: 1e18}(chutes, true, 1e18 - 1, ANY_BUY_PRICE, block.timestamp);
        vm.stopPrank();
    }

    function test_RevertWhen_openPosition_notionalTooSmall() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IPositionErrors.PositionNotionalTooSmall.selector, 0.00009e18, 1e14));
        protocol.openPosition{value: 0.00009e18}(chutes, true, 1e18, ANY_BUY_PRICE, block.timestamp);
        // At the minimum it opens.
        _open(alice, chutes, true, 0.0001e18, 1e18);
    }

    function test_RevertWhen_openPosition_marketNotActive() public {
        vm.prank(owner);
        protocol.setMarketStatus(chutes, MarketStatus.ReduceOnly);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IPositionErrors.MarketNotActive.selector, chutes, MarketStatus.ReduceOnly)
        );
        protocol.openPosition{value: 1e18}(chutes, true, 2e18, ANY_BUY_PRICE, block.timestamp);
        vm.prank(owner);
        protocol.setMarketStatus(chutes, MarketStatus.Delisted);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IPositionErrors.MarketNotActive.selector, chutes, MarketStatus.Delisted));
        protocol.openPosition{value: 1e18}(chutes, true, 2e18, ANY_BUY_PRICE, block.timestamp);
    }

    function test_RevertWhen_openPosition_opensPaused() public {
        vm.prank(guardianAccount);
        protocol.pauseOpens();
        vm.prank(alice);
        vm.expectRevert(IPositionErrors.OpensArePaused.selector);
        protocol.openPosition{value: 1e18}(chutes, true, 2e18, ANY_BUY_PRICE, block.timestamp);
        vm.prank(owner);
        protocol.unpauseOpens();
        _open(alice, chutes, true, 1e18, 2e18);
    }

    function test_RevertWhen_openPosition_poolBelowLiquidityThreshold() public {
        // 999 TAO against a 1,000 TAO threshold (same price).
        alpha.setPool(CHUTES, 999e9, 24_975e9, Bittensor.MECHANISM_DYNAMIC);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IMarketErrors.PoolBelowLiquidityThreshold.selector, chutes, 999e18, THRESHOLD)
        );
        protocol.openPosition{value: 1e18}(chutes, true, 2e18, ANY_BUY_PRICE, block.timestamp);
        assertTrue(protocol.marketTradingState(chutes).reduceOnly);
    }

    function test_RevertWhen_openPosition_spotBeyondTheDivergenceLimit() public {
        vm.roll(block.number + 1);
        _setChutesPrice(0.0421e18); // +5.25% from the reference
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPositionErrors.PriceDivergenceTooHigh.selector, chutes, 0.0421e18, CHUTES_PRICE, 0.05e18
            )
        );
        protocol.openPosition{value: 1e18}(chutes, true, 2e18, ANY_BUY_PRICE, block.timestamp);
        _setChutesPrice(0.042e18); // +5%: at the limit
        _open(alice, chutes, true, 1e18, 2e18);
    }

    function test_RevertWhen_openPosition_openInterestCap() public {
        _setMaxOi(15e18);
        _open(alice, chutes, true, 5e18, 2e18);
        vm.prank(bob);
        vm.expectRevert(
            abi.encodeWithSelector(IPositionErrors.OpenInterestCapExceeded.selector, chutes, true, 20e18, 15e18)
        );
        protocol.openPosition{value: 5e18}(chutes, true, 2e18, ANY_BUY_PRICE, block.timestamp);
        // The other side has its own cap.
        _open(bob, chutes, false, 5e18, 2e18);
    }

    function _setMaxOi(uint256 cap) internal {
        MarketParams memory params = _alphaParams();
        // Test values, bounded far below the type limits.
        // forge-lint: disable-next-line(unsafe-typecast)
        params.maxOpenInterestPerSide = uint128(cap);
        vm.prank(owner);
        protocol.updateMarketParams(chutes, params);
    }

    function test_RevertWhen_openPosition_netExposureCap() public {
        // Reserves ~1,000 TAO: |long - short| <= ~500 TAO.
        _open(alice, chutes, true, 150e18, 3e18); // 450
        vm.prank(bob);
        vm.expectPartialRevert(IPositionErrors.NetExposureCapExceeded.selector);
        protocol.openPosition{value: 20e18}(chutes, true, 3e18, ANY_BUY_PRICE, block.timestamp);
        // A trade that shrinks the exposure is fine.
        _open(bob, chutes, false, 20e18, 3e18);
    }

    function test_RevertWhen_openPosition_utilizationLimit() public {
        // 400 long CHUTES + 400 short CHUTES = 80% of 1,000 TAO; one more TAO of notional is above.
        _open(alice, chutes, true, 200e18, 2e18);
        _open(bob, chutes, false, 200e18, 2e18);
        address carol = makeAddr("carol");
        vm.deal(carol, 10e18);
        vm.prank(carol);
        vm.expectPartialRevert(IPositionErrors.UtilizationLimitExceeded.selector);
        protocol.openPosition{value: 1e18}(mtsos, true, 2e18, ANY_BUY_PRICE, block.timestamp);
    }

    function test_RevertWhen_openPosition_collateralCaps() public {
        vm.prank(owner);
        protocol.setCollateralCaps(2e18, 3e18);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IPositionErrors.AccountCollateralCapExceeded.selector, alice, 2.985e18, 2e18)
        );
        protocol.openPosition{value: 3e18}(chutes, true, 2e18, ANY_BUY_PRICE, block.timestamp);
        _open(alice, chutes, true, 2e18, 2e18); // 1.99 kept
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IPositionErrors.GlobalCollateralCapExceeded.selector, 3.98e18, 3e18));
        protocol.openPosition{value: 2e18}(chutes, false, 2e18, ANY_SELL_PRICE, block.timestamp);
    }

    function test_RevertWhen_openPosition_priceNotAcceptable() public {
        uint256 fill = CHUTES_PRICE * 1.001e18 / WAD;
        vm.prank(alice);
        vm.expectPartialRevert(IPositionErrors.PriceNotAcceptable.selector);
        protocol.openPosition{value: 5e18}(chutes, true, 2e18, fill, block.timestamp);
    }

    function test_RevertWhen_openPosition_deadlinePassed() public {
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IPositionErrors.DeadlinePassed.selector, block.timestamp - 1, block.timestamp)
        );
        protocol.openPosition{value: 5e18}(chutes, true, 2e18, ANY_BUY_PRICE, block.timestamp - 1);
    }

    function test_RevertWhen_openPosition_tooManyPositions() public {
        vm.deal(alice, 1_000e18);
        for (uint16 i; i < 50; ++i) {
            uint16 netuid = 100 + i;
            alpha.setPool(netuid, POOL_TAO_RAO, POOL_ALPHA, Bittensor.MECHANISM_DYNAMIC);
            MarketId id = _list(_alphaListing(string(abi.encodePacked("M", vm.toString(netuid))), netuid));
            _open(alice, id, true, 0.01e18, 1e18);
        }
        assertEq(protocol.accountMarkets(alice).length, 50);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IPositionErrors.TooManyPositions.selector, alice, 50));
        protocol.openPosition{value: 0.01e18}(chutes, true, 1e18, ANY_BUY_PRICE, block.timestamp);
    }

    function test_RevertWhen_openPosition_calledOnTheImplementation() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IRouterErrors.NotDelegateCall.selector, address(positionModule)));
        positionModule.openPosition{value: 1e18}(chutes, true, 2e18, ANY_BUY_PRICE, block.timestamp);
    }

    // ---------------------------------------------------------------- increase

    function test_increasePosition_averagesEntryAndChargesFee() public {
        _open(alice, chutes, true, 5e18, 2e18);
        PositionInfo memory before = _position(alice, chutes);
        vm.roll(block.number + 1);
        _setChutesPrice(0.044e18);
        vm.prank(alice);
        protocol.increasePosition{value: 5e18}(chutes, 2e18, ANY_BUY_PRICE, block.timestamp);
        PositionInfo memory p = _position(alice, chutes);
        assertGt(p.size, before.size);
        assertGt(p.entryPrice, before.entryPrice);
        assertEq(p.margin, 4.975e18 * 2, "both fees taken from the margin sent");
        assertEq(p.lastIncreaseBlock, block.number);
        assertEq(protocol.marketTradingState(chutes).longOpenInterest, p.entryNotional);
        _assertSolvent();
    }

    function test_RevertWhen_increasePosition_noPosition() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IPositionErrors.NoPosition.selector, alice, chutes));
        protocol.increasePosition{value: 1e18}(chutes, 2e18, ANY_BUY_PRICE, block.timestamp);
    }

    function test_RevertWhen_increasePosition_aboveMaxLeverage() public {
        _open(alice, chutes, true, 5e18, 3e18);
        // Funding and interest have nothing to charge in the same block, but the average entry rounds up: the
        // whole position at 3x on 10 TAO is just above 30 TAO of notional.
        vm.prank(alice);
        vm.expectPartialRevert(IPositionErrors.LeverageOutOfBounds.selector);
        protocol.increasePosition{value: 5e18}(chutes, 3e18, ANY_BUY_PRICE, block.timestamp);
        // Lower leverage on the addition keeps the whole within 3x.
        vm.prank(alice);
        protocol.increasePosition{value: 5e18}(chutes, 2e18, ANY_BUY_PRICE, block.timestamp);
    }

    function test_RevertWhen_increasePosition_reduceOnly() public {
        _open(alice, chutes, true, 5e18, 2e18);
        vm.prank(owner);
        protocol.setMarketStatus(chutes, MarketStatus.ReduceOnly);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IPositionErrors.MarketNotActive.selector, chutes, MarketStatus.ReduceOnly)
        );
        protocol.increasePosition{value: 1e18}(chutes, 2e18, ANY_BUY_PRICE, block.timestamp);
        // Closes still work.
        vm.roll(block.number + 1);
        _close(alice, chutes);
    }

    // ---------------------------------------------------------------- reduce

    function test_reducePosition_paysItsShareLessTheFee() public {
        _open(alice, chutes, true, 10e18, 2e18);
        PositionInfo memory before = _position(alice, chutes);
        vm.roll(block.number + 1);
        uint256 balance = alice.balance;
        vm.prank(alice);
        protocol.reducePosition(chutes, uint256(before.size) / 2, ANY_SELL_PRICE, block.timestamp);
        PositionInfo memory p = _position(alice, chutes);
        assertEq(p.size, before.size - before.size / 2);
        assertApproxEqAbs(p.margin, before.margin / 2, 1);
        uint256 received = alice.balance - balance;
        // Half the margin, less half the slippage loss and a 0.25% fee on 10 TAO.
        assertApproxEqRel(received, before.margin / 2 - 0.025e18 - 0.02e18, 0.01e18);
        assertEq(received % 1e9, 0, "rao multiple");
        _assertSolvent();
    }

    function test_RevertWhen_reducePosition_sameBlock() public {
        _open(alice, chutes, true, 10e18, 2e18);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IPositionErrors.SameBlockAsIncrease.selector, alice, chutes));
        protocol.reducePosition(chutes, 1e18, ANY_SELL_PRICE, block.timestamp);
    }

    function test_RevertWhen_reducePosition_invalidSize() public {
        _open(alice, chutes, true, 10e18, 2e18);
        vm.roll(block.number + 1);
        uint256 size = uint256(_position(alice, chutes).size);
        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(IPositionErrors.InvalidReduceSize.selector, 0, size));
        protocol.reducePosition(chutes, 0, ANY_SELL_PRICE, block.timestamp);
        vm.expectRevert(abi.encodeWithSelector(IPositionErrors.InvalidReduceSize.selector, size, size));
        protocol.reducePosition(chutes, size, ANY_SELL_PRICE, block.timestamp);
        vm.expectPartialRevert(IPositionErrors.PositionNotionalTooSmall.selector);
        protocol.reducePosition(chutes, size - 1e12, ANY_SELL_PRICE, block.timestamp);
        vm.stopPrank();
    }

    // ---------------------------------------------------------------- close

    function test_closePosition_paysProfit() public {
        _open(alice, chutes, true, 10e18, 2e18);
        _moveChutesPrice(0.044e18); // +10%
        uint256 balance = alice.balance;
        uint256 reserves = protocol.vaultTotals().reserves;
        _close(alice, chutes);
        uint256 received = alice.balance - balance;
        // ~9.95 margin + ~2 TAO gain (20 notional x 10%) less slippage and fee.
        assertApproxEqRel(received, 11.85e18, 0.01e18);
        assertLt(protocol.vaultTotals().reserves, reserves, "the vault paid the gain");
        assertEq(protocol.accountMarkets(alice).length, 0);
        assertEq(_position(alice, chutes).size, 0);
        assertEq(protocol.marketTradingState(chutes).longOpenInterest, 0);
        assertEq(protocol.vaultTotals().marginsOwed, 0);
        _assertSolvent();
    }

    function test_closePosition_takesLoss() public {
        _open(alice, chutes, true, 10e18, 2e18);
        _moveChutesPrice(0.038e18); // -5%
        uint256 balance = alice.balance;
        _close(alice, chutes);
        // 9.95 margin - 1 TAO loss (20 notional x 5%) - slippage both ways - 0.05 fee.
        assertApproxEqRel(alice.balance - balance, 8.79e18, 0.01e18);
        _assertSolvent();
    }

    function test_closePosition_worksWhenReduceOnlyClampedAndBelowThreshold() public {
        _open(alice, chutes, true, 10e18, 2e18);
        vm.prank(owner);
        protocol.setMarketStatus(chutes, MarketStatus.Delisted);
        vm.prank(guardianAccount);
        protocol.pauseOpens();
        vm.roll(block.number + 1);
        // -50% and a pool below the threshold: the band clamps the price to -20%.
        alpha.setPool(CHUTES, 500e9, 25_000e9, Bittensor.MECHANISM_DYNAMIC);
        _close(alice, chutes);
        (uint256 price,) = protocol.referencePrice(chutes);
        assertEq(price, 0.032e18, "closed at the clamped price");
        _assertSolvent();
    }

    function test_RevertWhen_closePosition_sameBlock() public {
        _open(alice, chutes, true, 10e18, 2e18);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IPositionErrors.SameBlockAsIncrease.selector, alice, chutes));
        protocol.closePosition(chutes, ANY_SELL_PRICE, block.timestamp);
    }

    function test_RevertWhen_closePosition_noPosition() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IPositionErrors.NoPosition.selector, alice, chutes));
        protocol.closePosition(chutes, ANY_SELL_PRICE, block.timestamp);
    }

    function test_closePosition_creditsWhenTheTransferFails() public {
        TaoRefuser refuser = new TaoRefuser();
        vm.deal(address(refuser), 10e18);
        vm.prank(address(refuser));
        protocol.openPosition{value: 10e18}(chutes, true, 2e18, ANY_BUY_PRICE, block.timestamp);
        vm.roll(block.number + 1);
        vm.prank(address(refuser));
        protocol.closePosition(chutes, ANY_SELL_PRICE, block.timestamp);
        uint256 credited = protocol.claimable(address(refuser));
        assertGt(credited, 9e18);
        assertEq(credited % 1e9, 0);
        assertEq(protocol.vaultTotals().claimsOwed, credited);
        _assertSolvent();
        // The claim fails the same way and keeps the credit.
        vm.prank(address(refuser));
        vm.expectRevert();
        protocol.claim();
        assertEq(protocol.claimable(address(refuser)), credited);
    }

    function test_closePosition_badDebtFromInsuranceThenVault() public {
        _open(bob, chutes, false, 10e18, 2e18); // fees feed the insurance fund
        _open(alice, chutes, true, 5e18, 3e18);
        uint256 insurance = protocol.vaultTotals().insuranceFund;
        assertGt(insurance, 0);
        _moveChutesPrice(0.02e18); // -50%: equity 4.96 - 7.5 < 0
        uint256 reserves = protocol.vaultTotals().reserves;
        vm.expectEmit(true, false, false, false, address(router));
        emit IVaultModule.BadDebtCovered(keccak256(abi.encode(alice, chutes)), 0, 0);
        _close(alice, chutes);
        assertEq(protocol.vaultTotals().insuranceFund, 0, "the insurance fund paid first");
        // The vault received the whole margin and the insurance fund's balance.
        assertEq(protocol.vaultTotals().reserves, reserves + 4.9625e18 + insurance);
        _assertSolvent();
    }

    // ---------------------------------------------------------------- margin

    /// Adding margin settles nothing: the accrued funding and interest stay owed (measured from the position's index
    /// snapshots) and are settled at its next trade; its margin ratio improves by the amount.
    function test_addMargin_increasesMarginLeavesAccrualOwed() public {
        _open(alice, chutes, true, 5e18, 2e18);
        _open(bob, chutes, false, 1e18, 2e18);
        vm.warp(block.timestamp + 8 hours);
        PositionInfo memory before = _position(alice, chutes);
        assertGt(before.accruedFunding + int256(before.accruedInterest), 0, "owes after 8 hours");
        vm.expectEmit(address(router));
        emit IMarginModule.MarginAdded(keccak256(abi.encode(alice, chutes)), 1e18, 5.975e18);
        vm.prank(alice);
        protocol.addMargin{value: 1e18}(chutes);
        PositionInfo memory p = _position(alice, chutes);
        assertEq(p.margin, 5.975e18, "margin + amount");
        assertEq(p.accruedFunding, before.accruedFunding, "funding still owed");
        assertEq(p.accruedInterest, before.accruedInterest, "interest still owed");
        assertEq(p.equity, before.equity + 1e18, "equity + amount");
        assertEq(protocol.accountSummary(alice).collateral, p.margin);
        _assertSolvent();

        vm.roll(block.number + 1);
        uint256 balance = alice.balance;
        _close(alice, chutes);
        assertLt(alice.balance - balance, 5.975e18, "the close settles what was owed");
        _assertSolvent();
    }

    function test_RevertWhen_addMargin_invalid() public {
        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(IPositionErrors.NoPosition.selector, alice, chutes));
        protocol.addMargin{value: 1e18}(chutes);
        vm.expectRevert(abi.encodeWithSelector(IPositionErrors.ValueNotRaoMultiple.selector, 1));
        protocol.addMargin{value: 1}(chutes);
        vm.expectRevert(abi.encodeWithSelector(IPositionErrors.InvalidMarginAmount.selector, 0, 0));
        protocol.addMargin(chutes);
        vm.stopPrank();
    }

    function test_removeMargin_paysOutAboveInitialMargin() public {
        _open(alice, chutes, true, 10e18, 2e18); // notional 20, margin 9.95: IM at 3x is 6.67
        uint256 balance = alice.balance;
        vm.prank(alice);
        protocol.removeMargin(chutes, 3e18);
        assertEq(alice.balance - balance, 3e18);
        assertEq(_position(alice, chutes).margin, 6.95e18);
        vm.prank(alice);
        vm.expectPartialRevert(IPositionErrors.MarginRatioTooLow.selector);
        protocol.removeMargin(chutes, 0.5e18);
        _assertSolvent();
    }

    function test_RevertWhen_removeMargin_invalidAmount() public {
        _open(alice, chutes, true, 10e18, 2e18);
        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(IPositionErrors.InvalidMarginAmount.selector, 0, 9.95e18));
        protocol.removeMargin(chutes, 0);
        vm.expectRevert(abi.encodeWithSelector(IPositionErrors.InvalidMarginAmount.selector, 20e18, 9.95e18));
        protocol.removeMargin(chutes, 20e18);
        vm.expectRevert(abi.encodeWithSelector(IPositionErrors.ValueNotRaoMultiple.selector, 1));
        protocol.removeMargin(chutes, 1);
        vm.stopPrank();
    }
}
