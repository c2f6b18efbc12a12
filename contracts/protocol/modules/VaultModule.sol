// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {OraclePrices} from "../../interfaces/IOracleModule.sol";
import {MarketId, MarketKind, MarketStatus} from "../../types/MarketId.sol";
import {IVaultModule, VaultTotals, MarketTradingState} from "../../interfaces/IVaultModule.sol";
import {ILiquidationModule} from "../../interfaces/ILiquidationModule.sol";
import {Constants} from "../../libraries/Constants.sol";
import {FeeStorage} from "../storage/FeeStorage.sol";
import {MarketStorage} from "../storage/MarketStorage.sol";
import {PositionStorage} from "../storage/PositionStorage.sol";
import {VaultStorage} from "../storage/VaultStorage.sol";
import {AccrualLogic} from "../logic/AccrualLogic.sol";
import {LpLogic} from "../logic/LpLogic.sol";
import {TradingLogic} from "../logic/TradingLogic.sol";
import {VaultLogic} from "../logic/VaultLogic.sol";
import {ModuleBase} from "./ModuleBase.sol";
import {OracleLogic} from "../logic/OracleLogic.sol";

/// @title The vault module, on the `megatao.storage.vault` and `megatao.storage.fee` namespaces: capital, claims,
///        the protocol-level governance parameters (fee split, utilization limits, collateral caps), the circuit
///        breaker, and the views the CLI and keepers read.
/// @dev `initialize` sets the genesis parameters once; it is not served through the entry contract: deployment runs
///      it as `setModule`'s `initData` (by the owner, atomically with the module's registration).
contract VaultModule is IVaultModule, ModuleBase, ReentrancyGuardTransient {
    using SafeCast for uint256;
    using SafeCast for int256;

    /// @notice This module's id in the entry contract's registry.
    bytes32 public constant MODULE_ID = "vault";

    /// @notice The version `initialize` sets.
    uint8 public constant VERSION = 1;

    /// @inheritdoc ModuleBase
    function moduleId() external pure override returns (bytes32) {
        return MODULE_ID;
    }

    /// @inheritdoc ModuleBase
    function exportedSelectors() external pure virtual override returns (bytes4[] memory selectors) {
        selectors = new bytes4[](14);
        selectors[0] = IVaultModule.fundVault.selector;
        selectors[1] = IVaultModule.claim.selector;
        selectors[2] = IVaultModule.claimable.selector;
        selectors[3] = IVaultModule.updateCircuitBreaker.selector;
        selectors[4] = IVaultModule.setTradingFeeSplit.selector;
        selectors[5] = IVaultModule.setUtilizationLimits.selector;
        selectors[6] = IVaultModule.setCollateralCaps.selector;
        selectors[7] = IVaultModule.tradingFeeSplit.selector;
        selectors[8] = IVaultModule.utilizationLimits.selector;
        selectors[9] = IVaultModule.collateralCaps.selector;
        selectors[10] = IVaultModule.vaultTotals.selector;
        selectors[11] = IVaultModule.utilization.selector;
        selectors[12] = IVaultModule.marketTradingState.selector;
        selectors[13] = IVaultModule.circuitBreakerTripped.selector;
    }

    /// @notice Sets the genesis parameters of docs/protocol.md sections 5 to 7: trading-fee split insurance 10% /
    ///         referral 0% / vault the rest; liquidation fee 5% split keeper 20% / insurance 30% / vault 50%;
    ///         utilization limit on increases 80%, circuit breaker 90%; collateral caps at their maximum (none
    ///         until governance sets them); risk parameters: min margin 0.1 TAO, min keeper fee 0.01 TAO, max PnL
    ///         factor 30%, max profit multiple 9x. Once. Owner only; run as `setModule`'s `initData`.
    function initialize() external onlyDelegateCall onlyOwner {
        VaultStorage.Layout storage v = VaultStorage.load();
        if (v.version != 0) revert VaultAlreadyInitialized(v.version);
        v.version = VERSION;
        FeeStorage.Layout storage f = FeeStorage.load();
        f.tradingInsuranceShare = uint64(Constants.GENESIS_TRADING_FEE_INSURANCE_SHARE);
        f.tradingReferralShare = uint64(Constants.GENESIS_TRADING_FEE_REFERRAL_SHARE);
        f.liquidationFee = uint64(Constants.GENESIS_LIQUIDATION_FEE);
        f.liquidationKeeperShare = uint64(Constants.GENESIS_LIQUIDATION_KEEPER_SHARE);
        f.liquidationInsuranceShare = uint64(Constants.GENESIS_LIQUIDATION_INSURANCE_SHARE);
        f.liquidationVaultShare = uint64(Constants.GENESIS_LIQUIDATION_VAULT_SHARE);
        v.maxUtilizationForIncrease = uint64(Constants.MAX_UTILIZATION_FOR_INCREASE);
        v.circuitBreakerUtilization = uint64(Constants.CIRCUIT_BREAKER_UTILIZATION);
        v.accountCollateralCap = uint96(Constants.MAX_COLLATERAL_CAP);
        v.globalCollateralCap = uint96(Constants.MAX_COLLATERAL_CAP);
        v.risk = VaultStorage.RiskParams({
            minMargin: uint64(Constants.GENESIS_MIN_MARGIN),
            maxPnlFactor: uint64(Constants.GENESIS_MAX_PNL_FACTOR),
            maxProfitMultiple: uint64(Constants.GENESIS_MAX_PROFIT_MULTIPLE)
        });
        f.minKeeperFee = uint64(Constants.GENESIS_MIN_KEEPER_FEE);
        emit VaultInitialized(VERSION);
        emit TradingFeeSplitSet(
            Constants.GENESIS_TRADING_FEE_INSURANCE_SHARE, Constants.GENESIS_TRADING_FEE_REFERRAL_SHARE
        );
        emit ILiquidationModule.LiquidationFeeSet(0, Constants.GENESIS_LIQUIDATION_FEE);
        emit ILiquidationModule.LiquidationFeeSplitSet(
            Constants.GENESIS_LIQUIDATION_KEEPER_SHARE,
            Constants.GENESIS_LIQUIDATION_INSURANCE_SHARE,
            Constants.GENESIS_LIQUIDATION_VAULT_SHARE
        );
        emit UtilizationLimitsSet(Constants.MAX_UTILIZATION_FOR_INCREASE, Constants.CIRCUIT_BREAKER_UTILIZATION);
        emit CollateralCapsSet(Constants.MAX_COLLATERAL_CAP, Constants.MAX_COLLATERAL_CAP);
        emit ILiquidationModule.RiskParamsSet(
            Constants.GENESIS_MIN_MARGIN,
            Constants.GENESIS_MIN_KEEPER_FEE,
            Constants.GENESIS_MAX_PNL_FACTOR,
            Constants.GENESIS_MAX_PROFIT_MULTIPLE
        );
    }

    // ---------------------------------------------------------------- TAO

    /// @inheritdoc IVaultModule
    function fundVault() external payable onlyDelegateCall onlyOwner nonReentrant {
        TradingLogic.checkRaoMultiple(msg.value);
        if (msg.value == 0) revert ZeroFunding();
        // Accrue first: interest up to now at the utilization the old reserves gave.
        AccrualLogic.accrueInterest();
        uint256 shares = LpLogic.fundingShares(msg.value);
        VaultLogic.addReserves(bytes32(0), int256(msg.value));
        emit VaultFunded(msg.sender, msg.value);
        VaultLogic.updateCircuitBreaker();
        LpLogic.mintFunding(msg.sender, msg.value, shares);
    }

    /// @inheritdoc IVaultModule
    function claim() external onlyDelegateCall nonReentrant returns (uint256 amount) {
        VaultStorage.Layout storage v = VaultStorage.load();
        amount = v.claimable[msg.sender];
        if (amount == 0) revert NothingToClaim(msg.sender);
        delete v.claimable[msg.sender];
        // amount <= claimsOwed, a uint88 value.
        // forge-lint: disable-next-line(unsafe-typecast)
        v.claimsOwed = uint88(v.claimsOwed - amount);
        emit Claimed(msg.sender, amount);
        (bool ok,) = msg.sender.call{value: amount}("");
        if (!ok) revert ClaimTransferFailed(msg.sender, amount);
    }

    /// @inheritdoc IVaultModule
    function claimable(address account) external view onlyDelegateCall returns (uint256) {
        return VaultStorage.load().claimable[account];
    }

    /// @inheritdoc IVaultModule
    function updateCircuitBreaker() external onlyDelegateCall nonReentrant returns (bool) {
        return VaultLogic.updateCircuitBreaker();
    }

    // ---------------------------------------------------------------- governance

    /// @inheritdoc IVaultModule
    function setTradingFeeSplit(uint256 insuranceShare) external onlyDelegateCall onlyOwner {
        FeeStorage.Layout storage f = FeeStorage.load();
        uint256 referralShare = f.tradingReferralShare;
        uint256 max = Constants.MAX_TRADING_FEE_INSURANCE_SHARE - referralShare;
        if (insuranceShare > max) revert TradingFeeShareOutOfBounds(insuranceShare, 0, max);
        // insuranceShare <= 1e18, checked above.
        // forge-lint: disable-next-line(unsafe-typecast)
        f.tradingInsuranceShare = uint64(insuranceShare);
        emit TradingFeeSplitSet(insuranceShare, referralShare);
    }

    /// @inheritdoc IVaultModule
    function setUtilizationLimits(uint256 maxUtilizationForIncrease, uint256 circuitBreakerUtilization)
        external
        onlyDelegateCall
        onlyOwner
    {
        if (
            maxUtilizationForIncrease < Constants.MIN_UTILIZATION_LIMIT
                || maxUtilizationForIncrease > Constants.MAX_UTILIZATION_LIMIT
        ) {
            revert UtilizationLimitOutOfBounds(
                maxUtilizationForIncrease, Constants.MIN_UTILIZATION_LIMIT, Constants.MAX_UTILIZATION_LIMIT
            );
        }
        if (
            circuitBreakerUtilization <= maxUtilizationForIncrease
                || circuitBreakerUtilization > Constants.MAX_CIRCUIT_BREAKER_UTILIZATION
        ) {
            revert CircuitBreakerUtilizationOutOfBounds(
                circuitBreakerUtilization, maxUtilizationForIncrease + 1, Constants.MAX_CIRCUIT_BREAKER_UTILIZATION
            );
        }
        VaultStorage.Layout storage v = VaultStorage.load();
        // Both at most 1e18, checked above.
        // forge-lint: disable-start(unsafe-typecast)
        v.maxUtilizationForIncrease = uint64(maxUtilizationForIncrease);
        v.circuitBreakerUtilization = uint64(circuitBreakerUtilization);
        // forge-lint: disable-end(unsafe-typecast)
        emit UtilizationLimitsSet(maxUtilizationForIncrease, circuitBreakerUtilization);
    }

    /// @inheritdoc IVaultModule
    function setCollateralCaps(uint256 accountCap, uint256 globalCap) external onlyDelegateCall onlyOwner {
        if (globalCap < Constants.MIN_COLLATERAL_CAP || globalCap > Constants.MAX_COLLATERAL_CAP) {
            revert CollateralCapOutOfBounds(globalCap, Constants.MIN_COLLATERAL_CAP, Constants.MAX_COLLATERAL_CAP);
        }
        if (accountCap < Constants.MIN_COLLATERAL_CAP || accountCap > globalCap) {
            revert CollateralCapOutOfBounds(accountCap, Constants.MIN_COLLATERAL_CAP, globalCap);
        }
        VaultStorage.Layout storage v = VaultStorage.load();
        // Both at most 2^96 - 1, checked above.
        // forge-lint: disable-start(unsafe-typecast)
        v.accountCollateralCap = uint96(accountCap);
        v.globalCollateralCap = uint96(globalCap);
        // forge-lint: disable-end(unsafe-typecast)
        emit CollateralCapsSet(accountCap, globalCap);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IVaultModule
    function tradingFeeSplit() external view onlyDelegateCall returns (uint256 insuranceShare, uint256 referralShare) {
        FeeStorage.Layout storage f = FeeStorage.load();
        return (f.tradingInsuranceShare, f.tradingReferralShare);
    }

    /// @inheritdoc IVaultModule
    function utilizationLimits() external view onlyDelegateCall returns (uint256, uint256) {
        VaultStorage.Layout storage v = VaultStorage.load();
        return (v.maxUtilizationForIncrease, v.circuitBreakerUtilization);
    }

    /// @inheritdoc IVaultModule
    function collateralCaps() external view onlyDelegateCall returns (uint256 accountCap, uint256 globalCap) {
        VaultStorage.Layout storage v = VaultStorage.load();
        return (v.accountCollateralCap, v.globalCollateralCap);
    }

    /// @inheritdoc IVaultModule
    function circuitBreakerTripped() external view onlyDelegateCall returns (bool) {
        return VaultStorage.load().circuitBreakerTripped;
    }

    /// @inheritdoc IVaultModule
    function vaultTotals() external view onlyDelegateCall returns (VaultTotals memory t) {
        VaultStorage.Layout storage v = VaultStorage.load();
        t.reserves = v.reserves;
        t.insuranceFund = v.insuranceFund;
        t.marginsOwed = v.marginsOwed;
        t.claimsOwed = v.claimsOwed;
        t.referralBalance = v.referralBalance;
        t.totalOpenNotional = v.totalOpenNotional;
        t.utilization = VaultLogic.utilization();
        t.circuitBreakerTripped = v.circuitBreakerTripped;
        (t.interestIndex, t.interestRatePerYear) = AccrualLogic.interestIndexNow();
    }

    /// @inheritdoc IVaultModule
    function utilization() external view onlyDelegateCall returns (uint256) {
        return VaultLogic.utilization();
    }

    /// @inheritdoc IVaultModule
    function marketTradingState(MarketId marketId)
        external
        view
        onlyDelegateCall
        returns (MarketTradingState memory s)
    {
        MarketStorage.Market storage m = MarketStorage.listed(marketId);
        PositionStorage.OpenInterest storage oi = PositionStorage.load().openInterest[marketId];
        OraclePrices memory prices = OracleLogic.preview(marketId);
        (s.spotPrice, s.referencePrice, s.priceBroken) = (prices.spot, prices.referencePrice, prices.broken);
        uint256 ref = prices.referencePrice;
        (s.longEntryNotional, s.shortEntryNotional) = (oi.long, oi.short);
        s.longOpenInterest = Math.mulDiv(oi.longSize, ref, Constants.WAD, Math.Rounding.Ceil);
        s.shortOpenInterest = Math.mulDiv(oi.shortSize, ref, Constants.WAD, Math.Rounding.Ceil);
        if (m.status != MarketStatus.Settled) {
            (s.fundingIndex, s.fundingRate8h) = AccrualLogic.fundingIndexNow(marketId, m.maxFundingRate8h);
        }
        s.status = m.status;
        if (m.kind == MarketKind.Alpha) {
            s.belowLiquidityThreshold = prices.poolTao < m.liquidityThreshold;
            s.depthCap = Math.mulDiv(prices.poolTao, m.oiDepthRatio, Constants.WAD);
        }
        s.reduceOnly = s.status != MarketStatus.Active || s.belowLiquidityThreshold || s.priceBroken
            || VaultStorage.load().circuitBreakerTripped;
        int256 longPnl = s.longOpenInterest.toInt256() - uint256(oi.long).toInt256();
        int256 shortPnl = uint256(oi.short).toInt256() - s.shortOpenInterest.toInt256();
        s.traderProfit = (longPnl > 0 ? longPnl.toUint256() : 0) + (shortPnl > 0 ? shortPnl.toUint256() : 0);
        VaultStorage.Layout storage v = VaultStorage.load();
        s.traderProfitCap = Math.mulDiv(v.reserves, v.risk.maxPnlFactor, Constants.WAD);
    }
}
