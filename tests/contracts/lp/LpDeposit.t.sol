// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {LpFixture} from "./LpFixture.t.sol";
import {LpModule} from "../../../contracts/protocol/modules/LpModule.sol";
import {MegaTAOLpToken} from "../../../contracts/tokens/MegaTAOLpToken.sol";
import {ILpModule} from "../../../contracts/interfaces/ILpModule.sol";
import {ILpErrors} from "../../../contracts/libraries/errors/LpErrors.sol";
import {IPositionErrors} from "../../../contracts/libraries/errors/PositionErrors.sol";
import {IRouterErrors} from "../../../contracts/libraries/errors/RouterErrors.sol";
import {MegaTAO} from "../../../contracts/protocol/MegaTAO.sol";
import {IMegaTAOProtocol} from "../../../contracts/interfaces/IMegaTAOProtocol.sol";
import {Built} from "../utils/Built.sol";

/// `deposit`: shares at the deposit value, the deposit window's edges, caps, the same-block rule.
contract LpDepositTest is LpFixture {
    function test_initialize_adoptsPriorCapitalAsOwnerShares() public view {
        assertEq(lpToken.balanceOf(owner), VAULT_FUNDS, "1 share per wei of prior capital");
        assertEq(lpToken.totalSupply(), VAULT_FUNDS);
        assertEq(_withdrawalValue(), 1e18);
        assertEq(protocol.lpToken(), address(lpToken));
        (uint256 epoch, uint256 start) = protocol.currentEpoch();
        assertEq(epoch, 0);
        assertEq(start, t0);
    }

    function test_deposit_mintsSharesAtTheDepositValue() public {
        uint256 reservesBefore = protocol.vaultTotals().reserves;
        vm.expectEmit(address(router));
        emit ILpModule.LpDeposited(lp1, 0, 10e18, 10e18);
        uint256 shares = _deposit(lp1, 10e18);
        assertEq(shares, 10e18);
        assertEq(lpToken.balanceOf(lp1), 10e18);
        assertEq(protocol.vaultTotals().reserves, reservesBefore + 10e18);
        assertEq(address(router).balance, _bucketSum());
    }

    function test_deposit_afterFeesPaysTheHigherValue() public {
        _open(alice, chutes, true, 10e18, 2e18); // fee to the vault
        _at(block.timestamp + 1);
        _close(alice, chutes);
        uint256 value = _depositValue();
        assertGt(value, 1e18);
        uint256 shares = _deposit(lp1, 10e18);
        assertEq(shares, 10e18 * 1e18 / value, "shares = amount / value");
    }

    function test_deposit_firstSecondOfTheWindow() public {
        _at(_epochStart(1));
        assertEq(_deposit(lp1, 1e18), 1e18);
    }

    function test_deposit_lastSecondOfTheWindow() public {
        _at(_epochStart(1) + WINDOW - 1);
        assertEq(_deposit(lp1, 1e18), 1e18);
    }

    function test_RevertWhen_deposit_firstSecondAfterTheWindow() public {
        _at(_epochStart(1) + WINDOW);
        vm.expectRevert(abi.encodeWithSelector(ILpErrors.DepositWindowClosed.selector, block.timestamp, _epochStart(2)));
        _deposit(lp1, 1e18);
    }

    function test_RevertWhen_deposit_lastSecondOfTheEpoch() public {
        _at(_epochStart(2) - 1);
        vm.expectRevert(abi.encodeWithSelector(ILpErrors.DepositWindowClosed.selector, block.timestamp, _epochStart(2)));
        _deposit(lp1, 1e18);
    }

    function test_RevertWhen_deposit_zero() public {
        vm.expectRevert(ILpErrors.ZeroDeposit.selector);
        _deposit(lp1, 0);
    }

    function test_RevertWhen_deposit_notARaoMultiple() public {
        vm.expectRevert(abi.encodeWithSelector(IPositionErrors.ValueNotRaoMultiple.selector, 1e18 + 1));
        _deposit(lp1, 1e18 + 1);
    }

    function test_RevertWhen_deposit_aboveTheGlobalCap() public {
        vm.prank(owner);
        protocol.setDepositCaps(1_005e18, 1_010e18);
        _deposit(lp1, 5e18);
        vm.expectRevert(abi.encodeWithSelector(ILpErrors.GlobalDepositCapExceeded.selector, 1_010e18 + 1e9, 1_010e18));
        _deposit(lp2, 5e18 + 1e9);
        _deposit(lp2, 5e18); // exactly at the cap
    }

    function test_RevertWhen_deposit_aboveTheAccountCap() public {
        vm.prank(owner);
        protocol.setDepositCaps(10e18, 100_000e18);
        _deposit(lp1, 6e18);
        vm.expectRevert(abi.encodeWithSelector(ILpErrors.AccountDepositCapExceeded.selector, lp1, 11e18, 10e18));
        _deposit(lp1, 5e18);
        _deposit(lp1, 4e18); // exactly at the cap
        _deposit(lp2, 10e18); // another account has its own cap
    }

    function test_RevertWhen_deposit_accountCapCountsEscrowedShares() public {
        vm.prank(owner);
        protocol.setDepositCaps(10e18, 100_000e18);
        _deposit(lp1, 10e18);
        _request(lp1, 10e18);
        assertEq(lpToken.balanceOf(lp1), 0);
        vm.expectRevert(abi.encodeWithSelector(ILpErrors.AccountDepositCapExceeded.selector, lp1, 11e18, 10e18));
        _deposit(lp1, 1e18);
    }

    function test_RevertWhen_deposit_inTheBlockOfTheCallersRedemption() public {
        _deposit(lp1, 10e18);
        _request(lp1, 5e18);
        _at(_epochStart(1));
        _claim(lp1);
        vm.expectRevert(abi.encodeWithSelector(ILpErrors.DepositInRedeemBlock.selector, lp1));
        _deposit(lp1, 1e18);
        _deposit(lp2, 1e18); // others may
        vm.roll(block.number + 1);
        _deposit(lp1, 1e18);
    }

    function test_RevertWhen_deposit_lpEquityNegative() public {
        // Traders' gains beyond the reserves: the protocol is insolvent towards them, no deposit can be priced.
        _open(alice, chutes, true, 160e18, 3e18);
        _moveChutesPrice(0.2e18); // x5
        (int256 depositEquity,,) = protocol.lpEquity();
        assertLt(depositEquity, 0);
        _at(_epochStart(1));
        (depositEquity,,) = protocol.lpEquity();
        vm.expectRevert(abi.encodeWithSelector(ILpErrors.LpEquityNegative.selector, depositEquity));
        _deposit(lp1, 1e18);
    }

    function test_RevertWhen_deposit_moduleNotInitialized() public {
        MegaTAO entry = MegaTAO(Built.deploy("MegaTAO", abi.encode(owner)));
        bytes32 id = lpModule.MODULE_ID();
        bytes4[] memory selectors = lpModule.exportedSelectors();
        vm.prank(owner);
        entry.setModule(id, address(lpModule), selectors, "");
        vm.expectRevert(ILpErrors.LpNotInitialized.selector);
        vm.prank(lp1);
        IMegaTAOProtocol(address(entry)).deposit{value: 1e18}();
    }

    function test_RevertWhen_deposit_calledOnTheImplementation() public {
        vm.expectRevert(abi.encodeWithSelector(IRouterErrors.NotDelegateCall.selector, address(lpModule)));
        vm.prank(lp1);
        lpModule.deposit{value: 1e18}();
    }

    function test_deposit_resetsTheCircuitBreaker() public {
        _open(alice, chutes, true, 100e18, 3e18);
        _open(bob, chutes, false, 150e18, 3e18); // 750 TAO open on 1,000: 75%
        _at(block.timestamp + 1);
        vm.prank(owner);
        protocol.setUtilizationLimits(0.5e18, 0.7e18);
        assertTrue(protocol.updateCircuitBreaker());
        _deposit(lp1, 1_000e18);
        assertFalse(protocol.circuitBreakerTripped());
    }

    function test_fundVault_mintsTheOwnerSharesOutsideTheWindows() public {
        _at(_epochStart(1) + WINDOW + 1);
        _fundVault(10e18);
        assertEq(lpToken.balanceOf(owner), VAULT_FUNDS + 10e18);
    }
}

