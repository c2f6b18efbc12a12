// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ProtocolFixture, MockIndexOracle} from "./ProtocolFixture.t.sol";
import {Bittensor} from "../../../contracts/libraries/Bittensor.sol";
import {MarketBounds} from "../../../contracts/libraries/MarketBounds.sol";
import {IMarketErrors} from "../../../contracts/libraries/errors/MarketErrors.sol";
import {IOracleErrors} from "../../../contracts/libraries/errors/OracleErrors.sol";
import {IMarketModule, MarketParams, MarketListing, MarketInfo} from "../../../contracts/interfaces/IMarketModule.sol";
import {IOracleModule} from "../../../contracts/interfaces/IOracleModule.sol";
import {MarketId, MarketIdLibrary, MarketKind, MarketStatus} from "../../../contracts/types/MarketId.sol";

contract MarketModuleTest is ProtocolFixture {
    MarketId internal lium;

    /// @dev "MTSOS" left-aligned in a bytes32, as tickers are keyed.
    bytes32 internal constant MTSOS_KEY = "MTSOS";

    function setUp() public override {
        super.setUp();
        lium = _list(_alphaListing("LIUM", LIUM));
    }

    // ---------------------------------------------------------------- helpers

    /// @dev `p` passes both `listMarket` (CHUTES, fresh) and `updateMarketParams` (LIUM).
    function _assertAccepted(MarketParams memory p) internal {
        uint256 snapshot = vm.snapshotState();
        MarketListing memory listing = _alphaListing("CHUTES", CHUTES);
        listing.params = p;
        MarketId chutes = _list(listing);
        assertEq(abi.encode(protocol.marketParams(chutes)), abi.encode(p));
        vm.prank(owner);
        protocol.updateMarketParams(lium, p);
        assertEq(abi.encode(protocol.marketParams(lium)), abi.encode(p));
        vm.revertToState(snapshot);
    }

    /// @dev `p` fails both `listMarket` and `updateMarketParams` with exactly `err`.
    function _assertRejected(MarketParams memory p, bytes memory err) internal {
        MarketListing memory listing = _alphaListing("CHUTES", CHUTES);
        listing.params = p;
        vm.startPrank(owner);
        vm.expectRevert(err);
        protocol.listMarket(listing);
        vm.expectRevert(err);
        protocol.updateMarketParams(lium, p);
        vm.stopPrank();
    }

    function _listReverts(MarketListing memory listing, bytes memory err) internal {
        vm.prank(owner);
        vm.expectRevert(err);
        protocol.listMarket(listing);
    }

    // ---------------------------------------------------------------- listMarket

    function test_listMarket_storesAlphaMarketAndEmits() public {
        MarketListing memory listing = _alphaListing("CHUTES", CHUTES);
        MarketId expected = MarketIdLibrary.alpha(CHUTES);
        vm.expectEmit(address(router));
        emit IMarketModule.MarketListed(expected, "CHUTES", MarketKind.Alpha, CHUTES, listing.params);
        vm.expectEmit(address(router));
        emit IOracleModule.ReferencePriceUpdated(expected, CHUTES_PRICE, CHUTES_PRICE);
        MarketId chutes = _list(listing);

        assertTrue(chutes == expected);
        MarketInfo memory info = protocol.market(chutes);
        assertEq(info.ticker, "CHUTES");
        assertEq(uint8(info.kind), uint8(MarketKind.Alpha));
        assertEq(uint8(info.status), uint8(MarketStatus.Active));
        assertEq(info.netuid, CHUTES);
        assertEq(info.listedAt, block.timestamp);
        assertEq(abi.encode(info.params), abi.encode(listing.params));
        assertEq(uint8(protocol.marketStatus(chutes)), uint8(MarketStatus.Active));
        assertTrue(protocol.marketIdByTicker("CHUTES") == chutes);

        MarketId[] memory ids = protocol.marketIds();
        assertEq(ids.length, 2);
        assertTrue(ids[0] == lium);
        assertTrue(ids[1] == chutes);

        (uint256 price, uint256 blockNumber) = protocol.referencePrice(chutes);
        assertEq(price, CHUTES_PRICE, "the listing's reading seeds the oracle");
        assertEq(blockNumber, block.number);
    }

    function test_listMarket_storesIndexMarket() public {
        MarketId expected = MarketIdLibrary.indexFromTicker("MTSOS");
        vm.expectEmit(address(router));
        emit IOracleModule.IndexOracleSet(expected, address(0), address(indexOracle));
        MarketId mtsos = _list(_indexListing("MTSOS", address(indexOracle)));

        assertTrue(mtsos == expected);
        assertTrue(mtsos == MarketIdLibrary.index(MTSOS_KEY));
        MarketInfo memory info = protocol.market(mtsos);
        assertEq(info.ticker, "MTSOS");
        assertEq(uint8(info.kind), uint8(MarketKind.Index));
        assertEq(info.netuid, 0);
        assertEq(info.params.maxLeverage, 5e18);
        assertEq(protocol.indexOracle(mtsos), address(indexOracle));
        (uint256 price,) = protocol.referencePrice(mtsos);
        assertEq(price, MTSOS_PRICE);
    }

    /// The derivation documented on `MarketId`.
    function test_marketId_derivation() public pure {
        assertEq(MarketId.unwrap(MarketIdLibrary.alpha(64)), keccak256(abi.encode(uint256(0), uint256(64))));
        assertEq(
            MarketId.unwrap(MarketIdLibrary.indexFromTicker("MTSOS")), keccak256(abi.encode(uint256(1), MTSOS_KEY))
        );
        assertTrue(MarketIdLibrary.alpha(64) != MarketIdLibrary.alpha(65));
        assertTrue(MarketId.wrap(0).isZero());
    }

    // ---------------------------------------------------------------- listing criteria

    function test_RevertWhen_oraclePriceIsZero() public {
        alpha.setPool(CHUTES, POOL_TAO_RAO, 0, Bittensor.MECHANISM_DYNAMIC);
        _listReverts(
            _alphaListing("CHUTES", CHUTES),
            abi.encodeWithSelector(IOracleErrors.OraclePriceZero.selector, MarketIdLibrary.alpha(CHUTES))
        );
    }

    function test_RevertWhen_poolBelowLiquidityThreshold() public {
        alpha.setPool(CHUTES, 999e9, 25_000e9, Bittensor.MECHANISM_DYNAMIC);
        _listReverts(
            _alphaListing("CHUTES", CHUTES),
            abi.encodeWithSelector(
                IMarketErrors.PoolBelowLiquidityThreshold.selector, MarketIdLibrary.alpha(CHUTES), 999e18, THRESHOLD
            )
        );
    }

    function test_listMarket_poolExactlyAtThreshold() public {
        alpha.setPool(CHUTES, 1_000e9, 25_000e9, Bittensor.MECHANISM_DYNAMIC);
        MarketId chutes = _list(_alphaListing("CHUTES", CHUTES));
        assertEq(uint8(protocol.marketStatus(chutes)), uint8(MarketStatus.Active));
    }

    function test_RevertWhen_marketAlreadyListed() public {
        _listReverts(
            _alphaListing("LIUM2", LIUM), abi.encodeWithSelector(IMarketErrors.MarketAlreadyListed.selector, lium)
        );
    }

    function test_RevertWhen_delistedMarketListedAgain() public {
        vm.prank(owner);
        protocol.setMarketStatus(lium, MarketStatus.Delisted);
        _listReverts(
            _alphaListing("LIUM", LIUM), abi.encodeWithSelector(IMarketErrors.MarketAlreadyListed.selector, lium)
        );
    }

    function test_RevertWhen_tickerTaken() public {
        _listReverts(
            _alphaListing("LIUM", CHUTES), abi.encodeWithSelector(IMarketErrors.TickerTaken.selector, "LIUM", lium)
        );
    }

    function test_RevertWhen_indexTickerTaken() public {
        MarketId mtsos = _list(_indexListing("MTSOS", address(indexOracle)));
        _listReverts(
            _indexListing("MTSOS", address(indexOracle)),
            abi.encodeWithSelector(IMarketErrors.MarketAlreadyListed.selector, mtsos)
        );
        _listReverts(
            _indexListing("LIUM", address(indexOracle)),
            abi.encodeWithSelector(IMarketErrors.TickerTaken.selector, "LIUM", lium)
        );
    }

    function test_RevertWhen_tickerMalformed() public {
        string[8] memory bad = ["", "C", "CHUTESCHUTES1", "chutes", "CHU-TES", "CHU TES", "Chutes", unicode"ÉTÉ"];
        for (uint256 i; i < bad.length; ++i) {
            _listReverts(
                _alphaListing(bad[i], CHUTES), abi.encodeWithSelector(IMarketErrors.InvalidTicker.selector, bad[i])
            );
        }
    }

    function test_listMarket_tickerAtLengthEdges() public {
        _list(_alphaListing("C1", CHUTES));
        alpha.setPool(9, POOL_TAO_RAO, POOL_ALPHA, Bittensor.MECHANISM_DYNAMIC);
        MarketId iota = _list(_alphaListing("IOTA56789012", 9));
        assertEq(protocol.market(iota).ticker, "IOTA56789012");
        assertTrue(protocol.marketIdByTicker("C1") == MarketIdLibrary.alpha(CHUTES));
    }

    function test_RevertWhen_rootNetuid() public {
        alpha.setPool(0, POOL_TAO_RAO, POOL_ALPHA, Bittensor.MECHANISM_DYNAMIC);
        _listReverts(_alphaListing("ROOT", 0), abi.encodeWithSelector(IMarketErrors.InvalidNetuid.selector, 0));
    }

    function test_RevertWhen_subnetIsStable() public {
        alpha.setPool(7, POOL_TAO_RAO, POOL_ALPHA, Bittensor.MECHANISM_STABLE);
        _listReverts(
            _alphaListing("STABLE", 7),
            abi.encodeWithSelector(IMarketErrors.SubnetNotDynamic.selector, 7, Bittensor.MECHANISM_STABLE)
        );
    }

    function test_RevertWhen_alphaPrecompileSwitchedOff() public {
        alpha.setDisabled(true);
        _listReverts(
            _alphaListing("CHUTES", CHUTES),
            abi.encodeWithSelector(IOracleErrors.AlphaPrecompileUnavailable.selector, CHUTES)
        );
    }

    function test_RevertWhen_alphaMarketGivenIndexOracle() public {
        MarketListing memory listing = _alphaListing("CHUTES", CHUTES);
        listing.indexOracle = address(indexOracle);
        _listReverts(listing, abi.encodeWithSelector(IOracleErrors.InvalidIndexOracle.selector, address(indexOracle)));
    }

    function test_RevertWhen_indexMarketWithoutOracle() public {
        _listReverts(
            _indexListing("MTSOS", address(0)),
            abi.encodeWithSelector(IOracleErrors.InvalidIndexOracle.selector, address(0))
        );
        _listReverts(
            _indexListing("MTSOS", stranger),
            abi.encodeWithSelector(IOracleErrors.InvalidIndexOracle.selector, stranger)
        );
    }

    function test_RevertWhen_indexMarketGivenNetuid() public {
        MarketListing memory listing = _indexListing("MTSOS", address(indexOracle));
        listing.netuid = 5;
        _listReverts(listing, abi.encodeWithSelector(IMarketErrors.InvalidNetuid.selector, 5));
    }

    function test_RevertWhen_indexOraclePriceIsZero() public {
        MockIndexOracle empty = new MockIndexOracle(0);
        _listReverts(
            _indexListing("MTSOS", address(empty)),
            abi.encodeWithSelector(IOracleErrors.OraclePriceZero.selector, MarketIdLibrary.indexFromTicker("MTSOS"))
        );
    }

    // ---------------------------------------------------------------- parameter bounds, each at its edges

    function test_maxLeverage_bounds() public {
        MarketParams memory p = _alphaParams();
        p.maxLeverage = 1e18;
        _assertAccepted(p);
        p.maxLeverage = 1e18 - 1;
        _assertRejected(p, abi.encodeWithSelector(IMarketErrors.MaxLeverageOutOfBounds.selector, 1e18 - 1, 1e18, 20e18));
        p.maintenanceMargin = 0.04e18; // below 1/20
        p.maxLeverage = 20e18;
        _assertAccepted(p);
        p.maxLeverage = 20e18 + 1;
        _assertRejected(
            p, abi.encodeWithSelector(IMarketErrors.MaxLeverageOutOfBounds.selector, 20e18 + 1, 1e18, 20e18)
        );
    }

    function test_maintenanceMargin_bounds() public {
        MarketParams memory p = _alphaParams();
        p.maintenanceMargin = 0.01e18;
        _assertAccepted(p);
        p.maintenanceMargin = 0.01e18 - 1;
        _assertRejected(
            p, abi.encodeWithSelector(IMarketErrors.MaintenanceMarginOutOfBounds.selector, 0.01e18 - 1, 0.01e18, 0.5e18)
        );
        p.maxLeverage = 1e18;
        p.maintenanceMargin = 0.5e18;
        _assertAccepted(p);
        p.maintenanceMargin = 0.5e18 + 1;
        _assertRejected(
            p, abi.encodeWithSelector(IMarketErrors.MaintenanceMarginOutOfBounds.selector, 0.5e18 + 1, 0.01e18, 0.5e18)
        );
    }

    function test_maintenanceMargin_belowInverseLeverage() public {
        MarketParams memory p = _alphaParams();
        // 2x: MM must stay under 50%.
        p.maxLeverage = 2e18;
        p.maintenanceMargin = 0.5e18 - 1;
        _assertAccepted(p);
        p.maintenanceMargin = 0.5e18;
        _assertRejected(
            p, abi.encodeWithSelector(IMarketErrors.MaintenanceMarginTooHighForLeverage.selector, 0.5e18, 2e18)
        );
        // 20x: under 5%.
        p.maxLeverage = 20e18;
        p.maintenanceMargin = 0.05e18 - 1;
        _assertAccepted(p);
        p.maintenanceMargin = 0.05e18;
        _assertRejected(
            p, abi.encodeWithSelector(IMarketErrors.MaintenanceMarginTooHighForLeverage.selector, 0.05e18, 20e18)
        );
        // 3x: under 1/3.
        p.maxLeverage = 3e18;
        p.maintenanceMargin = 333_333_333_333_333_333;
        _assertAccepted(p);
        p.maintenanceMargin = 333_333_333_333_333_334;
        _assertRejected(
            p,
            abi.encodeWithSelector(
                IMarketErrors.MaintenanceMarginTooHighForLeverage.selector, 333_333_333_333_333_334, 3e18
            )
        );
    }

    function test_partialLiquidationBand_bounds() public {
        MarketParams memory p = _alphaParams();
        p.partialLiquidationBand = 0;
        _assertAccepted(p);
        p.partialLiquidationBand = 0.1e18;
        _assertAccepted(p);
        p.partialLiquidationBand = 0.1e18 + 1;
        _assertRejected(
            p, abi.encodeWithSelector(IMarketErrors.PartialLiquidationBandOutOfBounds.selector, 0.1e18 + 1, 0, 0.1e18)
        );
    }

    function test_takerFee_bounds() public {
        MarketParams memory p = _alphaParams();
        p.takerFee = 0;
        _assertAccepted(p);
        p.takerFee = 0.01e18;
        _assertAccepted(p);
        p.takerFee = 0.01e18 + 1;
        _assertRejected(p, abi.encodeWithSelector(IMarketErrors.TakerFeeOutOfBounds.selector, 0.01e18 + 1, 0, 0.01e18));
    }

    function test_makerFee_bounds() public {
        MarketParams memory p = _alphaParams();
        p.makerFee = p.takerFee;
        _assertAccepted(p);
        p.makerFee = p.takerFee + 1;
        _assertRejected(
            p, abi.encodeWithSelector(IMarketErrors.MakerFeeOutOfBounds.selector, p.takerFee + 1, 0, p.takerFee)
        );
        p.takerFee = 0;
        p.makerFee = 1;
        _assertRejected(p, abi.encodeWithSelector(IMarketErrors.MakerFeeOutOfBounds.selector, 1, 0, 0));
    }

    function test_maxFundingRate_bounds() public {
        MarketParams memory p = _alphaParams();
        p.maxFundingRate8h = 0;
        _assertAccepted(p);
        p.maxFundingRate8h = 0.02e18;
        _assertAccepted(p);
        p.maxFundingRate8h = 0.02e18 + 1;
        _assertRejected(
            p, abi.encodeWithSelector(IMarketErrors.MaxFundingRateOutOfBounds.selector, 0.02e18 + 1, 0, 0.02e18)
        );
    }

    /// The caps are stored in 96 bits (the market's flat layout: 7.9e10 TAO, beyond the supply), so `MarketParams`'s
    /// 128-bit fields are bounded by that size.
    function test_maxOpenInterest_bounds() public {
        MarketParams memory p = _alphaParams();
        p.maxOpenInterestPerSide = 1;
        _assertAccepted(p);
        p.maxOpenInterestPerSide = type(uint96).max;
        _assertAccepted(p);
        p.maxOpenInterestPerSide = 0;
        _assertRejected(
            p,
            abi.encodeWithSelector(IMarketErrors.MaxOpenInterestOutOfBounds.selector, 0, 1, uint256(type(uint96).max))
        );
        p.maxOpenInterestPerSide = uint128(type(uint96).max) + 1;
        _assertRejected(
            p,
            abi.encodeWithSelector(
                IMarketErrors.MaxOpenInterestOutOfBounds.selector,
                uint256(type(uint96).max) + 1,
                1,
                uint256(type(uint96).max)
            )
        );
    }

    function test_liquidityThreshold_bounds() public {
        MarketParams memory p = _alphaParams();
        p.liquidityThreshold = 1;
        _assertAccepted(p);
        p.liquidityThreshold = 0;
        _assertRejected(
            p,
            abi.encodeWithSelector(IMarketErrors.LiquidityThresholdOutOfBounds.selector, 0, 1, uint256(type(uint96).max))
        );
        p.liquidityThreshold = uint128(type(uint96).max) + 1;
        _assertRejected(
            p,
            abi.encodeWithSelector(
                IMarketErrors.LiquidityThresholdOutOfBounds.selector,
                uint256(type(uint96).max) + 1,
                1,
                uint256(type(uint96).max)
            )
        );
    }

    function test_liquidityThreshold_isZeroForIndexMarkets() public {
        MarketListing memory listing = _indexListing("MTSOS", address(indexOracle));
        listing.params.liquidityThreshold = 1;
        _listReverts(listing, abi.encodeWithSelector(IMarketErrors.LiquidityThresholdOutOfBounds.selector, 1, 0, 0));

        MarketId mtsos = _list(_indexListing("MTSOS", address(indexOracle)));
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(IMarketErrors.LiquidityThresholdOutOfBounds.selector, 1, 0, 0));
        protocol.updateMarketParams(mtsos, listing.params);
    }

    function test_referencePrice_bounds() public {
        MarketParams memory p = _alphaParams();
        (p.referencePeriod, p.divergenceLimit, p.oiDepthRatio, p.depthFactor) = (60, 0.005e18, 0.001e18, 0.1e18);
        _assertAccepted(p);
        (p.referencePeriod, p.divergenceLimit, p.oiDepthRatio, p.depthFactor) = (1 days, 0.25e18, 0.5e18, 100e18);
        _assertAccepted(p);
        p.referencePeriod = 1 days + 1;
        _assertRejected(
            p, abi.encodeWithSelector(IMarketErrors.ReferencePeriodOutOfBounds.selector, 1 days + 1, 60, 1 days)
        );
        p.referencePeriod = 600;
        p.divergenceLimit = 0.005e18 - 1;
        _assertRejected(
            p,
            abi.encodeWithSelector(IMarketErrors.DivergenceLimitOutOfBounds.selector, 0.005e18 - 1, 0.005e18, 0.25e18)
        );
        p.divergenceLimit = 0.05e18;
        p.oiDepthRatio = 0.5e18 + 1;
        _assertRejected(
            p, abi.encodeWithSelector(IMarketErrors.OiDepthRatioOutOfBounds.selector, 0.5e18 + 1, 0.001e18, 0.5e18)
        );
        p.oiDepthRatio = 0.05e18;
        p.depthFactor = 0.1e18 - 1;
        _assertRejected(
            p, abi.encodeWithSelector(IMarketErrors.DepthFactorOutOfBounds.selector, 0.1e18 - 1, 0.1e18, 100e18)
        );
    }

    function test_oiDepthRatio_isZeroForIndexMarkets() public {
        MarketListing memory listing = _indexListing("MTSOS", address(indexOracle));
        listing.params.oiDepthRatio = 0.05e18;
        _listReverts(listing, abi.encodeWithSelector(IMarketErrors.OiDepthRatioOutOfBounds.selector, 0.05e18, 0, 0));
    }

    function test_bounds_constantsMatchTheProtocol() public pure {
        assertEq(MarketBounds.MIN_MAX_LEVERAGE, 1e18);
        assertEq(MarketBounds.MAX_MAX_LEVERAGE, 20e18);
        assertEq(MarketBounds.MIN_MAINTENANCE_MARGIN, 0.01e18);
        assertEq(MarketBounds.MAX_MAINTENANCE_MARGIN, 0.5e18);
        assertEq(MarketBounds.MAX_PARTIAL_LIQUIDATION_BAND, 0.1e18);
        assertEq(MarketBounds.MAX_TAKER_FEE, 0.01e18);
        assertEq(MarketBounds.MAX_MAX_FUNDING_RATE_8H, 0.02e18);
        assertEq(MarketBounds.MIN_REFERENCE_PERIOD, 60);
        assertEq(MarketBounds.MAX_REFERENCE_PERIOD, 1 days);
        assertEq(MarketBounds.MIN_DIVERGENCE_LIMIT, 0.005e18);
        assertEq(MarketBounds.MAX_DIVERGENCE_LIMIT, 0.25e18);
        assertEq(MarketBounds.MIN_OI_DEPTH_RATIO, 0.001e18);
        assertEq(MarketBounds.MAX_OI_DEPTH_RATIO, 0.5e18);
        assertEq(MarketBounds.MIN_DEPTH_FACTOR, 0.1e18);
        assertEq(MarketBounds.MAX_DEPTH_FACTOR, 100e18);
    }

    /// Any parameter set within every bound is accepted; the check never reverts otherwise.
    function testFuzz_updateMarketParams_acceptsInBounds(
        uint256 leverage,
        uint256 mm,
        uint256 band,
        uint256 taker,
        uint256 maker,
        uint256 funding,
        uint256 oi,
        uint256 threshold,
        uint256 seed
    ) public {
        MarketParams memory p;
        p.maxLeverage = uint96(bound(leverage, 1e18, 20e18));
        uint256 mmCap = (1e36 - 1) / p.maxLeverage; // largest MM with MM x leverage < 1e36
        p.maintenanceMargin = uint64(bound(mm, 0.01e18, mmCap < 0.5e18 ? mmCap : 0.5e18));
        p.partialLiquidationBand = uint64(bound(band, 0, 0.1e18));
        p.takerFee = uint64(bound(taker, 0, 0.01e18));
        p.makerFee = uint64(bound(maker, 0, p.takerFee));
        p.maxFundingRate8h = uint64(bound(funding, 0, 0.02e18));
        p.maxOpenInterestPerSide = uint128(bound(oi, 1, type(uint96).max));
        p.liquidityThreshold = uint128(bound(threshold, 1, type(uint96).max));
        p.referencePeriod = uint32(bound(seed, 60, 1 days));
        p.divergenceLimit = uint64(bound(seed >> 32, 0.005e18, 0.25e18));
        p.oiDepthRatio = uint64(bound(seed >> 96, 0.001e18, 0.5e18));
        p.depthFactor = uint96(bound(seed >> 160, 0.1e18, 100e18));
        vm.prank(owner);
        protocol.updateMarketParams(lium, p);
        assertEq(abi.encode(protocol.marketParams(lium)), abi.encode(p));
    }

    // ---------------------------------------------------------------- updateMarketParams

    function test_updateMarketParams_storesAndEmits() public {
        MarketParams memory previous = _alphaParams();
        MarketParams memory p = _alphaParams();
        p.maxLeverage = 5e18;
        p.takerFee = 0.005e18;
        vm.expectEmit(address(router));
        emit IMarketModule.MarketParamsUpdated(lium, previous, p);
        vm.prank(owner);
        protocol.updateMarketParams(lium, p);
        assertEq(abi.encode(protocol.marketParams(lium)), abi.encode(p));
        assertEq(abi.encode(protocol.market(lium).params), abi.encode(p));
    }

    function test_RevertWhen_updateMarketParamsOfUnlistedMarket() public {
        MarketId chutes = MarketIdLibrary.alpha(CHUTES);
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(IMarketErrors.MarketNotListed.selector, chutes));
        protocol.updateMarketParams(chutes, _alphaParams());
    }

    // ---------------------------------------------------------------- setMarketStatus

    function test_setMarketStatus_movesThroughStatusesAndEmits() public {
        MarketStatus[4] memory path =
            [MarketStatus.ReduceOnly, MarketStatus.Active, MarketStatus.Delisted, MarketStatus.Active];
        MarketStatus previous = MarketStatus.Active;
        for (uint256 i; i < path.length; ++i) {
            vm.expectEmit(address(router));
            emit IMarketModule.MarketStatusSet(lium, previous, path[i]);
            vm.prank(owner);
            protocol.setMarketStatus(lium, path[i]);
            assertEq(uint8(protocol.marketStatus(lium)), uint8(path[i]));
            assertEq(uint8(protocol.market(lium).status), uint8(path[i]));
            previous = path[i];
        }
    }

    function test_RevertWhen_setMarketStatusToNone() public {
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(IMarketErrors.InvalidMarketStatus.selector, MarketStatus.None));
        protocol.setMarketStatus(lium, MarketStatus.None);
    }

    function test_RevertWhen_setMarketStatusOfUnlistedMarket() public {
        MarketId chutes = MarketIdLibrary.alpha(CHUTES);
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(IMarketErrors.MarketNotListed.selector, chutes));
        protocol.setMarketStatus(chutes, MarketStatus.ReduceOnly);
    }

    // ---------------------------------------------------------------- views

    function test_views_ofUnlistedMarket() public {
        MarketId chutes = MarketIdLibrary.alpha(CHUTES);
        assertEq(uint8(protocol.marketStatus(chutes)), uint8(MarketStatus.None));
        assertTrue(protocol.marketIdByTicker("CHUTES").isZero());
        assertTrue(protocol.marketIdByTicker("lium").isZero());
        assertTrue(protocol.marketIdByTicker("A_TICKER_FAR_TOO_LONG_FOR_A_BYTES32_KEY").isZero());
        vm.expectRevert(abi.encodeWithSelector(IMarketErrors.MarketNotListed.selector, chutes));
        protocol.market(chutes);
        vm.expectRevert(abi.encodeWithSelector(IMarketErrors.MarketNotListed.selector, chutes));
        protocol.marketParams(chutes);
    }

    /// The 12 launch markets and MTSOS, with their genesis parameters.
    function test_listMarket_launchSet() public {
        string[11] memory tickers = [
            "CHUTES",
            "RIDGES",
            "TARGON",
            "VANTA",
            "AFFINE",
            "TEMPLAR",
            "SCORE",
            "IOTA",
            "GRADIENTS",
            "HIPPIUS",
            "BITMIND"
        ];
        uint16[11] memory netuids = [uint16(64), 62, 4, 8, 120, 3, 44, 9, 56, 75, 34];
        for (uint256 i; i < tickers.length; ++i) {
            alpha.setPool(netuids[i], POOL_TAO_RAO, POOL_ALPHA, Bittensor.MECHANISM_DYNAMIC);
            MarketId id = _list(_alphaListing(tickers[i], netuids[i]));
            assertTrue(protocol.marketIdByTicker(tickers[i]) == id);
        }
        _list(_indexListing("MTSOS", address(indexOracle)));
        assertEq(protocol.marketIds().length, 13);
    }
}
