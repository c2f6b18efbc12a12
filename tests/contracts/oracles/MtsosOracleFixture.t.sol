// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {AlphaPrecompileEmulator} from "../../../contracts/emulators/AlphaPrecompileEmulator.sol";
import {Bittensor} from "../../../contracts/libraries/Bittensor.sol";
import {MtsosOracle} from "../../../contracts/oracles/MtsosOracle.sol";
import {Built} from "../utils/Built.sol";

/// @dev The Alpha precompile emulator at 0x0808; `_deploy` deploys a fresh MtsosOracle (its EMA starts at the sum then
///      set, in the deploying transaction), owned by the test. `_setSum` makes `getSumAlphaPrice()` answer
///      any multiple of 1e9 wei below `MAX_SUM`: the emulator counts only dynamic non-root subnets priced below
///      1 TAO and truncates to 9 decimals, so the sum is spread over `POOLS` pools of 1 alpha each, whose exact price
///      is their TAO reserve in rao x 1e9.
abstract contract MtsosOracleFixture is Test {
    AlphaPrecompileEmulator internal alpha;
    MtsosOracle internal oracle;

    /// @dev Pools the sum is spread over (netuids 1..POOLS).
    uint16 internal constant POOLS = 8;
    /// @dev Largest price of one pool, in rao: just under 1 TAO (a pool at 1 TAO or more is not counted).
    uint64 internal constant MAX_POOL_PRICE_RAO = 1e9 - 1;
    /// @dev Largest sum `_setSum` can set, wei: ~7.99 TAO.
    uint256 internal constant MAX_SUM = uint256(POOLS) * MAX_POOL_PRICE_RAO * Bittensor.WEI_PER_RAO;
    /// @dev One alpha, in the pool's 9 decimals.
    uint64 internal constant ONE_ALPHA = 1e9;
    uint256 internal constant PERIOD = 604800;

    function setUp() public virtual {
        vm.etch(Bittensor.ALPHA_PRECOMPILE, address(new AlphaPrecompileEmulator()).code);
        alpha = AlphaPrecompileEmulator(Bittensor.ALPHA_PRECOMPILE);
        vm.warp(1_773_087_480); // 2026-03-09 20:18 UTC, the first published reading (16:18 US Eastern, EDT)
    }

    /// @dev Sets the sum to `sumWei` and deploys the oracle now, owned by this test.
    function _deploy(uint256 sumWei) internal returns (MtsosOracle) {
        _setSum(sumWei);
        oracle = MtsosOracle(Built.deploy("MtsosOracle", abi.encode(address(this))));
        return oracle;
    }

    /// @dev Makes `getSumAlphaPrice()` answer `sumWei` (a multiple of 1e9 below `MAX_SUM`; 0 gives a zero sum).
    function _setSum(uint256 sumWei) internal {
        require(sumWei % Bittensor.WEI_PER_RAO == 0 && sumWei <= MAX_SUM, "fixture: sum not representable");
        uint256 restRao = sumWei / Bittensor.WEI_PER_RAO;
        for (uint16 netuid = 1; netuid <= POOLS; ++netuid) {
            uint64 taoRao = uint64(restRao < MAX_POOL_PRICE_RAO ? restRao : MAX_POOL_PRICE_RAO);
            restRao -= taoRao;
            // A pool with no alpha prices at 0, so an empty share adds nothing to the sum.
            alpha.setPool(netuid, taoRao, taoRao == 0 ? 0 : ONE_ALPHA, Bittensor.MECHANISM_DYNAMIC);
        }
        assertEq(alpha.getSumAlphaPrice(), sumWei, "fixture: emulator sum");
    }

    /// @dev Sets the sum and updates `elapsed` seconds after the current block time.
    function _updateAfter(uint256 elapsed, uint256 sumWei) internal returns (uint256) {
        vm.warp(block.timestamp + elapsed);
        _setSum(sumWei);
        return oracle.update();
    }

    /// @dev A fuzzed reading: a multiple of 1e9 wei in [1e9, MAX_SUM].
    function _boundSpot(uint256 raw) internal pure returns (uint256) {
        return bound(raw, 1, MAX_SUM / Bittensor.WEI_PER_RAO) * Bittensor.WEI_PER_RAO;
    }
}
