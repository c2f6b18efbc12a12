// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {LpFixture} from "./LpFixture.t.sol";
import {ILpModule, LpStatus, RequestStatus} from "../../../contracts/interfaces/ILpModule.sol";
import {ILpErrors} from "../../../contracts/libraries/errors/LpErrors.sol";

/// `requestWithdrawal`, `claimWithdrawal`, `releaseWithdrawal`: the withdrawal window's edges, escrow, the claim in
/// the next epoch's window, void requests, the utilization wait, the same-block rule.
contract LpWithdrawalTest is LpFixture {
    function setUp() public override {
        super.setUp();
        _deposit(lp1, 100e18);
        _deposit(lp2, 100e18);
    }

    // ---------------------------------------------------------------- requestWithdrawal

    function test_requestWithdrawal_escrowsTheShares() public {
        vm.expectEmit(address(router));
        emit ILpModule.WithdrawalRequested(lp1, 0, 40e18, 40e18);
        _request(lp1, 40e18);
        assertEq(lpToken.balanceOf(lp1), 60e18);
        assertEq(lpToken.balanceOf(address(router)), 40e18);
        (uint256 shares, uint256 epoch, RequestStatus status) = protocol.withdrawalRequest(lp1);
        assertEq(shares, 40e18);
        assertEq(epoch, 0);
        assertTrue(status == RequestStatus.Pending);
    }

    function test_requestWithdrawal_escrowedSharesCannotMove() public {
        _request(lp1, 100e18);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, lp1, 0, 1));
        vm.prank(lp1);
        assertFalse(lpToken.transfer(lp2, 1));
    }

    function test_requestWithdrawal_growsInTheSameEpoch() public {
        _request(lp1, 40e18);
        _at(block.timestamp + 1 hours);
        vm.expectEmit(address(router));
        emit ILpModule.WithdrawalRequested(lp1, 0, 10e18, 50e18);
        _request(lp1, 10e18);
        (uint256 shares,,) = protocol.withdrawalRequest(lp1);
        assertEq(shares, 50e18);
    }

    function test_requestWithdrawal_firstSecondOfTheWindow() public {
        _at(_epochStart(1));
        _request(lp1, 1e18);
        (, uint256 epoch,) = protocol.withdrawalRequest(lp1);
        assertEq(epoch, 1);
    }

    function test_requestWithdrawal_lastSecondOfTheWindow() public {
        _at(_epochStart(1) + WINDOW - 1);
        _request(lp1, 1e18);
    }

    function test_RevertWhen_requestWithdrawal_firstSecondAfterTheWindow() public {
        _at(_epochStart(1) + WINDOW);
        vm.expectRevert(
            abi.encodeWithSelector(ILpErrors.WithdrawalWindowClosed.selector, block.timestamp, _epochStart(2))
        );
        _request(lp1, 1e18);
    }

    function test_RevertWhen_requestWithdrawal_zero() public {
        vm.expectRevert(ILpErrors.ZeroWithdrawalShares.selector);
        _request(lp1, 0);
    }

    function test_RevertWhen_requestWithdrawal_moreThanHeld() public {
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, lp1, 100e18, 100e18 + 1)
        );
        _request(lp1, 100e18 + 1);
    }

    function test_RevertWhen_requestWithdrawal_aClaimableRequestIsPending() public {
        _request(lp1, 10e18);
        _at(_epochStart(1));
        vm.expectRevert(abi.encodeWithSelector(ILpErrors.ClaimableWithdrawalPending.selector, lp1, 0));
        _request(lp1, 10e18);
    }

    function test_requestWithdrawal_releasesAVoidRequestFirst() public {
        _request(lp1, 10e18);
        _at(_epochStart(2));
        assertTrue(_status(lp1) == RequestStatus.Void);
        vm.expectEmit(address(router));
        emit ILpModule.WithdrawalVoided(lp1, 0, 10e18);
        vm.expectEmit(address(router));
        emit ILpModule.WithdrawalRequested(lp1, 2, 5e18, 5e18);
        _request(lp1, 5e18);
        assertEq(lpToken.balanceOf(lp1), 95e18);
        assertEq(lpToken.balanceOf(address(router)), 5e18);
    }

    // ---------------------------------------------------------------- claimWithdrawal

    function test_claimWithdrawal_paysTheWithdrawalValueInTheNextWindow() public {
        _request(lp1, 40e18);
        _at(_epochStart(1));
        uint256 balanceBefore = lp1.balance;
        uint256 reservesBefore = protocol.vaultTotals().reserves;
        vm.expectEmit(address(router));
        emit ILpModule.WithdrawalClaimed(lp1, 0, 40e18, 40e18);
        uint256 amount = _claim(lp1);
        assertEq(amount, 40e18);
        assertEq(lp1.balance, balanceBefore + 40e18);
        assertEq(protocol.vaultTotals().reserves, reservesBefore - 40e18);
        assertEq(lpToken.totalSupply(), VAULT_FUNDS + 160e18);
        assertEq(lpToken.balanceOf(address(router)), 0);
        assertTrue(_status(lp1) == RequestStatus.None);
        assertEq(address(router).balance, _bucketSum());
    }

    function test_claimWithdrawal_atTheValueThen_afterTraderLossesAndFees() public {
        _request(lp1, 100e18);
        _open(alice, chutes, true, 50e18, 2e18);
        _moveChutesPrice(0.035e18);
        _close(alice, chutes); // alice's loss and the fees go to the reserves
        _at(_epochStart(1));
        uint256 value = _withdrawalValue();
        assertGt(value, 1e18);
        uint256 amount = _claim(lp1);
        uint256 expected = 100e18 * value / 1e18;
        assertApproxEqAbs(amount, expected - expected % 1e9, 1e9);
        assertEq(amount % 1e9, 0, "whole rao");
    }

    function test_claimWithdrawal_lastSecondOfTheNextWindow() public {
        _request(lp1, 40e18);
        _at(_epochStart(1) + WINDOW - 1);
        assertEq(_claim(lp1), 40e18);
    }

    function test_RevertWhen_claimWithdrawal_inTheRequestsEpoch() public {
        _request(lp1, 40e18);
        _at(_epochStart(1) - 1);
        vm.expectRevert(
            abi.encodeWithSelector(ILpErrors.WithdrawalNotYetClaimable.selector, lp1, 0, _epochStart(1))
        );
        _claim(lp1);
    }

    function test_claimWithdrawal_firstSecondAfterTheWindowReleasesTheShares() public {
        _request(lp1, 40e18);
        _at(_epochStart(1) + WINDOW);
        assertTrue(_status(lp1) == RequestStatus.Void);
        uint256 balanceBefore = lp1.balance;
        vm.expectEmit(address(router));
        emit ILpModule.WithdrawalVoided(lp1, 0, 40e18);
        assertEq(_claim(lp1), 0);
        assertEq(lp1.balance, balanceBefore);
        assertEq(lpToken.balanceOf(lp1), 100e18);
    }

    function test_RevertWhen_claimWithdrawal_noRequest() public {
        vm.expectRevert(abi.encodeWithSelector(ILpErrors.NoWithdrawalRequest.selector, lp1));
        _claim(lp1);
    }

    function test_RevertWhen_claimWithdrawal_inTheBlockOfTheCallersDeposit() public {
        _request(lp1, 40e18);
        _at(_epochStart(1));
        _deposit(lp1, 1e18);
        vm.expectRevert(abi.encodeWithSelector(ILpErrors.RedeemInDepositBlock.selector, lp1));
        _claim(lp1);
        vm.roll(block.number + 1);
        _claim(lp1);
    }

    function test_claimWithdrawal_waitsWhileUtilizationWouldExceedTheLimit() public {
        _request(lp1, 100e18);
        _request(lp2, 100e18);
        vm.prank(owner);
        protocol.requestWithdrawal(1_000e18);
        // 480 TAO long and 480 short: 960 on 1,200 TAO of reserves (80%).
        _open(alice, chutes, true, 160e18, 3e18);
        _open(bob, chutes, false, 160e18, 3e18);
        _at(_epochStart(1));
        (uint256 u, uint256 limit) = protocol.utilizationLimits();
        u = protocol.utilization();
        assertLe(u, limit);
        vm.expectPartialRevert(ILpErrors.WithdrawalExceedsUtilization.selector);
        _claim(lp1);
        // Traders close: the request, still in its window, is paid.
        _close(alice, chutes);
        _close(bob, chutes);
        assertGt(_claim(lp1), 0);
    }

    function test_RevertWhen_claimWithdrawal_exceedsUtilization_exactError() public {
        _request(lp1, 100e18);
        _open(alice, chutes, true, 150e18, 3e18);
        _open(bob, chutes, false, 150e18, 3e18); // 900 TAO open
        _at(_epochStart(1));
        uint256 reserves = protocol.vaultTotals().reserves;
        uint256 openNotional = protocol.vaultTotals().totalOpenNotional;
        (, int256 w, uint256 supply) = protocol.lpEquity();
        // Positive here.
        // forge-lint: disable-next-line(unsafe-typecast)
        uint256 amount = 100e18 * uint256(w) / supply;
        amount -= amount % 1e9;
        uint256 expected = (openNotional * 1e18 + reserves - amount - 1) / (reserves - amount);
        vm.expectRevert(abi.encodeWithSelector(ILpErrors.WithdrawalExceedsUtilization.selector, expected, 0.8e18));
        _claim(lp1);
        assertTrue(_status(lp1) == RequestStatus.Claimable, "still claimable");
    }

    function test_RevertWhen_claimWithdrawal_transferRefused() public {
        RefusingLp refuser = new RefusingLp();
        vm.deal(address(refuser), 10e18);
        vm.prank(address(refuser));
        protocol.deposit{value: 10e18}();
        vm.prank(address(refuser));
        protocol.requestWithdrawal(10e18);
        _at(_epochStart(1));
        vm.expectRevert(abi.encodeWithSelector(ILpErrors.LpPayoutFailed.selector, address(refuser), 10e18));
        vm.prank(address(refuser));
        protocol.claimWithdrawal();
    }

    // ---------------------------------------------------------------- releaseWithdrawal

    function test_releaseWithdrawal_anyoneReturnsAVoidRequest() public {
        _request(lp1, 40e18);
        _at(_epochStart(3));
        vm.prank(stranger);
        protocol.releaseWithdrawal(lp1);
        assertEq(lpToken.balanceOf(lp1), 100e18);
        assertTrue(_status(lp1) == RequestStatus.None);
    }

    function test_RevertWhen_releaseWithdrawal_requestPendingOrClaimable() public {
        _request(lp1, 40e18);
        vm.expectRevert(abi.encodeWithSelector(ILpErrors.WithdrawalNotVoid.selector, lp1, 0));
        protocol.releaseWithdrawal(lp1);
        _at(_epochStart(1) + WINDOW - 1);
        vm.expectRevert(abi.encodeWithSelector(ILpErrors.WithdrawalNotVoid.selector, lp1, 0));
        protocol.releaseWithdrawal(lp1);
    }

    function test_RevertWhen_releaseWithdrawal_noRequest() public {
        vm.expectRevert(abi.encodeWithSelector(ILpErrors.NoWithdrawalRequest.selector, lp2));
        protocol.releaseWithdrawal(lp2);
    }

    // ---------------------------------------------------------------- status

    function test_lpStatus_reportsWindowsValuesAndTheRequest() public {
        _request(lp1, 40e18);
        _at(_epochStart(0) + WINDOW + 5);
        LpStatus memory s;
        s = protocol.lpStatus(lp1);
        assertEq(s.epoch, 0);
        assertEq(s.epochStart, t0);
        assertEq(s.epochEnd, t0 + EPOCH);
        assertFalse(s.depositWindowOpen);
        assertEq(s.depositWindowEdge, _epochStart(1));
        assertFalse(s.withdrawalWindowOpen);
        assertEq(s.shares, 60e18);
        assertEq(s.requestShares, 40e18);
        assertTrue(s.requestStatus == RequestStatus.Pending);
        assertEq(s.requestValue, 40e18);
        assertEq(s.totalShares, VAULT_FUNDS + 200e18);
        assertEq(s.withdrawalShareValue, 1e18);
        assertEq(s.utilizationLimit, 0.8e18);
        _at(_epochStart(1));
        s = protocol.lpStatus(lp1);
        assertTrue(s.depositWindowOpen);
        assertEq(s.depositWindowEdge, _epochStart(1) + WINDOW);
        assertTrue(s.requestStatus == RequestStatus.Claimable);
    }
}

/// @dev An LP whose address refuses TAO.
contract RefusingLp {
    receive() external payable {
        revert("no");
    }
}
