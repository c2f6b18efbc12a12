// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TradingFixture} from "../trading/TradingFixture.t.sol";
import {LpModule} from "../../../contracts/protocol/modules/LpModule.sol";
import {MegaTAOLpToken} from "../../../contracts/tokens/MegaTAOLpToken.sol";
import {RequestStatus} from "../../../contracts/interfaces/ILpModule.sol";
import {Built} from "../utils/Built.sol";

/// @dev TradingFixture plus the LP module, initialized at `t0` (epoch 0 starts then) with its LP token. The
///      fixture's 1,000 TAO of `fundVault` capital (added before the module) became the owner's shares at
///      `initialize`. Two LPs hold TAO.
abstract contract LpFixture is TradingFixture {
    LpModule internal lpModule;
    MegaTAOLpToken internal lpToken;

    address internal lp1 = makeAddr("lp1");
    address internal lp2 = makeAddr("lp2");

    uint256 internal t0;
    uint256 internal constant EPOCH = 7 days;
    uint256 internal constant WINDOW = 48 hours;

    function setUp() public virtual override {
        super.setUp();
        lpModule = LpModule(Built.deploy("LpModule"));
        lpToken = MegaTAOLpToken(Built.deploy("MegaTAOLpToken", abi.encode(address(router))));
        t0 = block.timestamp;
        vm.startPrank(owner);
        router.setModule(
            lpModule.MODULE_ID(),
            address(lpModule),
            lpModule.exportedSelectors(),
            abi.encodeCall(LpModule.initialize, (address(lpToken)))
        );
        vm.stopPrank();
        vm.deal(lp1, 100_000e18);
        vm.deal(lp2, 100_000e18);
    }

    /// @dev The start of epoch `n` under the genesis schedule.
    function _epochStart(uint256 n) internal view returns (uint256) {
        return t0 + n * EPOCH;
    }

    /// @dev Moves to time `t` in a new block.
    function _at(uint256 t) internal {
        vm.warp(t);
        vm.roll(block.number + 1);
    }

    function _deposit(address who, uint256 amount) internal returns (uint256 shares) {
        vm.prank(who);
        shares = protocol.deposit{value: amount}();
    }

    function _request(address who, uint256 shares) internal {
        vm.prank(who);
        protocol.requestWithdrawal(shares);
    }

    function _claim(address who) internal returns (uint256 amount) {
        vm.prank(who);
        amount = protocol.claimWithdrawal();
    }

    function _status(address who) internal view returns (RequestStatus status) {
        (,, status) = protocol.withdrawalRequest(who);
    }

    function _withdrawalValue() internal view returns (uint256 value) {
        (, value) = protocol.shareValue();
    }

    function _depositValue() internal view returns (uint256 value) {
        (value,) = protocol.shareValue();
    }
}
