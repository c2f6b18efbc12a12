// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Pins SlippageMath: the utilization tiers of docs/protocol.md section 3 at their cut-offs (0.10% below 50%
// utilization, 0.15% from 50% to 75% inclusive, 0.25% above) and execution prices moved against the trader (buys up,
// sells down). The skew impact charged on top is TradingLogic's (tests/contracts/trading/SkewImpact.t.sol).

import {Test} from "forge-std/Test.sol";
import {SlippageMath} from "../../../contracts/libraries/math/SlippageMath.sol";

contract SlippageMathHarness {
    function executionPrice(uint256 price, uint256 s, bool buy) external pure returns (uint256) {
        return SlippageMath.executionPrice(price, s, buy);
    }
}

contract SlippageMathTest is Test {
    SlippageMathHarness internal h;

    function setUp() public {
        h = new SlippageMathHarness();
    }

    function test_baseTier_atTheCutOffs() public pure {
        assertEq(SlippageMath.baseTier(0), 0.001e18);
        assertEq(SlippageMath.baseTier(0.5e18 - 1), 0.001e18);
        assertEq(SlippageMath.baseTier(0.5e18), 0.0015e18);
        assertEq(SlippageMath.baseTier(0.75e18), 0.0015e18);
        assertEq(SlippageMath.baseTier(0.75e18 + 1), 0.0025e18);
        assertEq(SlippageMath.baseTier(type(uint256).max), 0.0025e18);
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

    function test_RevertWhen_slippageAboveOne() public {
        vm.expectRevert(abi.encodeWithSelector(SlippageMath.SlippageAboveOne.selector, 1e18 + 1));
        h.executionPrice(1e18, 1e18 + 1, false);
    }

    function testFuzz_executionPrice_neverFavoursTheTrader(uint256 price, uint256 s) public pure {
        price = bound(price, 1, 1e30);
        s = bound(s, 0, 0.0025e18);
        uint256 buy = SlippageMath.executionPrice(price, s, true);
        uint256 sell = SlippageMath.executionPrice(price, s, false);
        assertGe(buy, price);
        assertLe(sell, price);
        assertGe(buy * 1e18, price * (1e18 + s));
        assertLe(sell * 1e18, price * (1e18 - s));
    }
}
