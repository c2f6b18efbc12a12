// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Pins PriceBand: a reading more than the band away from the last accepted price is clamped to the band's edge and
// reported as clamped (PROTOCOL.md section 3, genesis band 20%); the first reading is accepted as is; zero is never a
// price; the clamped price never moves more than the band.

import {Test} from "forge-std/Test.sol";
import {Constants} from "../../../contracts/libraries/Constants.sol";
import {MarketBounds} from "../../../contracts/libraries/MarketBounds.sol";
import {PriceBand} from "../../../contracts/libraries/math/PriceBand.sol";

contract PriceBandHarness {
    function clamp(uint256 lastPrice, uint256 newPrice, uint256 band) external pure returns (uint256, bool) {
        return PriceBand.clamp(lastPrice, newPrice, band);
    }
}

contract PriceBandTest is Test {
    PriceBandHarness internal h;
    uint256 internal constant BAND = Constants.GENESIS_PRICE_BAND;

    function setUp() public {
        h = new PriceBandHarness();
    }

    function test_clamp_insideTheBandIsAccepted() public pure {
        (uint256 p, bool clamped) = PriceBand.clamp(0.04e18, 0.048e18, BAND); // +20% exactly
        assertEq(p, 0.048e18);
        assertFalse(clamped);
        (p, clamped) = PriceBand.clamp(0.04e18, 0.032e18, BAND); // -20% exactly
        assertEq(p, 0.032e18);
        assertFalse(clamped);
    }

    function test_clamp_aSpikeIsClampedToTheUpperEdge() public pure {
        (uint256 p, bool clamped) = PriceBand.clamp(0.04e18, 0.1e18, BAND);
        assertEq(p, 0.048e18);
        assertTrue(clamped);
    }

    function test_clamp_aCrashIsClampedToTheLowerEdge() public pure {
        (uint256 p, bool clamped) = PriceBand.clamp(0.04e18, 1, BAND);
        assertEq(p, 0.032e18);
        assertTrue(clamped);
    }

    function test_clamp_firstReadingIsAcceptedAsIs() public pure {
        (uint256 p, bool clamped) = PriceBand.clamp(0, 123, BAND);
        assertEq(p, 123);
        assertFalse(clamped);
    }

    function test_bounds_roundTowardTheLastPrice() public pure {
        (uint256 lower, uint256 upper) = PriceBand.bounds(3, 0.5e18);
        assertEq(lower, 2); // 1.5 up
        assertEq(upper, 4); // 4.5 down
    }

    function test_RevertWhen_readingIsZero() public {
        vm.expectRevert(PriceBand.ZeroPrice.selector);
        h.clamp(0.04e18, 0, BAND);
    }

    function test_RevertWhen_bandNotBelowOne() public {
        vm.expectRevert(abi.encodeWithSelector(PriceBand.BandNotBelowOne.selector, 1e18));
        h.clamp(0.04e18, 0.05e18, 1e18);
    }

    function testFuzz_clamp_neverMovesMoreThanTheBand(uint256 lastPrice, uint256 newPrice, uint256 band) public pure {
        lastPrice = bound(lastPrice, 1, 1e30);
        newPrice = bound(newPrice, 1, 1e31);
        band = bound(band, MarketBounds.MIN_PRICE_BAND, MarketBounds.MAX_PRICE_BAND);
        (uint256 p, bool clamped) = PriceBand.clamp(lastPrice, newPrice, band);
        uint256 move = p > lastPrice ? p - lastPrice : lastPrice - p;
        assertLe(move * 1e18, lastPrice * band);
        assertEq(clamped, p != newPrice);
        if (!clamped) assertEq(p, newPrice);
        // A clamped price sits on the side the reading moved to.
        if (clamped && newPrice > lastPrice) assertGe(p, lastPrice);
        if (clamped && newPrice < lastPrice) assertLe(p, lastPrice);
    }
}
