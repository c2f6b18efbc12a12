// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Attack: deepen the alpha pool (add TAO and alpha at the same price) in the trade's own transaction, so that the
// depth cap (oiDepthRatio x pool TAO) lets more open interest in and the skew impact (s^2 / 2D, D = pool TAO x depth
// factor) charges less; poke first, so that the deepened pool is the block's first reading. The depth a trade reads
// is the smallest of the reserve now, the block's readings and the last touched block's (docs/protocol.md section 3):
// a deeper pool counts only once it has held across a block boundary.

import {Vm} from "forge-std/Vm.sol";
import {AttackFixture} from "./AttackFixture.t.sol";
import {Bittensor} from "../../../contracts/libraries/Bittensor.sol";
import {IPositionModule} from "../../../contracts/interfaces/IPositionModule.sol";
import {IPositionErrors} from "../../../contracts/libraries/errors/PositionErrors.sol";

contract DepthPumpTest is AttackFixture {
    /// @dev The impact charged by the recorded `PriceImpactCharged` events.
    function _impactPaid() internal returns (uint256 total) {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].topics.length > 0 && logs[i].topics[0] == IPositionModule.PriceImpactCharged.selector) {
                total += abi.decode(logs[i].data, (uint256));
            }
        }
    }

    /// 400 TAO of notional fits the 500 TAO cap of the 10,000 TAO pool; 600 does not, with the pool ten times deeper
    /// for the transaction and its first reading taken by the attacker's own poke.
    function test_deepenedWithinTheTransaction_theDepthCapStands() public {
        _nextBlock(12);
        vm.expectPartialRevert(IPositionErrors.DepthCapExceeded.selector);
        attacker.deepenPokeOpenRestore(chutes, CHUTES, 10e18, true, 300e18, 2e18);
        assertEq(protocol.oraclePrices(chutes).poolTao, POOL_TAO, "the depth the block read");
    }

    /// The same open pays the same impact with the pool deepened ten times for its transaction as without.
    function test_deepenedWithinTheTransaction_theImpactStands() public {
        _nextBlock(12);
        uint256 snapshot = vm.snapshotState();
        vm.recordLogs();
        attacker.open(chutes, true, 100e18, 2e18);
        uint256 plain = _impactPaid();
        vm.revertToState(snapshot);
        vm.recordLogs();
        attacker.deepenPokeOpenRestore(chutes, CHUTES, 10e18, true, 100e18, 2e18);
        uint256 deepened = _impactPaid();
        assertGt(plain, 0);
        assertEq(deepened, plain, "the deeper pool bought nothing");
    }

    /// A pool that stays deeper across a block boundary is real depth: the next block's trades read it.
    function test_deepenedAcrossABlock_counts() public {
        _nextBlock(12);
        protocol.poke(chutes);
        alpha.setPool(CHUTES, POOL_TAO_RAO * 2, alpha.getAlphaInPool(CHUTES) * 2, Bittensor.MECHANISM_DYNAMIC);
        protocol.poke(chutes);
        assertEq(protocol.oraclePrices(chutes).poolTao, POOL_TAO, "not within the block");
        _keeperBlocks(chutes, 1);
        assertEq(protocol.oraclePrices(chutes).poolTao, POOL_TAO, "the next block still reads the move's block, whose first reading was shallow");
        _keeperBlocks(chutes, 1);
        assertEq(protocol.oraclePrices(chutes).poolTao, 2 * POOL_TAO, "a whole block deeper: it counts");
    }
}
