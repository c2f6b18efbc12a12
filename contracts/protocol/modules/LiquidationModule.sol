// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {SignedMath} from "@openzeppelin/contracts/utils/math/SignedMath.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {MarketId, MarketStatus} from "../../types/MarketId.sol";
import {ILiquidationModule} from "../../interfaces/ILiquidationModule.sol";
import {IPositionModule} from "../../interfaces/IPositionModule.sol";
import {Constants} from "../../libraries/Constants.sol";
import {LiquidationMath} from "../../libraries/math/LiquidationMath.sol";
import {MarginMath} from "../../libraries/math/MarginMath.sol";
import {PositionMath} from "../../libraries/math/PositionMath.sol";
import {FeeStorage} from "../storage/FeeStorage.sol";
import {FundingStorage} from "../storage/FundingStorage.sol";
import {MarketStorage} from "../storage/MarketStorage.sol";
import {PositionStorage} from "../storage/PositionStorage.sol";
import {VaultStorage} from "../storage/VaultStorage.sol";
import {AccrualLogic} from "../logic/AccrualLogic.sol";
import {LpLogic} from "../logic/LpLogic.sol";
import {OracleLogic} from "../logic/OracleLogic.sol";
import {PositionLogic} from "../logic/PositionLogic.sol";
import {TradingLogic} from "../logic/TradingLogic.sol";
import {VaultLogic} from "../logic/VaultLogic.sol";
import {ModuleBase} from "./ModuleBase.sol";

