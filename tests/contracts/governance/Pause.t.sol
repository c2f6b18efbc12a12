// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {GovernanceFixture} from "./GovernanceFixture.t.sol";
import {IMegaTAO} from "../../../contracts/interfaces/IMegaTAO.sol";
import {IRouterErrors} from "../../../contracts/libraries/errors/RouterErrors.sol";
import {IPositionErrors} from "../../../contracts/libraries/errors/PositionErrors.sol";
import {RouterStorage} from "../../../contracts/protocol/storage/RouterStorage.sol";
import {MarketId, MarketIdLibrary} from "../../../contracts/types/MarketId.sol";

/// @dev The pause of opens under governance: a guardian's pause lapses after `maxPause` by itself; only the timelock
///      renews or lifts it, and sets `maxPause`.
contract PauseTest is GovernanceFixture {
    MarketId internal sn19 = MarketIdLibrary.alpha(SN19);
    address internal trader = makeAddr("trader");

    /// @dev `RouterStorage.Layout.pausedUntil` and `maxPause` share the namespace's 8th slot.
    bytes32 internal constant PAUSE_SLOT = bytes32(uint256(RouterStorage.SLOT) + 7);

    function setUp() public override {
        super.setUp();
        vm.prank(address(timelock));
        protocol.listMarket(_sn19Listing());
        vm.deal(trader, 100e18);
    }

    function _open() internal {
        _open(trader);
    }

    function _open(address who) internal {
        vm.deal(who, 10e18);
        vm.prank(who);
        protocol.openPosition{value: 1e18}(sn19, true, 2e18, type(uint256).max, block.timestamp);
        vm.roll(block.number + 1);
    }

    function _expectOpenRefused() internal {
        vm.prank(trader);
        vm.expectRevert(IPositionErrors.OpensArePaused.selector);
        protocol.openPosition{value: 1e18}(sn19, true, 2e18, type(uint256).max, block.timestamp);
    }

    function _guardianPauses() internal returns (uint256 until) {
        until = block.timestamp + router.maxPause();
        vm.expectEmit(address(router));
        emit IMegaTAO.OpensPaused(guardianAccount, until);
        vm.prank(guardianAccount);
        router.pauseOpens();
    }

    function test_pauseOpens_LapsesAfterMaxPause() public {
        uint256 until = _guardianPauses();
        assertEq(until, block.timestamp + 7 days, "7 days at genesis");
        assertEq(router.pausedUntil(), until, "until");
        _expectOpenRefused();
        vm.warp(until - 1);
        assertTrue(router.opensPaused(), "last second of the pause");
        _expectOpenRefused();
        vm.warp(until);
        assertFalse(router.opensPaused(), "lapsed");
        _open();
        assertGt(protocol.position(trader, sn19).size, 0, "opened without governance");
    }

    function test_pauseOpens_ClosesGoOnWhilePaused() public {
        _open();
        _guardianPauses();
        vm.prank(trader);
        protocol.closePosition(sn19, 0, block.timestamp);
        assertEq(protocol.position(trader, sn19).size, 0, "closed");
    }

    function test_RevertWhen_GuardianExtendsItsPause() public {
        uint256 until = _guardianPauses();
        vm.warp(until - 1);
        vm.prank(guardianAccount);
        vm.expectRevert(abi.encodeWithSelector(IRouterErrors.OpensAlreadyPaused.selector, until));
        router.pauseOpens();
        assertEq(router.pausedUntil(), until, "unchanged");
    }

    function test_pauseOpens_GuardianPausesAgainOnceLapsed() public {
        // The documented choice: the guardian starts a new pause once the last one lapsed (an emergency that lasts);
        // a guardian abusing it is replaced by a proposal the proposal guardian cannot cancel (attacks/).
        uint256 until = _guardianPauses();
        vm.warp(until);
        uint256 next = _guardianPauses();
        assertEq(next, until + 7 days, "a fresh pause");
        assertTrue(router.opensPaused(), "paused again");
    }

    function test_pauseOpens_TimelockRenewsThroughGovernance() public {
        uint256 until = _guardianPauses();
        Proposal memory renew = _protocolCall(abi.encodeCall(IMegaTAO.pauseOpens, ()), "Renew the pause");
        uint256 proposalId = _propose(alice, renew);
        _warpToVoteStart(proposalId);
        _vote(alice, proposalId, FOR);
        _vote(bob, proposalId, FOR);
        _warpPastDeadline(proposalId);
        _queue(renew);
        vm.warp(governor.proposalEta(proposalId));
        assertGt(block.timestamp, until, "the guardian's pause lapsed meanwhile");
        vm.expectEmit(address(router));
        emit IMegaTAO.OpensPaused(address(timelock), block.timestamp + 7 days);
        _execute(renew);
        assertTrue(router.opensPaused(), "renewed");
        // The owner may renew a pause in effect, which the guardian may not.
        vm.warp(block.timestamp + 1 days);
        vm.prank(address(timelock));
        router.pauseOpens();
        assertEq(router.pausedUntil(), block.timestamp + 7 days, "renewed again");
    }

    function test_setMaxPause_ThroughGovernanceKeepsThePauseInEffect() public {
        uint256 until = _guardianPauses();
        Proposal memory p = _protocolCall(abi.encodeCall(IMegaTAO.setMaxPause, (30 days)), "Max pause 30 days");
        _proposeAndQueue(p);
        vm.expectEmit(address(router));
        emit IMegaTAO.MaxPauseSet(7 days, 30 days);
        _execute(p);
        assertEq(router.maxPause(), 30 days, "max pause");
        assertEq(router.pausedUntil(), until, "the pause in effect keeps its end");
        assertEq(_guardianPauses(), block.timestamp + 30 days, "the next pause lasts 30 days");
    }

    function test_unpauseOpens_LiftsALapsedPause() public {
        uint256 until = _guardianPauses();
        vm.warp(until + 1 days);
        vm.prank(address(timelock));
        router.unpauseOpens();
        assertEq(router.pausedUntil(), 0, "cleared");
        _open();
    }

    /// @dev The hot path: an open reads the pause's end (the router's slot) only while the flag is set.
    function test_openPosition_ReadsThePauseEndOnlyWhenTheFlagIsSet() public {
        uint256 until = _guardianPauses();
        assertEq(uint256(vm.load(address(router), PAUSE_SLOT)) & type(uint40).max, until, "slot of pausedUntil");
        vm.warp(until);
        vm.record();
        _open();
        assertTrue(_read(PAUSE_SLOT), "flag set (lapsed pause): the end is read");

        vm.prank(address(timelock));
        router.unpauseOpens();
        vm.record();
        _open(makeAddr("second trader"));
        assertFalse(_read(PAUSE_SLOT), "flag clear: the end is not read");
    }

    function _read(bytes32 slot) internal returns (bool) {
        (bytes32[] memory reads,) = vm.accesses(address(router));
        for (uint256 i; i < reads.length; ++i) {
            if (reads[i] == slot) return true;
        }
        return false;
    }
}
