// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {SignedMath} from "@openzeppelin/contracts/utils/math/SignedMath.sol";
import {MarketId} from "../../types/MarketId.sol";
import {ILiquidationModule} from "../../interfaces/ILiquidationModule.sol";
import {IPositionModule} from "../../interfaces/IPositionModule.sol";
import {Constants} from "../../libraries/Constants.sol";
import {LiquidationMath} from "../../libraries/math/LiquidationMath.sol";
import {MarginMath} from "../../libraries/math/MarginMath.sol";
import {PositionMath} from "../../libraries/math/PositionMath.sol";
import {FeeStorage} from "../storage/FeeStorage.sol";
import {PositionStorage} from "../storage/PositionStorage.sol";
import {AccrualLogic} from "../logic/AccrualLogic.sol";
import {LpLogic} from "../logic/LpLogic.sol";
import {PositionLogic} from "../logic/PositionLogic.sol";
import {TradingLogic} from "../logic/TradingLogic.sol";
import {VaultLogic} from "../logic/VaultLogic.sol";
import {ModuleBase} from "./ModuleBase.sol";

/// @title The liquidation module: permissionless liquidations and the liquidation fee's governance parameters
///        (stored in `megatao.storage.fee`).
/// @dev The margin ratio is measured on the entry notional (see `PositionLogic`) at the oracle price accepted now
///      (clamped by the band if the reading jumped). Every entry point is `nonReentrant` (the transient guard shared
///      by all modules); the keeper's share is sent last, the trader's rest is sent with a gas limit and credited for
///      `claim` if that fails (so a trader cannot block its liquidation).
contract LiquidationModule is ILiquidationModule, ModuleBase, ReentrancyGuardTransient {
    using SafeCast for uint256;
    using SafeCast for int256;

    /// @notice This module's id in the entry contract's registry.
    bytes32 public constant MODULE_ID = "liquidation";

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
    }

    /// @inheritdoc ModuleBase
    function moduleId() external pure override returns (bytes32) {
        return MODULE_ID;
    }

    /// @inheritdoc ModuleBase
    function exportedSelectors() external pure virtual override returns (bytes4[] memory selectors) {
        selectors = new bytes4[](5);
        selectors[0] = ILiquidationModule.liquidate.selector;
        selectors[1] = ILiquidationModule.liquidationStatus.selector;
        selectors[2] = ILiquidationModule.liquidationParams.selector;
        selectors[3] = ILiquidationModule.setLiquidationFee.selector;
        selectors[4] = ILiquidationModule.setLiquidationFeeSplit.selector;
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
        l.equity = MarginMath.equity(l.margin, PositionMath.pnl(l.size, p.entryPrice, c.price), l.funding, l.interest);
        int256 mr = MarginMath.marginRatio(l.equity, l.notional);
        MarginMath.LiquidationStatus status =
            MarginMath.status(mr, c.params.maintenanceMargin, c.params.partialLiquidationBand);
        if (status == MarginMath.LiquidationStatus.None) revert NotLiquidatable(account, marketId, mr);
        FeeStorage.Layout storage fees = FeeStorage.load();
        l.feeRate = fees.liquidationFee;
        l.keeperShare = fees.liquidationKeeperShare;
        l.insuranceShare = fees.liquidationInsuranceShare;
        if (l.funding != 0 || l.interest != 0) {
            emit IPositionModule.PositionSettled(l.positionId, l.funding, l.interest);
        }

        if (status == MarginMath.LiquidationStatus.Partial) {
            uint256 closeAbs = LiquidationMath.partialCloseSize(
                l.sizeAbs,
                l.equity,
                l.notional,
                uint256(c.params.maintenanceMargin) + c.params.partialLiquidationBand
                    + Constants.PARTIAL_LIQUIDATION_TARGET_BUFFER,
                l.feeRate
            );
            sizeClosed = l.size > 0 ? closeAbs.toInt256() : -closeAbs.toInt256();
            if (closeAbs < l.sizeAbs && _partial(account, p, c, l, sizeClosed)) {
                _finish(l, msg.sender, account, 0);
                emit PositionLiquidated(l.positionId, account, marketId, msg.sender, sizeClosed, c.price, 0, 0, false);
                return (false, sizeClosed);
            }
        }
        (uint256 toTrader, uint256 badDebt) = _full(account, p, c, l);
        _finish(l, msg.sender, account, toTrader);
        emit PositionLiquidated(l.positionId, account, marketId, msg.sender, l.size, c.price, toTrader, badDebt, true);
        return (true, l.size);
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

    // ---------------------------------------------------------------- internals

    /// @dev Closes `sizeClosed` at the oracle price, keeps the closed part's equity in the position less the fee
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
        int256 pnl = PositionMath.pnl(sizeClosed, p.entryPrice, c.price);
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

    /// @dev Closes the whole position at the oracle price: the fee on the remaining equity, the rest to the trader,
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

    /// @dev Books the fee, re-evaluates the circuit breaker, pays the keeper (sent) and the trader (sent with a gas limit, credited if that fails).
    function _finish(Liquidation memory l, address keeper, address account, uint256 toTrader) private {
        VaultLogic.bookLiquidationFee(l.toInsurance, l.toVault);
        emit LiquidationFeeBooked(l.positionId, l.toKeeper, l.toInsurance, l.toVault);
        VaultLogic.updateCircuitBreaker();
        VaultLogic.payOut(account, toTrader, VaultLogic.TRADER_PAYOUT_GAS);
        VaultLogic.payOut(keeper, l.toKeeper, VaultLogic.ALL_GAS);
    }
}
