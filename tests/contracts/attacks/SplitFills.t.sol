// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Attack: split one large trade into many small fills to pay less impact. Measured before the fix in forge: 100 fills
// paid 0.39% where one paid 20%, because impact was charged on each fill's own size. The impact is now charged on the
// market's skew, max(0, s1^2 - s0^2) / 2D per fill (docs/protocol.md section 3): fills in one direction add up to
// exactly what one fill of their sum pays, rounding (up, per fill) only adding to it.

import {Vm} from "forge-std/Vm.sol";
import {AttackFixture} from "./AttackFixture.t.sol";
import {IPositionModule} from "../../../contracts/interfaces/IPositionModule.sol";
import {PositionInfo} from "../../../contracts/interfaces/IPositionViewModule.sol";

contract SplitFillsTest is AttackFixture {
    uint256 internal constant TOTAL_MARGIN = 100e18;
    uint256 internal constant LEVERAGE = 2e18;

    /// @dev The impact charged by the recorded `PriceImpactCharged` events.
    function _impactPaid() internal returns (uint256 total) {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].topics.length > 0 && logs[i].topics[0] == IPositionModule.PriceImpactCharged.selector) {
                total += abi.decode(logs[i].data, (uint256));
            }
        }
    }

    function _oneFill() internal returns (uint256 impact, PositionInfo memory p) {
        vm.recordLogs();
        _open(alice, chutes, true, TOTAL_MARGIN, LEVERAGE);
        impact = _impactPaid();
        p = _position(alice, chutes);
    }

    function _hundredFills(bool acrossBlocks) internal returns (uint256 impact, PositionInfo memory p) {
        vm.recordLogs();
        _open(alice, chutes, true, TOTAL_MARGIN / 100, LEVERAGE);
        for (uint256 i = 1; i < 100; ++i) {
            if (acrossBlocks) _keeperBlocks(chutes, 1);
            _increase(alice, chutes, TOTAL_MARGIN / 100, LEVERAGE);
        }
        impact = _impactPaid();
        p = _position(alice, chutes);
    }

    function test_splitInOneBlock_paysAtLeastTheImpactOfOneFill() public {
        uint256 snapshot = vm.snapshotState();
        (uint256 one, PositionInfo memory single) = _oneFill();
        vm.revertToState(snapshot);
        (uint256 hundred, PositionInfo memory split) = _hundredFills(false);
        assertGt(one, 0);
        assertGe(hundred, one, "splitting buys nothing");
        assertLe(hundred - one, 100, "the per-fill rounding is all it adds");
        assertLe(split.size, single.size, "no more size for the same TAO");
        assertLe(split.margin, single.margin);
    }

    function test_splitAcrossBlocks_paysAtLeastTheImpactOfOneFill() public {
        uint256 snapshot = vm.snapshotState();
        (uint256 one,) = _oneFill();
        vm.revertToState(snapshot);
        (uint256 hundred,) = _hundredFills(true);
        assertGe(hundred, one, "splitting buys nothing");
    }

    /// The skew a fill pays for is the market's, whoever holds it: a second trader adding to the skew pays the marginal
    /// impact, more than the first did for the same size.
    function test_impactGrowsWithTheSkew() public {
        vm.recordLogs();
        _open(alice, chutes, true, 50e18, LEVERAGE);
        uint256 first = _impactPaid();
        _open(bob, chutes, true, 50e18, LEVERAGE);
        uint256 second = _impactPaid();
        assertApproxEqRel(second, 3 * first, 0.01e18, "(2s)^2 - s^2 = 3 s^2");
        // A trade that reduces the skew pays none.
        address carol = makeAddr("carol");
        vm.deal(carol, 100e18);
        _open(carol, chutes, false, 50e18, LEVERAGE);
        assertEq(_impactPaid(), 0, "skew reduced: no impact");
    }
}
