// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {SignedMath} from "@openzeppelin/contracts/utils/math/SignedMath.sol";
import {MarketId} from "../../types/MarketId.sol";
import {IPositionModule} from "../../interfaces/IPositionModule.sol";
import {IPositionErrors} from "../../libraries/errors/PositionErrors.sol";
import {Constants} from "../../libraries/Constants.sol";
import {FeeMath} from "../../libraries/math/FeeMath.sol";
import {PositionMath} from "../../libraries/math/PositionMath.sol";
import {PositionStorage} from "../storage/PositionStorage.sol";
import {PositionLogic} from "../logic/PositionLogic.sol";
import {ReferralLogic} from "../logic/ReferralLogic.sol";
import {TradingLogic} from "../logic/TradingLogic.sol";
import {VaultLogic} from "../logic/VaultLogic.sol";
import {AccrualLogic} from "../logic/AccrualLogic.sol";
import {LpLogic} from "../logic/LpLogic.sol";
import {ModuleBase} from "./ModuleBase.sol";

/// @title What the position modules share: open, increase, reduce and close, each naming a builder (0: none), on
///        the `megatao.storage.position` and `megatao.storage.margin` namespaces (through `PositionLogic`), trading
///        against the vault (`VaultLogic`), every fee routed by the referral program (`ReferralLogic`).
/// @dev Every entry point follows checks, accrual (`TradingLogic.begin`), effects, events, interactions (the payout
///      last). The reentrancy guard is OpenZeppelin's transient one: its slot is shared by every module running in
///      the entry contract, so no protocol function can be re-entered from a payout. Two modules serve these trades:
///      `PositionModule` (the plain entry points, and margin changes) and `PositionBuilderModule` (the `*WithBuilder`
///      ones), which keeps each under the 24,576-byte limit and the plain path's gas as it was.
abstract contract PositionTrading is IPositionErrors, ModuleBase, ReentrancyGuardTransient {
    using SafeCast for uint256;
    using SafeCast for int256;

    /// @dev An increase's fill (memory, against stack depth).
    struct Fill {
        /// @dev Notional bought: margin sent x leverage, wei (the fee's base).
        uint256 notional;
        uint256 price;
        int256 size;
        /// @dev The skew impact, wei (out of the margin sent).
        uint256 impact;
        /// @dev An open's margin: what the TAO sent leaves after the fee and the impact.
        uint256 margin;
        /// @dev The fee charged (the taker fee less the referee's discount), and its routing.
        uint256 fee;
        ReferralLogic.Fee referral;
    }

    /// @dev An increase's figures (memory, against stack depth).
    struct Increase {
        uint256 oldMargin;
        uint256 oldNotional;
        uint256 entryPrice;
        int256 newSize;
        uint256 newNotional;
        uint256 newMargin;
    }

    /// @dev A decrease's figures (memory, against stack depth).
    struct Decrease {
        /// @dev The size closed (signed like the position) and the size left.
        int256 part;
        int256 newSize;
        uint256 margin;
        uint256 notional;
        uint256 newNotional;
        uint256 price;
        /// @dev The closed part's PnL at the fill, capped, less the skew impact.
        int256 pnl;
        uint256 impact;
        /// @dev The fee charged (the taker fee less the referee's discount), and its routing.
        uint256 fee;
        ReferralLogic.Fee referral;
        uint256 payout;
        uint256 newMargin;
    }

    /// @dev Opens the caller's position (see `IPositionModule.openPosition`), `builder` (0: none) named.
    function _open(MarketId marketId, bool isLong, uint256 leverage, uint256 acceptablePrice, address builder)
        internal
        nonReentrant
        returns (bytes32 id)
    {
        PositionStorage.Position storage p;
        (id, p) = PositionLogic.load(msg.sender, marketId);
        if (p.size != 0) revert PositionAlreadyOpen(msg.sender, marketId);
        TradingLogic.Context memory c = TradingLogic.begin(marketId, TradingLogic.Mode.Increase);
        Fill memory f = _fill(c, isLong, leverage, acceptablePrice, builder);
        f.margin = _marginAfter(msg.value, f);
        uint256 notional = PositionMath.notional(f.size, f.price);
        TradingLogic.checkIncrease(c, isLong, SignedMath.abs(f.size));
        _checkHealthy(c, f.size, f.price, f.margin, notional);

        PositionLogic.addToAccount(msg.sender);
        p.size = f.size.toInt112();
        p.entryPrice = f.price.toUint96();
        p.lastIncreaseBlock = uint40(block.number);
        PositionLogic.snapshot(p, c.fundingIndex, c.interestIndex);
        PositionLogic.setMargin(msg.sender, p, 0, f.margin);
        TradingLogic.updateOpenInterest(c, isLong, 0, notional, 0, SignedMath.abs(f.size));
        _bookImpact(id, f.impact);
        ReferralLogic.book(id, msg.sender, f.referral, f.fee);
        emit IPositionModule.PositionOpened(id, msg.sender, marketId, f.size, f.price, f.margin, f.fee);
    }

    /// @dev Adds to the caller's position (see `IPositionModule.increasePosition`), `builder` (0: none) named.
    function _increase(MarketId marketId, uint256 leverage, uint256 acceptablePrice, address builder)
        internal
        nonReentrant
    {
        (bytes32 id, PositionStorage.Position storage p) = PositionLogic.existing(msg.sender, marketId);
        TradingLogic.Context memory c = TradingLogic.begin(marketId, TradingLogic.Mode.Increase);
        bool isLong = p.size > 0;
        Fill memory f = _fill(c, isLong, leverage, acceptablePrice, builder);
        Increase memory g;
        g.oldMargin = p.margin;
        g.oldNotional = PositionLogic.entryNotional(p);
        // The margin before the fee bounds the leverage, as on an open.
        uint256 marginBeforeFee = PositionLogic.settle(
            msg.sender, marketId, id, p, g.oldNotional, c.fundingIndex, c.interestIndex, msg.value
        );
        g.entryPrice = PositionMath.averageEntryPrice(
            SignedMath.abs(p.size), p.entryPrice, SignedMath.abs(f.size), f.price, isLong
        );
        g.newSize = p.size + f.size;
        g.newNotional = PositionMath.notional(g.newSize, g.entryPrice);
        if (g.newNotional > Math.mulDiv(marginBeforeFee, c.params.maxLeverage, Constants.WAD)) {
            revert LeverageOutOfBounds(
                PositionMath.leverage(g.newNotional, marginBeforeFee), Constants.MIN_LEVERAGE, c.params.maxLeverage
            );
        }
        g.newMargin = _marginAfter(marginBeforeFee, f);
        TradingLogic.checkIncrease(c, isLong, SignedMath.abs(f.size));
        _checkHealthy(c, g.newSize, g.entryPrice, g.newMargin, g.newNotional);

        p.size = g.newSize.toInt112();
        p.entryPrice = g.entryPrice.toUint96();
        p.lastIncreaseBlock = uint40(block.number);
        PositionLogic.setMargin(msg.sender, p, g.oldMargin, g.newMargin);
        TradingLogic.updateOpenInterest(
            c, isLong, g.oldNotional, g.newNotional, SignedMath.abs(g.newSize - f.size), SignedMath.abs(g.newSize)
        );
        _bookImpact(id, f.impact);
        ReferralLogic.book(id, msg.sender, f.referral, f.fee);
        emit IPositionModule.PositionIncreased(
            id, f.size, f.price, msg.value, f.fee, g.newSize, g.entryPrice, g.newMargin
        );
    }

    /// @dev Reduces the caller's position (see `IPositionModule.reducePosition`), `builder` (0: none) named.
    function _reduce(MarketId marketId, uint256 sizeDelta, uint256 acceptablePrice, address builder)
        internal
        nonReentrant
    {
        (bytes32 id, PositionStorage.Position storage p) = _closable(marketId);
        uint256 sizeAbs = SignedMath.abs(p.size);
        if (sizeDelta == 0 || sizeDelta >= sizeAbs) revert InvalidReduceSize(sizeDelta, sizeAbs);
        TradingLogic.Context memory c = TradingLogic.begin(marketId, TradingLogic.Mode.Decrease);
        bool isLong = p.size > 0;
        Decrease memory d;
        d.part = isLong ? sizeDelta.toInt256() : -sizeDelta.toInt256();
        d.newSize = p.size - d.part;
        d.notional = PositionLogic.entryNotional(p);
        d.margin = p.margin;
        uint256 netMargin =
            PositionLogic.settle(msg.sender, marketId, id, p, d.notional, c.fundingIndex, c.interestIndex, 0);
        uint256 released = PositionMath.proportionalMargin(netMargin, sizeDelta, sizeAbs);
        _exitFill(c, d, p.entryPrice, released, acceptablePrice);
        d.newNotional = PositionMath.notional(d.newSize, p.entryPrice);
        if (d.newNotional < Constants.MIN_POSITION_NOTIONAL) {
            revert PositionNotionalTooSmall(d.newNotional, Constants.MIN_POSITION_NOTIONAL);
        }
        d.referral = ReferralLogic.quote(
            msg.sender, builder, FeeMath.fee(PositionMath.notional(d.part, d.price), c.params.takerFee)
        );
        d.fee = d.referral.gross - d.referral.discount;
        // The reserves pay the closed part's gain (less any shortfall) or take its loss and the impact.
        d.pnl -= VaultLogic.addReserves(id, -d.pnl).toInt256();
        int256 gross = released.toInt256() + d.pnl - d.fee.toInt256();
        if (gross >= 0) {
            // Gross >= 0 in this branch.
            // forge-lint: disable-next-line(unsafe-typecast)
            d.payout = uint256(gross);
            d.newMargin = netMargin - released;
        } else {
            // The closed part lost more than its share of the margin: the rest of the position pays.
            int256 left = (netMargin - released).toInt256() + gross;
            if (left < 0) revert PositionUnderwater(msg.sender, marketId, left);
            // Left >= 0, checked above.
            // forge-lint: disable-next-line(unsafe-typecast)
            d.newMargin = uint256(left);
        }
        TradingLogic.checkMinMargin(d.newMargin);

        p.size = d.newSize.toInt112();
        PositionLogic.setMargin(msg.sender, p, d.margin, d.newMargin);
        TradingLogic.updateOpenInterest(c, isLong, d.notional, d.newNotional, sizeAbs, SignedMath.abs(d.newSize));
        if (d.impact != 0) emit IPositionModule.PriceImpactCharged(id, d.impact);
        ReferralLogic.book(id, msg.sender, d.referral, d.fee);
        emit IPositionModule.PositionDecreased(id, d.part, d.price, d.pnl, d.fee, d.payout, d.newSize, d.newMargin);
        VaultLogic.updateCircuitBreaker();
        VaultLogic.payOut(msg.sender, d.payout, VaultLogic.ALL_GAS);
    }

    /// @dev Closes the caller's position (see `IPositionModule.closePosition`), `builder` (0: none) named.
    function _close(MarketId marketId, uint256 acceptablePrice, address builder) internal nonReentrant {
        (bytes32 id, PositionStorage.Position storage p) = _closable(marketId);
        TradingLogic.Context memory c = TradingLogic.begin(marketId, TradingLogic.Mode.Decrease);
        int256 size = p.size;
        bool isLong = size > 0;
        Decrease memory d;
        d.part = size;
        d.notional = PositionLogic.entryNotional(p);
        d.margin = p.margin;
        _exitFill(c, d, p.entryPrice, d.margin, acceptablePrice);
        d.referral = ReferralLogic.quote(
            msg.sender, builder, FeeMath.fee(PositionMath.notional(size, d.price), c.params.takerFee)
        );
        d.fee = d.referral.gross - d.referral.discount;
        int256 equity = _equityAndSettle(id, p, d, c);

        PositionLogic.removeFromAccount(msg.sender);
        PositionLogic.setMargin(msg.sender, p, d.margin, 0);
        delete PositionStorage.load().positions[id];
        TradingLogic.updateOpenInterest(c, isLong, d.notional, 0, SignedMath.abs(size), 0);
        (uint256 available,) = VaultLogic.exit(id, d.margin, equity);
        uint256 feeCollected = Math.min(d.fee, available);
        d.payout = available - feeCollected;
        if (d.impact != 0) emit IPositionModule.PriceImpactCharged(id, d.impact);
        ReferralLogic.book(id, msg.sender, d.referral, feeCollected);
        emit IPositionModule.PositionDecreased(id, size, d.price, d.pnl, feeCollected, d.payout, 0, 0);
        VaultLogic.updateCircuitBreaker();
        VaultLogic.payOut(msg.sender, d.payout, VaultLogic.ALL_GAS);
    }

    // ---------------------------------------------------------------- internals

    /// @dev Every trade entry point: not after the trader's `deadline` (after `onlyDelegateCall`, so that a direct call
    ///      to the module always names the delegate-call guard).
    modifier beforeDeadline(uint256 deadline) {
        TradingLogic.checkDeadline(deadline);
        _;
    }

    /// @dev The caller's position in `marketId`, which must exist and not have grown in this block.
    function _closable(MarketId marketId) private view returns (bytes32 id, PositionStorage.Position storage p) {
        (id, p) = PositionLogic.existing(msg.sender, marketId);
        if (p.lastIncreaseBlock == block.number) revert SameBlockAsIncrease(msg.sender, marketId);
    }

    /// @dev Reverts unless a position of `size` entered at `entryPrice` with `margin` (entry notional `notional`) is
    ///      out of the liquidation band: MR >= MM + band, measured as a liquidation measures it.
    function _checkHealthy(
        TradingLogic.Context memory c,
        int256 size,
        uint256 entryPrice,
        uint256 margin,
        uint256 notional
    ) private view {
        int256 pnl = PositionMath.pnl(size, entryPrice, TradingLogic.favourablePrice(c, size > 0));
        PositionLogic.checkMarginRatio(
            msg.sender,
            c.marketId,
            margin.toInt256() + pnl,
            PositionLogic.marginNotional(size, notional, c.prices.ref),
            uint256(c.params.maintenanceMargin) + c.params.partialLiquidationBand
        );
    }

    /// @dev Prices an increase paid with `msg.value` at `leverage`: checks the value, the leverage, the minimum
    ///      notional and the acceptable price; the fee is the taker fee on the notional bought, less the referee's
    ///      discount, `builder` (0: none) named; the impact is the skew impact of the size bought.
    function _fill(
        TradingLogic.Context memory c,
        bool isLong,
        uint256 leverage,
        uint256 acceptablePrice,
        address builder
    ) private view returns (Fill memory f) {
        TradingLogic.checkRaoMultiple(msg.value);
        uint256 maxLeverage = c.params.maxLeverage;
        if (leverage < Constants.MIN_LEVERAGE || leverage > maxLeverage) {
            revert LeverageOutOfBounds(leverage, Constants.MIN_LEVERAGE, maxLeverage);
        }
        f.notional = PositionMath.notionalFromMargin(msg.value, leverage);
        if (f.notional < Constants.MIN_POSITION_NOTIONAL) {
            revert PositionNotionalTooSmall(f.notional, Constants.MIN_POSITION_NOTIONAL);
        }
        f.price = TradingLogic.executionPrice(c, isLong);
        f.size = PositionMath.sizeFromNotional(f.notional, f.price, isLong);
        uint256 sizeAbs = SignedMath.abs(f.size);
        f.impact = TradingLogic.skewImpact(c, f.size, f.notional);
        TradingLogic.checkAcceptable(f.price, f.impact, sizeAbs, isLong, acceptablePrice);
        f.referral = ReferralLogic.quote(msg.sender, builder, FeeMath.fee(f.notional, c.params.takerFee));
        f.fee = f.referral.gross - f.referral.discount;
    }

    /// @dev The margin `funds` leaves after a fill's fee and impact; at least the min margin.
    function _marginAfter(uint256 funds, Fill memory f) private view returns (uint256 margin) {
        uint256 cost = f.fee + f.impact;
        margin = funds > cost ? funds - cost : 0;
        TradingLogic.checkMinMargin(margin);
    }

    /// @dev Prices the exit of `d.part` (the position's side: a long sells) at the execution price with its skew
    ///      impact, checks the acceptable price, and sets `d.pnl` to the part's PnL (capped at the max profit multiple
    ///      of `margin`, the margin closed with it) less the impact.
    function _exitFill(
        TradingLogic.Context memory c,
        Decrease memory d,
        uint256 entryPrice,
        uint256 margin,
        uint256 acceptablePrice
    ) private view {
        bool buy = d.part < 0;
        d.price = TradingLogic.executionPrice(c, buy);
        d.impact = TradingLogic.skewImpact(c, -d.part, PositionMath.notional(d.part, d.price));
        TradingLogic.checkAcceptable(d.price, d.impact, SignedMath.abs(d.part), buy, acceptablePrice);
        d.pnl = TradingLogic.capProfit(PositionMath.pnl(d.part, entryPrice, d.price), margin) - d.impact.toInt256();
    }

    /// @dev Books an open or increase's skew impact (paid out of the margin sent) to the reserves.
    function _bookImpact(bytes32 id, uint256 impact) private {
        if (impact == 0) return;
        VaultLogic.addReserves(id, impact.toInt256());
        emit IPositionModule.PriceImpactCharged(id, impact);
    }

    /// @dev A closing position's equity at the fill (`margin + pnl - funding - interest`), with the funding and
    ///      interest reported.
    function _equityAndSettle(
        bytes32 id,
        PositionStorage.Position storage p,
        Decrease memory d,
        TradingLogic.Context memory c
    ) private returns (int256 equity) {
        (int256 funding, uint256 interest) = AccrualLogic.owed(p, d.notional, c.fundingIndex, c.interestIndex);
        LpLogic.settleFunding(c.marketId, p.size > 0, funding);
        if (funding != 0 || interest != 0) emit IPositionModule.PositionSettled(id, funding, interest);
        return d.margin.toInt256() + d.pnl - funding - interest.toInt256();
    }
}

