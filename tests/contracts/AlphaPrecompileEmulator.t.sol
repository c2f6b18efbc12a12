// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IAlpha} from "../../contracts/interfaces/IAlpha.sol";
import {Bittensor} from "../../contracts/libraries/Bittensor.sol";
import {AlphaPrecompileEmulator} from "../../contracts/emulators/AlphaPrecompileEmulator.sol";

/// @dev Pins the emulator to the selectors and units of docs/protocol.md section 1, through the precompile's address.
contract AlphaPrecompileEmulatorTest is Test {
    AlphaPrecompileEmulator internal emulator;
    IAlpha internal alpha;

    uint16 internal constant CHUTES = 64;
    uint64 internal constant TAO_10K = 10_000e9; // rao
    uint64 internal constant ALPHA_250K = 250_000e9;

    function setUp() public {
        vm.etch(Bittensor.ALPHA_PRECOMPILE, address(new AlphaPrecompileEmulator()).code);
        emulator = AlphaPrecompileEmulator(Bittensor.ALPHA_PRECOMPILE);
        alpha = IAlpha(Bittensor.ALPHA_PRECOMPILE);
        emulator.setPool(CHUTES, TAO_10K, ALPHA_250K, Bittensor.MECHANISM_DYNAMIC);
    }

    // ------------------------------------------------------------ selectors

    function test_selectors_matchTheChainTable() public pure {
        assertEq(IAlpha.getAlphaPrice.selector, bytes4(0x69e38bc3));
        assertEq(IAlpha.getMovingAlphaPrice.selector, bytes4(0xa86b1037));
        assertEq(IAlpha.getTaoInPool.selector, bytes4(0x2d9bfc71));
        assertEq(IAlpha.getAlphaInPool.selector, bytes4(0xc2ba9e87));
        assertEq(IAlpha.getSumAlphaPrice.selector, bytes4(0xaaf7afbd));
        assertEq(IAlpha.simSwapTaoForAlpha.selector, bytes4(0x27c3f0fb));
        assertEq(IAlpha.simSwapAlphaForTao.selector, bytes4(0xa4e7d28d));
        assertEq(IAlpha.getSubnetMechanism.selector, bytes4(0x8757c476));
    }

    function test_rawCalls_decodeWithTheChainTypes() public view {
        (bool ok, bytes memory ret) =
            Bittensor.ALPHA_PRECOMPILE.staticcall(abi.encodeWithSelector(bytes4(0x69e38bc3), uint16(CHUTES)));
        assertTrue(ok);
        assertEq(abi.decode(ret, (uint256)), 0.04e18);

        (ok, ret) = Bittensor.ALPHA_PRECOMPILE.staticcall(abi.encodeWithSelector(bytes4(0x2d9bfc71), uint16(CHUTES)));
        assertTrue(ok);
        assertEq(ret.length, 32);
        assertEq(abi.decode(ret, (uint64)), TAO_10K);

        (ok, ret) = Bittensor.ALPHA_PRECOMPILE.staticcall(
            abi.encodeWithSelector(bytes4(0x27c3f0fb), uint16(CHUTES), uint64(100e9))
        );
        assertTrue(ok);
        assertEq(abi.decode(ret, (uint256)), 2_474_013_453_998);
    }

    // ------------------------------------------------------------ units, each with a worked example

    /// 10,000 TAO against 250,000 alpha: 0.04 TAO per alpha, returned as 0.04 x 1e18.
    function test_getAlphaPrice_isTaoPerAlphaTimes1e18() public view {
        assertEq(alpha.getAlphaPrice(CHUTES), 40_000_000_000_000_000);
    }

    /// 1 TAO against 3 alpha: 0.333333333 (9 decimals kept), so the low 9 digits are zero.
    function test_getAlphaPrice_keepsNineSignificantDecimals() public {
        emulator.setPool(7, 1e9, 3e9, Bittensor.MECHANISM_DYNAMIC);
        assertEq(alpha.getAlphaPrice(7), 333_333_333_000_000_000);
        assertEq(alpha.getAlphaPrice(7) % 1e9, 0);
    }

    function test_getAlphaPrice_rootIsOne() public {
        emulator.setPool(Bittensor.ROOT_NETUID, 5_000_000e9, 1e9, Bittensor.MECHANISM_DYNAMIC);
        assertEq(alpha.getAlphaPrice(Bittensor.ROOT_NETUID), 1e18);
        assertEq(alpha.getMovingAlphaPrice(Bittensor.ROOT_NETUID), 1e18);
    }

    function test_getAlphaPrice_stableSubnetIsOne() public {
        emulator.setPool(21, 1_000e9, 4_000e9, Bittensor.MECHANISM_STABLE);
        assertEq(alpha.getAlphaPrice(21), 1e18);
        assertEq(alpha.getSubnetMechanism(21), Bittensor.MECHANISM_STABLE);
    }

    function test_getAlphaPrice_poolWithoutAlphaIsZero() public {
        emulator.setPool(33, 1_000e9, 0, Bittensor.MECHANISM_DYNAMIC);
        assertEq(alpha.getAlphaPrice(33), 0);
    }

    /// The chain answers for a netuid it does not know as for a stable subnet: 1.0, no reserves.
    function test_unknownNetuid_answersAsTheChainDoes() public view {
        assertEq(alpha.getAlphaPrice(999), 1e18);
        assertEq(alpha.getTaoInPool(999), 0);
        assertEq(alpha.getSubnetMechanism(999), Bittensor.MECHANISM_STABLE);
    }

    function test_reserves_areInNineDecimals() public view {
        assertEq(alpha.getTaoInPool(CHUTES), 10_000 * 1e9);
        assertEq(alpha.getAlphaInPool(CHUTES), 250_000 * 1e9);
        assertEq(alpha.getSubnetMechanism(CHUTES), Bittensor.MECHANISM_DYNAMIC);
    }

    function test_getMovingAlphaPrice_followsSetPoolThenOverride() public {
        assertEq(alpha.getMovingAlphaPrice(CHUTES), 0.04e18);
        emulator.setMovingAlphaPrice(CHUTES, 0.035e18);
        assertEq(alpha.getMovingAlphaPrice(CHUTES), 0.035e18);
        assertEq(alpha.getAlphaPrice(CHUTES), 0.04e18);
    }

    /// 0.04 + 1/3 are counted; root, a stable subnet, a subnet at 2.0 and an empty pool are not.
    function test_getSumAlphaPrice_countsNonRootSubnetsBelowOne() public {
        emulator.setPool(7, 1e9, 3e9, Bittensor.MECHANISM_DYNAMIC); // 0.333...
        emulator.setPool(Bittensor.ROOT_NETUID, 1_000e9, 1_000e9, Bittensor.MECHANISM_DYNAMIC);
        emulator.setPool(21, 1_000e9, 4_000e9, Bittensor.MECHANISM_STABLE); // 1.0
        emulator.setPool(22, 2_000e9, 1_000e9, Bittensor.MECHANISM_DYNAMIC); // 2.0
        emulator.setPool(33, 1_000e9, 0, Bittensor.MECHANISM_DYNAMIC); // 0
        // 0.04 + 0.333333333333333333, then truncated to 9 decimals.
        assertEq(alpha.getSumAlphaPrice(), 373_333_333_000_000_000);
    }

    /// 100 TAO in: fee 100e9 * 33 / 65535 = 50,354,772 rao; then 250,000e9 * 99,949,645,228 / (10,000e9 + 99,949,645,228).
    function test_simSwapTaoForAlpha_constantProductAfterFee() public view {
        assertEq(alpha.simSwapTaoForAlpha(CHUTES, 100e9), 2_474_013_453_998);
    }

    /// 1,000 alpha in: fee 503,547,722; then 10,000e9 * 999,496,452,278 / (250,000e9 + 999,496,452,278).
    function test_simSwapAlphaForTao_constantProductAfterFee() public view {
        assertEq(alpha.simSwapAlphaForTao(CHUTES, 1_000e9), 39_820_655_674);
    }

    function test_simSwap_stableIsOneToOne() public {
        emulator.setPool(21, 1_000e9, 4_000e9, Bittensor.MECHANISM_STABLE);
        assertEq(alpha.simSwapTaoForAlpha(21, 5e9), 5e9);
        assertEq(alpha.simSwapAlphaForTao(21, 5e9), 5e9);
    }

    function test_simSwap_withoutFee_isThePureCurve() public {
        emulator.setFeeRate(CHUTES, 0);
        assertEq(alpha.simSwapTaoForAlpha(CHUTES, 10_000e9), 125_000e9); // doubling TAO halves alpha
    }

    // ------------------------------------------------------------ switched off

    function test_RevertWhen_disabled_everySelector() public {
        emulator.setDisabled(true);
        bytes[8] memory calls = [
            abi.encodeCall(IAlpha.getAlphaPrice, (CHUTES)),
            abi.encodeCall(IAlpha.getMovingAlphaPrice, (CHUTES)),
            abi.encodeCall(IAlpha.getTaoInPool, (CHUTES)),
            abi.encodeCall(IAlpha.getAlphaInPool, (CHUTES)),
            abi.encodeCall(IAlpha.getSumAlphaPrice, ()),
            abi.encodeCall(IAlpha.simSwapTaoForAlpha, (CHUTES, 1e9)),
            abi.encodeCall(IAlpha.simSwapAlphaForTao, (CHUTES, 1e9)),
            abi.encodeCall(IAlpha.getSubnetMechanism, (CHUTES))
        ];
        for (uint256 i; i < calls.length; ++i) {
            (bool ok, bytes memory ret) = Bittensor.ALPHA_PRECOMPILE.staticcall(calls[i]);
            assertFalse(ok);
            // casting to 'bytes4' is safe because a custom error's data starts with its 4-byte selector
            // forge-lint: disable-next-line(unsafe-typecast)
            assertEq(bytes4(ret), AlphaPrecompileEmulator.PrecompileDisabled.selector);
        }
        emulator.setDisabled(false);
        assertEq(alpha.getAlphaPrice(CHUTES), 0.04e18);
    }

    // ------------------------------------------------------------ setters

    function test_RevertWhen_setPool_unknownMechanism() public {
        vm.expectRevert(abi.encodeWithSelector(AlphaPrecompileEmulator.UnknownMechanism.selector, 2));
        emulator.setPool(5, 1e9, 1e9, 2);
    }

    function test_RevertWhen_setFeeRate_wholeInput() public {
        vm.expectRevert(abi.encodeWithSelector(AlphaPrecompileEmulator.FeeRateTooHigh.selector, 65535));
        emulator.setFeeRate(CHUTES, 65535);
    }

    function test_setPools_seedsEachOnceInOrder() public {
        AlphaPrecompileEmulator.PoolSeed[] memory seeds = new AlphaPrecompileEmulator.PoolSeed[](2);
        seeds[0] = AlphaPrecompileEmulator.PoolSeed(19, 32_000e9, 1_185_000e9, 1);
        seeds[1] = AlphaPrecompileEmulator.PoolSeed(CHUTES, 20_000e9, 250_000e9, 1);
        vm.expectEmit(Bittensor.ALPHA_PRECOMPILE);
        emit AlphaPrecompileEmulator.PoolSet(19, 32_000e9, 1_185_000e9, 1);
        emulator.setPools(seeds);
        uint16[] memory ids = emulator.netuids();
        assertEq(ids.length, 2);
        assertEq(ids[0], CHUTES);
        assertEq(ids[1], 19);
        assertEq(alpha.getAlphaPrice(CHUTES), 0.08e18);
        assertEq(emulator.feeRateOf(19), emulator.DEFAULT_FEE_RATE());
    }

    // ------------------------------------------------------------ fuzz

    function testFuzz_getAlphaPrice_isFlooredRaoPerAlpha(uint64 taoIn, uint64 alphaIn) public {
        alphaIn = uint64(bound(alphaIn, 1, type(uint64).max));
        emulator.setPool(CHUTES, taoIn, alphaIn, Bittensor.MECHANISM_DYNAMIC);
        // The chain floors to rao per alpha first, then scales: the division before the product is the point.
        // forge-lint: disable-next-line(divide-before-multiply)
        assertEq(alpha.getAlphaPrice(CHUTES), (uint256(taoIn) * 1e9 / alphaIn) * 1e9);
    }

    function testFuzz_simSwap_roundTripNeverProfits(uint64 taoIn, uint64 alphaIn, uint64 amount) public {
        taoIn = uint64(bound(taoIn, 1e9, 1e15));
        alphaIn = uint64(bound(alphaIn, 1e9, 1e16));
        amount = uint64(bound(amount, 1, taoIn));
        emulator.setPool(CHUTES, taoIn, alphaIn, Bittensor.MECHANISM_DYNAMIC);
        uint256 alphaOut = alpha.simSwapTaoForAlpha(CHUTES, amount);
        assertLt(alphaOut, alphaIn);
        // Selling back into the pool after the buy would have moved it.
        uint64 alphaBought = SafeCast.toUint64(alphaOut);
        emulator.setPool(CHUTES, taoIn + amount, alphaIn - alphaBought, Bittensor.MECHANISM_DYNAMIC);
        assertLe(alpha.simSwapAlphaForTao(CHUTES, alphaBought), amount);
    }
}
