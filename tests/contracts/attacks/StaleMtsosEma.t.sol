// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Attack: after a day without MTSOS updates, spike the sum of alpha prices for one transaction and update the index.
// Measured before the fix: the spiked reading was weighed by the whole gap, moving the index 4.4% after 24 h (10.6%
// after 72 h, enough to liquidate every 5x short). Now (docs/protocol.md section 4) the reading an update weighs is the
// one held since the last update, never its own; the held reading is replaced by a nearer one taken in the same
// second; the weight is capped at one hour; and the protocol refreshes the index before every MTSOS trade, refusing
// opens while the sum stands beyond the divergence limit from the index.

import {AttackFixture} from "./AttackFixture.t.sol";
import {MtsosOracle} from "../../../contracts/oracles/MtsosOracle.sol";
import {IIndexOracle} from "../../../contracts/interfaces/IOracleModule.sol";
import {IPositionErrors} from "../../../contracts/libraries/errors/PositionErrors.sol";
import {MarginMath} from "../../../contracts/libraries/math/MarginMath.sol";
import {Built} from "../utils/Built.sol";

contract StaleMtsosEmaTest is AttackFixture {
    MtsosOracle internal mtsosOracle;

    function setUp() public override {
        super.setUp();
        mtsosOracle = MtsosOracle(Built.deploy("MtsosOracle", abi.encode(owner)));
        vm.prank(owner);
        protocol.setIndexOracle(mtsos, IIndexOracle(address(mtsosOracle)));
        _keeperBlocks(mtsos, 1);
        // 5x shorts: liquidated by a ~10% rise of the index.
        _open(alice, mtsos, false, 20e18, 5e18);
        _open(bob, mtsos, false, 20e18, 5e18);
    }

    function _assertShortsHealthy() internal view {
        assertEq(uint8(protocol.liquidationStatus(alice, mtsos)), uint8(MarginMath.LiquidationStatus.None));
        assertEq(uint8(protocol.liquidationStatus(bob, mtsos)), uint8(MarginMath.LiquidationStatus.None));
    }

    /// The measured attack: 24 h without an update, then the attacker's spike and update.
    function test_spikeAfterAStaleDay_movesNothingNow() public {
        uint256 ema = mtsosOracle.ema();
        _nextBlock(1 days);
        (uint64 tao, uint64 alphaIn) = attacker.push(CHUTES, 3e18); // CHUTES x3: the sum x2
        mtsosOracle.update();
        attacker.restore(CHUTES, tao, alphaIn);
        assertEq(mtsosOracle.ema(), ema, "its own reading weighs nothing");
        _assertShortsHealthy();
    }

    /// A keeper's update later in the same second replaces the held spike: it is never weighed.
    function test_spikeUndoneByAnUpdateOfItsSecond() public {
        uint256 ema = mtsosOracle.ema();
        _nextBlock(1 days);
        (uint64 tao, uint64 alphaIn) = attacker.push(CHUTES, 3e18);
        mtsosOracle.update();
        attacker.restore(CHUTES, tao, alphaIn);
        mtsosOracle.update(); // a keeper, same block
        _nextBlock(1 days);
        mtsosOracle.update();
        assertEq(mtsosOracle.ema(), ema, "the spike was never weighed");
    }

    /// Left alone, the held spike weighs at most one hour of a week however long the gap: 0.6% of its distance.
    function test_heldSpikeWeighsAtMostOneHour() public {
        uint256 ema = mtsosOracle.ema();
        _nextBlock(1 days);
        (uint64 tao, uint64 alphaIn) = attacker.push(CHUTES, 3e18);
        mtsosOracle.update();
        uint256 spike = mtsosOracle.lastSpot();
        attacker.restore(CHUTES, tao, alphaIn);
        _nextBlock(3 days);
        uint256 moved = mtsosOracle.update() - ema;
        assertLe(moved, (spike - ema) * 3600 / (3600 + 604_800), "one hour's weight");
        assertLt(moved * 100 / ema, 1, "under 1% (it was 10.6% after 72 h)");
        _assertShortsHealthy();
    }

    /// While the sum stands beyond the divergence limit from the index, nobody opens at the lagging index.
    function test_RevertWhen_openingWhileTheSumDiverges() public {
        attacker.push(CHUTES, 1.2e18); // the sum +10%
        _nextBlock(12);
        vm.expectPartialRevert(IPositionErrors.PriceDivergenceTooHigh.selector);
        attacker.open(mtsos, true, 50e18, 5e18);
    }
}