/// @title The position module: isolated positions opened, changed and closed without a builder.
contract PositionModule is IPositionModule, PositionTrading {
    using SafeCast for uint256;

    /// @notice This module's id in the entry contract's registry.
    bytes32 public constant MODULE_ID = "position";

    /// @inheritdoc ModuleBase
    function moduleId() external pure override returns (bytes32) {
        return MODULE_ID;
    }

    /// @inheritdoc ModuleBase
    function exportedSelectors() external pure virtual override returns (bytes4[] memory selectors) {
        selectors = new bytes4[](4);
        selectors[0] = IPositionModule.openPosition.selector;
        selectors[1] = IPositionModule.increasePosition.selector;
        selectors[2] = IPositionModule.reducePosition.selector;
        selectors[3] = IPositionModule.closePosition.selector;
    }

    // ---------------------------------------------------------------- trading

    /// @inheritdoc IPositionModule
    function openPosition(MarketId marketId, bool isLong, uint256 leverage, uint256 acceptablePrice, uint256 deadline)
        external
        payable
        onlyDelegateCall
        beforeDeadline(deadline)
        returns (bytes32)
    {
        return _open(marketId, isLong, leverage, acceptablePrice, address(0));
    }

    /// @inheritdoc IPositionModule
    function increasePosition(MarketId marketId, uint256 leverage, uint256 acceptablePrice, uint256 deadline)
        external
        payable
        onlyDelegateCall
        beforeDeadline(deadline)
    {
        _increase(marketId, leverage, acceptablePrice, address(0));
    }

    /// @inheritdoc IPositionModule
    function reducePosition(MarketId marketId, uint256 sizeDelta, uint256 acceptablePrice, uint256 deadline)
        external
        onlyDelegateCall
        beforeDeadline(deadline)
    {
        _reduce(marketId, sizeDelta, acceptablePrice, address(0));
    }

    /// @inheritdoc IPositionModule
    function closePosition(MarketId marketId, uint256 acceptablePrice, uint256 deadline)
        external
        onlyDelegateCall
        beforeDeadline(deadline)
    {
        _close(marketId, acceptablePrice, address(0));
    }
}
