// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Pins SlippageMath: the tiers of PROTOCOL.md section 3 at their cut-offs (0.10% below 50% utilization, 0.15% from
// 50% to 75% inclusive, 0.25% above), the size term notional / taoInPool with the pool in rao, the 20% cap, the
// trader's maxSlippage check, and execution prices moved against the trader (buys up, sells down).

import {Test} from "forge-std/Test.sol";
import {Constants} from "../../../contracts/libraries/Constants.sol";
import {SlippageMath} from "../../../contracts/libraries/math/SlippageMath.sol";

contract SlippageMathHarness {
    function executionPrice(uint256 price, uint256 s, bool buy) external pure returns (uint256) {
        return SlippageMath.executionPrice(price, s, buy);
    }

    function checkMaxSlippage(uint256 s, uint256 maxS) external pure {
        SlippageMath.checkMaxSlippage(s, maxS);
    }
}

contract SlippageMathTest is Test {
    SlippageMathHarness internal h;

    uint64 internal constant POOL_10K_TAO = 10_000e9; // rao

    function setUp() public {
        h = new SlippageMathHarness();
    }

    function test_raoToWei_scalesBy1e9() public pure {
        assertEq(SlippageMath.raoToWei(1), 1e9);
        assertEq(SlippageMath.raoToWei(POOL_10K_TAO), 10_000 ether);
        assertEq(SlippageMath.raoToWei(type(uint64).max), uint256(type(uint64).max) * 1e9);
    }

    function test_baseTier_atTheCutOffs() public pure {
        assertEq(SlippageMath.baseTier(0), 0.001e18);
        assertEq(SlippageMath.baseTier(0.5e18 - 1), 0.001e18);
        assertEq(SlippageMath.baseTier(0.5e18), 0.0015e18);
        assertEq(SlippageMath.baseTier(0.75e18), 0.0015e18);
        assertEq(SlippageMath.baseTier(0.75e18 + 1), 0.0025e18);
        assertEq(SlippageMath.baseTier(type(uint256).max), 0.0025e18);
    }

    function test_sizeTerm_isNotionalOverPool() public pure {
        // 10 TAO against a 10,000 TAO pool: 0.1%.
        assertEq(SlippageMath.sizeTerm(10 ether, POOL_10K_TAO), 0.001e18);
        assertEq(SlippageMath.sizeTerm(0, POOL_10K_TAO), 0);
        assertEq(SlippageMath.sizeTerm(1, POOL_10K_TAO), 1); // rounds up
    }

    function test_slippage_tierPlusSizeTerm() public pure {
        assertEq(SlippageMath.slippage(10 ether, 0.4e18, POOL_10K_TAO), 0.002e18);
        assertEq(SlippageMath.slippage(10 ether, 0.5e18, POOL_10K_TAO), 0.0025e18);
        assertEq(SlippageMath.slippage(10 ether, 0.8e18, POOL_10K_TAO), 0.0035e18);
    }

    function test_slippage_capsAt20Percent() public pure {
        // 1,975 TAO at the high tier: 0.25% + 19.75% = 20% exactly.
        assertEq(SlippageMath.slippage(1975 ether, 0.8e18, POOL_10K_TAO), 0.2e18);
        assertEq(SlippageMath.slippage(1974 ether, 0.8e18, POOL_10K_TAO), 0.1999e18);
        assertEq(SlippageMath.slippage(5000 ether, 0, POOL_10K_TAO), 0.2e18);
        assertEq(SlippageMath.slippage(1 ether, 0, 0), 0.2e18); // empty pool: the cap
    }

    function test_executionPrice_movesAgainstTheTrader() public pure {
        // Open long (buy) and close short (buy) fill higher; open short and close long (sells) fill lower.
        assertTrue(SlippageMath.isBuy(true, true));
        assertTrue(SlippageMath.isBuy(false, false));
        assertFalse(SlippageMath.isBuy(false, true));
        assertFalse(SlippageMath.isBuy(true, false));
        assertEq(SlippageMath.executionPrice(0.04e18, 0.002e18, true), 0.04008e18);
        assertEq(SlippageMath.executionPrice(0.04e18, 0.002e18, false), 0.03992e18);
        assertEq(SlippageMath.executionPrice(3, 0.5e18, true), 5); // 4.5 up
        assertEq(SlippageMath.executionPrice(3, 0.5e18, false), 1); // 1.5 down
    }

    function test_checkMaxSlippage_passesAtTheLimit() public pure {
        SlippageMath.checkMaxSlippage(0.002e18, 0.002e18);
    }

    function test_RevertWhen_slippageBeyondTheTradersLimit() public {
        vm.expectRevert(abi.encodeWithSelector(SlippageMath.SlippageExceeded.selector, 0.002e18 + 1, 0.002e18));
        h.checkMaxSlippage(0.002e18 + 1, 0.002e18);
    }

    function test_RevertWhen_slippageAboveOne() public {
        vm.expectRevert(abi.encodeWithSelector(SlippageMath.SlippageAboveOne.selector, 1e18 + 1));
        h.executionPrice(1e18, 1e18 + 1, false);
    }

    function testFuzz_slippage_boundedAndMonotone(uint256 n1, uint256 n2, uint256 u, uint64 pool) public pure {
        n1 = bound(n1, 0, 1e40);
        n2 = bound(n2, n1, 1e40);
        uint256 s1 = SlippageMath.slippage(n1, u, pool);
        uint256 s2 = SlippageMath.slippage(n2, u, pool);
        assertLe(s1, s2);
        assertLe(s2, Constants.MAX_SLIPPAGE);
        assertGe(s1, SlippageMath.baseTier(u));
    }

    function testFuzz_sizeTerm_roundsUp(uint256 notional, uint64 pool) public pure {
        notional = bound(notional, 0, 1e36);
        pool = uint64(bound(pool, 1, type(uint64).max));
        uint256 t = SlippageMath.sizeTerm(notional, pool);
        uint256 poolWei = uint256(pool) * 1e9;
        if (t < Constants.MAX_SLIPPAGE) {
            assertGe(t * poolWei, notional * 1e18);
            if (t > 0) assertLt((t - 1) * poolWei, notional * 1e18);
        } else {
            assertGe(notional * 1e18, (Constants.MAX_SLIPPAGE - 1) * poolWei);
        }
    }

    function testFuzz_executionPrice_neverFavoursTheTrader(uint256 price, uint256 s) public pure {
        price = bound(price, 1, 1e30);
        s = bound(s, 0, Constants.MAX_SLIPPAGE);
        uint256 buy = SlippageMath.executionPrice(price, s, true);
        uint256 sell = SlippageMath.executionPrice(price, s, false);
        assertGe(buy, price);
        assertLe(sell, price);
        assertGe(buy * 1e18, price * (1e18 + s));
        assertLe(sell * 1e18, price * (1e18 - s));
    }
}
