// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ProtocolFixture, MockIndexOracle} from "./ProtocolFixture.t.sol";
import {Bittensor} from "../../../contracts/libraries/Bittensor.sol";
import {IMarketErrors} from "../../../contracts/libraries/errors/MarketErrors.sol";
import {IOracleErrors} from "../../../contracts/libraries/errors/OracleErrors.sol";
import {IOracleModule, IIndexOracle} from "../../../contracts/interfaces/IOracleModule.sol";
import {MarketParams} from "../../../contracts/interfaces/IMarketModule.sol";
import {OracleLogic} from "../../../contracts/protocol/modules/OracleModule.sol";
import {MarketId, MarketIdLibrary} from "../../../contracts/types/MarketId.sol";

contract OracleModuleTest is ProtocolFixture {
    MarketId internal chutes;
    MarketId internal mtsos;

    /// @dev CHUTES prices at 0.04 TAO; the genesis band of 20% spans 0.032..0.048.
    uint64 internal constant TAO_AT_UPPER_EDGE = 12_000e9; // 0.048
    uint64 internal constant TAO_AT_LOWER_EDGE = 8_000e9; // 0.032

    function setUp() public override {
        super.setUp();
        chutes = _list(_alphaListing("CHUTES", CHUTES));
        mtsos = _list(_indexListing("MTSOS", address(indexOracle)));
    }

    function _preview(MarketId id) internal view returns (uint256 price, bool clamped) {
        return protocol.previewPrice(id);
    }

    function _assertUpdate(MarketId id, uint256 expectedPrice, bool expectedClamped) internal {
        (uint256 price, bool clamped) = protocol.updatePrice(id);
        assertEq(price, expectedPrice, "price");
        assertEq(clamped, expectedClamped, "clamped");
        (uint256 stored, uint256 blockNumber) = protocol.lastPrice(id);
        assertEq(stored, expectedPrice, "stored");
        assertEq(blockNumber, block.number, "block");
    }

    // ---------------------------------------------------------------- spot

    function test_spotPrice_alphaReadsThePrecompile() public {
        assertEq(protocol.spotPrice(chutes), CHUTES_PRICE);
        _setChutesTao(20_000e9);
        assertEq(protocol.spotPrice(chutes), 0.08e18, "spot is not banded");
    }

    function test_spotPrice_indexReadsItsOracle() public {
        assertEq(protocol.spotPrice(mtsos), MTSOS_PRICE);
        indexOracle.setPrice(1.3e18);
        assertEq(protocol.spotPrice(mtsos), 1.3e18);
    }

    function test_RevertWhen_alphaSpotIsZero() public {
        alpha.setPool(CHUTES, POOL_TAO_RAO, 0, Bittensor.MECHANISM_DYNAMIC);
        bytes memory err = abi.encodeWithSelector(IOracleErrors.OraclePriceZero.selector, chutes);
        vm.expectRevert(err);
        protocol.spotPrice(chutes);
        vm.expectRevert(err);
        protocol.previewPrice(chutes);
        vm.expectRevert(err);
        protocol.updatePrice(chutes);
    }

    function test_RevertWhen_indexSpotIsZero() public {
        indexOracle.setPrice(0);
        vm.expectRevert(abi.encodeWithSelector(IOracleErrors.OraclePriceZero.selector, mtsos));
        protocol.updatePrice(mtsos);
    }

    function test_RevertWhen_alphaPrecompileSwitchedOff() public {
        alpha.setDisabled(true);
        bytes memory err = abi.encodeWithSelector(IOracleErrors.AlphaPrecompileUnavailable.selector, CHUTES);
        vm.expectRevert(err);
        protocol.spotPrice(chutes);
        vm.expectRevert(err);
        protocol.updatePrice(chutes);
        vm.expectRevert(err);
        protocol.poolTaoReserve(chutes);
        vm.expectRevert(err);
        protocol.isBelowLiquidityThreshold(chutes);
    }

    function test_RevertWhen_alphaPrecompileAbsent() public {
        vm.etch(Bittensor.ALPHA_PRECOMPILE, "");
        vm.expectRevert(abi.encodeWithSelector(IOracleErrors.AlphaPrecompileUnavailable.selector, CHUTES));
        protocol.spotPrice(chutes);
    }

    function test_RevertWhen_indexOracleReverts() public {
        indexOracle.setBroken(true);
        vm.expectRevert(abi.encodeWithSelector(IOracleErrors.IndexOracleUnavailable.selector, address(indexOracle)));
        protocol.updatePrice(mtsos);
    }

    function test_RevertWhen_indexOracleAnswersMoreThan128Bits() public {
        indexOracle.setPrice(uint256(type(uint128).max) + 1);
        vm.expectRevert(abi.encodeWithSelector(IOracleErrors.IndexOracleUnavailable.selector, address(indexOracle)));
        protocol.spotPrice(mtsos);
    }

    function test_RevertWhen_marketNotListed() public {
        MarketId lium = MarketIdLibrary.alpha(LIUM);
        bytes memory err = abi.encodeWithSelector(IMarketErrors.MarketNotListed.selector, lium);
        vm.expectRevert(err);
        protocol.spotPrice(lium);
        vm.expectRevert(err);
        protocol.previewPrice(lium);
        vm.expectRevert(err);
        protocol.updatePrice(lium);
        vm.expectRevert(err);
        protocol.lastPrice(lium);
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

    // ---------------------------------------------------------------- price band

    function test_previewPrice_acceptsMovesAtTheBandsEdges() public {
        vm.roll(block.number + 1);
        _setChutesTao(TAO_AT_UPPER_EDGE);
        (uint256 price, bool clamped) = _preview(chutes);
        assertEq(price, 0.048e18);
        assertFalse(clamped);
        _setChutesTao(TAO_AT_LOWER_EDGE);
        (price, clamped) = _preview(chutes);
        assertEq(price, 0.032e18);
        assertFalse(clamped);
    }

    function test_previewPrice_clampsMovesBeyondTheBand() public {
        vm.roll(block.number + 1);
        _setChutesTao(TAO_AT_UPPER_EDGE + 1e9); // 0.048004
        (uint256 price, bool clamped) = _preview(chutes);
        assertEq(price, 0.048e18);
        assertTrue(clamped);
        _setChutesTao(TAO_AT_LOWER_EDGE - 1e9); // 0.031996
        (price, clamped) = _preview(chutes);
        assertEq(price, 0.032e18);
        assertTrue(clamped);
        (uint256 stored,) = protocol.lastPrice(chutes);
        assertEq(stored, CHUTES_PRICE, "a preview stores nothing");
    }

    function test_updatePrice_storesAndEmits() public {
        vm.roll(block.number + 1);
        _setChutesTao(11_000e9); // 0.044
        vm.expectEmit(address(router));
        emit IOracleModule.PriceUpdated(chutes, 0.044e18, 0.044e18, false);
        vm.prank(stranger); // anyone
        (uint256 price, bool clamped) = protocol.updatePrice(chutes);
        assertEq(price, 0.044e18);
        assertFalse(clamped);
        (uint256 stored, uint256 blockNumber) = protocol.lastPrice(chutes);
        assertEq(stored, 0.044e18);
        assertEq(blockNumber, block.number);
    }

    function test_updatePrice_clampedEmitsSpotAndPrice() public {
        vm.roll(block.number + 1);
        _setChutesTao(20_000e9); // 0.08
        vm.expectEmit(address(router));
        emit IOracleModule.PriceUpdated(chutes, 0.08e18, 0.048e18, true);
        protocol.updatePrice(chutes);
    }

    /// A spike held over blocks is followed one band per block; repeated updates in one block gain nothing.
    function test_updatePrice_movesAtMostOneBandPerBlock() public {
        _setChutesTao(20_000e9); // 0.08, double the listing price

        vm.roll(block.number + 1);
        _assertUpdate(chutes, 0.048e18, true);
        _assertUpdate(chutes, 0.048e18, true); // same block: still one band from the block's start

        vm.roll(block.number + 1);
        _assertUpdate(chutes, 0.0576e18, true);
        vm.roll(block.number + 1);
        _assertUpdate(chutes, 0.06912e18, true);
        vm.roll(block.number + 1);
        _assertUpdate(chutes, 0.08e18, false); // 0.06912 x 1.2 = 0.082944 > 0.08: caught up
    }

    /// Within a block, the reference stays the price accepted before the block, not the block's last update.
    function test_updatePrice_referenceIsThePriceBeforeTheBlock() public {
        vm.roll(block.number + 1);
        _setChutesTao(11_250e9); // 0.045
        _assertUpdate(chutes, 0.045e18, false);
        _setChutesTao(TAO_AT_UPPER_EDGE + 250e9); // 0.049: within 20% of 0.045, not of 0.04
        _assertUpdate(chutes, 0.048e18, true);
        _setChutesTao(TAO_AT_LOWER_EDGE - 1e9); // 0.031996
        _assertUpdate(chutes, 0.032e18, true);

        vm.roll(block.number + 1);
        (uint256 price, bool clamped) = _preview(chutes);
        assertEq(price, 0.031996e18, "the next block's reference is the last accepted price");
        assertFalse(clamped);
    }

    /// The listing's block already has the listing's price as reference.
    function test_updatePrice_inTheListingBlock() public {
        _setChutesTao(20_000e9);
        _assertUpdate(chutes, 0.048e18, true);
    }

    /// The index's EMA is its own spike filter (PROTOCOL.md section 4): the band does not clamp it.
    function test_updatePrice_doesNotBandTheIndex() public {
        vm.roll(block.number + 1);
        indexOracle.setPrice(2 * MTSOS_PRICE);
        _assertUpdate(mtsos, 2 * MTSOS_PRICE, false);
    }

    function test_updatePrice_followsANewBand() public {
        vm.prank(owner);
        protocol.updateMarketParams(chutes, _bandParams(0.5e18));
        vm.roll(block.number + 1);
        _setChutesTao(20_000e9); // +100%
        _assertUpdate(chutes, 0.06e18, true);
    }

    function _bandParams(uint64 band) internal pure returns (MarketParams memory p) {
        p = _alphaParams();
        p.priceBand = band;
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
