// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {console} from "forge-std/console.sol";
import {LpFixture} from "./LpFixture.t.sol";
import {LpHandler} from "./invariant/LpHandler.sol";
import {TradingHandler} from "../trading/invariant/TradingHandler.sol";
import {Bittensor} from "../../../contracts/libraries/Bittensor.sol";
import {MarketId} from "../../../contracts/types/MarketId.sol";

/// Regression of `invariant_shareValueCannotBeRaisedAndRedeemedInOneBlock` (LpInvariants.t.sol): the shrunk
/// failing sequence replayed with its concrete numbers. The band clamps CHUTES to a price with more than the
/// chain's 9 decimals (0.0149422080 x 1.2 = 0.01793064960); a pool set to that price shows 0.017930649, 6e-10
/// lower, and the handler's old bound, measured at that spot, counted the shorts' gain at the lower price
/// (1,814.54 short alpha x 6e-10 = 1.0887e-6 TAO of equity). A move of the spot in the next block then "raised" the
/// withdrawal value above that bound, exactly to the value at the accepted price, which is the issue's bound: the
/// contract never pays above it.
contract LpRaiseAndRedeemTest is LpFixture {
    TradingHandler internal trading;
    LpHandler internal handler;

    /// Alpha in a 10,000 TAO pool for a spot of `price`, as the LP handler's `_setSpot`.
    function _setSpot(uint256 price) internal {
        // Test values, bounded far below the type limits.
        // forge-lint: disable-next-line(unsafe-typecast)
        alpha.setPool(CHUTES, 10_000e9, uint64(uint256(10_000e9) * 1e18 / price), Bittensor.MECHANISM_DYNAMIC);
    }

    function setUp() public override {
        super.setUp();
        _fundVault(9_000e18);
        MarketId[] memory ids = new MarketId[](2);
        ids[0] = chutes;
        ids[1] = mtsos;
        trading = new TradingHandler(protocol, alpha, indexOracle, owner, CHUTES, ids);
        handler = new LpHandler(protocol, alpha, owner, CHUTES, chutes);
    }

    /// The shrunk sequence up to the block before the failing `manipulateAndClaim`.
    function _replayPrefix() internal {
        trading.open(
            276226,
            62600349492152826,
            false,
            111365339313335067285136357565989959116574,
            1321763385083295168127804850988500
        );
        trading.movePrices(247521518545317509192780406382895, 1);
        handler.manipulateAndClaim(823, 27197212568214705750539588215525253707);
        handler.passTime(4808684612696828234061615);
        trading.reduce(1133420058206111742, 11506, 14776);
        trading.movePrices(1537830819575705824323272, 302456197410343910692927937086079362385846855294574);
        trading.movePrices(16119969081054362639317094749173999649514729690287822923149265650421223, 12172127);
        trading.movePrices(7383, 5589487522659766346836392827714130770049364382077232015290495061615829944);
        handler.manipulateAndClaim(
            16955606974089909459836893699907873228054748957219588746121907192174412906140,
            8327820144015257371574338801659272315897540815376547860312712970303199772671
        );
    }

    /// The whole shrunk sequence through the handlers: the flag stays down.
    function test_shrunkSequence_doesNotRaiseAndRedeem() public {
        _replayPrefix();
        handler.manipulateAndClaim(
            8115980620244996, 115792089210356248756420345214020892766250353992003419616935458270883228942336
        );
        assertFalse(handler.ghostRaisedAndRedeemedInOneBlock());
    }

    /// The failing step by hand, with its numbers: the value after the move equals the value at the accepted price
    /// (never above it), and is above only the value at the truncated spot the handler used to measure.
    function test_failingStep_numbers() public {
        _replayPrefix();
        vm.roll(block.number + 1);
        (uint256 accepted,) = protocol.lastPrice(chutes);
        assertEq(accepted, 0.0179306496e18, "accepted before the block (band-clamped, 10 decimals)");

        // The old bound: a pool set to the accepted price shows it truncated to 9 decimals.
        _setSpot(accepted);
        uint256 spot = protocol.spotPrice(chutes);
        assertEq(spot, 0.017930649e18, "spot 6e-10 below the accepted price");
        (, uint256 truncatedBound) = protocol.shareValue();
        (, int256 truncatedEquity,) = protocol.lpEquity();

        // The bound of the issue: the spot reading exactly the accepted price.
        vm.mockCall(address(alpha), abi.encodeCall(alpha.getAlphaPrice, (CHUTES)), abi.encode(accepted));
        (, uint256 acceptedBound) = protocol.shareValue();
        (, int256 acceptedEquity,) = protocol.lpEquity();
        vm.clearMockedCalls();

        // The attacker's move (priceSeed bound to 0.4 TAO), accepted at the band's edge.
        _setSpot(0.175645065324177441e18);
        protocol.updatePrice(chutes);
        (uint256 moved,) = protocol.lastPrice(chutes);
        (, uint256 w1) = protocol.shareValue();
        (, int256 equity1,) = protocol.lpEquity();
        (, uint256 shortSize) = protocol.marketExposure(chutes);

        console.log("accepted before the block", accepted);
        console.log("spot set for the old bound", spot);
        console.log("accepted after the move", moved);
        console.log("short size", shortSize);
        console.log("old bound (truncated spot)", truncatedBound);
        console.log("bound at the accepted price", acceptedBound);
        console.log("w1 after the move", w1);

        assertEq(moved, accepted * 12 / 10, "clamped at +20%");
        assertEq(shortSize, 1_814.542499034021157166e18);
        assertEq(truncatedBound, 0.995762636087288578e18);
        assertEq(acceptedBound, 0.995762636196161128e18);
        assertEq(w1, acceptedBound, "the move removes only the truncation's extra short gain");
        assertEq(equity1, acceptedEquity);
        assertGt(w1, truncatedBound, "what the old handler flagged");
        // The old bound's shortfall is the shorts' gain between the two prices: 1,814.54e18 x 6e8 / 1e18 wei.
        assertEq(acceptedEquity - truncatedEquity, 1_088_725_499_421);
    }

    /// An LP with a claimable request, winning shorts, and a band-clamped accepted price of 10 decimals: the claim
    /// after the move pays at most its shares at the accepted-price value (the handler's check), and the move does
    /// not raise the withdrawal value above it.
    function test_claimAfterMove_paysAtMostTheAcceptedValue() public {
        handler.deposit(0, 500e18);
        _open(lp2, chutes, false, 50e18, 3e18);
        _at(block.timestamp + 1 hours);
        handler.request(0, 100);
        assertEq(handler.requests(), 1);
        _setSpot(0.033333333e18);
        _at(block.timestamp + 12);
        protocol.updatePrice(chutes);
        _setSpot(0.01e18);
        _at(block.timestamp + 12);
        protocol.updatePrice(chutes);
        (uint256 accepted,) = protocol.lastPrice(chutes);
        assertEq(accepted, 0.0266666664e18, "0.033333333 x 0.8");
        vm.warp(_epochStart(1));
        handler.manipulateAndClaim(0, 0.4e18);
        assertEq(handler.claims(), 1);
        assertFalse(handler.ghostRaisedAndRedeemedInOneBlock());
    }
}
