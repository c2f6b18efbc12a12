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
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Vm} from "forge-std/Vm.sol";

contract PositionModuleTest is TradingFixture {
    // ---------------------------------------------------------------- open

    /// docs/protocol.md section 6: margin 5 TAO at 2x, notional 10 TAO, open fee 0.025 TAO; the close fee is 0.25% of
    /// the close's own notional at its execution price (0.025 TAO on 10 TAO: here the two 0.10% spreads leave the same
    /// size worth 9.98 TAO, so 0.02495). The open also pays the skew impact (section 3) out of the margin sent: the
    /// first 10 TAO long on the 10,000 TAO pool, about 10^2 / (2 x 10,000) = 0.005 TAO.
    function test_openPosition_publishedFees() public {
        bytes32 id = _open(alice, chutes, true, 5e18, 2e18);
        PositionInfo memory p = _position(alice, chutes);
        assertEq(p.positionId, id);
        assertEq(id, keccak256(abi.encode(alice, chutes)));
        assertEq(p.entryNotional, 10e18, "entry notional");
        uint256 impact = _firstChutesImpact(p.size);
        assertApproxEqAbs(impact, 0.005e18, 0.00001e18, "impact ~0.005 TAO");
        assertEq(p.margin, 5e18 - 0.025e18 - impact, "margin after the open fee and the impact");
        FeeTotals memory f = _feeTotals();
        assertEq(f.tradingToVault + f.tradingToInsurance + f.tradingToReferral, 0.025e18, "open fee");
        assertEq(f.tradingToInsurance, 0.0025e18, "10% to the insurance fund");

        vm.roll(block.number + 1);
        _close(alice, chutes);
        // The close sells the size at the reference (= spot) less 0.10%; it shrinks the skew, so pays no impact.
        uint256 closeNotional = _valueAt(p.size, _sellFill(CHUTES_PRICE));
        uint256 closeFee = Math.mulDiv(closeNotional, 0.0025e18, WAD, Math.Rounding.Ceil);
        assertApproxEqRel(closeFee, 0.025e18, 0.0021e18, "close fee ~0.025 less the spreads");
        f = _feeTotals();
        assertEq(f.tradingToVault + f.tradingToInsurance + f.tradingToReferral, 0.025e18 + closeFee, "open + close fee");
        _assertSolvent();
    }

    function test_openPosition_storesPositionAndEmits() public {
        // Spot and reference at the listing price; utilization 0: the 0.10% tier (no pool-size term any more).
        assertEq(protocol.spotPrice(chutes), CHUTES_PRICE);
        uint256 fill = _buyFill(CHUTES_PRICE);
        // Test values, bounded far below the type limits.
        // forge-lint: disable-next-line(unsafe-typecast)
        int256 size = int256(_sizeAt(10e18, fill));
        // The skew impact of the first 10 TAO long comes out of the margin sent, to the reserves.
        uint256 impact = _firstChutesImpact(size);
        uint256 margin = 5e18 - 0.025e18 - impact;
        bytes32 id = keccak256(abi.encode(alice, chutes));
        vm.expectEmit(address(router));
        emit IPositionModule.PriceImpactCharged(id, impact);
        vm.expectEmit(address(router));
        emit IPositionModule.PositionOpened(id, alice, chutes, size, fill, margin, 0.025e18);
        _open(alice, chutes, true, 5e18, 2e18);

        PositionInfo memory p = _position(alice, chutes);
        assertEq(p.size, size);
        assertEq(p.entryPrice, fill);
        assertEq(p.account, alice);
        assertTrue(p.marketId == chutes);
        assertEq(p.lastIncreaseBlock, block.number);
        MarketTradingState memory s = protocol.marketTradingState(chutes);
        // Open interest at the mark (size x reference: 9.99 TAO), and at entry (what funding is paid on).
        assertEq(s.longOpenInterest, _valueAt(size, CHUTES_PRICE), "long OI at the mark");
        assertEq(s.longEntryNotional, 10e18, "long entry notional");
        assertEq(s.shortOpenInterest, 0);
        MarketId[] memory markets = protocol.accountMarkets(alice);
        assertEq(markets.length, 1);
        assertTrue(markets[0] == chutes);
        AccountSummary memory a = protocol.accountSummary(alice);
        assertEq(a.positionCount, 1);
        assertEq(a.collateral, margin);
        assertEq(a.positions[0].size, size);
        VaultTotals memory t = protocol.vaultTotals();
        assertEq(t.marginsOwed, margin);
        // The vault's total counts each market's open interest at the mark in whole rao, rounded up.
        assertEq(t.totalOpenNotional, Math.mulDiv(uint256(size), CHUTES_PRICE, WAD * 1e9, Math.Rounding.Ceil) * 1e9);
        // 90% of the fee and the whole impact.
        assertEq(t.reserves, VAULT_FUNDS + 0.0225e18 + impact);
        assertEq(t.insuranceFund, 0.0025e18);
        _assertSolvent();
    }

    function test_openPosition_short() public {
        _open(alice, chutes, false, 5e18, 3e18);
        PositionInfo memory p = _position(alice, chutes);
        assertLt(p.size, 0);
        assertEq(p.entryPrice, _sellFill(CHUTES_PRICE), "a short sells 0.10% below the reference (= spot)");
        MarketTradingState memory s = protocol.marketTradingState(chutes);
        assertEq(s.shortEntryNotional, p.entryNotional, "entry notional: 15 TAO");
        // At the mark the size sold at 0.03996 is worth 15/0.999 = 15.015 TAO.
        assertEq(s.shortOpenInterest, _valueAt(p.size, CHUTES_PRICE), "OI at the mark");
        assertGt(s.shortOpenInterest, p.entryNotional);
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
    }

    /// docs/protocol.md section 5: a position keeps at least the min margin (0.1 TAO) after the open fee and the
    /// impact, so that a liquidation's fee share mostly covers the keeper floor. The min notional (0.0001 TAO) opens no
    /// position on its own any more.
    function test_RevertWhen_openPosition_marginBelowMinimum() public {
        // At the min notional: 0.0001 TAO less the fee (0.25%) and a dust of impact.
        int256 size = int256(_sizeAt(0.0001e18, _buyFill(CHUTES_PRICE)));
        uint256 margin = 0.0001e18 - 0.00000025e18 - _firstChutesImpact(size);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IPositionErrors.MarginBelowMinimum.selector, margin, 0.1e18));
        protocol.openPosition{value: 0.0001e18}(chutes, true, 1e18, ANY_BUY_PRICE, block.timestamp);
        // 0.1 TAO sent leaves 0.1 less the fee (0.00025 at 1x): just below.
        vm.prank(alice);
        vm.expectPartialRevert(IPositionErrors.MarginBelowMinimum.selector);
        protocol.openPosition{value: 0.1e18}(chutes, true, 1e18, ANY_BUY_PRICE, block.timestamp);
        // 0.1003 TAO leaves 0.1003 - 0.00025075 - a dust of impact: above it, it opens.
        _open(alice, chutes, true, 0.1003e18, 1e18);
        assertGe(_position(alice, chutes).margin, 0.1e18);
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

    /// The per-side cap bounds open interest at the mark (size x reference): two 10 TAO longs bought at 0.10% above
    /// the reference hold 2 x 10/1.001 = 19.98 TAO at the mark.
    function test_RevertWhen_openPosition_openInterestCap() public {
        _setMaxOi(15e18);
        _open(alice, chutes, true, 5e18, 2e18);
        uint256 sideSize = 2 * _sizeAt(10e18, _buyFill(CHUTES_PRICE));
        // Test values, bounded far below the type limits.
        // forge-lint: disable-next-line(unsafe-typecast)
        uint256 side = _valueAt(int256(sideSize), CHUTES_PRICE);
        assertApproxEqAbs(side, 19.98e18, 0.0001e18);
        vm.prank(bob);
        vm.expectRevert(
            abi.encodeWithSelector(IPositionErrors.OpenInterestCapExceeded.selector, chutes, true, side, 15e18)
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

    /// docs/protocol.md section 3: open interest per side at the mark <= 5% of the pool's TAO reserve (10,000 TAO:
    /// 500).
    function test_RevertWhen_openPosition_depthCap() public {
        _open(alice, chutes, true, 150e18, 3e18); // 450 TAO bought: 449.55 at the mark
        uint256 sideSize = _sizeAt(450e18, _buyFill(CHUTES_PRICE)) + _sizeAt(60e18, _buyFill(CHUTES_PRICE));
        // Test values, bounded far below the type limits.
        // forge-lint: disable-next-line(unsafe-typecast)
        uint256 side = _valueAt(int256(sideSize), CHUTES_PRICE);
        assertEq(protocol.marketTradingState(chutes).depthCap, 500e18);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IPositionErrors.DepthCapExceeded.selector, chutes, true, side, 500e18));
        protocol.openPosition{value: 20e18}(chutes, true, 3e18, ANY_BUY_PRICE, block.timestamp);
        // The other side has its own cap.
        _open(bob, chutes, false, 20e18, 3e18);
        // A deeper pool (20,000 TAO, same price) raises the cap to 1,000 TAO once a whole block has read it: the depth
        // is the smallest of the reserve now, this block's readings and the last touched block's, and this block
        // read 10,000 TAO before the move.
        alpha.setPool(CHUTES, 2 * POOL_TAO_RAO, 2 * POOL_ALPHA, Bittensor.MECHANISM_DYNAMIC);
        for (uint256 i; i < 2; ++i) {
            assertEq(protocol.marketTradingState(chutes).depthCap, 500e18, "not yet");
            vm.roll(block.number + 1);
            vm.warp(block.timestamp + 12);
            protocol.poke(chutes);
        }
        assertEq(protocol.marketTradingState(chutes).depthCap, 1_000e18);
        address carol = makeAddr("carol");
        vm.deal(carol, 20e18);
        _open(carol, chutes, true, 20e18, 3e18);
    }

    function test_RevertWhen_openPosition_netExposureCap() public {
        // Reserves ~1,000 TAO: |long - short| <= ~500 TAO. At genesis the depth cap (5% of the 10,000 TAO pool: 500 TAO
        // per side) binds first; at its 50% bound (5,000 TAO) the net-exposure cap does.
        MarketParams memory params = _alphaParams();
        params.oiDepthRatio = 0.5e18;
        vm.prank(owner);
        protocol.updateMarketParams(chutes, params);
        _open(alice, chutes, true, 150e18, 3e18); // 450 (449.55 at the mark)
        // Reserves grew by the fee's 90% and the impact (450^2 / 20,000 ~ 10.1 TAO): the cap is ~505.6 TAO, and 60
        // more TAO of long (509.5 at the mark) is beyond it.
        uint256 cap = protocol.vaultTotals().reserves / 2;
        assertLt(cap, 509e18);
        vm.prank(bob);
        vm.expectPartialRevert(IPositionErrors.NetExposureCapExceeded.selector);
        protocol.openPosition{value: 20e18}(chutes, true, 3e18, ANY_BUY_PRICE, block.timestamp);
        // A trade that shrinks the exposure is fine.
        _open(bob, chutes, false, 20e18, 3e18);
    }

    /// Utilization (open interest at the mark over reserves) may not exceed 80% after an increase. 400 long CHUTES +
    /// 400 short CHUTES hold ~799.6 TAO at the mark, against reserves of ~1,009.8 (1,000 + 90% of the fees + the long's
    /// impact, 400^2 / 20,000 = 8 TAO): an MTSOS open 1 TAO of notional beyond the headroom to 80% reverts, one 1 TAO
    /// within it opens.
    function test_RevertWhen_openPosition_utilizationLimit() public {
        _open(alice, chutes, true, 200e18, 2e18);
        _open(bob, chutes, false, 200e18, 2e18);
        VaultTotals memory t = protocol.vaultTotals();
        uint256 headroom = t.reserves * 0.8e18 / WAD - t.totalOpenNotional;
        assertGt(headroom, 2e18);
        // Margins at 1x, rao multiples.
        uint256 beyond = (headroom + 1e18) / 1e9 * 1e9;
        uint256 within = (headroom - 1e18) / 1e9 * 1e9;
        address carol = makeAddr("carol");
        vm.deal(carol, 2 * headroom);
        vm.prank(carol);
        vm.expectPartialRevert(IPositionErrors.UtilizationLimitExceeded.selector);
        protocol.openPosition{value: beyond}(mtsos, true, 1e18, ANY_BUY_PRICE, block.timestamp);
        _open(carol, mtsos, true, within, 1e18);
        assertLe(protocol.utilization(), 0.8e18);
    }

    function test_RevertWhen_openPosition_collateralCaps() public {
        vm.prank(owner);
        protocol.setCollateralCaps(2e18, 3e18);
        // 3 TAO at 2x keeps 3 - 0.015 fee - the impact of 6 TAO (~0.0018).
        uint256 kept = 2.985e18 - _firstChutesImpact(int256(_sizeAt(6e18, _buyFill(CHUTES_PRICE))));
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IPositionErrors.AccountCollateralCapExceeded.selector, alice, kept, 2e18));
        protocol.openPosition{value: 3e18}(chutes, true, 2e18, ANY_BUY_PRICE, block.timestamp);
        _open(alice, chutes, true, 2e18, 2e18); // 1.99 less the impact of 4 TAO kept
        uint256 aliceMargin = _position(alice, chutes).margin;
        assertEq(aliceMargin, 1.99e18 - _firstChutesImpact(int256(_sizeAt(4e18, _buyFill(CHUTES_PRICE)))));
        // Bob's short shrinks the skew: no impact, 1.99 kept.
        vm.prank(bob);
        vm.expectRevert(
            abi.encodeWithSelector(IPositionErrors.GlobalCollateralCapExceeded.selector, aliceMargin + 1.99e18, 3e18)
        );
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
        // 0.11 TAO at 1x: above the min margin (0.1 TAO) after the fee.
        for (uint16 i; i < 50; ++i) {
            uint16 netuid = 100 + i;
            alpha.setPool(netuid, POOL_TAO_RAO, POOL_ALPHA, Bittensor.MECHANISM_DYNAMIC);
            MarketId id = _list(_alphaListing(string(abi.encodePacked("M", vm.toString(netuid))), netuid));
            _open(alice, id, true, 0.11e18, 1e18);
        }
        assertEq(protocol.accountMarkets(alice).length, 50);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IPositionErrors.TooManyPositions.selector, alice, 50));
        protocol.openPosition{value: 0.11e18}(chutes, true, 1e18, ANY_BUY_PRICE, block.timestamp);
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
        // A lasting +10% that the reference has followed (a spot alone 10% away would be beyond the divergence
        // limit), in the next block but the same second: nothing accrues.
        vm.roll(block.number + 1);
        _setChutesPrice(0.044e18);
        uint256 ref = protocol.spotPrice(chutes);
        _setReference(chutes, ref);
        vm.prank(alice);
        protocol.increasePosition{value: 5e18}(chutes, 2e18, ANY_BUY_PRICE, block.timestamp);
        PositionInfo memory p = _position(alice, chutes);
        // Test values, bounded far below the type limits.
        // forge-lint: disable-next-line(unsafe-typecast)
        int256 added = int256(_sizeAt(10e18, _buyFill(ref)));
        assertEq(p.size, before.size + added);
        assertGt(p.entryPrice, before.entryPrice);
        // The addition's impact: the skew (at the new reference) from the first position's size to both.
        uint256 impact = _skewImpact(before.size, p.size, ref, POOL_TAO);
        assertEq(p.margin, before.margin + 4.975e18 - impact, "both fees and impacts taken from the margin sent");
        assertEq(p.lastIncreaseBlock, block.number);
        MarketTradingState memory s = protocol.marketTradingState(chutes);
        assertEq(s.longEntryNotional, p.entryNotional);
        assertEq(s.longOpenInterest, _valueAt(p.size, ref), "OI at the mark");
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
        // Half the margin, less half the spread loss and a 0.25% fee on the ~10 TAO sold (at its execution price).
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

    /// Closes work whatever the market's state: delisted, opens paused, a pool below the liquidity threshold and a
    /// -50% spot. The reference price does not follow a spot read in the same block (it weighs the reading held
    /// from the last block that touched the market); a long sells at the lower of spot and reference, so at the
    /// spot, less the 0.10% tier.
    function test_closePosition_worksWhenReduceOnlyDivergedAndBelowThreshold() public {
        _open(alice, chutes, true, 10e18, 2e18);
        vm.prank(owner);
        protocol.setMarketStatus(chutes, MarketStatus.Delisted);
        vm.prank(guardianAccount);
        protocol.pauseOpens();
        vm.roll(block.number + 1);
        vm.warp(block.timestamp + 12);
        // -50% and a pool below the threshold.
        alpha.setPool(CHUTES, 500e9, 25_000e9, Bittensor.MECHANISM_DYNAMIC);
        assertTrue(protocol.marketTradingState(chutes).reduceOnly);
        vm.getRecordedLogs(); // drops the open's events (no fee assertion here)
        _close(alice, chutes);
        (uint256 ref,) = protocol.referencePrice(chutes);
        assertEq(ref, CHUTES_PRICE, "the reference weighed the held reading");
        assertEq(_closeFillPrice(), _sellFill(0.02e18), "closed at the spot, less the tier");
        assertEq(_position(alice, chutes).size, 0);
        _assertSolvent();
    }

    /// The fill price of the last `PositionDecreased` recorded since the logs were last read.
    function _closeFillPrice() internal returns (uint256 price) {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter == address(router) && logs[i].topics[0] == IPositionModule.PositionDecreased.selector) {
                (, price) = abi.decode(logs[i].data, (int256, uint256));
            }
        }
        assertGt(price, 0, "a PositionDecreased was emitted");
    }

    /// docs/protocol.md section 3a: a switched-off precompile freezes nothing. Opens and increases revert
    /// `OraclePriceUnavailable`; a close fills at the last reference price (less the tier), and its skew impact is
    /// measured on the last good depth reading (10,000 TAO).
    function test_closePosition_aSwitchedOffPrecompileClosesAtTheReference() public {
        _open(bob, chutes, false, 20e18, 2e18); // 40 TAO short
        bytes32 id = _open(alice, chutes, true, 5e18, 2e18); // 10 TAO long: shrinks the skew
        int256 shorts = _position(bob, chutes).size;
        int256 longs = _position(alice, chutes).size;
        vm.roll(block.number + 1);
        vm.warp(block.timestamp + 12);
        alpha.setDisabled(true);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IPositionErrors.OraclePriceUnavailable.selector, chutes));
        protocol.increasePosition{value: 1e18}(chutes, 2e18, ANY_BUY_PRICE, block.timestamp);
        // Closing the long widens the shorts' skew: it pays that impact, on the last depth reading.
        uint256 impact = _skewImpact(longs + shorts, shorts, CHUTES_PRICE, POOL_TAO);
        assertGt(impact, 0);
        vm.getRecordedLogs(); // drops the opens' events (no fee assertion here)
        vm.expectEmit(address(router));
        emit IPositionModule.PriceImpactCharged(id, impact);
        _close(alice, chutes);
        assertEq(_closeFillPrice(), _sellFill(CHUTES_PRICE), "at the last reference, less the tier");
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
        // 4.975 after the fee, less the open's impact (~0.005).
        assertEq(before.margin, 4.975e18 - _firstChutesImpact(before.size));
        vm.expectEmit(address(router));
        emit IMarginModule.MarginAdded(keccak256(abi.encode(alice, chutes)), 1e18, before.margin + 1e18);
        vm.prank(alice);
        protocol.addMargin{value: 1e18}(chutes);
        PositionInfo memory p = _position(alice, chutes);
        assertEq(p.margin, before.margin + 1e18, "margin + amount");
        assertEq(p.accruedFunding, before.accruedFunding, "funding still owed");
        assertEq(p.accruedInterest, before.accruedInterest, "interest still owed");
        assertEq(p.equity, before.equity + 1e18, "equity + amount");
        assertEq(protocol.accountSummary(alice).collateral, p.margin);
        _assertSolvent();

        vm.roll(block.number + 1);
        uint256 balance = alice.balance;
        _close(alice, chutes);
        assertLt(alice.balance - balance, p.margin, "the close settles what was owed");
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
        // Notional 20, margin 9.95 less the impact of 20 TAO (~0.02): IM at 3x is 6.67.
        _open(alice, chutes, true, 10e18, 2e18);
        uint256 margin = _position(alice, chutes).margin;
        assertEq(margin, 9.95e18 - _firstChutesImpact(_position(alice, chutes).size));
        uint256 balance = alice.balance;
        vm.prank(alice);
        protocol.removeMargin(chutes, 3e18);
        assertEq(alice.balance - balance, 3e18);
        // 6.93 less the 0.02 unrealized spread loss stays above 6.67; 0.5 more would not.
        assertEq(_position(alice, chutes).margin, margin - 3e18);
        vm.prank(alice);
        vm.expectPartialRevert(IPositionErrors.MarginRatioTooLow.selector);
        protocol.removeMargin(chutes, 0.5e18);
        _assertSolvent();
    }

    function test_RevertWhen_removeMargin_invalidAmount() public {
        _open(alice, chutes, true, 10e18, 2e18);
        // 9.95 after the fee, less the open's impact.
        uint256 margin = _position(alice, chutes).margin;
        assertEq(margin, 9.95e18 - _firstChutesImpact(_position(alice, chutes).size));
        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(IPositionErrors.InvalidMarginAmount.selector, 0, margin));
        protocol.removeMargin(chutes, 0);
        vm.expectRevert(abi.encodeWithSelector(IPositionErrors.InvalidMarginAmount.selector, 20e18, margin));
        protocol.removeMargin(chutes, 20e18);
        vm.expectRevert(abi.encodeWithSelector(IPositionErrors.ValueNotRaoMultiple.selector, 1));
        protocol.removeMargin(chutes, 1);
        vm.stopPrank();
    }
}
