// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// The MTSOS oracle behind the protocol's oracle module: the index market lists and prices at the EMA (initialised in
// the oracle's deploying transaction), not at the sum, and the protocol refreshes the EMA before every trade.

import {ProtocolFixture} from "../protocol/ProtocolFixture.t.sol";
import {MtsosOracle} from "../../../contracts/oracles/MtsosOracle.sol";
import {OraclePrices} from "../../../contracts/interfaces/IOracleModule.sol";
import {MarketId} from "../../../contracts/types/MarketId.sol";
import {Bittensor} from "../../../contracts/libraries/Bittensor.sol";
import {Built} from "../utils/Built.sol";

contract MtsosOracleProtocolTest is ProtocolFixture {
    MtsosOracle internal mtsosOracle;

    function setUp() public override {
        super.setUp();
        // CHUTES and LIUM at 0.04 each: the sum is 0.08.
        mtsosOracle = MtsosOracle(Built.deploy("MtsosOracle", abi.encode(owner)));
    }

    function test_listMarket_indexPricesAtTheEma() public {
        assertEq(mtsosOracle.price(), 0.08e18, "initialised when deployed");
        MarketId mtsos = _list(_indexListing("MTSOS", address(mtsosOracle)));
        (uint256 listed,) = protocol.referencePrice(mtsos);
        assertEq(listed, 0.08e18, "listed at the EMA");

        vm.warp(block.timestamp + 1 hours);
        alpha.setPool(CHUTES, 40_000e9, POOL_ALPHA, Bittensor.MECHANISM_DYNAMIC); // 0.16: the sum jumps to 0.2
        protocol.poke(mtsos); // refreshes the oracle: the jump is held, not yet weighed
        assertEq(mtsosOracle.price(), 0.08e18);
        vm.warp(block.timestamp + 12);
        uint256 ema = protocol.poke(mtsos);
        assertLt(ema, 0.0801e18, "12 s of the new sum barely move the EMA");
        assertEq(ema, mtsosOracle.price());
        assertEq(protocol.spotPrice(mtsos), ema, "the market's spot is the EMA, not the sum");
        OraclePrices memory p = protocol.oraclePrices(mtsos);
        assertEq(p.referencePrice, ema);
        assertEq(p.heldSpot, 0.2e18, "the sum, held for the next update");
        assertGt(p.divergence, 0.5e18, "the sum stands far from the EMA: opens wait");
        assertTrue(!p.broken);
    }
}
