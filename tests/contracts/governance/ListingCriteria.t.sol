// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {GovernanceFixture} from "./GovernanceFixture.t.sol";
import {Bittensor} from "../../../contracts/libraries/Bittensor.sol";
import {MarketBounds} from "../../../contracts/libraries/MarketBounds.sol";
import {IMarketErrors} from "../../../contracts/libraries/errors/MarketErrors.sol";
import {IOracleErrors} from "../../../contracts/libraries/errors/OracleErrors.sol";
import {MarketListing} from "../../../contracts/interfaces/IMarketModule.sol";
import {MarketId, MarketIdLibrary} from "../../../contracts/types/MarketId.sol";

/// @dev A listing proposal that the registry's criteria reject passes the vote, then reverts at execution with the
///      criterion's own error, bubbled up through the timelock and the Governor; the proposal stays queued and no
///      market is listed.
contract ListingCriteriaTest is GovernanceFixture {
    uint256 internal constant UINT96_MAX = type(uint96).max;

    MarketId internal sn19 = MarketIdLibrary.alpha(SN19);

    /// @dev Passes a proposal listing `listing`, then checks its execution reverts with `expectedError`.
    function _assertRejectedAtExecution(MarketListing memory listing, bytes memory expectedError) internal {
        uint256 listedBefore = protocol.marketIds().length;
        Proposal memory p = _listingProposal(listing, "List (rejected)");
        uint256 proposalId = _proposeAndQueue(p);
        _assertExecutionReverts(p, proposalId, expectedError);
        assertEq(protocol.marketIds().length, listedBefore, "nothing listed");
    }

    function _assertExecutionReverts(Proposal memory p, uint256 proposalId, bytes memory expectedError) internal {
        vm.prank(relayer);
        vm.expectRevert(expectedError);
        governor.execute(p.targets, p.values, p.calldatas, _descriptionHash(p));
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Queued), "still queued");
    }

    // ---------------------------------------------------------------- parameter bounds (docs/protocol.md section 2)

    function test_RevertWhen_MaxLeverageBelowBound() public {
        MarketListing memory l = _sn19Listing();
        l.params.maxLeverage = 0.5e18;
        _assertRejectedAtExecution(
            l, abi.encodeWithSelector(IMarketErrors.MaxLeverageOutOfBounds.selector, 0.5e18, 1e18, 20e18)
        );
        _assertNotListed(sn19);
    }

    function test_RevertWhen_MaxLeverageAboveBound() public {
        MarketListing memory l = _sn19Listing();
        l.params.maxLeverage = 21e18;
        _assertRejectedAtExecution(
            l, abi.encodeWithSelector(IMarketErrors.MaxLeverageOutOfBounds.selector, 21e18, 1e18, 20e18)
        );
        _assertNotListed(sn19);
    }

    function test_RevertWhen_MaintenanceMarginBelowBound() public {
        MarketListing memory l = _sn19Listing();
        l.params.maintenanceMargin = 0.009e18;
        _assertRejectedAtExecution(
            l, abi.encodeWithSelector(IMarketErrors.MaintenanceMarginOutOfBounds.selector, 0.009e18, 0.01e18, 0.5e18)
        );
        _assertNotListed(sn19);
    }

    function test_RevertWhen_MaintenanceMarginAboveBound() public {
        MarketListing memory l = _sn19Listing();
        l.params.maxLeverage = 1e18;
        l.params.maintenanceMargin = 0.51e18;
        _assertRejectedAtExecution(
            l, abi.encodeWithSelector(IMarketErrors.MaintenanceMarginOutOfBounds.selector, 0.51e18, 0.01e18, 0.5e18)
        );
        _assertNotListed(sn19);
    }

    function test_RevertWhen_MaintenanceMarginNotBelowInverseLeverage() public {
        MarketListing memory l = _sn19Listing();
        l.params.maxLeverage = 10e18;
        l.params.maintenanceMargin = 0.1e18; // 10% x 10x = 1: a position at max leverage would open liquidatable
        _assertRejectedAtExecution(
            l, abi.encodeWithSelector(IMarketErrors.MaintenanceMarginTooHighForLeverage.selector, 0.1e18, 10e18)
        );
        _assertNotListed(sn19);
    }

    function test_RevertWhen_PartialLiquidationBandAboveBound() public {
        MarketListing memory l = _sn19Listing();
        l.params.partialLiquidationBand = 0.11e18;
        _assertRejectedAtExecution(
            l, abi.encodeWithSelector(IMarketErrors.PartialLiquidationBandOutOfBounds.selector, 0.11e18, 0, 0.1e18)
        );
        _assertNotListed(sn19);
    }

    function test_RevertWhen_TakerFeeAboveBound() public {
        MarketListing memory l = _sn19Listing();
        l.params.takerFee = 0.011e18;
        _assertRejectedAtExecution(
            l, abi.encodeWithSelector(IMarketErrors.TakerFeeOutOfBounds.selector, 0.011e18, 0, 0.01e18)
        );
        _assertNotListed(sn19);
    }

    function test_RevertWhen_MakerFeeAboveTakerFee() public {
        MarketListing memory l = _sn19Listing();
        l.params.makerFee = 0.003e18; // taker 0.25%
        _assertRejectedAtExecution(
            l, abi.encodeWithSelector(IMarketErrors.MakerFeeOutOfBounds.selector, 0.003e18, 0, 0.0025e18)
        );
        _assertNotListed(sn19);
    }

    function test_RevertWhen_MaxFundingRateAboveBound() public {
        MarketListing memory l = _sn19Listing();
        l.params.maxFundingRate8h = 0.021e18;
        _assertRejectedAtExecution(
            l, abi.encodeWithSelector(IMarketErrors.MaxFundingRateOutOfBounds.selector, 0.021e18, 0, 0.02e18)
        );
        _assertNotListed(sn19);
    }

    function test_RevertWhen_MaxOpenInterestZero() public {
        MarketListing memory l = _sn19Listing();
        l.params.maxOpenInterestPerSide = 0;
        _assertRejectedAtExecution(
            l, abi.encodeWithSelector(IMarketErrors.MaxOpenInterestOutOfBounds.selector, 0, 1, UINT96_MAX)
        );
        _assertNotListed(sn19);
    }

    function test_RevertWhen_LiquidityThresholdZero() public {
        MarketListing memory l = _sn19Listing();
        l.params.liquidityThreshold = 0;
        _assertRejectedAtExecution(
            l, abi.encodeWithSelector(IMarketErrors.LiquidityThresholdOutOfBounds.selector, 0, 1, UINT96_MAX)
        );
        _assertNotListed(sn19);
    }

    function test_RevertWhen_ReferencePeriodOutOfBounds() public {
        MarketListing memory l = _sn19Listing();
        l.params.referencePeriod = 59;
        _assertRejectedAtExecution(
            l, abi.encodeWithSelector(IMarketErrors.ReferencePeriodOutOfBounds.selector, 59, 60, 1 days)
        );
        _assertNotListed(sn19);
    }

    function test_RevertWhen_DivergenceLimitOutOfBounds() public {
        MarketListing memory l = _sn19Listing();
        l.params.divergenceLimit = 0.26e18;
        _assertRejectedAtExecution(
            l, abi.encodeWithSelector(IMarketErrors.DivergenceLimitOutOfBounds.selector, 0.26e18, 0.005e18, 0.25e18)
        );
        _assertNotListed(sn19);
    }

    function test_RevertWhen_OiDepthRatioZeroForAnAlphaMarket() public {
        MarketListing memory l = _sn19Listing();
        l.params.oiDepthRatio = 0;
        _assertRejectedAtExecution(
            l, abi.encodeWithSelector(IMarketErrors.OiDepthRatioOutOfBounds.selector, 0, 0.001e18, 0.5e18)
        );
        _assertNotListed(sn19);
    }

    function test_RevertWhen_DepthFactorOutOfBounds() public {
        MarketListing memory l = _sn19Listing();
        l.params.depthFactor = 100e18 + 1;
        _assertRejectedAtExecution(
            l, abi.encodeWithSelector(IMarketErrors.DepthFactorOutOfBounds.selector, 100e18 + 1, 0.1e18, 100e18)
        );
        _assertNotListed(sn19);
    }

    function test_execute_ListsAtEveryBoundEdge() public {
        // The edges themselves are inside the bounds: the checks above reject the first value outside, nothing less.
        MarketListing memory l = _sn19Listing();
        l.params.maxLeverage = uint96(MarketBounds.MAX_MAX_LEVERAGE);
        l.params.maintenanceMargin = uint64(MarketBounds.MIN_MAINTENANCE_MARGIN);
        l.params.partialLiquidationBand = uint64(MarketBounds.MAX_PARTIAL_LIQUIDATION_BAND);
        l.params.takerFee = uint64(MarketBounds.MAX_TAKER_FEE);
        l.params.makerFee = uint64(MarketBounds.MAX_TAKER_FEE);
        l.params.maxFundingRate8h = uint64(MarketBounds.MAX_MAX_FUNDING_RATE_8H);
        l.params.maxOpenInterestPerSide = 1;
        l.params.liquidityThreshold = uint128(uint256(POOL_TAO_RAO) * Bittensor.WEI_PER_RAO); // exactly the pool
        l.params.referencePeriod = uint32(MarketBounds.MAX_REFERENCE_PERIOD);
        l.params.divergenceLimit = uint64(MarketBounds.MAX_DIVERGENCE_LIMIT);
        l.params.oiDepthRatio = uint64(MarketBounds.MAX_OI_DEPTH_RATIO);
        l.params.depthFactor = uint96(MarketBounds.MAX_DEPTH_FACTOR);
        _pass(_listingProposal(l, "List at the edges"));
        assertEq(protocol.marketParams(sn19).maxLeverage, 20e18, "listed");
    }

    // ---------------------------------------------------------------- on-chain criteria, read at execution

    function test_RevertWhen_OraclePriceZeroAtExecution() public {
        // The pool was fine when proposed and voted; its price is zero when the timelock executes.
        Proposal memory p = _listingProposal(_sn19Listing(), "List SN19");
        uint256 proposalId = _proposeAndQueue(p);
        alpha.setPool(SN19, POOL_TAO_RAO, 0, Bittensor.MECHANISM_DYNAMIC);
        _assertExecutionReverts(p, proposalId, abi.encodeWithSelector(IOracleErrors.OraclePriceZero.selector, sn19));
        _assertNotListed(sn19);
    }

    function test_RevertWhen_PoolBelowListingThreshold() public {
        MarketListing memory l = _sn19Listing();
        l.params.liquidityThreshold = 10_001e18; // the pool holds 10,000 TAO
        _assertRejectedAtExecution(
            l,
            abi.encodeWithSelector(
                IMarketErrors.PoolBelowLiquidityThreshold.selector, sn19, uint256(10_000e18), uint256(10_001e18)
            )
        );
        _assertNotListed(sn19);
    }

    function test_RevertWhen_PoolDrainedBelowThresholdBeforeExecution() public {
        Proposal memory p = _listingProposal(_sn19Listing(), "List SN19");
        uint256 proposalId = _proposeAndQueue(p);
        alpha.setPool(SN19, 999e9, 24_975e9, Bittensor.MECHANISM_DYNAMIC); // same price, 999 TAO < 1,000
        _assertExecutionReverts(
            p,
            proposalId,
            abi.encodeWithSelector(IMarketErrors.PoolBelowLiquidityThreshold.selector, sn19, 999e18, THRESHOLD)
        );
        _assertNotListed(sn19);
    }

    function test_RevertWhen_AlreadyListed() public {
        _pass(_listingProposal(_sn19Listing(), "List SN19"));
        // A second listing of the same subnet, under another ticker, voted in parallel or later.
        _assertRejectedAtExecution(
            _alphaListing("NINETEEN", SN19), abi.encodeWithSelector(IMarketErrors.MarketAlreadyListed.selector, sn19)
        );
        assertEq(protocol.marketIds().length, 1, "one market");
        assertEq(MarketId.unwrap(protocol.marketIdByTicker("NINETEEN")), bytes32(0), "second ticker unused");
    }

    function test_RevertWhen_TickerTaken() public {
        _pass(_listingProposal(_sn19Listing(), "List SN19"));
        _assertRejectedAtExecution(
            _alphaListing("SN19", CHUTES), abi.encodeWithSelector(IMarketErrors.TickerTaken.selector, "SN19", sn19)
        );
        _assertNotListed(MarketIdLibrary.alpha(CHUTES));
    }

    function test_RevertWhen_SubnetNotDynamic() public {
        alpha.setPool(SN19, POOL_TAO_RAO, POOL_ALPHA, Bittensor.MECHANISM_STABLE);
        _assertRejectedAtExecution(
            _sn19Listing(),
            abi.encodeWithSelector(IMarketErrors.SubnetNotDynamic.selector, SN19, Bittensor.MECHANISM_STABLE)
        );
        _assertNotListed(sn19);
    }

    function test_RevertWhen_RootSubnet() public {
        _assertRejectedAtExecution(
            _alphaListing("ROOT", 0), abi.encodeWithSelector(IMarketErrors.InvalidNetuid.selector, 0)
        );
        _assertNotListed(MarketIdLibrary.alpha(0));
    }

    function test_RevertWhen_PrecompileSwitchedOffAtExecution() public {
        Proposal memory p = _listingProposal(_sn19Listing(), "List SN19");
        uint256 proposalId = _proposeAndQueue(p);
        alpha.setDisabled(true);
        _assertExecutionReverts(
            p, proposalId, abi.encodeWithSelector(IOracleErrors.AlphaPrecompileUnavailable.selector, SN19)
        );
        alpha.setDisabled(false);
        _assertNotListed(sn19);
    }

    function test_execute_SucceedsOnceCriteriaHoldAgain() public {
        // A rejected execution leaves the proposal queued: it can execute once the criterion holds again.
        Proposal memory p = _listingProposal(_sn19Listing(), "List SN19");
        uint256 proposalId = _proposeAndQueue(p);
        alpha.setPool(SN19, POOL_TAO_RAO, 0, Bittensor.MECHANISM_DYNAMIC);
        _assertExecutionReverts(p, proposalId, abi.encodeWithSelector(IOracleErrors.OraclePriceZero.selector, sn19));
        alpha.setPool(SN19, POOL_TAO_RAO, POOL_ALPHA, Bittensor.MECHANISM_DYNAMIC);
        _execute(p);
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Executed), "executed");
        assertEq(protocol.marketIds().length, 1, "listed");
    }
}
