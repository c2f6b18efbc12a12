// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Gas of MtsosOracle.update() per transaction (issue 4: <= 50k). The suite runs isolated (`isolate = true`): each call
// from the test is its own transaction, so accounts and slots start cold, a slot written by an earlier call counts as
// clean, and `vm.lastCallGas().gasTotalUsed` is the transaction's gas, the 21,000 intrinsic included. Two
// precompiles: a stub answering a constant (the oracle's own cost; the real precompile's price is the chain's), and
// the emulator with the two pools of the published 1.2993 sum.
// Run: forge test --match-path tests/contracts/oracles/MtsosOracleGas.t.sol -vv

import {console} from "forge-std/console.sol";
import {MtsosOracleFixture} from "./MtsosOracleFixture.t.sol";
import {Bittensor} from "../../../contracts/libraries/Bittensor.sol";
import {MtsosOracle} from "../../../contracts/oracles/MtsosOracle.sol";
import {Built} from "../utils/Built.sol";

/// @dev A precompile that answers a fixed sum and costs next to nothing.
contract SumAlphaPriceStub {
    function getSumAlphaPrice() external pure returns (uint256) {
        return 1.2993e18;
    }
}

/// forge-config: default.isolate = true
contract MtsosOracleGasTest is MtsosOracleFixture {
    /// @dev The issue's budget for `update()`, per transaction.
    uint256 internal constant BUDGET = 50_000;

    function _measureUpdate(string memory what) internal returns (uint256 used) {
        oracle.update();
        used = vm.lastCallGas().gasTotalUsed;
        console.log(string.concat("update() ", what, ": transaction gas"), used);
    }

    function _useStub() internal {
        vm.etch(Bittensor.ALPHA_PRECOMPILE, address(new SumAlphaPriceStub()).code);
    }

    function test_gas_update_steadyStateWithAConstantPrecompile() public {
        _deploy(1.2993e18);
        _useStub();
        vm.warp(block.timestamp + 12);
        uint256 used = _measureUpdate("steady state, constant precompile");
        assertLe(used, BUDGET);
    }

    /// @dev The emulator loops over every pool it holds, so this one holds only the two of the published sum.
    function _setTwoPools(uint64 secondPoolRao) internal {
        alpha.setPool(1, MAX_POOL_PRICE_RAO, ONE_ALPHA, Bittensor.MECHANISM_DYNAMIC);
        alpha.setPool(2, secondPoolRao, ONE_ALPHA, Bittensor.MECHANISM_DYNAMIC);
    }

    function test_gas_update_steadyStateWithTheEmulator() public {
        _setTwoPools(299_300_001); // 0.999999999 + 0.299300001 = 1.2993
        assertEq(alpha.getSumAlphaPrice(), 1.2993e18);
        oracle = MtsosOracle(Built.deploy("MtsosOracle", abi.encode(address(this))));
        vm.warp(block.timestamp + 12);
        _setTwoPools(757_900_001); // 1.7579
        uint256 used = _measureUpdate("steady state, emulator with 2 pools");
        assertLe(used, BUDGET);
    }

    function test_gas_update_sameSecond() public {
        _deploy(1.2993e18);
        _useStub();
        uint256 used = _measureUpdate("same second (holds the nearer reading)");
        assertLe(used, BUDGET);
    }

    function test_gas_price() public {
        _deploy(1.2993e18);
        vm.cool(address(oracle));
        MtsosOracle(address(oracle)).price();
        console.log("price() call gas, cold (a view: not a transaction of its own)", vm.lastCallGas().gasTotalUsed);
    }
}
