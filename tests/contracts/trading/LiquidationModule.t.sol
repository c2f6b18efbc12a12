// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TradingFixture, TaoRefuser} from "./TradingFixture.t.sol";
import {Vm} from "forge-std/Vm.sol";
import {ILiquidationModule} from "../../../contracts/interfaces/ILiquidationModule.sol";
import {PositionInfo} from "../../../contracts/interfaces/IPositionViewModule.sol";
import {IVaultModule, MarketTradingState} from "../../../contracts/interfaces/IVaultModule.sol";
import {ILiquidationErrors} from "../../../contracts/libraries/errors/LiquidationErrors.sol";
import {IPositionErrors} from "../../../contracts/libraries/errors/PositionErrors.sol";
import {IRouterErrors} from "../../../contracts/libraries/errors/RouterErrors.sol";
import {MarginMath} from "../../../contracts/libraries/math/MarginMath.sol";
import {MarketId} from "../../../contracts/types/MarketId.sol";

/// @dev Refuses TAO until told otherwise.
contract ClaimingRefuser {
    bool internal accepting;

    function setAccepting(bool accepting_) external {
        accepting = accepting_;
    }

    receive() external payable {
        require(accepting, "no");
    }
}

contract LiquidationModuleTest is TradingFixture {
    // ---------------------------------------------------------------- the published liquidation prices

    /// The adverse move at which `who`'s position becomes fully liquidatable, WAD of the entry price.
    function _adverseMove(address who, MarketId id) internal view returns (uint256) {
        PositionInfo memory p = _position(who, id);
        return
            p.size > 0 ? WAD - p.liquidationPrice * WAD / p.entryPrice : p.liquidationPrice * WAD / p.entryPrice - WAD;
    }

    /// MM 10%: 3x liquidates after ~23% (23.3% before the open fee, 23.1% after it).
    function test_liquidationPrice_3xLongAfter23Percent() public {
        _open(alice, chutes, true, 5e18, 3e18);
        assertApproxEqAbs(_adverseMove(alice, chutes), 0.231e18, 0.001e18);
        PositionInfo memory p = _position(alice, chutes);
        // The view is the published formula with the position's leverage.
        assertEq(p.liquidationPrice, MarginMath.liquidationPrice(p.entryPrice, p.leverage, 0.1e18, true));
        _assertLiquidatesAt(alice, chutes, p.liquidationPrice);
    }

    /// 2x liquidates after ~40%.
    function test_liquidationPrice_2xLongAfter40Percent() public {
        _open(alice, chutes, true, 5e18, 2e18);
        assertApproxEqAbs(_adverseMove(alice, chutes), 0.3975e18, 0.001e18);
        _assertLiquidatesAt(alice, chutes, _position(alice, chutes).liquidationPrice);
    }

    /// 5x (MTSOS) liquidates after ~10% (9.75% after the open fee). MTSOS's skew impact is measured on the vault's
    /// reserves (docs/protocol.md section 3), and comes out of the margin: on the fixture's 1,000 TAO vault the first 25 TAO
    /// pays 25^2 / 2,000 = 0.31 TAO and leaves 8.5%; on a vault of 100,000 TAO (here) it pays 0.003 TAO.
    function test_liquidationPrice_5xAfter10Percent() public {
        _fundVault(99_000e18);
        uint256 reserves = protocol.vaultTotals().reserves;
        _open(alice, mtsos, true, 5e18, 5e18);
        PositionInfo memory opened = _position(alice, mtsos);
        uint256 impact = _skewImpact(0, opened.size, MTSOS_PRICE, reserves);
        assertApproxEqAbs(impact, 0.003125e18, 0.00001e18);
        assertEq(opened.margin, 5e18 - 0.0625e18 - impact, "margin after the fee and the impact");
        assertApproxEqAbs(_adverseMove(alice, mtsos), 0.0975e18, 0.001e18);
        PositionInfo memory p = _position(alice, mtsos);
        _moveMtsosPrice(p.liquidationPrice * 1.001e18 / WAD);
        assertTrue(protocol.liquidationStatus(alice, mtsos) != MarginMath.LiquidationStatus.Full, "not yet");
        _moveMtsosPrice(p.liquidationPrice * 0.999e18 / WAD);
        assertTrue(protocol.liquidationStatus(alice, mtsos) == MarginMath.LiquidationStatus.Full, "past it");
        vm.prank(keeper);
        (bool full,) = protocol.liquidate(alice, mtsos);
        assertTrue(full);
        _assertSolvent();
    }

    /// Moves the MTSOS index to `price` as a lasting move: a poke in the next block makes it the reference, and a
    /// block after that starts at it (a position is liquidatable only when under water at the block's starting
    /// reference too).
    function _moveMtsosPrice(uint256 price) internal {
        indexOracle.setPrice(price);
        vm.roll(block.number + 1);
        vm.warp(block.timestamp + 12);
        protocol.poke(mtsos);
        vm.roll(block.number + 1);
        vm.warp(block.timestamp + 12);
    }

    /// The short mirror: 3x liquidates after a ~23% rise.
    /// A short's margin ratio counts its notional at the mark once above entry (docs/protocol.md section 5), so it
    /// liquidates where `(margin - size x (P - E)) / (size x P) = MM`: `P = E x (1 + margin / entryNotional) / (1 +
    /// MM)`, ~20.9% above entry for 3x after the open's fee and impact (the entry-notional formula's 23.1% less).
    function test_liquidationPrice_3xShortAfter21PercentRise() public {
        _open(alice, chutes, false, 5e18, 3e18);
        PositionInfo memory p = _position(alice, chutes);
        uint256 expected = (WAD + p.margin * WAD / p.entryNotional) * WAD / 1.1e18 - WAD;
        assertApproxEqAbs(_adverseMove(alice, chutes), expected, 0.0001e18);
        assertApproxEqAbs(expected, 0.209e18, 0.001e18);
        _assertLiquidatesAt(alice, chutes, _position(alice, chutes).liquidationPrice);
    }

    /// Just before `liquidationPrice` the position is not fully liquidatable, just past it it is, and a keeper
    /// liquidates it fully.
    function _assertLiquidatesAt(address who, MarketId id, uint256 liquidationPrice) internal {
        bool isLong = _position(who, id).size > 0;
        _moveChutesPrice(liquidationPrice * (isLong ? 1.002e18 : 0.998e18) / WAD);
        assertTrue(protocol.liquidationStatus(who, id) != MarginMath.LiquidationStatus.Full, "not yet");
        _moveChutesPrice(liquidationPrice * (isLong ? 0.998e18 : 1.002e18) / WAD);
        assertTrue(protocol.liquidationStatus(who, id) == MarginMath.LiquidationStatus.Full, "past it");
        vm.prank(keeper);
        (bool full,) = protocol.liquidate(who, id);
        assertTrue(full);
        assertEq(_position(who, id).size, 0);
        _assertSolvent();
    }

    // ---------------------------------------------------------------- full

    function test_liquidate_fullSplitsTheFee() public {
        bytes32 id = _open(alice, chutes, true, 5e18, 3e18);
        _moveChutesPrice(0.03e18); // -25%
        PositionInfo memory p = _position(alice, chutes);
        assertTrue(p.liquidationStatus == MarginMath.LiquidationStatus.Full);
        uint256 equity = uint256(p.equity);
        uint256 fee = (equity * 0.05e18 + WAD - 1) / WAD;
        uint256 toKeeper = fee * 0.2e18 / WAD;
        uint256 toInsurance = fee * 0.3e18 / WAD;
        vm.expectEmit(address(router));
        emit ILiquidationModule.LiquidationFeeBooked(id, toKeeper, toInsurance, fee - toKeeper - toInsurance);
        vm.expectEmit(address(router));
        emit ILiquidationModule.PositionLiquidated(id, alice, chutes, keeper, p.size, 0.03e18, equity - fee, 0, true);
        uint256 balanceBefore = alice.balance;
        vm.prank(keeper);
        protocol.liquidate(alice, chutes);

        FeeTotals memory f = _feeTotals();
        assertEq(f.liquidationToKeepers, toKeeper);
        assertEq(f.liquidationToInsurance, toInsurance);
        assertEq(f.liquidationToVault, fee - toKeeper - toInsurance);
        assertEq(keeper.balance, toKeeper - toKeeper % 1e9, "keeper paid, rao multiple");
        uint256 toTrader = equity - fee;
        assertEq(alice.balance - balanceBefore, toTrader - toTrader % 1e9, "trader paid, rao multiple");
        assertEq(protocol.accountMarkets(alice).length, 0);
        _assertSolvent();
    }

    function test_liquidate_creditsATraderThatRefusesTao() public {
        TaoRefuser refuser = new TaoRefuser();
        vm.deal(address(refuser), 5e18);
        vm.prank(address(refuser));
        protocol.openPosition{value: 5e18}(chutes, true, 3e18, ANY_BUY_PRICE, block.timestamp);
        _moveChutesPrice(0.03e18);
        vm.prank(keeper);
        protocol.liquidate(address(refuser), chutes);
        uint256 credited = protocol.claimable(address(refuser));
        assertGt(credited, 0);
        assertEq(protocol.vaultTotals().claimsOwed, credited);
        _assertSolvent();
    }

    function test_claim_paysTheCredit() public {
        ClaimingRefuser refuser = new ClaimingRefuser();
        vm.deal(address(refuser), 5e18);
        vm.prank(address(refuser));
        protocol.openPosition{value: 5e18}(chutes, true, 3e18, ANY_BUY_PRICE, block.timestamp);
        _moveChutesPrice(0.03e18);
        vm.prank(keeper);
        protocol.liquidate(address(refuser), chutes);
        uint256 credited = protocol.claimable(address(refuser));
        refuser.setAccepting(true);
        vm.expectEmit(address(router));
        emit IVaultModule.Claimed(address(refuser), credited);
        vm.prank(address(refuser));
        assertEq(protocol.claim(), credited);
        assertEq(address(refuser).balance, credited);
        assertEq(protocol.claimable(address(refuser)), 0);
        assertEq(protocol.vaultTotals().claimsOwed, 0);
        _assertSolvent();
    }

    function test_liquidate_badDebtFromInsuranceFirst() public {
        _open(bob, chutes, false, 50e18, 2e18);
        _open(alice, chutes, true, 5e18, 3e18);
        uint256 insurance = protocol.vaultTotals().insuranceFund;
        _moveChutesPrice(0.024e18); // -40%: equity 4.96 - 6 < 0
        assertLt(_position(alice, chutes).equity, 0);
        uint256 reserves = protocol.vaultTotals().reserves;
        vm.prank(keeper);
        protocol.liquidate(alice, chutes);
        // Nothing for the keeper or the trader; the insurance fund's balance went to the vault first.
        assertEq(keeper.balance, 0);
        assertEq(protocol.claimable(alice), 0);
        assertEq(protocol.vaultTotals().insuranceFund, 0);
        assertEq(protocol.vaultTotals().reserves, reserves + 4.9625e18 + insurance);
        _assertSolvent();
    }

    /// docs/protocol.md section 5: the keeper gets at least the min keeper fee (0.01 TAO); when its share of the fee
    /// is less, the difference comes out of what the trader would get back, so that liquidating one's own position
    /// never draws on the insurance fund.
    function test_liquidate_keeperFloorFromTheTradersEquityFirst() public {
        _open(bob, chutes, false, 50e18, 2e18); // its fee feeds the insurance fund (0.025 TAO)
        bytes32 id = _open(alice, chutes, true, 5e18, 3e18); // shrinks the skew: no impact, margin 4.9625
        PositionInfo memory p = _position(alice, chutes);
        // Equity ~0.2 TAO: fee 5% = 0.01, the keeper's 20% = 0.002, topped up by 0.008 from the trader's rest.
        _moveChutesPrice(p.entryPrice - (p.margin - 0.2e18) * WAD / uint256(p.size));
        p = _position(alice, chutes);
        assertTrue(p.liquidationStatus == MarginMath.LiquidationStatus.Full);
        uint256 equity = uint256(p.equity);
        uint256 fee = (equity * 0.05e18 + WAD - 1) / WAD;
        uint256 toKeeper = fee * 0.2e18 / WAD;
        assertLt(toKeeper, 0.01e18);
        uint256 insurance = protocol.vaultTotals().insuranceFund;
        uint256 aliceBefore = alice.balance;
        vm.expectEmit(address(router));
        emit ILiquidationModule.KeeperFloorPaid(id, 0.01e18 - toKeeper, 0);
        vm.prank(keeper);
        protocol.liquidate(alice, chutes);
        assertEq(keeper.balance, 0.01e18, "the floor");
        assertApproxEqAbs(alice.balance - aliceBefore, equity - fee - (0.01e18 - toKeeper), 1e9, "the rest, less it");
        assertEq(protocol.vaultTotals().insuranceFund, insurance + fee * 0.3e18 / WAD, "the insurance fund's share");
        _assertSolvent();
    }

    /// When what the trader would get back cannot pay the floor, the insurance fund tops it up.
    function test_liquidate_keeperFloorFromTheInsuranceFundWhenTheEquityCannot() public {
        _open(bob, chutes, false, 50e18, 2e18); // its fee feeds the insurance fund (0.025 TAO)
        bytes32 id = _open(alice, chutes, true, 5e18, 3e18);
        PositionInfo memory p = _position(alice, chutes);
        // Equity ~0.004 TAO: the fee 0.0002, the trader's rest 0.0038, the insurance fund the remaining ~0.006.
        _moveChutesPrice(p.entryPrice - (p.margin - 0.004e18) * WAD / uint256(p.size));
        p = _position(alice, chutes);
        uint256 equity = uint256(p.equity);
        uint256 fee = (equity * 0.05e18 + WAD - 1) / WAD;
        uint256 toKeeper = fee * 0.2e18 / WAD;
        uint256 rest = (equity - fee) / 1e9 * 1e9;
        uint256 insurance = protocol.vaultTotals().insuranceFund;
        uint256 aliceBefore = alice.balance;
        vm.recordLogs();
        vm.prank(keeper);
        protocol.liquidate(alice, chutes);
        assertEq(keeper.balance, 0.01e18, "the floor");
        assertEq(alice.balance, aliceBefore, "nothing back");
        Vm.Log[] memory logs = vm.getRecordedLogs();
        bool seen;
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].topics[0] != ILiquidationModule.KeeperFloorPaid.selector) continue;
            (uint256 fromEquity, uint256 fromInsurance) = abi.decode(logs[i].data, (uint256, uint256));
            assertEq(logs[i].topics[1], id);
            assertApproxEqAbs(fromEquity, rest, 1e9, "the trader's rest first");
            assertEq(fromEquity + fromInsurance, 0.01e18 - toKeeper, "then the insurance fund");
            assertEq(protocol.vaultTotals().insuranceFund, insurance + fee * 0.3e18 / WAD - fromInsurance);
            seen = true;
        }
        assertTrue(seen, "KeeperFloorPaid");
        _assertSolvent();
    }

    // ---------------------------------------------------------------- partial

    function test_liquidate_partialBringsMarginRatioBackToMmPlusBand() public {
        _open(alice, chutes, true, 5e18, 3e18);
        PositionInfo memory before = _position(alice, chutes);
        // MR 12%: entry x (1 - (margin - 1.8) / 15), the margin 4.9625 less the open's impact (~0.011): -21.0%.
        uint256 drop = (before.margin - 0.12e18 * before.entryNotional / WAD) * WAD / before.entryNotional;
        assertApproxEqAbs(drop, 0.2101e18, 0.0001e18);
        _moveChutesPrice(before.entryPrice * (WAD - drop) / WAD);
        PositionInfo memory p = _position(alice, chutes);
        assertTrue(p.liquidationStatus == MarginMath.LiquidationStatus.Partial, "in the band");
        vm.prank(keeper);
        (bool full, int256 closed) = protocol.liquidate(alice, chutes);
        assertFalse(full);
        assertGt(closed, 0);
        assertLt(closed, p.size);
        PositionInfo memory afterwards = _position(alice, chutes);
        assertEq(afterwards.size, p.size - closed);
        assertApproxEqAbs(afterwards.marginRatio, 0.15e18, 1e12, "back to MM + band");
        assertTrue(afterwards.liquidationStatus == MarginMath.LiquidationStatus.None);
        assertGt(keeper.balance, 0);
        MarketTradingState memory s = protocol.marketTradingState(chutes);
        assertEq(s.longEntryNotional, afterwards.entryNotional);
        (uint256 ref,) = protocol.referencePrice(chutes);
        assertEq(s.longOpenInterest, _valueAt(afterwards.size, ref), "OI at the mark");
        _assertSolvent();
        // Not liquidatable any more.
        vm.expectPartialRevert(ILiquidationErrors.NotLiquidatable.selector);
        protocol.liquidate(alice, chutes);
    }

    function test_RevertWhen_liquidate_healthy() public {
        _open(alice, chutes, true, 5e18, 3e18);
        int256 mr = _position(alice, chutes).marginRatio;
        vm.expectRevert(abi.encodeWithSelector(ILiquidationErrors.NotLiquidatable.selector, alice, chutes, mr));
        protocol.liquidate(alice, chutes);
    }

    /// docs/protocol.md section 3: the status is the best for the trader of the spot, the reference and the block's
    /// starting reference, so a push cannot liquidate a position healthy at the reference (`LiquidationByPoolPush`).
    /// A position already under water at the reference and held up by the spot alone keeps only the support the spot
    /// gives, which is what one transaction sets: here a 3x short (15 TAO at 0.03996) after a lasting +25% and a fall
    /// back to 0.04 is at ~33% at the spot and 7.9% at the reference 0.05; a push to 0.06 lets a keeper liquidate it,
    /// and it is paid at the reference, not at the pushed spot, so the push earns the keeper its fee share only.
    function test_liquidate_aPushRemovesOnlyTheSpotsSupport() public {
        _open(bob, chutes, false, 5e18, 3e18);
        _moveChutesPrice(0.05e18); // a lasting +25%: the reference follows
        // The market falls back to 0.04: the next block's first touch holds it; the reference stays 0.05 for now.
        _setChutesPrice(0.04e18);
        vm.roll(block.number + 1);
        vm.warp(block.timestamp + 12);
        protocol.poke(chutes);
        PositionInfo memory before = _position(bob, chutes);
        assertTrue(before.liquidationStatus == MarginMath.LiquidationStatus.None, "held up by the spot");
        assertLt(before.marginRatio, 0.1e18, "below MM at the reference");
        (uint256 ref,) = protocol.referencePrice(chutes);
        _setChutesPrice(0.06e18);
        vm.prank(keeper);
        protocol.liquidate(bob, chutes);
        assertEq(_position(bob, chutes).size, 0, "liquidated");
        (uint256 refAfter,) = protocol.referencePrice(chutes);
        assertEq(refAfter, ref, "the push did not move the reference it was paid at");
    }

    function test_RevertWhen_liquidate_noPosition() public {
        vm.expectRevert(abi.encodeWithSelector(IPositionErrors.NoPosition.selector, alice, chutes));
        protocol.liquidate(alice, chutes);
    }

    // ---------------------------------------------------------------- governance

    function test_liquidationParams_genesis() public view {
        (uint256 fee, uint256 keeperShare, uint256 insuranceShare, uint256 vaultShare) = protocol.liquidationParams();
        assertEq(fee, 0.05e18);
        assertEq(keeperShare, 0.2e18);
        assertEq(insuranceShare, 0.3e18);
        assertEq(vaultShare, 0.5e18);
    }

    function test_setLiquidationFee_setsAndEmits() public {
        vm.expectEmit(address(router));
        emit ILiquidationModule.LiquidationFeeSet(0.05e18, 0.1e18);
        vm.prank(owner);
        protocol.setLiquidationFee(0.1e18);
        (uint256 fee,,,) = protocol.liquidationParams();
        assertEq(fee, 0.1e18);
        vm.prank(owner);
        protocol.setLiquidationFee(0);
    }

    function test_RevertWhen_setLiquidationFee_outOfBounds() public {
        vm.prank(owner);
        vm.expectRevert(
            abi.encodeWithSelector(ILiquidationErrors.LiquidationFeeOutOfBounds.selector, 0.1e18 + 1, 0, 0.1e18)
        );
        protocol.setLiquidationFee(0.1e18 + 1);
    }

    function test_RevertWhen_setLiquidationFee_notOwner() public {
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IRouterErrors.OwnableUnauthorizedAccount.selector, stranger));
        protocol.setLiquidationFee(0.01e18);
    }

    function test_setLiquidationFeeSplit_setsAndEmits() public {
        vm.expectEmit(address(router));
        emit ILiquidationModule.LiquidationFeeSplitSet(0.5e18, 0.5e18, 0);
        vm.prank(owner);
        protocol.setLiquidationFeeSplit(0.5e18, 0.5e18, 0);
        (, uint256 keeperShare, uint256 insuranceShare, uint256 vaultShare) = protocol.liquidationParams();
        assertEq(keeperShare + insuranceShare + vaultShare, WAD);
        assertEq(vaultShare, 0);
    }

    function test_RevertWhen_setLiquidationFeeSplit_notSummingToOne() public {
        vm.startPrank(owner);
        vm.expectRevert(
            abi.encodeWithSelector(ILiquidationErrors.LiquidationFeeSplitInvalid.selector, 0.5e18, 0.5e18, 1)
        );
        protocol.setLiquidationFeeSplit(0.5e18, 0.5e18, 1);
        vm.expectRevert(
            abi.encodeWithSelector(ILiquidationErrors.LiquidationFeeSplitInvalid.selector, type(uint256).max, 1, 0)
        );
        protocol.setLiquidationFeeSplit(type(uint256).max, 1, 0);
        vm.stopPrank();
    }

    function test_RevertWhen_setLiquidationFeeSplit_notOwner() public {
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IRouterErrors.OwnableUnauthorizedAccount.selector, stranger));
        protocol.setLiquidationFeeSplit(0.2e18, 0.3e18, 0.5e18);
    }
}
