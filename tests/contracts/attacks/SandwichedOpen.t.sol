// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Attack: sandwich a trader's open (push the pool before it, restore after) so that it fills at a worse price. The
// trader bounds its average fill price (impact included) with `acceptablePrice` and its time with `deadline`
// (docs/protocol.md section 3): a front-run that would fill it worse makes it revert instead.

import {AttackFixture} from "./AttackFixture.t.sol";
import {IPositionErrors} from "../../../contracts/libraries/errors/PositionErrors.sol";

contract SandwichedOpenTest is AttackFixture {
    /// The victim accepts 1% above the reference (what the CLI's --max-slippage 1% computes).
    function _victimOpen() internal {
        vm.prank(alice);
        protocol.openPosition{value: 10e18}(chutes, true, 2e18, CHUTES_PRICE * 101 / 100, block.timestamp);
    }

    function test_withoutTheSandwich_theOpenFillsWithinItsBound() public {
        _victimOpen();
        assertLe(_position(alice, chutes).entryPrice, CHUTES_PRICE * 101 / 100);
    }

    function test_RevertWhen_frontRunPushesTheSpotUp() public {
        (uint64 tao, uint64 alphaIn) = attacker.push(CHUTES, 1.03e18); // +3%: within the divergence limit
        vm.expectPartialRevert(IPositionErrors.PriceNotAcceptable.selector);
        _victimOpen();
        attacker.restore(CHUTES, tao, alphaIn);
        assertEq(_position(alice, chutes).size, 0, "nothing filled");
    }

    /// The attacker opens first, growing the skew the victim's fill pays for: the victim's bound holds that too.
    function test_RevertWhen_frontRunGrowsTheSkew() public {
        attacker.open(chutes, true, 160e18, 3e18); // 480 TAO long (the depth cap is 500)
        vm.prank(alice);
        vm.expectPartialRevert(IPositionErrors.PriceNotAcceptable.selector);
        protocol.openPosition{value: 10e18}(chutes, true, 2e18, CHUTES_PRICE * 1002 / 1000, block.timestamp);
    }

    function test_RevertWhen_heldBackPastItsDeadline() public {
        uint256 deadline = block.timestamp + 60;
        _nextBlock(61);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IPositionErrors.DeadlinePassed.selector, deadline, block.timestamp));
        protocol.openPosition{value: 10e18}(chutes, true, 2e18, CHUTES_PRICE * 101 / 100, deadline);
    }
}
