// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {console} from "forge-std/console.sol";
import {TradingFixture} from "./TradingFixture.t.sol";
import {MegaTAO} from "../../../contracts/protocol/MegaTAO.sol";
import {VaultModule} from "../../../contracts/protocol/modules/VaultModule.sol";
import {IMegaTAOProtocol} from "../../../contracts/interfaces/IMegaTAOProtocol.sol";
import {Bittensor} from "../../../contracts/libraries/Bittensor.sol";
import {MarginMath} from "../../../contracts/libraries/math/MarginMath.sol";
import {IPositionModule} from "../../../contracts/interfaces/IPositionModule.sol";
import {ILiquidationModule} from "../../../contracts/interfaces/ILiquidationModule.sol";
import {IVaultModule} from "../../../contracts/interfaces/IVaultModule.sol";
import {MarketId} from "../../../contracts/types/MarketId.sol";
import {Built} from "../utils/Built.sol";

/// Gas of each user-facing operation through the entry contract, measured as a user's transaction sees it: every
/// account and storage slot cold (`vm.cool`) as at the start of a transaction, in a market and a vault that already
/// trade (nonzero open interest, indices accruing one hour), the figure being the call's execution gas before
/// refunds (`vm.lastCallGas().gasTotalUsed`; the 21,000 intrinsic gas and calldata are on top). Each figure is
/// also given warm: the same operation by a second account right after, in the same transaction, so that only
/// its own position's storage is cold; the issue's budgets are asserted on that figure. The emulator at 0x0808 adds
/// its own storage reads (~7k cold) that the native precompile does not have.
/// Run: `forge test --match-path tests/contracts/trading/Gas.t.sol -vv`.
contract GasTest is TradingFixture {
    address internal carol = makeAddr("carol");
    address internal dave = makeAddr("dave");

    uint256 internal constant OPEN_BUDGET = 150_000;
    uint256 internal constant CLOSE_BUDGET = 120_000;
    uint256 internal constant LIQUIDATE_BUDGET = 130_000;
    uint256 internal constant ADD_MARGIN_BUDGET = 60_000;

    function setUp() public override {
        super.setUp();
        vm.deal(carol, 1_000e18);
        vm.deal(dave, 1_000e18);
        // The market trades already: both sides have open interest; the traders hold a position elsewhere.
        _open(bob, chutes, false, 20e18, 2e18);
        _open(carol, chutes, true, 10e18, 2e18);
        _open(alice, mtsos, true, 1e18, 2e18);
        _open(dave, chutes, true, 5e18, 3e18);
        // The indices have accrued before (nonzero), as in any market that trades; the keeper holds TAO for gas.
        vm.roll(block.number + 1);
        vm.warp(block.timestamp + 1 hours);
        vm.prank(bob);
        protocol.increasePosition{value: 1e18}(chutes, 2e18, ANY_SLIPPAGE); // accrues the market
        vm.deal(keeper, 1e18);
        vm.roll(block.number + 1);
        vm.warp(block.timestamp + 1 hours);
    }

    /// @dev Cools every account a protocol call touches, then makes it from `from` and returns its gas.
    function _measure(address from, uint256 value, bytes memory data) internal returns (uint256) {
        vm.cool(address(router));
        vm.cool(Bittensor.ALPHA_PRECOMPILE);
        vm.cool(address(positionModule));
        vm.cool(address(positionViewModule));
        vm.cool(address(liquidationModule));
        vm.cool(address(vaultModule));
        vm.cool(address(indexOracle));
        vm.cool(from);
        // A transaction's sender and its target (the entry contract) start warm (EIP-2929): touch both accounts
        // without touching their storage.
        require(address(router).balance + from.balance != type(uint256).max);
        vm.prank(from);
        (bool ok, bytes memory ret) = address(router).call{value: value}(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 0x20), mload(ret))
            }
        }
        return vm.lastCallGas().gasTotalUsed;
    }

    /// @dev The same call without cooling: in a transaction that has touched the same market and vault already.
    function _measureWarm(address from, uint256 value, bytes memory data) internal returns (uint256) {
        vm.prank(from);
        (bool ok, bytes memory ret) = address(router).call{value: value}(data);
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

    function _closeCall() internal view returns (bytes memory) {
        return abi.encodeCall(IPositionModule.closePosition, (chutes, ANY_SLIPPAGE));
    }

    function _openGas(address from) internal returns (uint256) {
        return _measure(from, 5e18, _openCall());
    }

    function _closeGas(address from) internal returns (uint256) {
        return _measure(from, 0, _closeCall());
    }

    function _log(string memory name, uint256 cold, uint256 warm, uint256 budget) internal pure {
        console.log(name);
        console.log("  cold (first touch in the transaction):", cold);
        console.log("  warm (market and vault touched already):", warm, "budget", budget);
    }

    /// Open: a new position (the trader holds one elsewhere).
    /// forge-config: default.isolate = true
    function test_gas_openPosition() public {
        address twin = makeAddr("twin");
        vm.deal(twin, 10e18);
        _open(twin, mtsos, true, 1e18, 2e18);
        uint256 cold = _openGas(alice);
        uint256 warm = _measureWarm(twin, 5e18, _openCall());
        _log("openPosition", cold, warm, OPEN_BUDGET);
        assertLe(warm, OPEN_BUDGET);
    }

    function test_gas_increasePosition() public {
        bytes memory data = abi.encodeCall(IPositionModule.increasePosition, (chutes, 2e18, ANY_SLIPPAGE));
        uint256 cold = _measure(carol, 1e18, data);
        uint256 warm =
            _measureWarm(dave, 1e18, abi.encodeCall(IPositionModule.increasePosition, (chutes, 1e18, ANY_SLIPPAGE)));
        _log("increasePosition", cold, warm, 0);
    }

    function test_gas_reducePosition() public {
        uint256 cold = _measure(
            carol,
            0,
            abi.encodeCall(
                IPositionModule.reducePosition, (chutes, uint256(_position(carol, chutes).size) / 2, ANY_SLIPPAGE)
            )
        );
        uint256 warm = _measureWarm(
            dave,
            0,
            abi.encodeCall(
                IPositionModule.reducePosition, (chutes, uint256(_position(dave, chutes).size) / 2, ANY_SLIPPAGE)
            )
        );
        _log("reducePosition", cold, warm, 0);
    }

    function test_gas_closePosition() public {
        uint256 cold = _closeGas(carol);
        uint256 refund = uint256(int256(vm.lastCallGas().gasRefunded));
        uint256 warm = _measureWarm(dave, 0, _closeCall());
        _log("closePosition", cold, warm, CLOSE_BUDGET);
        console.log("  refund (cold call)", refund);
        assertLe(warm, CLOSE_BUDGET);
    }

    function test_gas_addMargin() public {
        uint256 cold = _measure(carol, 1e18, abi.encodeCall(IPositionModule.addMargin, (chutes)));
        uint256 warm = _measureWarm(dave, 1e18, abi.encodeCall(IPositionModule.addMargin, (chutes)));
        _log("addMargin", cold, warm, ADD_MARGIN_BUDGET);
        assertLe(warm, ADD_MARGIN_BUDGET);
    }

    function test_gas_removeMargin() public {
        uint256 cold = _measure(carol, 0, abi.encodeCall(IPositionModule.removeMargin, (chutes, 1e18)));
        uint256 warm = _measureWarm(bob, 0, abi.encodeCall(IPositionModule.removeMargin, (chutes, 1e18)));
        _log("removeMargin", cold, warm, 0);
    }

    /// Full liquidation of a 3x long past its liquidation price (keeper paid, trader paid).
    function test_gas_liquidate() public {
        address erin = makeAddr("erin");
        vm.deal(erin, 10e18);
        _open(erin, chutes, true, 5e18, 3e18);
        _moveChutesPrice(0.03e18);
        assertTrue(protocol.liquidationStatus(dave, chutes) == MarginMath.LiquidationStatus.Full);
        uint256 cold = _measure(keeper, 0, abi.encodeCall(ILiquidationModule.liquidate, (dave, chutes)));
        uint256 warm = _measureWarm(keeper, 0, abi.encodeCall(ILiquidationModule.liquidate, (erin, chutes)));
        _log("liquidate (full)", cold, warm, LIQUIDATE_BUDGET);
        assertLe(warm, LIQUIDATE_BUDGET);
    }

    function test_gas_liquidatePartial() public {
        address erin = makeAddr("erin");
        vm.deal(erin, 10e18);
        _open(erin, chutes, true, 5e18, 3e18);
        _moveChutesPrice(0.0318e18);
        assertTrue(protocol.liquidationStatus(dave, chutes) == MarginMath.LiquidationStatus.Partial);
        uint256 cold = _measure(keeper, 0, abi.encodeCall(ILiquidationModule.liquidate, (dave, chutes)));
        uint256 warm = _measureWarm(keeper, 0, abi.encodeCall(ILiquidationModule.liquidate, (erin, chutes)));
        _log("liquidate (partial)", cold, warm, LIQUIDATE_BUDGET);
        assertLe(warm, LIQUIDATE_BUDGET);
    }
}

