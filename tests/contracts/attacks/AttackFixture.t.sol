// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {LpFixture} from "../lp/LpFixture.t.sol";
import {AlphaPrecompileEmulator} from "../../../contracts/emulators/AlphaPrecompileEmulator.sol";
import {Bittensor} from "../../../contracts/libraries/Bittensor.sol";
import {IMegaTAOProtocol} from "../../../contracts/interfaces/IMegaTAOProtocol.sol";
import {MarketId} from "../../../contracts/types/MarketId.sol";

/// @dev An attacker's contract: it moves an alpha pool and trades in one transaction, as a contract that stakes and
///      unstakes through the staking precompile can on Bittensor. Moving the emulator's pool costs nothing here (on
///      chain it costs the swap fees both ways), so every attack is tried at its cheapest.
contract PoolPusher {
    IMegaTAOProtocol internal immutable protocol;
    AlphaPrecompileEmulator internal immutable alpha;

    constructor(IMegaTAOProtocol protocol_) {
        protocol = protocol_;
        alpha = AlphaPrecompileEmulator(Bittensor.ALPHA_PRECOMPILE);
    }

    receive() external payable {}

    /// @dev Moves subnet `netuid`'s constant-product pool so its price is `factor` (WAD) times what it is; returns the
    ///      reserves before, to restore them.
    function push(uint16 netuid, uint256 factor) public returns (uint64 tao, uint64 alphaIn) {
        (tao, alphaIn) = (alpha.getTaoInPool(netuid), alpha.getAlphaInPool(netuid));
        uint256 root = Math.sqrt(factor * 1e18);
        // Test values, far below the type limits.
        // forge-lint: disable-start(unsafe-typecast)
        alpha.setPool(
            netuid, uint64(uint256(tao) * root / 1e18), uint64(uint256(alphaIn) * 1e18 / root), Bittensor.MECHANISM_DYNAMIC
        );
        // forge-lint: disable-end(unsafe-typecast)
    }

    function restore(uint16 netuid, uint64 tao, uint64 alphaIn) public {
        alpha.setPool(netuid, tao, alphaIn, Bittensor.MECHANISM_DYNAMIC);
    }

    /// @dev Push, open with `margin` of its own TAO, restore: one transaction.
    function pushOpenRestore(
        MarketId id,
        uint16 netuid,
        uint256 factor,
        bool isLong,
        uint256 margin,
        uint256 leverage
    ) external {
        (uint64 tao, uint64 alphaIn) = push(netuid, factor);
        protocol.openPosition{value: margin}(id, isLong, leverage, isLong ? type(uint256).max : 0, block.timestamp);
        restore(netuid, tao, alphaIn);
    }

    /// @dev Push, close, restore: one transaction.
    function pushCloseRestore(MarketId id, uint16 netuid, uint256 factor, bool isLong) external {
        (uint64 tao, uint64 alphaIn) = push(netuid, factor);
        protocol.closePosition(id, isLong ? 0 : type(uint256).max, block.timestamp);
        restore(netuid, tao, alphaIn);
    }

    /// @dev Push, poke (the reading the next update weighs), restore: one transaction.
    function pushPokeRestore(MarketId id, uint16 netuid, uint256 factor) external {
        (uint64 tao, uint64 alphaIn) = push(netuid, factor);
        protocol.poke(id);
        restore(netuid, tao, alphaIn);
    }

    /// @dev Push, liquidate `account`, restore: one transaction.
    function pushLiquidateRestore(MarketId id, uint16 netuid, uint256 factor, address account) external {
        (uint64 tao, uint64 alphaIn) = push(netuid, factor);
        protocol.liquidate(account, id);
        restore(netuid, tao, alphaIn);
    }

    /// @dev Deepens subnet `netuid`'s pool `factor` (WAD) times at the same price, pokes, opens with `margin` of its
    ///      own TAO, restores the pool: one transaction.
    function deepenPokeOpenRestore(
        MarketId id,
        uint16 netuid,
        uint256 factor,
        bool isLong,
        uint256 margin,
        uint256 leverage
    ) external {
        (uint64 tao, uint64 alphaIn) = (alpha.getTaoInPool(netuid), alpha.getAlphaInPool(netuid));
        // Test values, far below the type limits.
        // forge-lint: disable-next-line(unsafe-typecast)
        alpha.setPool(netuid, uint64(tao * factor / 1e18), uint64(alphaIn * factor / 1e18), Bittensor.MECHANISM_DYNAMIC);
        protocol.poke(id);
        protocol.openPosition{value: margin}(id, isLong, leverage, isLong ? type(uint256).max : 0, block.timestamp);
        restore(netuid, tao, alphaIn);
    }

    /// @dev Opens with `margin` of its own TAO.
    function open(MarketId id, bool isLong, uint256 margin, uint256 leverage) external {
        protocol.openPosition{value: margin}(id, isLong, leverage, isLong ? type(uint256).max : 0, block.timestamp);
    }

    function close(MarketId id, bool isLong) external {
        protocol.closePosition(id, isLong ? 0 : type(uint256).max, block.timestamp);
    }
}

/// @dev The attack suite's world: LpFixture (trading, LP module) with a 10,000 TAO vault, CHUTES on a 10,000 TAO pool
///      (depth cap 500 TAO per side), and an attacker holding 1,000 TAO in its own contract. Every attack test asserts
///      that the attacker ends with less than it started with, or is refused with the right custom error.
abstract contract AttackFixture is LpFixture {
    PoolPusher internal attacker;
    uint256 internal constant ATTACKER_FUNDS = 1_000e18;

    function setUp() public virtual override {
        super.setUp();
        _fundVault(9_000e18);
        attacker = new PoolPusher(protocol);
        vm.deal(address(attacker), ATTACKER_FUNDS);
        _nextBlock(12);
    }

    /// @dev A new block, `seconds_` later.
    function _nextBlock(uint256 seconds_) internal {
        vm.roll(block.number + 1);
        vm.warp(block.timestamp + seconds_);
    }

    /// @dev `blocks` blocks of 12 s, each poked by a keeper (the reference follows the spot).
    function _keeperBlocks(MarketId id, uint256 blocks) internal {
        for (uint256 i; i < blocks; ++i) {
            _nextBlock(12);
            protocol.poke(id);
        }
    }

    function _attackerBalance() internal view returns (uint256) {
        return address(attacker).balance + protocol.claimable(address(attacker));
    }
}
