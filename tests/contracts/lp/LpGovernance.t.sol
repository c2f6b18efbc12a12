// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {LpFixture} from "./LpFixture.t.sol";
import {ILpModule, EpochSchedule} from "../../../contracts/interfaces/ILpModule.sol";
import {ILpErrors} from "../../../contracts/libraries/errors/LpErrors.sol";
import {IRouterErrors} from "../../../contracts/libraries/errors/RouterErrors.sol";
import {MegaTAOLpToken} from "../../../contracts/tokens/MegaTAOLpToken.sol";
import {LpStorage} from "../../../contracts/protocol/storage/LpStorage.sol";

/// The governed LP parameters: access control, bounds, the next-epoch rule of the schedule; the LP token's
/// privileged functions; the module's selectors and namespace.
contract LpGovernanceTest is LpFixture {
    // ---------------------------------------------------------------- access control

    function test_RevertWhen_setEpochSchedule_notOwner() public {
        vm.expectRevert(abi.encodeWithSelector(IRouterErrors.OwnableUnauthorizedAccount.selector, stranger));
        vm.prank(stranger);
        protocol.setEpochSchedule(3 days, 1 days, 1 days);
        vm.expectRevert(abi.encodeWithSelector(IRouterErrors.OwnableUnauthorizedAccount.selector, guardianAccount));
        vm.prank(guardianAccount);
        protocol.setEpochSchedule(3 days, 1 days, 1 days);
    }

    function test_RevertWhen_setDepositCaps_notOwner() public {
        vm.expectRevert(abi.encodeWithSelector(IRouterErrors.OwnableUnauthorizedAccount.selector, stranger));
        vm.prank(stranger);
        protocol.setDepositCaps(1e18, 1e18);
        vm.expectRevert(abi.encodeWithSelector(IRouterErrors.OwnableUnauthorizedAccount.selector, guardianAccount));
        vm.prank(guardianAccount);
        protocol.setDepositCaps(1e18, 1e18);
    }

    function test_RevertWhen_lpToken_privilegedFunctionsByAnyoneButTheProtocol() public {
        bytes4 e = MegaTAOLpToken.LpTokenUnauthorized.selector;
        vm.startPrank(owner);
        vm.expectRevert(abi.encodeWithSelector(e, owner));
        lpToken.mint(owner, 1);
        vm.expectRevert(abi.encodeWithSelector(e, owner));
        lpToken.lock(owner, 1);
        vm.expectRevert(abi.encodeWithSelector(e, owner));
        lpToken.unlock(owner, 1);
        vm.expectRevert(abi.encodeWithSelector(e, owner));
        lpToken.burnLocked(1);
        vm.stopPrank();
        assertEq(lpToken.protocol(), address(router));
        assertEq(lpToken.decimals(), 18);
        assertEq(lpToken.symbol(), "mtLP");
    }

    // ---------------------------------------------------------------- schedule

    function test_epochSchedule_genesis() public view {
        EpochSchedule memory s = protocol.epochSchedule();
        assertEq(s.epochLength, 7 days);
        assertEq(s.depositWindow, 48 hours);
        assertEq(s.withdrawalWindow, 48 hours);
        assertEq(s.nextFrom, 0);
    }

    function test_setEpochSchedule_takesEffectNextEpoch() public {
        _at(t0 + 3 days);
        vm.expectEmit(address(router));
        emit ILpModule.EpochScheduleSet(3 days, 1 days, 2 days, 1, _epochStart(1));
        vm.prank(owner);
        protocol.setEpochSchedule(3 days, 1 days, 2 days);
        EpochSchedule memory s = protocol.epochSchedule();
        assertEq(s.epochLength, 7 days, "unchanged in this epoch");
        assertEq(s.nextEpochLength, 3 days);
        assertEq(s.nextFrom, _epochStart(1));
        assertEq(s.nextEpoch, 1);
        (uint256 epoch,) = protocol.currentEpoch();
        assertEq(epoch, 0);

        // Epoch 1 starts on the old boundary, with the new windows; epoch 2 three days later.
        _at(_epochStart(1) + 1 days - 1);
        _deposit(lp1, 1e18);
        _at(_epochStart(1) + 1 days);
        vm.expectRevert(
            abi.encodeWithSelector(ILpErrors.DepositWindowClosed.selector, block.timestamp, _epochStart(1) + 3 days)
        );
        _deposit(lp1, 1e18);
        _request(lp1, 1e18); // the withdrawal window lasts 2 days
        _at(_epochStart(1) + 3 days);
        (uint256 e, uint256 start) = protocol.currentEpoch();
        assertEq(e, 2);
        assertEq(start, _epochStart(1) + 3 days);
        assertEq(_claim(lp1), 1e18);
        assertEq(protocol.epochSchedule().nextFrom, 0, "rolled");
    }

    function test_setEpochSchedule_requestsSurviveTheChange() public {
        _deposit(lp1, 10e18);
        _request(lp1, 10e18);
        vm.prank(owner);
        protocol.setEpochSchedule(1 days, 1 hours, 1 hours);
        _at(_epochStart(1) + 1 hours - 1);
        assertEq(_claim(lp1), 10e18);
    }

    function test_setEpochSchedule_boundsInclusive() public {
        vm.startPrank(owner);
        protocol.setEpochSchedule(1 days, 1 hours, 1 days);
        protocol.setEpochSchedule(30 days, 30 days, 1 hours);
        vm.stopPrank();
    }

    function test_RevertWhen_setEpochSchedule_outOfBounds() public {
        vm.startPrank(owner);
        vm.expectRevert(abi.encodeWithSelector(ILpErrors.EpochLengthOutOfBounds.selector, 1 days - 1, 1 days, 30 days));
        protocol.setEpochSchedule(1 days - 1, 1 hours, 1 hours);
        vm.expectRevert(abi.encodeWithSelector(ILpErrors.EpochLengthOutOfBounds.selector, 30 days + 1, 1 days, 30 days));
        protocol.setEpochSchedule(30 days + 1, 1 hours, 1 hours);
        vm.expectRevert(abi.encodeWithSelector(ILpErrors.DepositWindowOutOfBounds.selector, 1 hours - 1, 1 hours, 2 days));
        protocol.setEpochSchedule(2 days, 1 hours - 1, 1 hours);
        vm.expectRevert(abi.encodeWithSelector(ILpErrors.DepositWindowOutOfBounds.selector, 2 days + 1, 1 hours, 2 days));
        protocol.setEpochSchedule(2 days, 2 days + 1, 1 hours);
        vm.expectRevert(
            abi.encodeWithSelector(ILpErrors.WithdrawalWindowOutOfBounds.selector, 1 hours - 1, 1 hours, 2 days)
        );
        protocol.setEpochSchedule(2 days, 1 hours, 1 hours - 1);
        vm.expectRevert(
            abi.encodeWithSelector(ILpErrors.WithdrawalWindowOutOfBounds.selector, 2 days + 1, 1 hours, 2 days)
        );
        protocol.setEpochSchedule(2 days, 1 hours, 2 days + 1);
        vm.stopPrank();
    }

    // ---------------------------------------------------------------- caps

    function test_setDepositCaps_setsAndEmits() public {
        vm.expectEmit(address(router));
        emit ILpModule.DepositCapsSet(5e18, 50e18);
        vm.prank(owner);
        protocol.setDepositCaps(5e18, 50e18);
        (uint256 a, uint256 g) = protocol.depositCaps();
        assertEq(a, 5e18);
        assertEq(g, 50e18);
    }

    function test_RevertWhen_setDepositCaps_outOfBounds() public {
        vm.startPrank(owner);
        vm.expectRevert(abi.encodeWithSelector(ILpErrors.DepositCapOutOfBounds.selector, 1e18 - 1, 1e18, type(uint128).max));
        protocol.setDepositCaps(1e18, 1e18 - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILpErrors.DepositCapOutOfBounds.selector, uint256(type(uint128).max) + 1, 1e18, type(uint128).max
            )
        );
        protocol.setDepositCaps(1e18, uint256(type(uint128).max) + 1);
        vm.expectRevert(abi.encodeWithSelector(ILpErrors.DepositCapOutOfBounds.selector, 1e18 - 1, 1e18, 10e18));
        protocol.setDepositCaps(1e18 - 1, 10e18);
        vm.expectRevert(abi.encodeWithSelector(ILpErrors.DepositCapOutOfBounds.selector, 10e18 + 1, 1e18, 10e18));
        protocol.setDepositCaps(10e18 + 1, 10e18);
        protocol.setDepositCaps(1e18, 1e18);
        protocol.setDepositCaps(type(uint128).max, type(uint128).max);
        vm.stopPrank();
    }

    // ---------------------------------------------------------------- module

    function test_exportedSelectors_areServedByTheLpModule() public view {
        bytes4[] memory selectors = lpModule.exportedSelectors();
        for (uint256 i; i < selectors.length; ++i) {
            (bytes32 id, address impl) = router.moduleOf(selectors[i]);
            // forge-lint: disable-next-line(unsafe-typecast)
            assertEq(id, bytes32("lp"));
            assertEq(impl, address(lpModule));
        }
    }

    function test_storageSlot_matchesId() public pure {
        assertEq(LpStorage.ID, "megatao.storage.lp");
        assertEq(
            LpStorage.SLOT,
            keccak256(abi.encode(uint256(keccak256(bytes(LpStorage.ID))) - 1)) & ~bytes32(uint256(0xff))
        );
    }
}
