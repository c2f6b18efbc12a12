// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TradingFixture} from "./TradingFixture.t.sol";
import {PositionInfo} from "../../../contracts/interfaces/IPositionViewModule.sol";
import {VaultTotals, MarketTradingState} from "../../../contracts/interfaces/IVaultModule.sol";
import {InterestMath} from "../../../contracts/libraries/math/InterestMath.sol";

/// Funding and interest through the protocol (docs/protocol.md section 6).
contract AccrualTest is TradingFixture {
    /// Long OI 100 and short OI 60: 0.1875% per 8 h, longs paying; the vault keeps the imbalance. Funding is paid
    /// on the open interest at entry (the sum of the positions' entry notionals); the caps and utilization count it
    /// at the mark (size x reference: here 100/1.001 and 60/0.999 after the 0.10% spreads).
    function test_funding_publishedRate() public {
        _open(alice, chutes, true, 50e18, 2e18); // 100 TAO
        _open(bob, chutes, false, 30e18, 2e18); // 60 TAO
        MarketTradingState memory s = protocol.marketTradingState(chutes);
        assertEq(s.longEntryNotional, 100e18);
        assertEq(s.shortEntryNotional, 60e18);
        assertEq(s.longOpenInterest, _valueAt(_position(alice, chutes).size, CHUTES_PRICE), "long OI at the mark");
        assertEq(s.shortOpenInterest, _valueAt(_position(bob, chutes).size, CHUTES_PRICE), "short OI at the mark");
        assertEq(s.fundingRate8h, 0.001875e18);

        vm.warp(block.timestamp + 8 hours);
        int256 longPays = _position(alice, chutes).accruedFunding;
        int256 shortEarns = _position(bob, chutes).accruedFunding;
        assertEq(longPays, 0.1875e18);
        assertEq(shortEarns, -0.1125e18);
        assertEq(longPays + shortEarns, 0.075e18, "the vault keeps (100 - 60) x 0.1875%");
    }

    /// At most 32 hours count per accrual gap.
    function test_funding_cappedAt32HoursPerGap() public {
        _open(alice, chutes, true, 50e18, 2e18);
        _open(bob, chutes, false, 30e18, 2e18);
        vm.warp(block.timestamp + 48 hours);
        assertEq(_position(alice, chutes).accruedFunding, 0.75e18, "4 periods of 8 h, not 6");
        // A trade settles it into the margin and restarts the gap.
        uint256 margin = _position(alice, chutes).margin;
        vm.prank(alice);
        protocol.removeMargin(chutes, 1e18);
        PositionInfo memory p = _position(alice, chutes);
        assertEq(p.accruedFunding, 0);
        assertLt(p.margin, margin - 1e18 - 0.75e18, "funding and interest paid");
        vm.warp(block.timestamp + 8 hours);
        assertEq(_position(alice, chutes).accruedFunding, 0.1875e18);
        _assertSolvent();
    }

    /// Utilization 0.5: 5.01% a year, charged on the entry notional.
    function test_interest_publishedRateAtHalfUtilization() public {
        _open(alice, chutes, true, 125.5e18, 2e18);
        _open(bob, chutes, false, 125.5e18, 2e18);
        VaultTotals memory t = protocol.vaultTotals();
        // Open interest at the mark: 251/1.001 + 251/0.999 = 502.0 TAO. The fees' 90% (1.13 TAO) and the long's
        // impact (its 250.75 TAO at the mark: 250.75^2 / 20,000 = 3.14 TAO) went to the 1,000 TAO of reserves:
        // u = 502.0 / 1,004.27.
        uint256 impact = _firstChutesImpact(_position(alice, chutes).size);
        assertApproxEqAbs(impact, 3.14e18, 0.01e18);
        assertEq(t.reserves, VAULT_FUNDS + 1.12950e18 + impact);
        assertApproxEqAbs(t.utilization, 0.5e18, 0.0006e18);
        assertEq(t.interestRatePerYear, InterestMath.annualRate(t.utilization));
        assertApproxEqAbs(t.interestRatePerYear, 0.0501e18, 0.00025e18);
        // Exactly u = 0.5: 0.01% + 20% x 0.25.
        assertEq(InterestMath.annualRate(0.5e18), 0.0501e18);
        // The 80% cap (u >= ~2).
        assertEq(InterestMath.annualRate(2e18), 0.8e18);

        vm.warp(block.timestamp + 365 days);
        PositionInfo memory p = _position(alice, chutes);
        assertEq(p.entryNotional, 251e18);
        assertApproxEqAbs(p.accruedInterest, 251e18 * t.interestRatePerYear / 1e18, 1);
        assertEq(protocol.vaultTotals().interestIndex, t.interestRatePerYear);
    }

    /// A close settles funding and interest: the vault receives them.
    function test_close_settlesFundingAndInterestToTheVault() public {
        _open(alice, chutes, true, 50e18, 2e18);
        _open(bob, chutes, false, 30e18, 2e18);
        vm.warp(block.timestamp + 8 hours);
        vm.roll(block.number + 1);
        PositionInfo memory a = _position(alice, chutes);
        PositionInfo memory b = _position(bob, chutes);
        uint256 reserves = protocol.vaultTotals().reserves;
        _close(alice, chutes);
        _close(bob, chutes);
        // Reserves moved by what both owed plus their trading losses (slippage) and the vault's fee share.
        uint256 owed = uint256(a.accruedFunding + b.accruedFunding) + a.accruedInterest + b.accruedInterest;
        assertGt(protocol.vaultTotals().reserves, reserves + owed);
        assertEq(protocol.vaultTotals().marginsOwed, 0);
        assertEq(protocol.vaultTotals().totalOpenNotional, 0);
        _assertSolvent();
    }
}
