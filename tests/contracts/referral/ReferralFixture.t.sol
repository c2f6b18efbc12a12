// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TradingFixture} from "../trading/TradingFixture.t.sol";
import {ReferralModule} from "../../../contracts/protocol/modules/ReferralModule.sol";
import {PositionBuilderModule} from "../../../contracts/protocol/modules/PositionBuilderModule.sol";
import {ReferralTier} from "../../../contracts/interfaces/IReferralModule.sol";
import {MarketId} from "../../../contracts/types/MarketId.sol";
import {Built} from "../utils/Built.sol";

/// @dev TradingFixture plus the referral module and the position builder module; a referrer with code `ALICE_1`
///      (alice), a registered builder (frontend), and the launch tier table of proposals/examples/referral-launch.yaml:
///      one tier "base", referrer 10%, discount 5% for 30 days, builder share 5%.
abstract contract ReferralFixture is TradingFixture {
    ReferralModule internal referralModule;
    PositionBuilderModule internal builderModule;

    address internal frontend = makeAddr("frontend");
    address internal carol = makeAddr("carol");

    bytes32 internal constant ALICE_CODE = "ALICE_1";
    uint256 internal constant TAKER_FEE = 0.0025e18;
    uint256 internal constant INSURANCE_SHARE = 0.1e18;

    function setUp() public virtual override {
        super.setUp();
        referralModule = ReferralModule(Built.deploy("ReferralModule"));
        builderModule = PositionBuilderModule(Built.deploy("PositionBuilderModule"));
        vm.startPrank(owner);
        router.setModule(referralModule.MODULE_ID(), address(referralModule), referralModule.exportedSelectors(), "");
        router.setModule(builderModule.MODULE_ID(), address(builderModule), builderModule.exportedSelectors(), "");
        protocol.setReferralTiers(_tiers1("base", 0.1e18, 0.05e18, 30));
        protocol.setBuilderFeeShare(0.05e18);
        vm.stopPrank();
        vm.prank(alice);
        protocol.registerReferralCode(ALICE_CODE);
        vm.prank(frontend);
        protocol.registerBuilder();
        vm.deal(carol, 100_000e18);
    }

    function _tiers1(bytes32 name, uint256 referrerShare, uint256 discount, uint256 days_)
        internal
        pure
        returns (ReferralTier[] memory tiers)
    {
        tiers = new ReferralTier[](1);
        tiers[0] = ReferralTier(name, referrerShare, discount, days_);
    }

    function _bind(address who, bytes32 code) internal {
        vm.prank(who);
        protocol.bindReferralCode(code);
    }

    function _openWithBuilder(address who, MarketId id, bool isLong, uint256 margin, uint256 leverage, address b)
        internal
        returns (bytes32 positionId)
    {
        vm.prank(who);
        positionId = protocol.openPositionWithBuilder{value: margin}(id, isLong, leverage, isLong ? ANY_BUY_PRICE : ANY_SELL_PRICE, block.timestamp, b);
    }

    /// @dev The taker fee on the notional an open of `margin` at `leverage` buys (rounded up, as `FeeMath.fee`).
    function _grossFee(uint256 margin, uint256 leverage) internal pure returns (uint256) {
        uint256 notional = margin * leverage / 1e18;
        return (notional * TAKER_FEE + 1e18 - 1) / 1e18;
    }

    /// @dev The taker fee on a close of `size` (either sign) on CHUTES at its listing price, below 50% utilization:
    ///      on the close's own notional at its execution price (a long sells at the reference less 0.10%, a short
    ///      buys at it plus 0.10%), rounded up.
    function _closeFee(int256 size) internal pure returns (uint256) {
        uint256 price = size > 0 ? _sellFill(CHUTES_PRICE) : _buyFill(CHUTES_PRICE);
        return (_valueAt(size, price) * TAKER_FEE + 1e18 - 1) / 1e18;
    }

    /// @dev The margin an open of `margin` at `leverage` on an empty CHUTES book keeps after `charged` (the fee less
    ///      the referee's discount) and the skew impact of the size it buys (long) or sells (short).
    function _marginAfterOpen(uint256 margin, uint256 leverage, bool isLong, uint256 charged)
        internal
        pure
        returns (uint256)
    {
        uint256 notional = margin * leverage / 1e18;
        uint256 size = _sizeAt(notional, isLong ? _buyFill(CHUTES_PRICE) : _sellFill(CHUTES_PRICE));
        // Test values, bounded far below the type limits.
        // forge-lint: disable-next-line(unsafe-typecast)
        return margin - charged - _firstChutesImpact(int256(size));
    }

    function _rewards(address who) internal view returns (uint256) {
        return protocol.referralAccount(who).rewards;
    }
}
