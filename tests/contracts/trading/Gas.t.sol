// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {console} from "forge-std/console.sol";
import {TradingFixture} from "./TradingFixture.t.sol";
import {MegaTAO} from "../../../contracts/protocol/MegaTAO.sol";
import {VaultModule} from "../../../contracts/protocol/modules/VaultModule.sol";
import {IMegaTAOProtocol} from "../../../contracts/interfaces/IMegaTAOProtocol.sol";
import {Bittensor} from "../../../contracts/libraries/Bittensor.sol";
import {IPositionModule} from "../../../contracts/interfaces/IPositionModule.sol";
import {MarketId} from "../../../contracts/types/MarketId.sol";
import {Built} from "../utils/Built.sol";

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
            // 0.11 TAO: above the min margin (0.1 TAO) after the fee.
            large.openPosition{value: 0.11e18}(ids[1 + i % 99], i % 3 != 0, 2e18, i % 3 != 0 ? ANY_BUY_PRICE : ANY_SELL_PRICE, block.timestamp);
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
            p.openPosition{value: 5e18}(chutes, i % 2 == 0, 2e18, i % 2 == 0 ? ANY_BUY_PRICE : ANY_SELL_PRICE, block.timestamp);
        }
        vm.warp(block.timestamp + 1 hours);
        // Bob is short: an increase sells, bounded from below.
        vm.prank(bob);
        p.increasePosition{value: 1e18}(chutes, 2e18, ANY_SELL_PRICE, block.timestamp); // accrues the market
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
        bytes memory open = abi.encodeCall(IPositionModule.openPosition, (chutes, true, 2e18, ANY_BUY_PRICE, block.timestamp + 1 days));
        bytes memory close = abi.encodeCall(IPositionModule.closePosition, (chutes, ANY_SELL_PRICE, block.timestamp + 1 days));
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
