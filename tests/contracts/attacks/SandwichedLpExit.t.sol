// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Attack: sandwich an LP's withdrawal claim (or one's own) with a pool push, so that it is priced while traders'
// positions look better or worse than they are. Measured before the fix: a claim priced at the in-block spot,
// sandwiched, paid 3.3% less (the difference went to the remaining LPs). LP equity is now valued at the stored
// reference prices (docs/protocol.md sections 3 and 7), which no pool move inside the block changes.

import {AttackFixture} from "./AttackFixture.t.sol";

contract SandwichedLpExitTest is AttackFixture {
    uint256 internal shares;

    function setUp() public override {
        super.setUp();
        shares = _deposit(lp1, 2_000e18);
        _open(alice, chutes, true, 100e18, 3e18);
        _open(bob, chutes, false, 60e18, 3e18);
        _nextBlock(1 hours);
        _request(lp1, shares);
        vm.warp(_epochStart(1));
        _keeperBlocks(chutes, 1);
    }

    function _claimPaid() internal returns (uint256) {
        return _claim(lp1);
    }

    function test_claimPaysTheSameWithOrWithoutAPushInItsBlock() public {
        uint256 snapshot = vm.snapshotState();
        uint256 honest = _claimPaid();
        assertGt(honest, 1_990e18);
        for (uint256 i; i < 4; ++i) {
            vm.revertToState(snapshot);
            uint256 factor = [uint256(0.5e18), 0.9e18, 1.1e18, 3e18][i];
            (uint64 tao, uint64 alphaIn) = attacker.push(CHUTES, factor);
            protocol.poke(chutes);
            uint256 sandwiched = _claimPaid();
            attacker.restore(CHUTES, tao, alphaIn);
            assertEq(sandwiched, honest, "the push changed the claim");
        }
    }

    function test_depositPricesTheSameWithOrWithoutAPushInItsBlock() public {
        vm.warp(_epochStart(1) + 13);
        _keeperBlocks(chutes, 1);
        uint256 snapshot = vm.snapshotState();
        uint256 honest = _deposit(lp2, 500e18);
        vm.revertToState(snapshot);
        attacker.push(CHUTES, 0.5e18);
        protocol.poke(chutes);
        assertEq(_deposit(lp2, 500e18), honest, "the push changed the deposit's shares");
    }
}