/// Open and close gas do not grow with the number of markets or of other accounts' positions: two protocols built in
/// `setUp` (so both start the test transaction with clean storage), one with 1 market and 4 positions, one with 100
/// markets and 1,004 positions (the 1,000 in the 99 other markets, so that CHUTES's own state matches); the same
/// trader's open and close in CHUTES cost the same within 2%.
contract GasScalingTest is TradingFixture {
    IMegaTAOProtocol internal small;
    IMegaTAOProtocol internal large;
    address internal trader = makeAddr("trader");

    function setUp() public override {
        super.setUp();
        small = _deploy();
        large = _deploy();
        for (uint16 i; i < 99; ++i) {
            uint16 netuid = 200 + i;
            alpha.setPool(netuid, POOL_TAO_RAO, POOL_ALPHA, Bittensor.MECHANISM_DYNAMIC);
            vm.prank(owner);
            large.listMarket(_alphaListing(string(abi.encodePacked("G", vm.toString(netuid))), netuid));
        }
        MarketId[] memory ids = large.marketIds();
        for (uint256 i; i < 1_000; ++i) {
            // Test values, bounded far below the type limits.
            // forge-lint: disable-next-line(unsafe-typecast)
            address other = address(uint160(0x100000 + i));
            vm.deal(other, 1e18);
            vm.prank(other);
            large.openPosition{value: 0.01e18}(ids[1 + i % 99], i % 3 != 0, 2e18, ANY_SLIPPAGE);
        }
        vm.deal(trader, 100e18);
        vm.roll(block.number + 1);
        vm.warp(block.timestamp + 1 hours);
    }

    /// @dev A second entry contract with the same module implementations, CHUTES listed, the vault funded, and the
    ///      fixture's four positions in CHUTES (with the indices accrued once).
    function _deploy() internal returns (IMegaTAOProtocol p) {
        MegaTAO entry = MegaTAO(Built.deploy("MegaTAO", abi.encode(owner)));
        p = IMegaTAOProtocol(address(entry));
        vm.startPrank(owner);
        entry.setModule(marketModule.MODULE_ID(), address(marketModule), marketModule.exportedSelectors(), "");
        entry.setModule(oracleModule.MODULE_ID(), address(oracleModule), oracleModule.exportedSelectors(), "");
        entry.setModule(positionModule.MODULE_ID(), address(positionModule), positionModule.exportedSelectors(), "");
        entry.setModule(
            liquidationModule.MODULE_ID(), address(liquidationModule), liquidationModule.exportedSelectors(), ""
        );
        entry.setModule(
            vaultModule.MODULE_ID(),
            address(vaultModule),
            vaultModule.exportedSelectors(),
            abi.encodeCall(VaultModule.initialize, ())
        );
        p.listMarket(_alphaListing("CHUTES", CHUTES));
        vm.deal(owner, VAULT_FUNDS);
        p.fundVault{value: VAULT_FUNDS}();
        vm.stopPrank();
        address[4] memory traders = [alice, bob, makeAddr("carol"), makeAddr("dave")];
        for (uint256 i; i < 4; ++i) {
            vm.deal(traders[i], traders[i].balance + 10e18);
            vm.prank(traders[i]);
            p.openPosition{value: 5e18}(chutes, i % 2 == 0, 2e18, ANY_SLIPPAGE);
        }
        vm.warp(block.timestamp + 1 hours);
        vm.prank(bob);
        p.increasePosition{value: 1e18}(chutes, 2e18, ANY_SLIPPAGE); // accrues the market
    }

    function _call(IMegaTAOProtocol p, uint256 value, bytes memory data) internal returns (uint256) {
        vm.cool(address(p));
        vm.cool(Bittensor.ALPHA_PRECOMPILE);
        vm.cool(address(positionModule));
        vm.cool(address(vaultModule));
        vm.cool(trader);
        vm.prank(trader);
        (bool ok,) = address(p).call{value: value}(data);
        assertTrue(ok);
        return vm.lastCallGas().gasTotalUsed;
    }

    /// @dev Open then close in `p`, after the same in `other` (the first protocol call of a test transaction pays
    ///      a few thousand gas more for what the two share, e.g. the precompile emulator; measuring each second makes
    ///      the figures comparable).
    function _openThenCloseAfter(IMegaTAOProtocol other, IMegaTAOProtocol p)
        internal
        returns (uint256 openGas, uint256 closeGas)
    {
        bytes memory open = abi.encodeCall(IPositionModule.openPosition, (chutes, true, 2e18, ANY_SLIPPAGE));
        bytes memory close = abi.encodeCall(IPositionModule.closePosition, (chutes, ANY_SLIPPAGE));
        _call(other, 5e18, open);
        openGas = _call(p, 5e18, open);
        vm.roll(block.number + 1);
        vm.warp(block.timestamp + 1 hours);
        _call(other, 0, close);
        closeGas = _call(p, 0, close);
    }

    function test_gas_openAndCloseConstantInMarketsAndPositions() public {
        uint256 snapshot = vm.snapshotState();
        (uint256 openSmall, uint256 closeSmall) = _openThenCloseAfter(large, small);
        vm.revertToState(snapshot);
        (uint256 openLarge, uint256 closeLarge) = _openThenCloseAfter(small, large);
        assertEq(large.marketIds().length, 100);
        console.log("open:  1 market, 4 positions", openSmall);
        console.log("open:  100 markets, 1,004 positions", openLarge);
        console.log("close: 1 market, 4 positions", closeSmall);
        console.log("close: 100 markets, 1,004 positions", closeLarge);
        assertApproxEqRel(openLarge, openSmall, 0.02e18, "open");
        assertApproxEqRel(closeLarge, closeSmall, 0.02e18, "close");
    }
}
