// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// The MTSOS oracle behind the protocol's oracle module: an index market cannot list on an oracle that has no price
// yet, and once updated it lists and prices at the EMA, not at the spot.

import {ProtocolFixture} from "../protocol/ProtocolFixture.t.sol";
import {IOracleErrors} from "../../../contracts/libraries/errors/OracleErrors.sol";
import {MtsosOracle} from "../../../contracts/oracles/MtsosOracle.sol";
import {MarketId} from "../../../contracts/types/MarketId.sol";
import {Bittensor} from "../../../contracts/libraries/Bittensor.sol";
import {Built} from "../utils/Built.sol";

contract MtsosOracleProtocolTest is ProtocolFixture {
    MtsosOracle internal mtsosOracle;

    function setUp() public override {
        super.setUp();
        mtsosOracle = MtsosOracle(Built.deploy("MtsosOracle"));
    }

    function test_RevertWhen_listingOnAnOracleWithoutPrice() public {
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(IOracleErrors.IndexOracleUnavailable.selector, address(mtsosOracle)));
        protocol.listMarket(_indexListing("MTSOS", address(mtsosOracle)));
    }

    function test_listMarket_indexPricesAtTheEma() public {
        mtsosOracle.update(); // CHUTES and LIUM at 0.04 each: the sum is 0.08
        assertEq(mtsosOracle.price(), 0.08e18);
        MarketId mtsos = _list(_indexListing("MTSOS", address(mtsosOracle)));
        (uint256 listed,) = protocol.lastPrice(mtsos);
        assertEq(listed, 0.08e18, "listed at the EMA");

        vm.warp(block.timestamp + 1 hours);
        alpha.setPool(CHUTES, 40_000e9, POOL_ALPHA, Bittensor.MECHANISM_DYNAMIC); // 0.16: the sum jumps to 0.2
        mtsosOracle.update();
        uint256 ema = mtsosOracle.price();
        assertLt(ema, 0.081e18, "the EMA barely moves");
        assertEq(protocol.spotPrice(mtsos), ema, "the market reads the EMA, not the sum");
        (uint256 accepted, bool clamped) = protocol.updatePrice(mtsos);
        assertEq(accepted, ema);
        assertFalse(clamped);
    }
}
