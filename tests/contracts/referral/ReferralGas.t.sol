// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {console} from "forge-std/console.sol";
import {ReferralFixture} from "./ReferralFixture.t.sol";
import {Bittensor} from "../../../contracts/libraries/Bittensor.sol";
import {IPositionModule} from "../../../contracts/interfaces/IPositionModule.sol";
import {IPositionBuilderModule} from "../../../contracts/interfaces/IPositionBuilderModule.sol";

/// Gas of an open with and without a referrer (and through a builder), measured as `tests/contracts/trading/Gas.t.sol`
/// does: cold (every account and slot cooled, as at the start of a transaction) and warm (a second trader right after
/// the first, with the same referrer). The referrer has earned before and the referees have traded before, as in a
/// program that runs (a referee's first trade is measured apart). The issue's budget, the referral path adds at most
/// 15,000 gas to an open, is asserted on the warm figure as Gas.t.sol asserts its budgets; the cold figure is logged:
/// it adds three cold slots (the referrer's rewards with its tier, the tier, the vault's referral bucket: 12,100 gas)
/// and the referral event to what the plain open already reads (the trader's referee slot).
/// Run: `forge test --match-path tests/contracts/referral/ReferralGas.t.sol -vv`.
contract ReferralGasTest is ReferralFixture {
    uint256 internal constant REFERRAL_BUDGET = 15_000;

    address internal plain1 = makeAddr("plain1");
    address internal plain2 = makeAddr("plain2");
    address internal referee1 = makeAddr("referee1");
    address internal referee2 = makeAddr("referee2");
    address internal dave = makeAddr("dave");
    address internal viaBuilder1 = makeAddr("viaBuilder1");
    address internal viaBuilder2 = makeAddr("viaBuilder2");
    address internal warmup = makeAddr("warmup");
    address internal fresh = makeAddr("fresh");

    function setUp() public override {
        super.setUp();
        address[8] memory traders = [plain1, plain2, referee1, referee2, viaBuilder1, viaBuilder2, warmup, fresh];
        _bind(referee1, ALICE_CODE);
        _bind(referee2, ALICE_CODE);
        // The builder has earned before.
        _openWithBuilder(carol, mtsos, true, 1e18, 2e18, frontend);
        // The market trades already; each trader holds a position elsewhere (and the referees have traded).
        vm.deal(dave, 1_000e18);
        _open(bob, chutes, false, 20e18, 2e18);
        _open(dave, chutes, true, 10e18, 2e18);
        for (uint256 i; i < traders.length; ++i) {
            vm.deal(traders[i], 1_000e18);
            _open(traders[i], mtsos, true, 1e18, 2e18);
        }
        vm.roll(block.number + 1);
        vm.warp(block.timestamp + 1 hours);
        vm.prank(bob);
        protocol.increasePosition{value: 1e18}(chutes, 2e18, ANY_SLIPPAGE); // accrues the market
        vm.roll(block.number + 1);
        vm.warp(block.timestamp + 1 hours);
        assertGt(_rewards(alice), 0, "the referrer has earned before");
    }

    function _measure(address from, bytes memory data, bool cool) internal returns (uint256) {
        if (cool) {
            vm.cool(address(router));
            vm.cool(Bittensor.ALPHA_PRECOMPILE);
            vm.cool(address(positionModule));
            vm.cool(address(builderModule));
            vm.cool(address(vaultModule));
            vm.cool(address(indexOracle));
            vm.cool(from);
        }
        vm.prank(from);
        (bool ok, bytes memory ret) = address(router).call{value: 5e18}(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 0x20), mload(ret))
            }
        }
        return vm.lastCallGas().gasTotalUsed;
    }

    function _openCall() internal view returns (bytes memory) {
        return abi.encodeCall(IPositionModule.openPosition, (chutes, true, 2e18, ANY_SLIPPAGE));
    }

    function _openWithBuilderCall() internal view returns (bytes memory) {
        return
            abi.encodeCall(IPositionBuilderModule.openPositionWithBuilder, (chutes, true, 2e18, ANY_SLIPPAGE, frontend));
    }

    function _log(string memory name, uint256 cold, uint256 warm) internal pure {
        console.log(name);
        console.log("  cold (first touch in the transaction):", cold);
        console.log("  warm (market, vault and referrer touched already):", warm);
    }

    /// With a referrer against without: the difference is the referral path's cost.
    function test_gas_openWithAndWithoutReferrer() public {
        _warmUp();
        uint256 plainCold = _measure(plain1, _openCall(), true);
        uint256 plainWarm = _measure(plain2, _openCall(), false);
        uint256 refCold = _measure(referee1, _openCall(), true);
        uint256 refWarm = _measure(referee2, _openCall(), false);
        _log("openPosition without a referrer", plainCold, plainWarm);
        _log("openPosition with a referrer", refCold, refWarm);
        console.log("referral path: cold +", refCold - plainCold, "warm +", refWarm - plainWarm);
        assertLe(refWarm - plainWarm, REFERRAL_BUDGET, "warm");
    }

    /// Through a builder (no referrer), against the plain open.
    function test_gas_openWithBuilder() public {
        _warmUp();
        uint256 plainCold = _measure(plain1, _openCall(), true);
        uint256 plainWarm = _measure(plain2, _openCall(), false);
        uint256 builderCold = _measure(viaBuilder1, _openWithBuilderCall(), true);
        uint256 builderWarm = _measure(viaBuilder2, _openWithBuilderCall(), false);
        _log("openPositionWithBuilder (no referrer)", builderCold, builderWarm);
        console.log("builder path: cold +", builderCold - plainCold, "warm +", builderWarm - plainWarm);
        assertLe(builderWarm - plainWarm, REFERRAL_BUDGET, "warm");
    }

    /// A referee's first trade writes its first-trade time (same slot as its referrer: no new slot).
    function test_gas_openFirstTradeOfAReferee() public {
        _bind(fresh, ALICE_CODE);
        _warmUp();
        uint256 plainCold = _measure(plain1, _openCall(), true);
        uint256 cold = _measure(fresh, _openCall(), true);
        console.log("openPosition, a referee's first trade: cold", cold, "+", cold - plainCold);
    }

    /// @dev The first protocol call of a test transaction pays a few thousand gas more for what no cooling resets
    ///      (see `GasScalingTest`): one call first makes the cold figures comparable.
    function _warmUp() internal {
        _measure(warmup, _openCall(), true);
    }
}
