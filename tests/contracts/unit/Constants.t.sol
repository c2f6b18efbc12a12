// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Pins Constants: the numbers of docs/protocol.md sections 2 to 7 as written there, and their consistency
// (every genesis value inside its bounds, MM below 1/maxLeverage, tiers ordered, fee shares summing to 100%).

import {Test} from "forge-std/Test.sol";
import {Constants} from "../../../contracts/libraries/Constants.sol";
import {MarketBounds} from "../../../contracts/libraries/MarketBounds.sol";

contract ConstantsTest is Test {
    function test_units_areAsDocumented() public pure {
        assertEq(Constants.WAD, 1e18);
        assertEq(Constants.SECONDS_PER_YEAR, 31_536_000);
        assertEq(Constants.FUNDING_PERIOD, 28_800);
        assertEq(Constants.MAX_ACCRUAL_GAP, 4 * Constants.FUNDING_PERIOD);
        assertEq(Constants.MIN_POSITION_NOTIONAL, 0.0001 ether);
        assertEq(Constants.MAX_POSITIONS_PER_ACCOUNT, 50);
        assertEq(Constants.MTSOS_EMA_PERIOD, 604_800);
    }

    function test_slippage_tiersAreOrderedAndBelowTheCap() public pure {
        assertLt(Constants.SLIPPAGE_LOW_TIER, Constants.SLIPPAGE_MID_TIER);
        assertLt(Constants.SLIPPAGE_MID_TIER, Constants.SLIPPAGE_HIGH_TIER);
        assertLt(Constants.SLIPPAGE_HIGH_TIER, Constants.MAX_IMPACT);
        assertLt(Constants.SLIPPAGE_MID_TIER_UTILIZATION, Constants.SLIPPAGE_HIGH_TIER_UTILIZATION);
    }

    function test_vault_limitsAreOrdered() public pure {
        assertLt(Constants.MAX_UTILIZATION_FOR_INCREASE, Constants.CIRCUIT_BREAKER_UTILIZATION);
        assertEq(Constants.MAX_NET_EXPOSURE, 0.5e18);
    }

    function test_liquidation_splitSumsToOne() public pure {
        assertEq(
            Constants.GENESIS_LIQUIDATION_KEEPER_SHARE + Constants.GENESIS_LIQUIDATION_INSURANCE_SHARE
                + Constants.GENESIS_LIQUIDATION_VAULT_SHARE,
            Constants.WAD
        );
        assertLe(Constants.GENESIS_LIQUIDATION_FEE, Constants.MAX_LIQUIDATION_FEE);
    }

    function test_genesis_insideItsBounds() public pure {
        uint256[2] memory maxLev = [Constants.GENESIS_MAX_LEVERAGE_ALPHA, Constants.GENESIS_MAX_LEVERAGE_MTSOS];
        for (uint256 i; i < 2; ++i) {
            assertGe(maxLev[i], MarketBounds.MIN_MAX_LEVERAGE);
            assertLe(maxLev[i], MarketBounds.MAX_MAX_LEVERAGE);
            // MM < 1 / maxLeverage
            assertLt(Constants.GENESIS_MAINTENANCE_MARGIN * maxLev[i], Constants.WAD * Constants.WAD);
        }
        assertGe(Constants.GENESIS_MAINTENANCE_MARGIN, MarketBounds.MIN_MAINTENANCE_MARGIN);
        assertLe(Constants.GENESIS_MAINTENANCE_MARGIN, MarketBounds.MAX_MAINTENANCE_MARGIN);
        assertLe(Constants.GENESIS_PARTIAL_LIQUIDATION_BAND, MarketBounds.MAX_PARTIAL_LIQUIDATION_BAND);
        assertLe(Constants.GENESIS_TAKER_FEE, MarketBounds.MAX_TAKER_FEE);
        assertLe(Constants.GENESIS_MAKER_FEE, Constants.GENESIS_TAKER_FEE);
        assertLe(Constants.GENESIS_MAX_FUNDING_RATE_8H, MarketBounds.MAX_MAX_FUNDING_RATE_8H);
        assertGe(Constants.GENESIS_REFERENCE_PERIOD, MarketBounds.MIN_REFERENCE_PERIOD);
        assertLe(Constants.GENESIS_REFERENCE_PERIOD, MarketBounds.MAX_REFERENCE_PERIOD);
        assertGe(Constants.GENESIS_DIVERGENCE_LIMIT, MarketBounds.MIN_DIVERGENCE_LIMIT);
        assertLe(Constants.GENESIS_DIVERGENCE_LIMIT, MarketBounds.MAX_DIVERGENCE_LIMIT);
        assertGe(Constants.GENESIS_OI_DEPTH_RATIO, MarketBounds.MIN_OI_DEPTH_RATIO);
        assertLe(Constants.GENESIS_OI_DEPTH_RATIO, MarketBounds.MAX_OI_DEPTH_RATIO);
        assertGe(Constants.GENESIS_DEPTH_FACTOR, MarketBounds.MIN_DEPTH_FACTOR);
        assertLe(Constants.GENESIS_DEPTH_FACTOR, MarketBounds.MAX_DEPTH_FACTOR);
        assertGe(Constants.GENESIS_SETTLE_AFTER, Constants.MIN_SETTLE_AFTER);
        assertLe(Constants.GENESIS_SETTLE_AFTER, Constants.MAX_SETTLE_AFTER);
        assertGe(Constants.GENESIS_INDEX_MAX_AGE, Constants.MIN_INDEX_MAX_AGE);
        assertLe(Constants.GENESIS_INDEX_MAX_AGE, Constants.MAX_INDEX_MAX_AGE);
        assertGe(Constants.GENESIS_MTSOS_MAX_ELAPSED, Constants.MIN_MTSOS_MAX_ELAPSED);
        assertLe(Constants.GENESIS_MTSOS_MAX_ELAPSED, Constants.MAX_MTSOS_MAX_ELAPSED);
        assertGe(Constants.GENESIS_MAX_PNL_FACTOR, Constants.MIN_MAX_PNL_FACTOR);
        assertLe(Constants.GENESIS_MAX_PNL_FACTOR, Constants.MAX_MAX_PNL_FACTOR);
        assertGe(Constants.GENESIS_MAX_PROFIT_MULTIPLE, Constants.MIN_MAX_PROFIT_MULTIPLE);
        assertLe(Constants.GENESIS_MAX_PROFIT_MULTIPLE, Constants.MAX_MAX_PROFIT_MULTIPLE);
        assertLe(Constants.GENESIS_MIN_KEEPER_FEE, Constants.MAX_MIN_KEEPER_FEE);
        assertGe(Constants.GENESIS_MIN_MARGIN, Constants.GENESIS_MIN_KEEPER_FEE, "min margin covers the keeper floor");
        assertLe(Constants.GENESIS_MIN_MARGIN, Constants.MAX_MIN_MARGIN);
    }

    function test_section2_genesisNumbers() public pure {
        assertEq(Constants.GENESIS_REFERENCE_PERIOD, 600);
        assertEq(Constants.GENESIS_DIVERGENCE_LIMIT, 0.05e18);
        assertEq(Constants.GENESIS_OI_DEPTH_RATIO, 0.05e18);
        assertEq(Constants.GENESIS_DEPTH_FACTOR, 1e18);
        assertEq(Constants.GENESIS_SETTLE_AFTER, 1 hours);
        assertEq(Constants.GENESIS_INDEX_MAX_AGE, 15 minutes);
        assertEq(Constants.GENESIS_MTSOS_MAX_ELAPSED, 1 hours);
        assertEq(Constants.GENESIS_MAX_PNL_FACTOR, 0.3e18);
        assertEq(Constants.GENESIS_MAX_PROFIT_MULTIPLE, 9e18);
        assertEq(Constants.GENESIS_MIN_KEEPER_FEE, 0.01e18);
        assertEq(Constants.GENESIS_MIN_MARGIN, 0.1e18);
    }

    function test_bounds_matchSection2() public pure {
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
}
