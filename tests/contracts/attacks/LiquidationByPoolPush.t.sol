// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Attack: liquidate a healthy position by pushing the pool. Measured before the fix on a devnet: a healthy 3x long was
// liquidated by two pool pushes held for two blocks. A position is now liquidatable only when under water at the spot,
// the reference and the block's starting reference alike (docs/protocol.md section 3); pushing the spot alone moves
// none of the references, and a push held for a few blocks moves the reference by dt / (dt + 600 s) of it a block.

import {AttackFixture} from "./AttackFixture.t.sol";
import {ILiquidationErrors} from "../../../contracts/libraries/errors/LiquidationErrors.sol";
import {MarginMath} from "../../../contracts/libraries/math/MarginMath.sol";
import {PositionInfo} from "../../../contracts/interfaces/IPositionViewModule.sol";

contract LiquidationByPoolPushTest is AttackFixture {
    function setUp() public override {
        super.setUp();
        _open(alice, chutes, true, 10e18, 3e18); // liquidatable ~23% below the entry
        _keeperBlocks(chutes, 1);
    }

    function test_RevertWhen_pushLiquidateRestoreInOneTransaction() public {
        vm.expectPartialRevert(ILiquidationErrors.NotLiquidatable.selector);
        attacker.pushLiquidateRestore(chutes, CHUTES, 0.5e18, alice); // spot -50%
        assertGt(_position(alice, chutes).size, 0, "still open");
    }

    /// The measured attack: two pushes held for two blocks (each block's only reading), then the liquidation.
    function test_RevertWhen_pushHeldForTwoBlocks() public {
        attacker.push(CHUTES, 0.7e18); // -30%
        protocol.poke(chutes);
        _nextBlock(12);
        protocol.poke(chutes);
        _nextBlock(12);
        protocol.poke(chutes);
        PositionInfo memory p = _position(alice, chutes);
        assertEq(uint8(p.liquidationStatus), uint8(MarginMath.LiquidationStatus.None), "healthy at the references");
        assertGt(p.markPrice, CHUTES_PRICE * 98 / 100, "two blocks move the reference ~1%");
        vm.expectPartialRevert(ILiquidationErrors.NotLiquidatable.selector);
        vm.prank(address(attacker));
        protocol.liquidate(alice, chutes);
    }

    /// The margin ratio the protocol measures (at the reference) does not move with any push inside a block.
    function test_pushesInsideABlock_doNotMoveTheMarginRatio() public {
        int256 before = _position(alice, chutes).marginRatio;
        attacker.push(CHUTES, 0.5e18);
        protocol.poke(chutes);
        assertEq(_position(alice, chutes).marginRatio, before);
        attacker.push(CHUTES, 3e18);
        protocol.poke(chutes);
        assertEq(_position(alice, chutes).marginRatio, before);
    }
}
