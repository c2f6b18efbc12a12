// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ProtocolFixture} from "../protocol/ProtocolFixture.t.sol";
import {Bittensor} from "../../../contracts/libraries/Bittensor.sol";
import {PositionModule} from "../../../contracts/protocol/modules/PositionModule.sol";
import {MarginModule} from "../../../contracts/protocol/modules/MarginModule.sol";
import {OracleStorage} from "../../../contracts/protocol/storage/OracleStorage.sol";
import {PositionViewModule} from "../../../contracts/protocol/modules/PositionViewModule.sol";
import {LiquidationModule} from "../../../contracts/protocol/modules/LiquidationModule.sol";
import {VaultModule} from "../../../contracts/protocol/modules/VaultModule.sol";
import {PositionInfo} from "../../../contracts/interfaces/IPositionViewModule.sol";
import {Vm} from "forge-std/Vm.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SignedMath} from "@openzeppelin/contracts/utils/math/SignedMath.sol";
import {IVaultModule, VaultTotals} from "../../../contracts/interfaces/IVaultModule.sol";
import {ILiquidationModule} from "../../../contracts/interfaces/ILiquidationModule.sol";
import {MarketId} from "../../../contracts/types/MarketId.sol";
import {Built} from "../utils/Built.sol";

/// @dev A contract that refuses TAO: payouts to it are credited for `claim`.
contract TaoRefuser {
    receive() external payable {
        revert("no");
    }
}

