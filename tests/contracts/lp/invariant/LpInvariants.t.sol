// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {LpFixture} from "../LpFixture.t.sol";
import {LpHandler} from "./LpHandler.sol";
import {TradingHandler} from "../../trading/invariant/TradingHandler.sol";
import {PositionInfo} from "../../../../contracts/interfaces/IPositionViewModule.sol";
import {VaultTotals} from "../../../../contracts/interfaces/IVaultModule.sol";
import {MarketId} from "../../../../contracts/types/MarketId.sol";
import {PositionMath} from "../../../../contracts/libraries/math/PositionMath.sol";

/// Handler-based invariants of the LP side, with the trading handler trading, moving prices and time alongside
/// (run: `forge test --match-path "tests/contracts/lp/invariant/*"`).
contract LpInvariantsTest is LpFixture {
    TradingHandler internal trading;
    LpHandler internal handler;

    function setUp() public override {
        super.setUp();
        _fundVault(9_000e18);
        MarketId[] memory ids = new MarketId[](2);
        ids[0] = chutes;
        ids[1] = mtsos;
        trading = new TradingHandler(protocol, alpha, indexOracle, owner, CHUTES, ids);
        handler = new LpHandler(protocol, alpha, owner, CHUTES, chutes);
        targetContract(address(trading));
        targetContract(address(handler));
    }

    /// LP claims (every share at the withdrawal value) plus trader claims (each position's equity when positive,
    /// credited payouts) plus the referral balance never exceed the TAO held (the insurance fund backs bad debt).
    /// Both sides at the same prices: the LPs' equity is valued at the stored reference prices, so each position's
    /// equity is too (the position view shows it at the reference a trade now would update to, which differs from
    /// the stored one until a block touches the market).
    function invariant_lpAndTraderClaimsNeverExceedTheTaoHeld() public view {
        (, int256 w,) = protocol.lpEquity();
        // Positive in this branch.
        // forge-lint: disable-next-line(unsafe-typecast)
        uint256 claimsOnIt = w > 0 ? uint256(w) : 0;
        for (uint256 m; m < trading.marketCount(); ++m) {
            MarketId id = trading.markets(m);
            (uint256 ref,) = protocol.referencePrice(id);
            for (uint256 a; a < trading.actorCount(); ++a) {
                PositionInfo memory p = protocol.position(trading.actors(a), id);
                if (p.size == 0) continue;
                // Test values, bounded far below the type limits.
                // forge-lint: disable-next-line(unsafe-typecast)
                int256 equity = int256(p.margin) + PositionMath.pnl(p.size, p.entryPrice, ref) - p.accruedFunding
                    - int256(p.accruedInterest);
                // Positive in this branch.
                // forge-lint: disable-next-line(unsafe-typecast)
                if (equity > 0) claimsOnIt += uint256(equity);
            }
        }
        VaultTotals memory t = protocol.vaultTotals();
        claimsOnIt += t.claimsOwed + t.referralBalance;
        assertLe(claimsOnIt, address(router).balance);
    }

    /// Every wei is still in one bucket with LPs in the vault.
    function invariant_balanceEqualsBuckets() public view {
        assertEq(address(router).balance, _bucketSum());
    }

    /// The exposure sums equal the positions' sizes per market and side; the active list holds exactly the markets
    /// with open positions.
    function invariant_exposureEqualsPositions() public view {
        uint256 active;
        for (uint256 m; m < trading.marketCount(); ++m) {
            MarketId id = trading.markets(m);
            uint256 longs;
            uint256 shorts;
            for (uint256 a; a < trading.actorCount(); ++a) {
                int256 size = protocol.position(trading.actors(a), id).size;
                // Signs checked on each branch.
                // forge-lint: disable-next-line(unsafe-typecast)
                if (size > 0) longs += uint256(size);
                // forge-lint: disable-next-line(unsafe-typecast)
                else shorts += uint256(-size);
            }
            (uint256 longSize, uint256 shortSize) = protocol.marketExposure(id);
            assertEq(longSize, longs, "long size");
            assertEq(shortSize, shorts, "short size");
            if (longs + shorts != 0) active++;
        }
        assertEq(protocol.activeMarkets().length, active, "active markets");
    }

    /// The entry contract's LP tokens are exactly the escrowed shares of the requests.
    function invariant_escrowEqualsRequests() public view {
        uint256 requested;
        for (uint256 i; i < handler.lpCount(); ++i) {
            (uint256 shares,,) = protocol.withdrawalRequest(handler.lps(i));
            requested += shares;
        }
        assertEq(lpToken.balanceOf(address(router)), requested);
    }

    /// The share values move only with PnL, fees, deposits and withdrawals: requests, releases, transfers and
    /// schedule changes leave them as they are, deposits and claims never lower them.
    function invariant_shareValueMovesOnlyWithPnlFeesDepositsAndWithdrawals() public view {
        assertFalse(handler.ghostShareValueMovedWithoutCause());
    }

    /// No price moved within a block raises the withdrawal value, and no claim after such a move pays above the
    /// value at the block's start; no account redeems in the block of its deposit.
    function invariant_shareValueCannotBeRaisedAndRedeemedInOneBlock() public view {
        assertFalse(handler.ghostRaisedAndRedeemedInOneBlock());
        assertFalse(handler.ghostRedeemedInDepositBlock());
    }

    /// The handler is not vacuous.
    function test_handler_exercisesTheLpSide() public {
        handler.deposit(0, 100e18);
        handler.deposit(1, 50e18);
        handler.request(0, 50);
        assertEq(handler.deposits(), 2);
        assertEq(handler.requests(), 1);
        trading.open(0, 0, true, 10e18, 3e18);
        vm.warp(_epochStart(1));
        vm.roll(block.number + 1);
        handler.manipulateAndClaim(0, 0.03e18);
        assertEq(handler.claims(), 1);
        invariant_lpAndTraderClaimsNeverExceedTheTaoHeld();
        invariant_exposureEqualsPositions();
        invariant_escrowEqualsRequests();
        invariant_shareValueMovesOnlyWithPnlFeesDepositsAndWithdrawals();
        invariant_shareValueCannotBeRaisedAndRedeemedInOneBlock();
    }
}