/// The LP module's initialization: once, owner only, with a token bound to this entry contract; capital added before
/// it becomes the owner's shares; none when the vault is empty.
contract LpInitializeTest is LpFixture {
    function test_RevertWhen_initialize_twice() public {
        bytes32 id = lpModule.MODULE_ID();
        bytes4[] memory selectors = lpModule.exportedSelectors();
        vm.expectRevert(abi.encodeWithSelector(ILpErrors.LpAlreadyInitialized.selector, 1));
        vm.prank(owner);
        router.setModule(id, address(lpModule), selectors, abi.encodeCall(LpModule.initialize, (address(lpToken))));
    }

    function test_RevertWhen_initialize_tokenBoundElsewhere() public {
        MegaTAO entry = MegaTAO(Built.deploy("MegaTAO", abi.encode(owner)));
        MegaTAOLpToken other = MegaTAOLpToken(Built.deploy("MegaTAOLpToken", abi.encode(address(router))));
        bytes32 id = lpModule.MODULE_ID();
        bytes4[] memory selectors = lpModule.exportedSelectors();
        vm.expectRevert(abi.encodeWithSelector(ILpErrors.LpTokenNotBound.selector, address(other), address(router)));
        vm.prank(owner);
        entry.setModule(id, address(lpModule), selectors, abi.encodeCall(LpModule.initialize, (address(other))));
    }

    function test_RevertWhen_initialize_byAStranger() public {
        // `initialize` is not served through the entry contract; on the implementation it is a direct call. Run as
        // `setModule`'s initData, only the owner reaches it.
        vm.prank(stranger);
        (bool ok, bytes memory ret) = address(router).call(abi.encodeCall(LpModule.initialize, (address(lpToken))));
        assertFalse(ok);
        // forge-lint: disable-next-line(unsafe-typecast)
        assertEq(bytes4(ret), IRouterErrors.UnknownSelector.selector);
        vm.expectRevert(abi.encodeWithSelector(IRouterErrors.NotDelegateCall.selector, address(lpModule)));
        vm.prank(stranger);
        lpModule.initialize(address(lpToken));
        MegaTAO entry = MegaTAO(Built.deploy("MegaTAO", abi.encode(owner)));
        bytes32 id = lpModule.MODULE_ID();
        bytes4[] memory selectors = lpModule.exportedSelectors();
        vm.expectRevert(abi.encodeWithSelector(IRouterErrors.OwnableUnauthorizedAccount.selector, stranger));
        vm.prank(stranger);
        entry.setModule(id, address(lpModule), selectors, abi.encodeCall(LpModule.initialize, (address(lpToken))));
    }

    function test_initialize_emptyVaultMintsNothing() public {
        MegaTAO entry = MegaTAO(Built.deploy("MegaTAO", abi.encode(owner)));
        MegaTAOLpToken token = MegaTAOLpToken(Built.deploy("MegaTAOLpToken", abi.encode(address(entry))));
        bytes32 id = lpModule.MODULE_ID();
        bytes4[] memory selectors = lpModule.exportedSelectors();
        vm.prank(owner);
        entry.setModule(id, address(lpModule), selectors, abi.encodeCall(LpModule.initialize, (address(token))));
        assertEq(token.totalSupply(), 0);
    }
}
