// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Pins LiquidationMath: the liquidation fee of docs/protocol.md section 5 (5% of the remaining margin, rounded up), its
// 20/30/50 keeper / insurance / vault split with every wei in exactly one bucket (remainder to the vault), the rest
// back to the trader, bad debt on negative equity (insurance first, then the vault), and the partial-liquidation
// size that brings MR back to MM + band (at or above it within wei rounding) without creating TAO.

import {Test} from "forge-std/Test.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Constants} from "../../../contracts/libraries/Constants.sol";
import {MarketBounds} from "../../../contracts/libraries/MarketBounds.sol";
import {LiquidationMath} from "../../../contracts/libraries/math/LiquidationMath.sol";
import {MarginMath} from "../../../contracts/libraries/math/MarginMath.sol";
import {PositionMath} from "../../../contracts/libraries/math/PositionMath.sol";

contract LiquidationMathHarness {
    function fee(int256 equity, uint256 feeRate) external pure returns (uint256) {
        return LiquidationMath.fee(equity, feeRate);
    }

    function splitFee(uint256 amount, uint256 keeperShare, uint256 insuranceShare)
        external
        pure
        returns (uint256, uint256, uint256)
    {
        return LiquidationMath.splitFee(amount, keeperShare, insuranceShare);
    }

    function partialCloseSize(uint256 sizeAbs, int256 equity, uint256 notional, uint256 targetMr, uint256 feeRate)
        external
        pure
        returns (uint256)
    {
        return LiquidationMath.partialCloseSize(sizeAbs, equity, notional, targetMr, feeRate);
    }

    function partialFee(int256 equity, uint256 closeAbs, uint256 sizeAbs, uint256 feeRate)
        external
        pure
        returns (uint256)
    {
        return LiquidationMath.partialFee(equity, closeAbs, sizeAbs, feeRate);
    }
}

