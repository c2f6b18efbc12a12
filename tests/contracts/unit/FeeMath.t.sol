// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Pins FeeMath: the published fee example of docs/protocol.md section 6 (margin 5 TAO at 2x -> notional 10 TAO,
// open fee 0.025 TAO, close fee 0.025 TAO at taker 0.25%), maker 0%, rounding UP against the trader, and the fee
// split summing to the fee exactly (vault takes the remainder).

import {Test} from "forge-std/Test.sol";
import {Constants} from "../../../contracts/libraries/Constants.sol";
import {FeeMath} from "../../../contracts/libraries/math/FeeMath.sol";
import {PositionMath} from "../../../contracts/libraries/math/PositionMath.sol";

contract FeeMathHarness {
    function fee(uint256 notional, uint256 feeRate) external pure returns (uint256) {
        return FeeMath.fee(notional, feeRate);
    }

    function split(uint256 amount, uint256 insuranceShare, uint256 referralShare)
        external
        pure
        returns (uint256, uint256, uint256)
    {
        return FeeMath.split(amount, insuranceShare, referralShare);
    }
}

contract FeeMathTest is Test {
    FeeMathHarness internal h;

    function setUp() public {
        h = new FeeMathHarness();
    }

    function test_fee_publishedExampleOpenAndClose() public pure {
        uint256 notional = PositionMath.notionalFromMargin(5 ether, 2e18);
        assertEq(notional, 10 ether);
        // Open at 0.04 TAO per alpha, close at the same price: both fees are 0.025 TAO.
        int256 size = PositionMath.sizeFromNotional(notional, 0.04e18, true);
        assertEq(size, 250e18);
        assertEq(FeeMath.fee(notional, Constants.GENESIS_TAKER_FEE), 0.025 ether);
        assertEq(FeeMath.fee(PositionMath.notional(-size, 0.04e18), Constants.GENESIS_TAKER_FEE), 0.025 ether);
    }

    function test_fee_makerIsZeroAtGenesis() public pure {
        assertEq(FeeMath.fee(10 ether, Constants.GENESIS_MAKER_FEE), 0);
    }

    function test_fee_roundsUpOnAFraction() public pure {
        // 1 wei x 0.25% = 0.0025 wei: charged as 1 wei.
        assertEq(FeeMath.fee(1, Constants.GENESIS_TAKER_FEE), 1);
        assertEq(FeeMath.fee(401, Constants.GENESIS_TAKER_FEE), 2);
        assertEq(FeeMath.fee(400, Constants.GENESIS_TAKER_FEE), 1);
    }

    function test_split_genesisInsuranceTenPercentRestToVault() public pure {
        (uint256 ins, uint256 ref, uint256 vault) =
            FeeMath.split(0.025 ether, Constants.GENESIS_TRADING_FEE_INSURANCE_SHARE, 0);
        assertEq(ins, 0.0025 ether);
        assertEq(ref, 0);
        assertEq(vault, 0.0225 ether);
    }

    function test_split_remainderGoesToVault() public pure {
        (uint256 ins, uint256 ref, uint256 vault) = FeeMath.split(7, 0.1e18, 0.3e18);
        assertEq(ins, 0);
        assertEq(ref, 2);
        assertEq(vault, 5);
    }

    function test_RevertWhen_feeRateAboveOne() public {
        vm.expectRevert(abi.encodeWithSelector(FeeMath.FeeRateAboveOne.selector, 1e18 + 1));
        h.fee(1 ether, 1e18 + 1);
    }

    function test_RevertWhen_splitSharesAboveOne() public {
        vm.expectRevert(abi.encodeWithSelector(FeeMath.FeeSharesAboveOne.selector, 1.1e18));
        h.split(1 ether, 0.6e18, 0.5e18);
    }

    function testFuzz_fee_roundsUpByLessThanOneWei(uint256 notional, uint256 rate) public pure {
        notional = bound(notional, 0, 1e36);
        rate = bound(rate, 0, Constants.WAD);
        uint256 f = FeeMath.fee(notional, rate);
        // f >= exact and f < exact + 1.
        assertGe(f * Constants.WAD, notional * rate);
        assertLt(f * Constants.WAD, notional * rate + Constants.WAD);
        assertLe(f, notional);
    }

    function testFuzz_split_sumsExactlyToTheFee(uint256 amount, uint256 insShare, uint256 refShare) public pure {
        amount = bound(amount, 0, 1e36);
        insShare = bound(insShare, 0, Constants.WAD);
        refShare = bound(refShare, 0, Constants.WAD - insShare);
        (uint256 ins, uint256 ref, uint256 vault) = FeeMath.split(amount, insShare, refShare);
        assertEq(ins + ref + vault, amount);
        assertLe(ins * Constants.WAD, amount * insShare);
        assertLe(ref * Constants.WAD, amount * refShare);
    }
}
