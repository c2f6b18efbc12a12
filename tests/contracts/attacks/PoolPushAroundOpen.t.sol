// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Attack: move the alpha pool around one's own trade (docs/protocol.md section 3). Measured before the fix on a devnet:
// push CHUTES 19% down, open a 2.9x long with 100 TAO, restore the pool, close a minute later: 154.3 TAO back (the
// short mirror: 143.5). Who moves what: the attacker moves the pool (any amount, any time, inside its own transaction
// or across blocks); it cannot move the reference price except through the reading a block stores, which weighs only
// from the next block on, and fills are priced at the worst of spot, reference and the block's starting reference.

import {AttackFixture} from "./AttackFixture.t.sol";
import {IPositionErrors} from "../../../contracts/libraries/errors/PositionErrors.sol";
import {PositionInfo} from "../../../contracts/interfaces/IPositionViewModule.sol";

contract PoolPushAroundOpenTest is AttackFixture {
    uint256 internal constant MARGIN = 100e18;
    uint256 internal constant LEVERAGE = 2.9e18;

    /// The measured attack, as it was run: refused, since the spot stands 19% from the reference.
    function test_RevertWhen_pushDown19PercentOpenLongRestoreInOneTransaction() public {
        vm.expectPartialRevert(IPositionErrors.PriceDivergenceTooHigh.selector);
        attacker.pushOpenRestore(chutes, CHUTES, 0.81e18, true, MARGIN, LEVERAGE);
    }

    function test_RevertWhen_pushUp19PercentOpenShortRestoreInOneTransaction() public {
        vm.expectPartialRevert(IPositionErrors.PriceDivergenceTooHigh.selector);
        attacker.pushOpenRestore(chutes, CHUTES, 1.19e18, false, MARGIN, LEVERAGE);
    }

    /// Within the divergence limit the open goes through, at the worse price for the attacker (the reference, above
    /// the pushed spot): closing a minute later returns less than the margin.
    function test_pushDownWithinTheLimit_longLoses() public {
        uint256 before = _attackerBalance();
        attacker.pushOpenRestore(chutes, CHUTES, 0.951e18, true, MARGIN, LEVERAGE);
        PositionInfo memory p = _position(address(attacker), chutes);
        assertGe(p.entryPrice, CHUTES_PRICE, "bought at the reference, not at the pushed spot");
        _keeperBlocks(chutes, 5);
        attacker.close(chutes, true);
        assertLt(_attackerBalance(), before, "the attacker ends with less");
        _assertSolvent();
    }

    function test_pushUpWithinTheLimit_shortLoses() public {
        uint256 before = _attackerBalance();
        attacker.pushOpenRestore(chutes, CHUTES, 1.049e18, false, MARGIN, LEVERAGE);
        assertLe(_position(address(attacker), chutes).entryPrice, CHUTES_PRICE, "sold at the reference");
        _keeperBlocks(chutes, 5);
        attacker.close(chutes, false);
        assertLt(_attackerBalance(), before);
        _assertSolvent();
    }

    /// The other half: open honestly, then push the spot 30% up and close in one transaction. The close sells at the
    /// lowest of spot, reference and the block's starting reference: the push changes nothing.
    function test_pushUpCloseLongRestore_paysWhatAnHonestClosePays() public {
        attacker.open(chutes, true, MARGIN, LEVERAGE);
        _keeperBlocks(chutes, 5);
        uint256 snapshot = vm.snapshotState();
        uint256 before = _attackerBalance();
        attacker.close(chutes, true);
        uint256 honest = _attackerBalance() - before;
        vm.revertToState(snapshot);
        attacker.pushCloseRestore(chutes, CHUTES, 1.3e18, true);
        assertEq(_attackerBalance() - before, honest, "the push bought nothing");
        assertLt(_attackerBalance(), ATTACKER_FUNDS);
    }

    function test_pushDownCloseShortRestore_paysWhatAnHonestClosePays() public {
        attacker.open(chutes, false, MARGIN, LEVERAGE);
        _keeperBlocks(chutes, 5);
        uint256 snapshot = vm.snapshotState();
        uint256 before = _attackerBalance();
        attacker.close(chutes, false);
        uint256 honest = _attackerBalance() - before;
        vm.revertToState(snapshot);
        attacker.pushCloseRestore(chutes, CHUTES, 0.7e18, false);
        assertEq(_attackerBalance() - before, honest, "the push bought nothing");
    }

    /// Across blocks: the push held through a block boundary (its reading stored by the attacker's own poke), the
    /// open in the next block while still pushed, the pool restored there, the close a minute later.
    function test_pushHeldAcrossBlocks_longLoses() public {
        uint256 before = _attackerBalance();
        (uint64 tao, uint64 alphaIn) = attacker.push(CHUTES, 0.951e18);
        protocol.poke(chutes); // block N: the pushed reading is the block's only one
        _nextBlock(12);
        attacker.open(chutes, true, MARGIN, LEVERAGE); // block N+1, still pushed
        attacker.restore(CHUTES, tao, alphaIn);
        _keeperBlocks(chutes, 5);
        attacker.close(chutes, true);
        assertLt(_attackerBalance(), before);
        _assertSolvent();
    }

    /// Across a quiet gap: the pushed reading is stored when nobody else touches the market for a whole reference
    /// period, so the next update weighs it for the whole period (50%). The attacker pushes again and opens in that
    /// block: the fill is priced at the reference the block started with, which its reading never moved.
    function test_pushOverAQuietPeriod_longLoses() public {
        uint256 before = _attackerBalance();
        attacker.pushPokeRestore(chutes, CHUTES, 0.905e18); // block N: the stored reading is the push
        _nextBlock(600); // nobody touches the market for a reference period
        (uint64 tao, uint64 alphaIn) = attacker.push(CHUTES, 0.905e18);
        attacker.open(chutes, true, MARGIN, LEVERAGE); // the first touch: the reference moves 4.75% down
        attacker.restore(CHUTES, tao, alphaIn);
        PositionInfo memory p = _position(address(attacker), chutes);
        assertLt(p.markPrice, CHUTES_PRICE * 96 / 100, "the reference did move");
        assertGe(p.entryPrice, CHUTES_PRICE, "but the fill was at the block's starting reference");
        _keeperBlocks(chutes, 100); // the reference recovers: 20 minutes of keepers
        attacker.close(chutes, true);
        assertLt(_attackerBalance(), before);
        _assertSolvent();
    }

    function test_pushOverAQuietPeriod_shortLoses() public {
        uint256 before = _attackerBalance();
        attacker.pushPokeRestore(chutes, CHUTES, 1.095e18);
        _nextBlock(600);
        (uint64 tao, uint64 alphaIn) = attacker.push(CHUTES, 1.095e18);
        attacker.open(chutes, false, MARGIN, LEVERAGE);
        attacker.restore(CHUTES, tao, alphaIn);
        assertLe(_position(address(attacker), chutes).entryPrice, CHUTES_PRICE);
        _keeperBlocks(chutes, 100);
        attacker.close(chutes, false);
        assertLt(_attackerBalance(), before);
    }
}
