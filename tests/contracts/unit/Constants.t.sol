// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Pins Constants: the numbers of PROTOCOL.md sections 2, 3, 5, 6 and 7 as written there, and their consistency
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
        assertLt(Constants.SLIPPAGE_HIGH_TIER, Constants.MAX_SLIPPAGE);
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
        assertGe(Constants.GENESIS_PRICE_BAND, MarketBounds.MIN_PRICE_BAND);
        assertLe(Constants.GENESIS_PRICE_BAND, MarketBounds.MAX_PRICE_BAND);
    }

    function test_bounds_matchSection2() public pure {
        assertEq(MarketBounds.MIN_MAX_LEVERAGE, 1e18);
        assertEq(MarketBounds.MAX_MAX_LEVERAGE, 20e18);
        assertEq(MarketBounds.MIN_MAINTENANCE_MARGIN, 0.01e18);
        assertEq(MarketBounds.MAX_MAINTENANCE_MARGIN, 0.5e18);
        assertEq(MarketBounds.MAX_PARTIAL_LIQUIDATION_BAND, 0.1e18);
        assertEq(MarketBounds.MAX_TAKER_FEE, 0.01e18);
        assertEq(MarketBounds.MAX_MAX_FUNDING_RATE_8H, 0.02e18);
        assertEq(MarketBounds.MIN_PRICE_BAND, 0.01e18);
        assertEq(MarketBounds.MAX_PRICE_BAND, 0.5e18);
    }
}
