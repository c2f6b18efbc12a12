// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// The oracle module (docs/protocol.md sections 3 and 3a): spot readings, the reference price (a time-weighted EMA
// updated once per block from the reading held since the last touched block, never from the updating transaction's
// own), its depth reading, failing sources (zero, switched off, re-registered subnet, stale index) that fall back to
// the reference, and the oracle's governance parameters.

import {ProtocolFixture, MockIndexOracle} from "./ProtocolFixture.t.sol";
import {Bittensor} from "../../../contracts/libraries/Bittensor.sol";
import {IMarketErrors} from "../../../contracts/libraries/errors/MarketErrors.sol";
import {IOracleErrors} from "../../../contracts/libraries/errors/OracleErrors.sol";
import {IOracleModule, IIndexOracle, OraclePrices} from "../../../contracts/interfaces/IOracleModule.sol";
import {MarketId, MarketIdLibrary} from "../../../contracts/types/MarketId.sol";

contract OracleModuleTest is ProtocolFixture {
    MarketId internal chutes;
    MarketId internal mtsos;

    uint256 internal constant PERIOD = 600;

    function setUp() public override {
        super.setUp();
        chutes = _list(_alphaListing("CHUTES", CHUTES));
        mtsos = _list(_indexListing("MTSOS", address(indexOracle)));
    }

    /// @dev CHUTES's pool at `price` (TAO x 1e18) with the fixture's TAO reserve.
    function _setSpot(uint256 price) internal {
        // Test values, far below the type limits.
        // forge-lint: disable-next-line(unsafe-typecast)
        alpha.setPool(CHUTES, POOL_TAO_RAO, uint64(uint256(POOL_TAO_RAO) * 1e18 / price), Bittensor.MECHANISM_DYNAMIC);
    }

    function _nextBlock(uint256 seconds_) internal {
        vm.roll(block.number + 1);
        vm.warp(block.timestamp + seconds_);
    }

    function _ref(MarketId id) internal view returns (uint256 price) {
        (price,) = protocol.referencePrice(id);
    }

    /// @dev `prev + (held - prev) x dt / (dt + P)`, rounded toward `prev` (TimeWeightedEma).
    function _ema(uint256 prev, uint256 held, uint256 dt) internal pure returns (uint256) {
        if (dt > PERIOD) dt = PERIOD;
        if (held >= prev) return prev + (held - prev) * dt / (dt + PERIOD);
        return prev - (prev - held) * dt / (dt + PERIOD);
    }

    // ---------------------------------------------------------------- spot

    function test_spotPrice_alphaReadsThePrecompile() public {
        assertEq(protocol.spotPrice(chutes), CHUTES_PRICE);
        _setChutesTao(20_000e9);
        assertEq(protocol.spotPrice(chutes), 0.08e18, "the spot is the pool's price now");
        assertEq(_ref(chutes), CHUTES_PRICE, "the reference is not");
    }

    function test_spotPrice_indexReadsItsOracle() public {
        assertEq(protocol.spotPrice(mtsos), MTSOS_PRICE);
        indexOracle.setPrice(1.3e18);
        assertEq(protocol.spotPrice(mtsos), 1.3e18);
    }

    function test_RevertWhen_alphaSpotIsZero() public {
        alpha.setPool(CHUTES, POOL_TAO_RAO, 0, Bittensor.MECHANISM_DYNAMIC);
        vm.expectRevert(abi.encodeWithSelector(IOracleErrors.OraclePriceZero.selector, chutes));
        protocol.spotPrice(chutes);
    }

    function test_RevertWhen_indexSpotIsZero() public {
        indexOracle.setPrice(0);
        vm.expectRevert(abi.encodeWithSelector(IOracleErrors.OraclePriceZero.selector, mtsos));
        protocol.spotPrice(mtsos);
    }

    function test_RevertWhen_alphaPrecompileSwitchedOff() public {
        alpha.setDisabled(true);
        bytes memory err = abi.encodeWithSelector(IOracleErrors.AlphaPrecompileUnavailable.selector, CHUTES);
        vm.expectRevert(err);
        protocol.spotPrice(chutes);
        vm.expectRevert(err);
        protocol.poolTaoReserve(chutes);
        // The views a trade relies on answer, from the last good readings.
        assertTrue(protocol.oraclePrices(chutes).broken);
        // The depth a trade measures while the source fails is the last good reading (`OracleLogic._fail`); the view
        // reports the same, so the threshold and the depth cap do not read zero during an outage.
        assertEq(protocol.oraclePrices(chutes).poolTao, uint256(POOL_TAO_RAO) * 1e9, "the last good depth");
        assertFalse(protocol.isBelowLiquidityThreshold(chutes), "not below the threshold");
    }

    function test_RevertWhen_alphaPrecompileAbsent() public {
        vm.etch(Bittensor.ALPHA_PRECOMPILE, "");
        vm.expectRevert(abi.encodeWithSelector(IOracleErrors.AlphaPrecompileUnavailable.selector, CHUTES));
        protocol.spotPrice(chutes);
    }

    function test_RevertWhen_indexOracleReverts() public {
        indexOracle.setBroken(true);
        vm.expectRevert(abi.encodeWithSelector(IOracleErrors.IndexOracleUnavailable.selector, address(indexOracle)));
        protocol.spotPrice(mtsos);
    }

    function test_RevertWhen_indexOracleAnswersMoreThan96Bits() public {
        indexOracle.setPrice(uint256(type(uint96).max) + 1);
        vm.expectRevert(abi.encodeWithSelector(IOracleErrors.IndexOracleUnavailable.selector, address(indexOracle)));
        protocol.spotPrice(mtsos);
        _nextBlock(12);
        protocol.poke(mtsos);
        assertTrue(protocol.oraclePrices(mtsos).broken, "a trade falls back to the reference");
    }

    function test_RevertWhen_marketNotListed() public {
        MarketId lium = MarketIdLibrary.alpha(LIUM);
        bytes memory err = abi.encodeWithSelector(IMarketErrors.MarketNotListed.selector, lium);
        vm.expectRevert(err);
        protocol.spotPrice(lium);
        vm.expectRevert(err);
        protocol.oraclePrices(lium);
        vm.expectRevert(err);
        protocol.poke(lium);
        vm.expectRevert(err);
        protocol.accrue(lium);
        vm.expectRevert(err);
        protocol.referencePrice(lium);
        vm.expectRevert(err);
        protocol.poolTaoReserve(lium);
        vm.expectRevert(err);
        protocol.isBelowLiquidityThreshold(lium);
        vm.expectRevert(err);
        protocol.indexOracle(lium);
        vm.prank(owner);
        vm.expectRevert(err);
        protocol.setIndexOracle(lium, indexOracle);
    }

    // ---------------------------------------------------------------- the reference price (section 3)

    function test_poke_weighsTheHeldReadingNotItsOwn() public {
        // Listing held 0.04. The spot moves to 0.05; the first poke of the next block weighs 0.04 (no move) and holds
        // 0.05; the next block's poke weighs 0.05 for the 12 s since.
        _setSpot(0.05e18);
        _nextBlock(12);
        assertEq(protocol.poke(chutes), CHUTES_PRICE, "its own reading weighs nothing");
        assertEq(protocol.oraclePrices(chutes).heldSpot, 0.05e18, "held for the next update");
        _nextBlock(12);
        uint256 expected = _ema(CHUTES_PRICE, 0.05e18, 12);
        vm.expectEmit(address(router));
        emit IOracleModule.ReferencePriceUpdated(chutes, 0.05e18, expected);
        assertEq(protocol.poke(chutes), expected);
        (uint256 stored, uint256 updatedAt) = protocol.referencePrice(chutes);
        assertEq(stored, expected);
        assertEq(updatedAt, block.timestamp);
    }

    function test_poke_atMostOncePerBlock() public {
        _setSpot(0.05e18);
        _nextBlock(12);
        protocol.poke(chutes);
        _nextBlock(12);
        uint256 ref = protocol.poke(chutes);
        // More pokes in the block, whatever the spot does, leave the reference.
        _setSpot(0.08e18);
        assertEq(protocol.poke(chutes), ref);
        _setSpot(0.01e18);
        assertEq(protocol.poke(chutes), ref);
        assertEq(_ref(chutes), ref);
    }

    /// Of a block's readings, the one nearest the reference is held: a spot pushed and restored by one transaction is
    /// replaced by any other reading of its block.
    function test_poke_holdsTheReadingNearestTheReference() public {
        _nextBlock(12);
        _setSpot(0.06e18); // the attacker's push, poked, then restored
        protocol.poke(chutes);
        assertEq(protocol.oraclePrices(chutes).heldSpot, 0.06e18);
        _setSpot(CHUTES_PRICE);
        protocol.poke(chutes); // a keeper in the same block
        assertEq(protocol.oraclePrices(chutes).heldSpot, CHUTES_PRICE, "the push is gone");
        _nextBlock(PERIOD);
        assertEq(protocol.poke(chutes), CHUTES_PRICE, "and never weighed");
    }

    function test_poke_capsTheElapsedTimeAtThePeriod() public {
        _setSpot(0.05e18);
        _nextBlock(12);
        protocol.poke(chutes);
        _nextBlock(1 days);
        assertEq(protocol.poke(chutes), _ema(CHUTES_PRICE, 0.05e18, PERIOD), "a day weighs one period");
        assertEq(protocol.poke(chutes), 0.045e18, "half-way");
    }

    function test_poke_followsALastingMove() public {
        _setSpot(0.05e18);
        uint256 ref = CHUTES_PRICE;
        for (uint256 i; i < 200; ++i) {
            _nextBlock(12);
            uint256 next = protocol.poke(chutes);
            assertGe(next, ref, "rises");
            assertLe(next, 0.05e18, "never past the spot");
            ref = next;
        }
        assertGt(ref, 0.0498e18, "40 minutes of 0.05 bring it within 0.4%");
    }

    function test_oraclePrices_showsWhatATradeNowWouldUse() public {
        _setSpot(0.05e18);
        _nextBlock(12);
        protocol.poke(chutes);
        _nextBlock(60);
        OraclePrices memory p = protocol.oraclePrices(chutes);
        assertEq(p.spot, 0.05e18);
        assertEq(p.storedReferencePrice, CHUTES_PRICE);
        assertEq(p.referencePrice, _ema(CHUTES_PRICE, 0.05e18, 60), "the update a trade now would make");
        assertEq(p.heldSpot, 0.05e18);
        assertEq(p.movingPrice, 0.05e18, "the chain's own EMA, shown beside");
        assertEq(p.divergence, (0.05e18 - p.referencePrice) * 1e18 / p.referencePrice + 1);
        assertEq(p.poolTao, 10_000e18);
        assertFalse(p.broken);
        assertEq(protocol.poke(chutes), p.referencePrice);
    }

    /// The depth reading is the smaller of the reserve now and the smallest reading of the last block that touched the
    /// market: TAO added to the pool for one transaction does not deepen it.
    function test_oraclePrices_depthIsTheSmallerOfNowAndTheLastBlock() public {
        alpha.setPool(CHUTES, 20_000e9, 500_000e9, Bittensor.MECHANISM_DYNAMIC); // same price, twice the TAO
        assertEq(protocol.oraclePrices(chutes).poolTao, 10_000e18, "the listing block's reading");
        _nextBlock(12);
        protocol.poke(chutes);
        _nextBlock(12);
        assertEq(protocol.oraclePrices(chutes).poolTao, 20_000e18, "held for a block: it counts");
    }

    // ---------------------------------------------------------------- broken prices (section 3a)

    function test_poke_aZeroSpotFallsBackToTheReference() public {
        _nextBlock(12);
        alpha.setPool(CHUTES, POOL_TAO_RAO, 0, Bittensor.MECHANISM_DYNAMIC); // zero price
        vm.expectEmit(address(router));
        emit IOracleModule.PriceSourceFailing(chutes);
        assertEq(protocol.poke(chutes), CHUTES_PRICE);
        OraclePrices memory p = protocol.oraclePrices(chutes);
        assertTrue(p.broken);
        assertEq(p.failingSince, block.timestamp);
        assertEq(p.referencePrice, CHUTES_PRICE);
        // It recovers with the source.
        _setSpot(CHUTES_PRICE);
        _nextBlock(12);
        vm.expectEmit(address(router));
        emit IOracleModule.PriceSourceRecovered(chutes);
        protocol.poke(chutes);
        assertEq(protocol.oraclePrices(chutes).failingSince, 0);
    }

    function test_poke_aSwitchedOffPrecompileFallsBack() public {
        _nextBlock(12);
        alpha.setDisabled(true);
        assertEq(protocol.poke(chutes), CHUTES_PRICE, "no revert");
        assertTrue(protocol.oraclePrices(chutes).broken);
        assertFalse(protocol.oraclePrices(mtsos).broken, "the other markets stand");
    }

    function test_poke_aReRegisteredSubnetFails() public {
        _nextBlock(12);
        subnets.setNetworkRegistrationBlock(CHUTES, uint64(block.number)); // deregistered and registered again
        _setSpot(0.004e18); // its new pool, far from the reference
        protocol.poke(chutes);
        assertTrue(protocol.oraclePrices(chutes).broken, "a new subnet under the old netuid");
        assertEq(_ref(chutes), CHUTES_PRICE, "the last good reference stands");
    }

    function test_poke_aStaleIndexPriceFails() public {
        indexOracle.setUpdatedAt(block.timestamp);
        _nextBlock(15 minutes);
        protocol.poke(mtsos);
        assertFalse(protocol.oraclePrices(mtsos).broken, "15 minutes old: fresh enough");
        _nextBlock(1);
        protocol.poke(mtsos);
        assertTrue(protocol.oraclePrices(mtsos).broken, "older than the max age");
    }

    function test_poke_aRevertingIndexOracleFallsBack() public {
        _nextBlock(12);
        indexOracle.setBroken(true);
        assertEq(protocol.poke(mtsos), MTSOS_PRICE);
        assertTrue(protocol.oraclePrices(mtsos).broken);
    }

    // ---------------------------------------------------------------- governance

    function test_setOracleParams_ownerOnlyWithinBounds() public {
        (uint256 settleAfter, uint256 maxAge) = protocol.oracleParams();
        assertEq(settleAfter, 1 hours, "genesis");
        assertEq(maxAge, 15 minutes, "genesis");
        vm.prank(owner);
        vm.expectEmit(address(router));
        emit IOracleModule.OracleParamsSet(2 hours, 30 minutes);
        protocol.setOracleParams(2 hours, 30 minutes);
        (settleAfter, maxAge) = protocol.oracleParams();
        assertEq(settleAfter, 2 hours);
        assertEq(maxAge, 30 minutes);
        vm.startPrank(owner);
        vm.expectRevert(abi.encodeWithSelector(IOracleErrors.SettleAfterOutOfBounds.selector, 599, 10 minutes, 7 days));
        protocol.setOracleParams(599, 30 minutes);
        vm.expectRevert(abi.encodeWithSelector(IOracleErrors.IndexMaxAgeOutOfBounds.selector, 59, 1 minutes, 1 days));
        protocol.setOracleParams(2 hours, 59);
        vm.stopPrank();
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSignature("OwnableUnauthorizedAccount(address)", stranger));
        protocol.setOracleParams(2 hours, 30 minutes);
    }

    // ---------------------------------------------------------------- liquidity threshold

    function test_poolTaoReserve_isInWei() public view {
        assertEq(protocol.poolTaoReserve(chutes), uint256(POOL_TAO_RAO) * Bittensor.WEI_PER_RAO);
        assertEq(protocol.poolTaoReserve(chutes), 10_000e18);
        assertEq(protocol.poolTaoReserve(mtsos), 0);
    }

    function test_isBelowLiquidityThreshold_atAndBelow() public {
        assertFalse(protocol.isBelowLiquidityThreshold(chutes));
        alpha.setPool(CHUTES, 1_000e9, 25_000e9, Bittensor.MECHANISM_DYNAMIC); // exactly 1,000 TAO
        assertFalse(protocol.isBelowLiquidityThreshold(chutes));
        alpha.setPool(CHUTES, 1_000e9 - 1, 25_000e9, Bittensor.MECHANISM_DYNAMIC);
        assertTrue(protocol.isBelowLiquidityThreshold(chutes));
        assertFalse(protocol.isBelowLiquidityThreshold(mtsos));
    }

    // ---------------------------------------------------------------- index oracle

    function test_setIndexOracle_replacesAndEmits() public {
        MockIndexOracle next = new MockIndexOracle(1.31e18);
        vm.expectEmit(address(router));
        emit IOracleModule.IndexOracleSet(mtsos, address(indexOracle), address(next));
        vm.prank(owner);
        protocol.setIndexOracle(mtsos, next);
        assertEq(protocol.indexOracle(mtsos), address(next));
        assertEq(protocol.spotPrice(mtsos), 1.31e18);
        assertEq(protocol.indexOracle(chutes), address(0));
    }

    function test_RevertWhen_setIndexOracleOnAlphaMarket() public {
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(IOracleErrors.NotIndexMarket.selector, chutes));
        protocol.setIndexOracle(chutes, indexOracle);
    }

    function test_RevertWhen_setIndexOracleWithoutCode() public {
        vm.startPrank(owner);
        vm.expectRevert(abi.encodeWithSelector(IOracleErrors.InvalidIndexOracle.selector, address(0)));
        protocol.setIndexOracle(mtsos, IIndexOracle(address(0)));
        vm.expectRevert(abi.encodeWithSelector(IOracleErrors.InvalidIndexOracle.selector, stranger));
        protocol.setIndexOracle(mtsos, IIndexOracle(stranger));
        vm.stopPrank();
    }

    function test_RevertWhen_setIndexOracleWithZeroPrice() public {
        MockIndexOracle empty = new MockIndexOracle(0);
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(IOracleErrors.OraclePriceZero.selector, mtsos));
        protocol.setIndexOracle(mtsos, empty);
    }

    function test_RevertWhen_setIndexOracleByStranger() public {
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSignature("OwnableUnauthorizedAccount(address)", stranger));
        protocol.setIndexOracle(mtsos, indexOracle);
    }
}