contract LiquidationMathTest is Test {
    LiquidationMathHarness internal h;

    uint256 internal constant FEE = Constants.GENESIS_LIQUIDATION_FEE; // 5%
    uint256 internal constant KEEPER = Constants.GENESIS_LIQUIDATION_KEEPER_SHARE; // 20%
    uint256 internal constant INSURANCE = Constants.GENESIS_LIQUIDATION_INSURANCE_SHARE; // 30%

    function setUp() public {
        h = new LiquidationMathHarness();
    }

    // ------------------------------------------------------------ full liquidation

    function test_liquidate_genesisFeeAndSplit() public pure {
        LiquidationMath.Outcome memory o = LiquidationMath.liquidate(1 ether, FEE, KEEPER, INSURANCE);
        assertEq(o.fee, 0.05 ether);
        assertEq(o.toKeeper, 0.01 ether);
        assertEq(o.toInsurance, 0.015 ether);
        assertEq(o.toVault, 0.025 ether);
        assertEq(o.toTrader, 0.95 ether);
        assertEq(o.badDebt, 0);
    }

    function test_liquidate_negativeEquityIsBadDebt() public pure {
        LiquidationMath.Outcome memory o = LiquidationMath.liquidate(-0.3 ether, FEE, KEEPER, INSURANCE);
        assertEq(o.fee, 0);
        assertEq(o.toKeeper + o.toInsurance + o.toVault, 0);
        assertEq(o.toTrader, 0);
        assertEq(o.badDebt, 0.3 ether);
    }

    function test_fee_roundsUp() public pure {
        assertEq(LiquidationMath.fee(1, FEE), 1);
        assertEq(LiquidationMath.fee(21, FEE), 2);
        assertEq(LiquidationMath.fee(0, FEE), 0);
    }

    function test_splitFee_remainderGoesToTheVault() public pure {
        (uint256 k, uint256 i, uint256 v) = LiquidationMath.splitFee(9, KEEPER, INSURANCE);
        assertEq(k, 1); // 1.8 down
        assertEq(i, 2); // 2.7 down
        assertEq(v, 6); // 4.5 + the two remainders
    }

    function test_coverBadDebt_insuranceFirstThenVault() public pure {
        (uint256 fromInsurance, uint256 fromVault) = LiquidationMath.coverBadDebt(3 ether, 1 ether);
        assertEq(fromInsurance, 1 ether);
        assertEq(fromVault, 2 ether);
        (fromInsurance, fromVault) = LiquidationMath.coverBadDebt(3 ether, 10 ether);
        assertEq(fromInsurance, 3 ether);
        assertEq(fromVault, 0);
    }

    // ------------------------------------------------------------ partial liquidation

    /// MR 12% with MM 10% and band 5: close q = (15% x 10 - 1.2) / (15% x 10 - 5% x 1.2) = 0.2083 of the size,
    /// pay 5% of the closed 20.83% of the equity, land at MR 15%.
    function test_partialCloseSize_landsOnMmPlusBand() public pure {
        uint256 sizeAbs = 100e18;
        int256 equity = 1.2 ether;
        uint256 notional = 10 ether; // price 0.1
        uint256 target = Constants.GENESIS_MAINTENANCE_MARGIN + Constants.GENESIS_PARTIAL_LIQUIDATION_BAND;
        uint256 closeAbs = LiquidationMath.partialCloseSize(sizeAbs, equity, notional, target, FEE);
        assertEq(closeAbs, 20_833_333_333_333_333_400);
        uint256 fee = LiquidationMath.partialFee(equity, closeAbs, sizeAbs, FEE);
        assertApproxEqAbs(fee, 0.0125 ether, 1e3);
        int256 mrAfter = MarginMath.marginRatio(
            equity - SafeCast.toInt256(fee), PositionMath.notional(SafeCast.toInt256(sizeAbs - closeAbs), 0.1e18)
        );
        assertGe(mrAfter, SafeCast.toInt256(target));
        assertApproxEqAbs(mrAfter, SafeCast.toInt256(target), 1e3);
    }

    function test_partialCloseSize_zeroWhenAlreadyAtTarget() public pure {
        assertEq(LiquidationMath.partialCloseSize(100e18, 1.5 ether, 10 ether, 0.15e18, FEE), 0);
    }

    function test_partialCloseSize_allWhenNoEquity() public pure {
        assertEq(LiquidationMath.partialCloseSize(100e18, 0, 10 ether, 0.15e18, FEE), 100e18);
        assertEq(LiquidationMath.partialCloseSize(100e18, -1, 10 ether, 0.15e18, FEE), 100e18);
    }

    function test_partialFee_isTheClosedShareOfTheFullFee() public pure {
        assertEq(LiquidationMath.partialFee(1 ether, 50e18, 100e18, FEE), 0.025 ether);
        assertEq(LiquidationMath.partialFee(1 ether, 100e18, 100e18, FEE), LiquidationMath.fee(1 ether, FEE));
        assertEq(LiquidationMath.partialFee(-1 ether, 50e18, 100e18, FEE), 0);
    }

    // ------------------------------------------------------------ reverts

    function test_RevertWhen_feeRateAboveOne() public {
        vm.expectRevert(abi.encodeWithSelector(LiquidationMath.LiquidationFeeAboveOne.selector, 1e18 + 1));
        h.fee(1 ether, 1e18 + 1);
    }

    function test_RevertWhen_sharesAboveOne() public {
        vm.expectRevert(abi.encodeWithSelector(LiquidationMath.LiquidationSharesAboveOne.selector, 1.2e18));
        h.splitFee(1 ether, 0.5e18, 0.7e18);
    }

    function test_RevertWhen_partialOfEmptyPosition() public {
        vm.expectRevert(LiquidationMath.EmptyPosition.selector);
        h.partialCloseSize(0, 1 ether, 10 ether, 0.15e18, FEE);
        vm.expectRevert(LiquidationMath.EmptyPosition.selector);
        h.partialCloseSize(1e18, 1 ether, 0, 0.15e18, FEE);
    }

    function test_RevertWhen_partialCloseExceedsSize() public {
        vm.expectRevert(abi.encodeWithSelector(LiquidationMath.CloseExceedsSize.selector, 2, 1));
        h.partialFee(1 ether, 2, 1, FEE);
    }

    // ------------------------------------------------------------ fuzz

    function testFuzz_liquidate_everyWeiInExactlyOneBucket(int256 equity, uint256 feeRate, uint256 keeper, uint256 ins)
        public
        pure
    {
        equity = bound(equity, -1e33, 1e33);
        feeRate = bound(feeRate, 0, Constants.MAX_LIQUIDATION_FEE);
        keeper = bound(keeper, 0, 1e18);
        ins = bound(ins, 0, 1e18 - keeper);
        LiquidationMath.Outcome memory o = LiquidationMath.liquidate(equity, feeRate, keeper, ins);
        assertEq(o.toKeeper + o.toInsurance + o.toVault, o.fee);
        assertEq(SafeCast.toInt256(o.fee + o.toTrader) - SafeCast.toInt256(o.badDebt), equity);
        if (equity >= 0) {
            assertEq(o.badDebt, 0);
            // Fee rounds up: at least the exact fraction, less than one wei more.
            uint256 e = SafeCast.toUint256(equity);
            assertGe(o.fee * 1e18, e * feeRate);
            assertLt(o.fee * 1e18, e * feeRate + 1e18);
        }
    }

    function testFuzz_splitFee_sumsExactly(uint256 amount, uint256 keeper, uint256 ins) public pure {
        amount = bound(amount, 0, 1e36);
        keeper = bound(keeper, 0, 1e18);
        ins = bound(ins, 0, 1e18 - keeper);
        (uint256 k, uint256 i, uint256 v) = LiquidationMath.splitFee(amount, keeper, ins);
        assertEq(k + i + v, amount);
        assertLe(k * 1e18, amount * keeper);
        assertLe(i * 1e18, amount * ins);
    }

    function testFuzz_coverBadDebt_sumsExactly(uint256 badDebt, uint256 insurance) public pure {
        badDebt = bound(badDebt, 0, 1e36);
        insurance = bound(insurance, 0, 1e36);
        (uint256 a, uint256 b) = LiquidationMath.coverBadDebt(badDebt, insurance);
        assertEq(a + b, badDebt);
        assertLe(a, insurance);
    }

    /// From any MR in [MM, MM + band), the partial close lands MR at or above MM + band (within the wei rounding of
    /// the fee and of the new notional), closes no more than the position, and the fee never exceeds the equity.
    function testFuzz_partialCloseSize_landsAtOrAboveTarget(
        uint256 sizeAbs,
        uint256 price,
        uint256 mm,
        uint256 band,
        uint256 mr,
        uint256 feeRate
    ) public pure {
        sizeAbs = bound(sizeAbs, 1e12, 1e30);
        price = bound(price, 1e9, 1e22);
        mm = bound(mm, MarketBounds.MIN_MAINTENANCE_MARGIN, MarketBounds.MAX_MAINTENANCE_MARGIN);
        band = bound(band, 1, MarketBounds.MAX_PARTIAL_LIQUIDATION_BAND);
        mr = bound(mr, mm, mm + band - 1);
        feeRate = bound(feeRate, 0, Constants.MAX_LIQUIDATION_FEE);
        uint256 notional = PositionMath.notional(SafeCast.toInt256(sizeAbs), price);
        _checkPartial(sizeAbs, price, SafeCast.toInt256(notional * mr / 1e18), notional, mm + band, feeRate);
    }

    function _checkPartial(
        uint256 sizeAbs,
        uint256 price,
        int256 equity,
        uint256 notional,
        uint256 target,
        uint256 feeRate
    ) internal pure {
        uint256 closeAbs = LiquidationMath.partialCloseSize(sizeAbs, equity, notional, target, feeRate);
        assertLe(closeAbs, sizeAbs);
        uint256 fee = LiquidationMath.partialFee(equity, closeAbs, sizeAbs, feeRate);
        assertLe(SafeCast.toInt256(fee), equity);
        uint256 remaining = sizeAbs - closeAbs;
        if (remaining == 0) return;

        uint256 notionalAfter = PositionMath.notional(SafeCast.toInt256(remaining), price);
        int256 mrAfter = MarginMath.marginRatio(equity - SafeCast.toInt256(fee), notionalAfter);
        // Tolerance: 2 wei of fee rounding and 1 wei of notional rounding, as a ratio of the new notional.
        uint256 tolerance = 3e18 / notionalAfter + 1;
        assertGe(mrAfter + SafeCast.toInt256(tolerance), SafeCast.toInt256(target));
        // No needless over-closing: q rounds up by at most 1e-18, so at most sizeAbs / 1e18 + 2 extra units close,
        // which lifts MR by at most that share of the remaining size.
        uint256 overshoot = target * (sizeAbs / 1e18 + 2) / remaining + tolerance;
        assertLe(mrAfter, SafeCast.toInt256(target + overshoot));
    }
}