/// @title The liquidation module: permissionless liquidations and auto-deleveraging, and the liquidation fee's and
///        risk governance parameters (in `megatao.storage.fee` and `megatao.storage.vault`). Positions of a settled
///        market close through `IMarketModule.closeSettledPosition`.
/// @dev A position is liquidatable when its margin ratio (on its margin notional, `PositionLogic.marginNotional`) is
///      below MM + band at each of the spot, the reference price and the block's starting reference, and it closes at
///      the reference price: neither a pool pushed against it nor one pushed for it in the same transaction changes
///      what it receives. Every entry point is `nonReentrant` (the transient guard shared by all modules); the keeper's
///      share is sent last, the trader's rest is sent with a gas limit and credited for `claim` if that fails (so a
///      trader cannot block its liquidation).
contract LiquidationModule is ILiquidationModule, ModuleBase, ReentrancyGuardTransient {
    using SafeCast for uint256;
    using SafeCast for int256;

    /// @notice This module's id in the entry contract's registry.
    bytes32 public constant MODULE_ID = "liquidation";

    /// @dev An auto-deleveraging's figures (memory, against stack depth).
    struct Exit {
        bytes32 positionId;
        int256 size;
        uint256 sizeAbs;
        uint256 notional;
        uint256 price;
        int256 pnl;
        uint256 payout;
    }

    /// @dev A liquidation's figures (memory, against stack depth).
    struct Liquidation {
        bytes32 positionId;
        int256 size;
        uint256 sizeAbs;
        uint256 margin;
        uint256 notional;
        int256 funding;
        uint256 interest;
        int256 equity;
        uint256 feeRate;
        uint256 keeperShare;
        uint256 insuranceShare;
        uint256 toKeeper;
        uint256 toInsurance;
        uint256 toVault;
        uint256 minKeeperFee;
        /// @dev What its margin ratio is measured on (`PositionLogic.marginNotional`).
        uint256 marginNotional;
    }

    /// @inheritdoc ModuleBase
    function moduleId() external pure override returns (bytes32) {
        return MODULE_ID;
    }

    /// @inheritdoc ModuleBase
    function exportedSelectors() external pure virtual override returns (bytes4[] memory selectors) {
        selectors = new bytes4[](8);
        selectors[0] = ILiquidationModule.liquidate.selector;
        selectors[1] = ILiquidationModule.liquidationStatus.selector;
        selectors[2] = ILiquidationModule.liquidationParams.selector;
        selectors[3] = ILiquidationModule.setLiquidationFee.selector;
        selectors[4] = ILiquidationModule.setLiquidationFeeSplit.selector;
        selectors[5] = ILiquidationModule.autoDeleverage.selector;
        selectors[6] = ILiquidationModule.riskParams.selector;
        selectors[7] = ILiquidationModule.setRiskParams.selector;
    }

    /// @inheritdoc ILiquidationModule
    function liquidate(address account, MarketId marketId)
        external
        onlyDelegateCall
        nonReentrant
        returns (bool full, int256 sizeClosed)
    {
        Liquidation memory l;
        PositionStorage.Position storage p;
        (l.positionId, p) = PositionLogic.existing(account, marketId);
        TradingLogic.Context memory c = TradingLogic.begin(marketId, TradingLogic.Mode.Liquidate);
        l.size = p.size;
        l.sizeAbs = SignedMath.abs(l.size);
        l.margin = p.margin;
        l.notional = PositionLogic.entryNotional(p);
        (l.funding, l.interest) = AccrualLogic.owed(p, l.notional, c.fundingIndex, c.interestIndex);
        // Both outcomes (partial and full) settle the funding.
        LpLogic.settleFunding(marketId, l.size > 0, l.funding);
        uint256 price = c.prices.ref;
        l.marginNotional = PositionLogic.marginNotional(l.size, l.notional, price);
        l.equity = MarginMath.equity(l.margin, PositionMath.pnl(l.size, p.entryPrice, price), l.funding, l.interest);
        // Liquidatable only when under water at all three prices: the status at the best one for the trader.
        int256 best = MarginMath.marginRatio(
            MarginMath.equity(
                l.margin,
                PositionMath.pnl(l.size, p.entryPrice, TradingLogic.favourablePrice(c, l.size > 0)),
                l.funding,
                l.interest
            ),
            l.marginNotional
        );
        MarginMath.LiquidationStatus status =
            MarginMath.status(best, c.params.maintenanceMargin, c.params.partialLiquidationBand);
        if (status == MarginMath.LiquidationStatus.None) revert NotLiquidatable(account, marketId, best);
        FeeStorage.Layout storage fees = FeeStorage.load();
        l.feeRate = fees.liquidationFee;
        l.keeperShare = fees.liquidationKeeperShare;
        (l.insuranceShare, l.minKeeperFee) = (fees.liquidationInsuranceShare, fees.minKeeperFee);
        if (l.funding != 0 || l.interest != 0) {
            emit IPositionModule.PositionSettled(l.positionId, l.funding, l.interest);
        }

        if (status == MarginMath.LiquidationStatus.Partial) {
            uint256 closeAbs = LiquidationMath.partialCloseSize(
                l.sizeAbs,
                l.equity,
                l.marginNotional,
                uint256(c.params.maintenanceMargin) + c.params.partialLiquidationBand
                    + Constants.PARTIAL_LIQUIDATION_TARGET_BUFFER,
                l.feeRate
            );
            sizeClosed = l.size > 0 ? closeAbs.toInt256() : -closeAbs.toInt256();
            if (closeAbs < l.sizeAbs && _partial(account, p, c, l, sizeClosed)) {
                _finish(l, msg.sender, account, 0);
                emit PositionLiquidated(l.positionId, account, marketId, msg.sender, sizeClosed, price, 0, 0, false);
                return (false, sizeClosed);
            }
        }
        (uint256 toTrader, uint256 badDebt) = _full(account, p, c, l);
        toTrader = _finish(l, msg.sender, account, toTrader);
        emit PositionLiquidated(l.positionId, account, marketId, msg.sender, l.size, price, toTrader, badDebt, true);
        return (true, l.size);
    }

    /// @inheritdoc ILiquidationModule
    function autoDeleverage(address account, MarketId marketId)
        external
        onlyDelegateCall
        nonReentrant
        returns (int256 sizeClosed)
    {
        Exit memory e;
        PositionStorage.Position storage p;
        (e.positionId, p) = PositionLogic.existing(account, marketId);
        TradingLogic.Context memory c = TradingLogic.begin(marketId, TradingLogic.Mode.Liquidate);
        e.price = c.prices.ref;
        e.size = p.size;
        e.sizeAbs = SignedMath.abs(e.size);
        e.notional = PositionLogic.entryNotional(p);
        uint256 closeAbs = _adlSize(account, c, p, e);
        sizeClosed = e.size > 0 ? closeAbs.toInt256() : -closeAbs.toInt256();
        uint256 netMargin = PositionLogic.settle(
            account, marketId, e.positionId, p, e.notional, c.fundingIndex, c.interestIndex, 0
        );
        uint256 released = PositionMath.proportionalMargin(netMargin, closeAbs, e.sizeAbs);
        e.pnl = TradingLogic.capProfit(PositionMath.pnl(sizeClosed, p.entryPrice, e.price), released);
        e.pnl -= VaultLogic.addReserves(e.positionId, -e.pnl).toInt256();
        // A profitable part's PnL is positive (capped, less any reserves shortfall, at least 0).
        e.payout = released + e.pnl.toUint256();
        uint256 newNotional = PositionMath.notional(e.size - sizeClosed, p.entryPrice);
        if (closeAbs == e.sizeAbs) {
            PositionLogic.removeFromAccount(account);
            PositionLogic.setMargin(account, p, p.margin, 0);
            delete PositionStorage.load().positions[e.positionId];
        } else {
            p.size = (e.size - sizeClosed).toInt112();
            PositionLogic.setMargin(account, p, p.margin, netMargin - released);
        }
        TradingLogic.updateOpenInterest(c, e.size > 0, e.notional, newNotional, e.sizeAbs, e.sizeAbs - closeAbs);
        emit AutoDeleveraged(e.positionId, account, marketId, msg.sender, sizeClosed, e.price, e.pnl, e.payout);
        VaultLogic.updateCircuitBreaker();
        VaultLogic.payOut(account, e.payout, VaultLogic.TRADER_PAYOUT_GAS);
    }

    /// @inheritdoc ILiquidationModule
    function liquidationStatus(address account, MarketId marketId)
        external
        view
        onlyDelegateCall
        returns (MarginMath.LiquidationStatus)
    {
        return PositionLogic.info(account, marketId).liquidationStatus;
    }

    /// @inheritdoc ILiquidationModule
    function liquidationParams()
        external
        view
        onlyDelegateCall
        returns (uint256 fee, uint256 keeperShare, uint256 insuranceShare, uint256 vaultShare)
    {
        FeeStorage.Layout storage f = FeeStorage.load();
        return (f.liquidationFee, f.liquidationKeeperShare, f.liquidationInsuranceShare, f.liquidationVaultShare);
    }

    /// @inheritdoc ILiquidationModule
    function setLiquidationFee(uint256 fee) external onlyDelegateCall onlyOwner {
        if (fee > Constants.MAX_LIQUIDATION_FEE) {
            revert LiquidationFeeOutOfBounds(fee, 0, Constants.MAX_LIQUIDATION_FEE);
        }
        FeeStorage.Layout storage f = FeeStorage.load();
        uint256 previous = f.liquidationFee;
        // Fee <= MAX_LIQUIDATION_FEE (0.1e18), checked above.
        // forge-lint: disable-next-line(unsafe-typecast)
        f.liquidationFee = uint64(fee);
        emit LiquidationFeeSet(previous, fee);
    }

    /// @inheritdoc ILiquidationModule
    function setLiquidationFeeSplit(uint256 keeperShare, uint256 insuranceShare, uint256 vaultShare)
        external
        onlyDelegateCall
        onlyOwner
    {
        if (
            keeperShare > Constants.WAD || insuranceShare > Constants.WAD || vaultShare > Constants.WAD
                || keeperShare + insuranceShare + vaultShare != Constants.WAD
        ) revert LiquidationFeeSplitInvalid(keeperShare, insuranceShare, vaultShare);
        FeeStorage.Layout storage f = FeeStorage.load();
        // Each share is at most 1e18, checked above.
        // forge-lint: disable-start(unsafe-typecast)
        f.liquidationKeeperShare = uint64(keeperShare);
        f.liquidationInsuranceShare = uint64(insuranceShare);
        f.liquidationVaultShare = uint64(vaultShare);
        // forge-lint: disable-end(unsafe-typecast)
        emit LiquidationFeeSplitSet(keeperShare, insuranceShare, vaultShare);
    }

    /// @inheritdoc ILiquidationModule
    function riskParams()
        external
        view
        onlyDelegateCall
        returns (uint256 minMargin, uint256 minKeeperFee, uint256 maxPnlFactor, uint256 maxProfitMultiple)
    {
        VaultStorage.RiskParams storage risk = VaultStorage.load().risk;
        return (risk.minMargin, FeeStorage.load().minKeeperFee, risk.maxPnlFactor, risk.maxProfitMultiple);
    }

    /// @inheritdoc ILiquidationModule
    function setRiskParams(uint256 minMargin, uint256 minKeeperFee, uint256 maxPnlFactor, uint256 maxProfitMultiple)
        external
        onlyDelegateCall
        onlyOwner
    {
        _checkBound("minKeeperFee", minKeeperFee, 0, Constants.MAX_MIN_KEEPER_FEE);
        _checkBound("minMargin", minMargin, minKeeperFee, Constants.MAX_MIN_MARGIN);
        _checkBound("maxPnlFactor", maxPnlFactor, Constants.MIN_MAX_PNL_FACTOR, Constants.MAX_MAX_PNL_FACTOR);
        _checkBound(
            "maxProfitMultiple",
            maxProfitMultiple,
            Constants.MIN_MAX_PROFIT_MULTIPLE,
            Constants.MAX_MAX_PROFIT_MULTIPLE
        );
        // Each at most 18e18 (checked above), below 2^64.
        // forge-lint: disable-next-line(unsafe-typecast)
        VaultStorage.load().risk =
            VaultStorage.RiskParams(uint64(minMargin), uint64(maxPnlFactor), uint64(maxProfitMultiple));
        FeeStorage.load().minKeeperFee = uint64(minKeeperFee);
        emit RiskParamsSet(minMargin, minKeeperFee, maxPnlFactor, maxProfitMultiple);
    }

    // ---------------------------------------------------------------- internals

    function _checkBound(bytes32 name, uint256 value, uint256 min, uint256 max) private pure {
        if (value < min || value > max) revert RiskParamOutOfBounds(name, value, min, max);
    }

    /// @dev The size an auto-deleveraging closes: just enough of the position's profit to bring the market back under
    ///      its cap, all of it if the rest would fall below the minimum notional. Reverts unless the market is over
    ///      its cap and the position eligible.
    function _adlSize(
        address account,
        TradingLogic.Context memory c,
        PositionStorage.Position storage p,
        Exit memory e
    ) private view returns (uint256 closeAbs) {
        uint256 excess = _adlExcess(c, e.price);
        int256 positionPnl = PositionMath.pnl(e.size, p.entryPrice, e.price);
        _checkAdlEligible(account, c, e.size > 0, positionPnl, e.notional, e.price);
        closeAbs = Math.min(Math.mulDiv(excess, e.sizeAbs, positionPnl.toUint256(), Math.Rounding.Ceil), e.sizeAbs);
        uint256 left = PositionMath.notional((e.sizeAbs - closeAbs).toInt256(), p.entryPrice);
        if (left < Constants.MIN_POSITION_NOTIONAL) closeAbs = e.sizeAbs;
    }

    /// @dev How much of the traders' unrealized profit in the market an auto-deleveraging must realize to bring it back
    ///      under its cap, `maxPnlFactor x reserves`; reverts `AdlNotNeeded` when it is under. The profit realized is
    ///      paid from the reserves, which lowers the cap by `maxPnlFactor` of it: the excess is divided by
    ///      `1 - maxPnlFactor`.
    function _adlExcess(TradingLogic.Context memory c, uint256 price) private view returns (uint256) {
        (int256 longPnl, int256 shortPnl) = _sidePnl(c, price);
        uint256 profit = (longPnl > 0 ? longPnl.toUint256() : 0) + (shortPnl > 0 ? shortPnl.toUint256() : 0);
        VaultStorage.Layout storage v = VaultStorage.load();
        uint256 factor = v.risk.maxPnlFactor;
        uint256 cap = Math.mulDiv(v.reserves, factor, Constants.WAD);
        if (profit <= cap) revert AdlNotNeeded(c.marketId, profit, cap);
        return Math.mulDiv(profit - cap, Constants.WAD, Constants.WAD - factor, Math.Rounding.Ceil);
    }

    /// @dev Reverts unless the position's profit per notional is positive and at least its side's (positive) average,
    ///      to `Constants.ADL_AVERAGE_TOLERANCE` (the wei roundings of entry notionals and PnLs differ between a position
    ///      and its side's sums, so positions opened at one price would otherwise fall a hair under their average).
    function _checkAdlEligible(
        address account,
        TradingLogic.Context memory c,
        bool isLong,
        int256 positionPnl,
        uint256 notional,
        uint256 price
    ) private pure {
        (int256 longPnl, int256 shortPnl) = _sidePnl(c, price);
        (int256 sidePnl, uint256 sideNotional) = isLong ? (longPnl, c.longOI) : (shortPnl, c.shortOI);
        if (
            positionPnl <= 0 || sidePnl <= 0
                || Math.mulDiv(positionPnl.toUint256(), Constants.WAD, notional) + Constants.ADL_AVERAGE_TOLERANCE
                    < Math.mulDiv(sidePnl.toUint256(), Constants.WAD, sideNotional)
        ) revert AdlNotEligible(account, c.marketId, positionPnl, notional, sidePnl, sideNotional);
    }

    /// @dev Each side's net PnL at `price`: `longSize x price - longOI`, `shortOI - shortSize x price`.
    function _sidePnl(TradingLogic.Context memory c, uint256 price) private pure returns (int256, int256) {
        return (
            Math.mulDiv(c.longSize, price, Constants.WAD).toInt256() - c.longOI.toInt256(),
            c.shortOI.toInt256() - Math.mulDiv(c.shortSize, price, Constants.WAD, Math.Rounding.Ceil).toInt256()
        );
    }

    /// @dev Closes `sizeClosed` at the reference price, keeps the closed part's equity in the position less the fee
    ///      (which brings MR back to MM + band). Returns false, changing nothing, when the rest would be under the
    ///      minimum notional or its margin negative: the caller liquidates fully instead.
    function _partial(
        address account,
        PositionStorage.Position storage p,
        TradingLogic.Context memory c,
        Liquidation memory l,
        int256 sizeClosed
    ) private returns (bool) {
        int256 newSize = l.size - sizeClosed;
        uint256 newNotional = PositionMath.notional(newSize, p.entryPrice);
        if (newNotional < Constants.MIN_POSITION_NOTIONAL) return false;
        int256 pnl = PositionMath.pnl(sizeClosed, p.entryPrice, c.prices.ref);
        uint256 fee = LiquidationMath.partialFee(l.equity, SignedMath.abs(sizeClosed), l.sizeAbs, l.feeRate);
        int256 newMargin = l.margin.toInt256() - l.funding - l.interest.toInt256() + pnl - fee.toInt256();
        if (newMargin < 0) return false;
        (l.toKeeper, l.toInsurance, l.toVault) = LiquidationMath.splitFee(fee, l.keeperShare, l.insuranceShare);

        // Funding, interest and the closed part's PnL between the position and the reserves.
        // A reserves shortfall (an empty vault owing the trader) comes off the margin; it cannot exceed it unless
        // the vault is empty and the fee exceeds the margin, where SafeCast reverts rather than create TAO.
        newMargin -= VaultLogic.addReserves(l.positionId, l.funding + l.interest.toInt256() - pnl).toInt256();
        p.size = newSize.toInt112();
        PositionLogic.snapshot(p, c.fundingIndex, c.interestIndex);
        PositionLogic.setMargin(account, p, l.margin, newMargin.toUint256());
        TradingLogic.updateOpenInterest(c, l.size > 0, l.notional, newNotional, l.sizeAbs, SignedMath.abs(newSize));
        return true;
    }

    /// @dev Closes the whole position at the reference price: the fee on the remaining equity, the rest to the trader,
    ///      bad debt to the insurance fund then the vault.
    function _full(
        address account,
        PositionStorage.Position storage p,
        TradingLogic.Context memory c,
        Liquidation memory l
    ) private returns (uint256 toTrader, uint256 badDebt) {
        PositionLogic.removeFromAccount(account);
        PositionLogic.setMargin(account, p, l.margin, 0);
        delete PositionStorage.load().positions[l.positionId];
        TradingLogic.updateOpenInterest(c, l.size > 0, l.notional, 0, l.sizeAbs, 0);
        uint256 available;
        (available, badDebt) = VaultLogic.exit(l.positionId, l.margin, l.equity);
        LiquidationMath.Outcome memory o =
            LiquidationMath.liquidate(available.toInt256(), l.feeRate, l.keeperShare, l.insuranceShare);
        (l.toKeeper, l.toInsurance, l.toVault) = (o.toKeeper, o.toInsurance, o.toVault);
        toTrader = o.toTrader;
    }

    /// @dev Books the fee, tops the keeper's share up to the min keeper fee (from what the trader would get back
    ///      first, then from the insurance fund: a trader liquidating its own position gains nothing from the floor),
    ///      re-evaluates the circuit breaker, pays the keeper (sent) and the trader (sent with a gas limit, credited
    ///      if that fails). Returns what the trader is paid.
    function _finish(Liquidation memory l, address keeper, address account, uint256 toTrader)
        private
        returns (uint256)
    {
        VaultLogic.bookLiquidationFee(l.toInsurance, l.toVault);
        emit LiquidationFeeBooked(l.positionId, l.toKeeper, l.toInsurance, l.toVault);
        uint256 floor = l.minKeeperFee;
        if (l.toKeeper < floor) {
            uint256 fromEquity = Math.min(toTrader, floor - l.toKeeper);
            toTrader -= fromEquity;
            uint256 fromInsurance = VaultLogic.takeFromInsurance(floor - l.toKeeper - fromEquity);
            if (fromEquity + fromInsurance != 0) {
                l.toKeeper += fromEquity + fromInsurance;
                emit KeeperFloorPaid(l.positionId, fromEquity, fromInsurance);
            }
        }
        VaultLogic.updateCircuitBreaker();
        VaultLogic.payOut(account, toTrader, VaultLogic.TRADER_PAYOUT_GAS);
        VaultLogic.payOut(keeper, l.toKeeper, VaultLogic.ALL_GAS);
        return toTrader;
    }
}
