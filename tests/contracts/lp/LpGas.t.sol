// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {console} from "forge-std/console.sol";
import {LpFixture} from "./LpFixture.t.sol";
import {ILpModule} from "../../../contracts/interfaces/ILpModule.sol";
import {Bittensor} from "../../../contracts/libraries/Bittensor.sol";

/// Gas of the LP operations through the entry contract, measured as `tests/contracts/trading/Gas.t.sol` does: cold
/// (every account and slot cold, as at the start of a transaction; execution gas before refunds, the 21,000
/// intrinsic gas and calldata on top) and warm (the same operation by a second LP right after, so that only its own
/// storage is cold); the issue's budgets are asserted on the warm figure. The vault trades: CHUTES and MTSOS have
/// open positions on both sides (the share value loops over 2 markets, reading the precompile emulator and the
/// index oracle). Run: `forge test --match-path tests/contracts/lp/LpGas.t.sol -vv`.
contract LpGasTest is LpFixture {
    uint256 internal constant DEPOSIT_BUDGET = 90_000;
    uint256 internal constant REQUEST_BUDGET = 70_000;
    uint256 internal constant CLAIM_BUDGET = 80_000;

    address internal lp3 = makeAddr("lp3");
    address internal lp4 = makeAddr("lp4");

    function setUp() public override {
        super.setUp();
        _open(alice, chutes, true, 10e18, 2e18);
        _open(bob, chutes, false, 5e18, 2e18);
        _open(alice, mtsos, true, 1e18, 2e18);
        _open(bob, mtsos, false, 1e18, 2e18);
        vm.deal(lp3, 1_000e18);
        vm.deal(lp4, 1_000e18);
        // In earlier transactions (setUp), so that each LP's own storage is cold in the test: lp1 and lp2 hold shares
        // (request), lp3 and lp4 requested a withdrawal (claim).
        _deposit(lp1, 10e18);
        _deposit(lp2, 10e18);
        _deposit(lp3, 10e18);
        _deposit(lp4, 10e18);
        _request(lp3, 5e18);
        _request(lp4, 5e18);
        _at(block.timestamp + 1 hours);
    }

    function _measure(address from, uint256 value, bytes memory data) internal returns (uint256) {
        vm.cool(address(router));
        vm.cool(Bittensor.ALPHA_PRECOMPILE);
        vm.cool(address(lpModule));
        vm.cool(address(lpToken));
        vm.cool(address(indexOracle));
        vm.cool(from);
        return _measureWarm(from, value, data);
    }

    function _measureWarm(address from, uint256 value, bytes memory data) internal returns (uint256) {
        vm.prank(from);
        (bool ok, bytes memory ret) = address(router).call{value: value}(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 0x20), mload(ret))
            }
        }
        return vm.lastCallGas().gasTotalUsed;
    }

    function _log(string memory name, uint256 cold, uint256 warm, uint256 budget) internal pure {
        console.log(name);
        console.log("  cold (first touch in the transaction):", cold);
        console.log("  warm (vault and markets touched already):", warm, "budget", budget);
    }

    /// A first deposit by each LP (its balance and account slots written from zero).
    function test_gas_deposit() public {
        bytes memory data = abi.encodeCall(ILpModule.deposit, ());
        address first = makeAddr("first");
        address second = makeAddr("second");
        vm.deal(first, 100e18);
        vm.deal(second, 100e18);
        uint256 cold = _measure(first, 10e18, data);
        uint256 warm = _measureWarm(second, 10e18, data);
        _log("deposit", cold, warm, DEPOSIT_BUDGET);
        assertLe(warm, DEPOSIT_BUDGET);
    }

    function test_gas_requestWithdrawal() public {
        uint256 cold = _measure(lp1, 0, abi.encodeCall(ILpModule.requestWithdrawal, (5e18)));
        uint256 warm = _measureWarm(lp2, 0, abi.encodeCall(ILpModule.requestWithdrawal, (5e18)));
        _log("requestWithdrawal", cold, warm, REQUEST_BUDGET);
        assertLe(warm, REQUEST_BUDGET);
    }

    function test_gas_claimWithdrawal() public {
        _at(_epochStart(1));
        bytes memory data = abi.encodeCall(ILpModule.claimWithdrawal, ());
        uint256 cold = _measure(lp3, 0, data);
        uint256 refund = uint256(int256(vm.lastCallGas().gasRefunded));
        uint256 warm = _measureWarm(lp4, 0, data);
        _log("claimWithdrawal", cold, warm, CLAIM_BUDGET);
        console.log("  refund (cold call)", refund);
        assertLe(warm, CLAIM_BUDGET);
    }
}