/// @dev ProtocolFixture plus the trading modules (position, position views, liquidation, vault with its genesis
///      parameters), CHUTES and MTSOS listed, the vault funded with 1,000 TAO, two funded traders and a keeper.
abstract contract TradingFixture is ProtocolFixture {
    PositionModule internal positionModule;
    MarginModule internal marginModule;
    PositionViewModule internal positionViewModule;
    LiquidationModule internal liquidationModule;
    VaultModule internal vaultModule;

    MarketId internal chutes;
    MarketId internal mtsos;

    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    address internal keeper = makeAddr("keeper");

    uint256 internal constant VAULT_FUNDS = 1_000e18;
    uint256 internal constant WAD = 1e18;
    /// @dev Accept any price: the worst price for a buy, and for a sell.
    uint256 internal constant ANY_BUY_PRICE = type(uint256).max;
    uint256 internal constant ANY_SELL_PRICE = 0;
    /// @dev CHUTES's pool TAO reserve, wei (10,000 TAO): the depth D of its skew impact (depth factor 1.0) and the base
    ///      of its depth cap (5%: 500 TAO of open interest per side at the mark).
    uint256 internal constant POOL_TAO = uint256(POOL_TAO_RAO) * 1e9;
    /// @dev The utilization tier of the execution price below 50% utilization (docs/protocol.md section 3): 0.10%.
    uint256 internal constant LOW_TIER = 0.001e18;

    function setUp() public virtual override {
        super.setUp();
        positionModule = PositionModule(Built.deploy("PositionModule"));
        marginModule = MarginModule(Built.deploy("MarginModule"));
        positionViewModule = PositionViewModule(Built.deploy("PositionViewModule"));
        liquidationModule = LiquidationModule(Built.deploy("LiquidationModule"));
        vaultModule = VaultModule(Built.deploy("VaultModule"));
        vm.startPrank(owner);
        router.setModule(positionModule.MODULE_ID(), address(positionModule), positionModule.exportedSelectors(), "");
        router.setModule(marginModule.MODULE_ID(), address(marginModule), marginModule.exportedSelectors(), "");
        router.setModule(
            positionViewModule.MODULE_ID(), address(positionViewModule), positionViewModule.exportedSelectors(), ""
        );
        router.setModule(
            liquidationModule.MODULE_ID(), address(liquidationModule), liquidationModule.exportedSelectors(), ""
        );
        router.setModule(
            vaultModule.MODULE_ID(),
            address(vaultModule),
            vaultModule.exportedSelectors(),
            abi.encodeCall(VaultModule.initialize, ())
        );
        router.setGuardian(guardianAccount);
        vm.stopPrank();

        chutes = _list(_alphaListing("CHUTES", CHUTES));
        mtsos = _list(_indexListing("MTSOS", address(indexOracle)));
        _fundVault(VAULT_FUNDS);
        vm.deal(alice, 100_000e18);
        vm.deal(bob, 100_000e18);
        // The fee buckets are recorded by events only: `_feeTotals` sums them from here on.
        vm.recordLogs();
    }

    function _fundVault(uint256 amount) internal {
        vm.deal(owner, owner.balance + amount);
        vm.prank(owner);
        protocol.fundVault{value: amount}();
    }

    function _open(address who, MarketId id, bool isLong, uint256 margin, uint256 leverage)
        internal
        returns (bytes32 positionId)
    {
        vm.prank(who);
        positionId = protocol.openPosition{value: margin}(
            id, isLong, leverage, isLong ? ANY_BUY_PRICE : ANY_SELL_PRICE, block.timestamp
        );
    }

    function _close(address who, MarketId id) internal {
        bool isLong = protocol.position(who, id).size > 0;
        vm.prank(who);
        protocol.closePosition(id, isLong ? ANY_SELL_PRICE : ANY_BUY_PRICE, block.timestamp);
    }

    function _reduce(address who, MarketId id, uint256 sizeDelta) internal {
        bool isLong = protocol.position(who, id).size > 0;
        vm.prank(who);
        protocol.reducePosition(id, sizeDelta, isLong ? ANY_SELL_PRICE : ANY_BUY_PRICE, block.timestamp);
    }

    function _increase(address who, MarketId id, uint256 margin, uint256 leverage) internal {
        bool isLong = protocol.position(who, id).size > 0;
        vm.prank(who);
        protocol.increasePosition{value: margin}(
            id, leverage, isLong ? ANY_BUY_PRICE : ANY_SELL_PRICE, block.timestamp
        );
    }

    /// @dev Sets CHUTES's pool to `price` (TAO x 1e18) at the fixture's TAO reserve: the spot only.
    function _setChutesPrice(uint256 price) internal {
        // Test values, bounded far below the type limits.
        // forge-lint: disable-next-line(unsafe-typecast)
        alpha.setPool(CHUTES, POOL_TAO_RAO, uint64(uint256(POOL_TAO_RAO) * WAD / price), Bittensor.MECHANISM_DYNAMIC);
    }

    /// @dev Moves CHUTES's spot and reference price to `price`, as a lasting move followed by the reference would
    ///      (the reference is written directly: its convergence is `OracleModule.t.sol`'s business), in a new block.
    function _moveChutesPrice(uint256 price) internal {
        _setChutesPrice(price);
        vm.roll(block.number + 1);
        vm.warp(block.timestamp + 12);
        _setReference(chutes, protocol.spotPrice(chutes));
    }

    /// @dev Writes `marketId`'s reference price, held reading and block-start reference (its depth reading and
    ///      failure state kept), updated now.
    function _setReference(MarketId marketId, uint256 price) internal {
        bytes32 slot = keccak256(abi.encode(marketId, OracleStorage.SLOT));
        uint256 word = uint256(vm.load(address(router), slot));
        uint256 poolTao = word >> 232;
        vm.store(
            address(router),
            slot,
            bytes32(price | (price << 96) | (uint256(block.timestamp) << 192) | (poolTao << 232))
        );
        bytes32 slot1 = bytes32(uint256(slot) + 1);
        uint256 word1 = uint256(vm.load(address(router), slot1));
        vm.store(address(router), slot1, bytes32((word1 >> 96 << 96) | price));
    }

    /// @dev A buy's execution price below 50% utilization on base price `base` (the higher of spot and reference):
    ///      `base x 1.001`, rounded up (against the trader).
    function _buyFill(uint256 base) internal pure returns (uint256) {
        return Math.mulDiv(base, WAD + LOW_TIER, WAD, Math.Rounding.Ceil);
    }

    /// @dev A sell's execution price below 50% utilization on base price `base` (the lower of spot and reference):
    ///      `base x 0.999`, rounded down (against the trader).
    function _sellFill(uint256 base) internal pure returns (uint256) {
        return base * (WAD - LOW_TIER) / WAD;
    }

    /// @dev The size (1e18 units, unsigned) that `notional` wei buys or sells at `price`.
    function _sizeAt(uint256 notional, uint256 price) internal pure returns (uint256) {
        return notional * WAD / price;
    }

    /// @dev `size` (either sign) valued at `price`, wei, rounded up: open interest at the mark, entry notional.
    function _valueAt(int256 size, uint256 price) internal pure returns (uint256) {
        return Math.mulDiv(SignedMath.abs(size), price, WAD, Math.Rounding.Ceil);
    }

    /// @dev The skew impact (docs/protocol.md section 3) of a fill that moves a market's net size (long - short, 1e18
    ///      units) from `netBefore` to `netAfter`: with `s` the net size valued at the reference price `ref` and `D`
    ///      the `depth` (wei, depth factor 1.0), `max(0, s1^2 - s0^2) / (2D)` wei, rounded up (below the cap of 20% of
    ///      the fill's notional in every test that uses it).
    function _skewImpact(int256 netBefore, int256 netAfter, uint256 ref, uint256 depth)
        internal
        pure
        returns (uint256)
    {
        uint256 s0 = Math.mulDiv(SignedMath.abs(netBefore), ref, WAD);
        uint256 s1 = Math.mulDiv(SignedMath.abs(netAfter), ref, WAD);
        if (s1 <= s0) return 0;
        return Math.mulDiv(s1 - s0, s1 + s0, 2 * depth, Math.Rounding.Ceil);
    }

    /// @dev The skew impact of the first position of `size` (either sign) on CHUTES at its listing price, the book
    ///      empty: e.g. 10 TAO of notional pays about 10^2 / (2 x 10,000) = 0.005 TAO.
    function _firstChutesImpact(int256 size) internal pure returns (uint256) {
        return _skewImpact(0, size, CHUTES_PRICE, POOL_TAO);
    }

    /// @dev Trading fees booked per bucket since `setUp` (`TradingFeeBooked` events), and liquidation fees
    ///      (`LiquidationFeeBooked`): what cumulative counters in storage would hold.
    struct FeeTotals {
        uint256 tradingToVault;
        uint256 tradingToInsurance;
        uint256 tradingToReferral;
        uint256 liquidationToKeepers;
        uint256 liquidationToInsurance;
        uint256 liquidationToVault;
    }

    FeeTotals private feesSoFar;

    /// @dev Adds the fee events recorded since the last call (the recording starts at the end of `setUp`); a test
    ///      that drains the recorded logs itself (`vm.getRecordedLogs`) takes its fees out of these totals.
    function _feeTotals() internal returns (FeeTotals memory) {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter != address(router) || logs[i].topics.length == 0) continue;
            bytes32 topic = logs[i].topics[0];
            if (topic == IVaultModule.TradingFeeBooked.selector) {
                (uint256 toInsurance, uint256 toReferral, uint256 toVault) =
                    abi.decode(logs[i].data, (uint256, uint256, uint256));
                feesSoFar.tradingToInsurance += toInsurance;
                feesSoFar.tradingToReferral += toReferral;
                feesSoFar.tradingToVault += toVault;
            } else if (topic == ILiquidationModule.LiquidationFeeBooked.selector) {
                (uint256 toKeeper, uint256 toInsurance, uint256 toVault) =
                    abi.decode(logs[i].data, (uint256, uint256, uint256));
                feesSoFar.liquidationToKeepers += toKeeper;
                feesSoFar.liquidationToInsurance += toInsurance;
                feesSoFar.liquidationToVault += toVault;
            }
        }
        return feesSoFar;
    }

    function _position(address who, MarketId id) internal view returns (PositionInfo memory) {
        return protocol.position(who, id);
    }

    /// @dev Every wei the protocol holds is in exactly one bucket.
    function _bucketSum() internal view returns (uint256) {
        VaultTotals memory t = protocol.vaultTotals();
        return t.reserves + t.insuranceFund + t.marginsOwed + t.claimsOwed + t.referralBalance;
    }

    function _assertSolvent() internal view {
        assertEq(address(router).balance, _bucketSum(), "balance == buckets");
    }
}
