// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {MarketId} from "../../types/MarketId.sol";
import {ILpModule, EpochSchedule, LpStatus, RequestStatus} from "../../interfaces/ILpModule.sol";
import {IMegaTAOTimelock} from "../../interfaces/IMegaTAOTimelock.sol";
import {Bittensor} from "../../libraries/Bittensor.sol";
import {Constants} from "../../libraries/Constants.sol";
import {InterestMath} from "../../libraries/math/InterestMath.sol";
import {MegaTAOLpToken} from "../../tokens/MegaTAOLpToken.sol";
import {LpStorage} from "../storage/LpStorage.sol";
import {PositionStorage} from "../storage/PositionStorage.sol";
import {RouterStorage} from "../storage/RouterStorage.sol";
import {VaultStorage} from "../storage/VaultStorage.sol";
import {AccrualLogic} from "../logic/AccrualLogic.sol";
import {LpLogic} from "../logic/LpLogic.sol";
import {TradingLogic} from "../logic/TradingLogic.sol";
import {VaultLogic} from "../logic/VaultLogic.sol";
import {ModuleBase} from "./ModuleBase.sol";

/// @title The LP module, on the `megatao.storage.lp` namespace: deposits, withdrawal requests and claims in epoch
///        windows, deposit caps, the epoch schedule, and the LP views.
/// @dev Every entry point: checks, effects, event, interactions (the LP token, a contract of the protocol's, then the
///      TAO payout last), under the transient reentrancy guard all modules share. `initialize` runs once, as
///      `setModule`'s `initData`.
contract LpModule is ILpModule, ModuleBase, ReentrancyGuardTransient {
    using SafeCast for uint256;

    /// @notice This module's id in the entry contract's registry.
    bytes32 public constant MODULE_ID = "lp";

    /// @notice The version `initialize` sets.
    uint8 public constant VERSION = 1;

    /// @inheritdoc ModuleBase
    function moduleId() external pure override returns (bytes32) {
        return MODULE_ID;
    }

    /// @inheritdoc ModuleBase
    function exportedSelectors() external pure virtual override returns (bytes4[] memory selectors) {
        selectors = new bytes4[](17);
        selectors[0] = ILpModule.deposit.selector;
        selectors[1] = ILpModule.requestWithdrawal.selector;
        selectors[2] = ILpModule.claimWithdrawal.selector;
        selectors[3] = ILpModule.releaseWithdrawal.selector;
        selectors[4] = ILpModule.setEpochSchedule.selector;
        selectors[5] = ILpModule.setDepositCaps.selector;
        selectors[6] = ILpModule.lpToken.selector;
        selectors[7] = ILpModule.epochSchedule.selector;
        selectors[8] = ILpModule.currentEpoch.selector;
        selectors[9] = ILpModule.depositCaps.selector;
        selectors[10] = ILpModule.shareValue.selector;
        selectors[11] = ILpModule.lpEquity.selector;
        selectors[12] = ILpModule.withdrawalRequest.selector;
        selectors[13] = ILpModule.lpStatus.selector;
        selectors[14] = ILpModule.marketExposure.selector;
        selectors[15] = ILpModule.activeMarkets.selector;
        selectors[16] = ILpModule.longestLpExit.selector;
    }

    /// @notice Sets the genesis parameters of docs/protocol.md section 7: epochs of 7 days starting now, deposit and
    ///         withdrawal windows of 48 h, no deposit cap; binds the LP token; reserves already held (capital added
    ///         by `fundVault` before this module) become the owner's shares. Once. Owner only; run as `setModule`'s
    ///         `initData`.
    /// @param token The LP token, deployed with this entry contract as its `protocol`.
    function initialize(address token) external onlyDelegateCall onlyOwner {
        LpStorage.Layout storage $ = LpStorage.load();
        if ($.version != 0) revert LpAlreadyInitialized($.version);
        if (token.code.length == 0) revert LpTokenNotBound(token, address(0));
        address bound = MegaTAOLpToken(token).protocol();
        if (bound != address(this)) revert LpTokenNotBound(token, bound);
        $.version = VERSION;
        $.token = token;
        $.schedule = LpStorage.Schedule({
            anchorTime: uint40(block.timestamp),
            anchorEpoch: 0,
            epochLength: uint32(Constants.GENESIS_EPOCH_LENGTH),
            depositWindow: uint32(Constants.GENESIS_DEPOSIT_WINDOW),
            withdrawalWindow: uint32(Constants.GENESIS_WITHDRAWAL_WINDOW)
        });
        $.accountDepositCap = uint128(Constants.MAX_DEPOSIT_CAP);
        $.globalDepositCap = uint128(Constants.MAX_DEPOSIT_CAP);
        emit LpInitialized(VERSION, token);
        emit EpochScheduleSet(
            Constants.GENESIS_EPOCH_LENGTH,
            Constants.GENESIS_DEPOSIT_WINDOW,
            Constants.GENESIS_WITHDRAWAL_WINDOW,
            0,
            block.timestamp
        );
        emit DepositCapsSet(Constants.MAX_DEPOSIT_CAP, Constants.MAX_DEPOSIT_CAP);
        LpLogic.adoptOrphanCapital();
    }

    // ---------------------------------------------------------------- LPs

    /// @inheritdoc ILpModule
    function deposit() external payable onlyDelegateCall nonReentrant returns (uint256 shares) {
        LpStorage.Layout storage $ = _initialized();
        TradingLogic.checkRaoMultiple(msg.value);
        if (msg.value == 0) revert ZeroDeposit();
        LpStorage.Schedule memory s = LpLogic.rollSchedule();
        (uint256 epoch, uint256 start) = LpLogic.epochOf(s);
        // Windows are measured in chain time by design.
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp >= start + s.depositWindow) {
            revert DepositWindowClosed(block.timestamp, start + s.epochLength);
        }
        LpStorage.Account storage a = $.accounts[msg.sender];
        if (a.lastRedeemBlock == block.number) revert DepositInRedeemBlock(msg.sender);
        // Accrue first: interest up to now at the utilization the old reserves gave.
        AccrualLogic.accrueInterest();
        LpLogic.adoptOrphanCapital();
        int256 equityBefore;
        uint256 supply;
        (shares, equityBefore, supply) = LpLogic.sharesFor(msg.value);
        if (shares == 0) revert ZeroShares(msg.value);
        _checkCaps($, a, equityBefore, supply);

        a.lastDepositBlock = uint40(block.number);
        VaultLogic.addReserves(bytes32(0), int256(msg.value));
        emit LpDeposited(msg.sender, epoch, msg.value, shares);
        VaultLogic.updateCircuitBreaker();
        MegaTAOLpToken($.token).mint(msg.sender, shares);
    }

    /// @inheritdoc ILpModule
    function requestWithdrawal(uint256 shares) external onlyDelegateCall nonReentrant {
        LpStorage.Layout storage $ = _initialized();
        if (shares == 0) revert ZeroWithdrawalShares();
        LpStorage.Schedule memory s = LpLogic.rollSchedule();
        (uint256 epoch, uint256 start) = LpLogic.epochOf(s);
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp >= start + s.withdrawalWindow) {
            revert WithdrawalWindowClosed(block.timestamp, start + s.epochLength);
        }
        LpStorage.Account storage a = $.accounts[msg.sender];
        RequestStatus status = LpLogic.requestStatus(s, a);
        if (status == RequestStatus.Claimable) revert ClaimableWithdrawalPending(msg.sender, a.requestEpoch);
        if (status == RequestStatus.Void) LpLogic.release(msg.sender, a);
        uint256 total = a.requestShares + shares;
        a.requestShares = total.toUint128();
        // Epochs last at least a day: their number stays below 2^32 for 11 million years.
        // forge-lint: disable-next-line(unsafe-typecast)
        a.requestEpoch = uint32(epoch);
        emit WithdrawalRequested(msg.sender, epoch, shares, total);
        MegaTAOLpToken($.token).lock(msg.sender, shares);
    }

    /// @inheritdoc ILpModule
    function claimWithdrawal() external onlyDelegateCall nonReentrant returns (uint256 amount) {
        LpStorage.Layout storage $ = _initialized();
        LpStorage.Account storage a = $.accounts[msg.sender];
        uint256 shares = a.requestShares;
        if (shares == 0) revert NoWithdrawalRequest(msg.sender);
        LpStorage.Schedule memory s = LpLogic.rollSchedule();
        RequestStatus status = LpLogic.requestStatus(s, a);
        uint256 requestEpoch = a.requestEpoch;
        if (status == RequestStatus.Pending) {
            (, uint256 start) = LpLogic.epochOf(s);
            revert WithdrawalNotYetClaimable(msg.sender, requestEpoch, start + s.epochLength);
        }
        if (status == RequestStatus.Void) {
            LpLogic.release(msg.sender, a);
            return 0;
        }
        if (a.lastDepositBlock == block.number) revert RedeemInDepositBlock(msg.sender);
        AccrualLogic.accrueInterest();
        (, int256 withdrawalEquity) = LpLogic.equity();
        if (withdrawalEquity > 0) {
            // Shares <= supply, so amount <= the withdrawal equity.
            // Positive in this branch.
            // forge-lint: disable-next-line(unsafe-typecast)
            amount = Math.mulDiv(shares, uint256(withdrawalEquity), LpLogic.totalShares());
            amount -= amount % Bittensor.WEI_PER_RAO;
        }
        if (amount == 0) revert ZeroWithdrawalValue(shares);
        VaultStorage.Layout storage v = VaultStorage.load();
        uint256 reservesAfter = v.reserves - amount;
        uint256 openNotional = v.totalOpenNotional;
        if (openNotional != 0) {
            uint256 limit = v.maxUtilizationForIncrease;
            uint256 u = reservesAfter == 0 ? type(uint256).max : InterestMath.utilization(openNotional, reservesAfter);
            if (u > limit) revert WithdrawalExceedsUtilization(u, limit);
        }

        a.requestShares = 0;
        a.requestEpoch = 0;
        a.lastRedeemBlock = uint40(block.number);
        // ReservesAfter < reserves, a uint128 value.
        // forge-lint: disable-next-line(unsafe-typecast)
        v.reserves = uint128(reservesAfter);
        emit WithdrawalClaimed(msg.sender, requestEpoch, shares, amount);
        VaultLogic.updateCircuitBreaker();
        MegaTAOLpToken($.token).burnLocked(shares);
        (bool ok,) = msg.sender.call{value: amount}("");
        if (!ok) revert LpPayoutFailed(msg.sender, amount);
    }

    /// @inheritdoc ILpModule
    function releaseWithdrawal(address account) external onlyDelegateCall nonReentrant {
        LpStorage.Layout storage $ = _initialized();
        LpStorage.Account storage a = $.accounts[account];
        if (a.requestShares == 0) revert NoWithdrawalRequest(account);
        LpStorage.Schedule memory s = LpLogic.rollSchedule();
        if (LpLogic.requestStatus(s, a) != RequestStatus.Void) revert WithdrawalNotVoid(account, a.requestEpoch);
        LpLogic.release(account, a);
    }

    // ---------------------------------------------------------------- governance

    /// @inheritdoc ILpModule
    function setEpochSchedule(uint256 epochLength, uint256 depositWindow, uint256 withdrawalWindow)
        external
        onlyDelegateCall
        onlyOwner
    {
        LpStorage.Layout storage $ = _initialized();
        if (epochLength < Constants.MIN_EPOCH_LENGTH || epochLength > Constants.MAX_EPOCH_LENGTH) {
            revert EpochLengthOutOfBounds(epochLength, Constants.MIN_EPOCH_LENGTH, Constants.MAX_EPOCH_LENGTH);
        }
        if (depositWindow < Constants.MIN_LP_WINDOW || depositWindow > epochLength) {
            revert DepositWindowOutOfBounds(depositWindow, Constants.MIN_LP_WINDOW, epochLength);
        }
        if (withdrawalWindow < Constants.MIN_LP_WINDOW || withdrawalWindow > epochLength) {
            revert WithdrawalWindowOutOfBounds(withdrawalWindow, Constants.MIN_LP_WINDOW, epochLength);
        }
        LpStorage.Schedule memory s = LpLogic.rollSchedule();
        _checkLpExit(_longestExit(s.epochLength, epochLength, withdrawalWindow));
        (uint256 epoch, uint256 start) = LpLogic.epochOf(s);
        uint256 fromTime = start + s.epochLength;
        // All three at most MAX_EPOCH_LENGTH (30 days), checked above; epochs and times far below the type limits.
        // forge-lint: disable-start(unsafe-typecast)
        $.nextSchedule = LpStorage.Schedule({
            anchorTime: fromTime.toUint40(),
            anchorEpoch: (epoch + 1).toUint32(),
            epochLength: uint32(epochLength),
            depositWindow: uint32(depositWindow),
            withdrawalWindow: uint32(withdrawalWindow)
        });
        // forge-lint: disable-end(unsafe-typecast)
        emit EpochScheduleSet(epochLength, depositWindow, withdrawalWindow, epoch + 1, fromTime);
    }

    /// @inheritdoc ILpModule
    function setDepositCaps(uint256 accountCap, uint256 globalCap) external onlyDelegateCall onlyOwner {
        LpStorage.Layout storage $ = _initialized();
        if (globalCap < Constants.MIN_DEPOSIT_CAP || globalCap > Constants.MAX_DEPOSIT_CAP) {
            revert DepositCapOutOfBounds(globalCap, Constants.MIN_DEPOSIT_CAP, Constants.MAX_DEPOSIT_CAP);
        }
        if (accountCap < Constants.MIN_DEPOSIT_CAP || accountCap > globalCap) {
            revert DepositCapOutOfBounds(accountCap, Constants.MIN_DEPOSIT_CAP, globalCap);
        }
        // Both at most 2^128 - 1, checked above.
        // forge-lint: disable-start(unsafe-typecast)
        $.accountDepositCap = uint128(accountCap);
        $.globalDepositCap = uint128(globalCap);
        // forge-lint: disable-end(unsafe-typecast)
        emit DepositCapsSet(accountCap, globalCap);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc ILpModule
    function lpToken() external view onlyDelegateCall returns (address) {
        return LpStorage.load().token;
    }

    /// @inheritdoc ILpModule
    function epochSchedule() external view onlyDelegateCall returns (EpochSchedule memory r) {
        LpStorage.Layout storage $ = LpStorage.load();
        LpStorage.Schedule memory s = LpLogic.schedule();
        r.epochLength = s.epochLength;
        r.depositWindow = s.depositWindow;
        r.withdrawalWindow = s.withdrawalWindow;
        LpStorage.Schedule memory n = $.nextSchedule;
        // The next schedule is pending until its epoch begins.
        // forge-lint: disable-next-line(block-timestamp)
        if (n.anchorTime > block.timestamp) {
            r.nextEpochLength = n.epochLength;
            r.nextDepositWindow = n.depositWindow;
            r.nextWithdrawalWindow = n.withdrawalWindow;
            r.nextFrom = n.anchorTime;
            r.nextEpoch = n.anchorEpoch;
        }
    }

    /// @inheritdoc ILpModule
    function currentEpoch() external view onlyDelegateCall returns (uint256 epoch, uint256 start) {
        _initialized();
        return LpLogic.epochOf(LpLogic.schedule());
    }

    /// @inheritdoc ILpModule
    function longestLpExit() external view onlyDelegateCall returns (uint256) {
        LpStorage.Layout storage $ = _initialized();
        LpStorage.Schedule memory s = LpLogic.schedule();
        LpStorage.Schedule memory n = $.nextSchedule;
        // No schedule pending (none set, or in force already): the next epochs keep the one in force.
        // forge-lint: disable-next-line(block-timestamp)
        if (n.anchorTime <= block.timestamp) n = s;
        return _longestExit(s.epochLength, n.epochLength, n.withdrawalWindow);
    }

    /// @inheritdoc ILpModule
    function depositCaps() external view onlyDelegateCall returns (uint256 accountCap, uint256 globalCap) {
        LpStorage.Layout storage $ = LpStorage.load();
        return ($.accountDepositCap, $.globalDepositCap);
    }

    /// @inheritdoc ILpModule
    function shareValue() external view onlyDelegateCall returns (uint256 depositValue, uint256 withdrawalValue) {
        _initialized();
        (int256 d, int256 w) = LpLogic.equity();
        uint256 supply = LpLogic.totalShares();
        return (LpLogic.shareValue(d, supply), LpLogic.shareValue(w, supply));
    }

    /// @inheritdoc ILpModule
    function lpEquity()
        external
        view
        onlyDelegateCall
        returns (int256 depositEquity, int256 withdrawalEquity, uint256 totalShares)
    {
        _initialized();
        (depositEquity, withdrawalEquity) = LpLogic.equity();
        totalShares = LpLogic.totalShares();
    }

    /// @inheritdoc ILpModule
    function withdrawalRequest(address account)
        external
        view
        onlyDelegateCall
        returns (uint256 shares, uint256 epoch, RequestStatus status)
    {
        LpStorage.Layout storage $ = _initialized();
        LpStorage.Account memory a = $.accounts[account];
        return (a.requestShares, a.requestEpoch, LpLogic.requestStatus(LpLogic.schedule(), a));
    }

    /// @inheritdoc ILpModule
    function lpStatus(address account) external view onlyDelegateCall returns (LpStatus memory r) {
        LpStorage.Layout storage $ = _initialized();
        LpStorage.Schedule memory s = LpLogic.schedule();
        (r.epoch, r.epochStart) = LpLogic.epochOf(s);
        r.epochEnd = r.epochStart + s.epochLength;
        // forge-lint: disable-start(block-timestamp)
        r.depositWindowOpen = block.timestamp < r.epochStart + s.depositWindow;
        r.depositWindowEdge = r.depositWindowOpen ? r.epochStart + s.depositWindow : r.epochEnd;
        r.withdrawalWindowOpen = block.timestamp < r.epochStart + s.withdrawalWindow;
        r.withdrawalWindowEdge = r.withdrawalWindowOpen ? r.epochStart + s.withdrawalWindow : r.epochEnd;
        // forge-lint: disable-end(block-timestamp)
        (r.depositEquity, r.withdrawalEquity) = LpLogic.equity();
        r.totalShares = LpLogic.totalShares();
        r.depositShareValue = LpLogic.shareValue(r.depositEquity, r.totalShares);
        r.withdrawalShareValue = LpLogic.shareValue(r.withdrawalEquity, r.totalShares);
        VaultStorage.Layout storage v = VaultStorage.load();
        r.reserves = v.reserves;
        r.utilization = VaultLogic.utilization();
        r.utilizationLimit = v.maxUtilizationForIncrease;
        r.accountDepositCap = $.accountDepositCap;
        r.globalDepositCap = $.globalDepositCap;
        r.shares = MegaTAOLpToken($.token).balanceOf(account);
        LpStorage.Account memory a = $.accounts[account];
        r.requestShares = a.requestShares;
        r.requestEpoch = a.requestEpoch;
        r.requestStatus = LpLogic.requestStatus(s, a);
        if (r.totalShares != 0 && r.withdrawalEquity > 0) {
            r.requestValue = Math.mulDiv(r.requestShares, uint256(r.withdrawalEquity), r.totalShares);
        }
    }

    /// @inheritdoc ILpModule
    function marketExposure(MarketId marketId)
        external
        view
        onlyDelegateCall
        returns (uint256 longSize, uint256 shortSize)
    {
        PositionStorage.OpenInterest storage oi = PositionStorage.load().openInterest[marketId];
        return (oi.longSize, oi.shortSize);
    }

    /// @inheritdoc ILpModule
    function activeMarkets() external view onlyDelegateCall returns (MarketId[] memory) {
        return LpStorage.load().activeMarkets;
    }

    // ---------------------------------------------------------------- internals

    /// @dev The longest LP exit with epochs of `currentLength` now and `nextLength` next, and withdrawal windows of
    ///      `nextWindow` from the next epoch: a request at the first second of a window is claimable until the last
    ///      second of the next epoch's window.
    function _longestExit(uint256 currentLength, uint256 nextLength, uint256 nextWindow)
        private
        pure
        returns (uint256)
    {
        return Math.max(currentLength, nextLength) + nextWindow - 1;
    }

    /// @dev Reverts unless `exit` is shorter than the owner's upgrade delay, when the owner has one. An account
    ///      answers nothing and a contract without `upgradeDelay` reverts: no delay, no constraint. An executor
    ///      cannot skip the check by starving the call of gas: the call fails only with less than ~5,000 gas, which
    ///      leaves this frame 1/64 of it, too little to store the schedule.
    function _checkLpExit(uint256 exit) private view {
        address owner = RouterStorage.load().owner;
        (bool ok, bytes memory answer) = owner.staticcall(abi.encodeCall(IMegaTAOTimelock.upgradeDelay, ()));
        if (!ok || answer.length != 32) return;
        uint256 upgradeDelay = abi.decode(answer, (uint256));
        if (exit >= upgradeDelay) revert LpExitNotShorterThanUpgradeDelay(exit, upgradeDelay);
    }

    function _initialized() private view returns (LpStorage.Layout storage $) {
        $ = LpStorage.load();
        if ($.version == 0) revert LpNotInitialized();
    }

    /// @dev The caps on a deposit of `msg.value` into `equityBefore` with `supply` shares: the LPs' equity after it
    ///      within the global cap, the caller's shares (free and escrowed) at the deposit value plus it within the
    ///      per-account cap.
    function _checkCaps(LpStorage.Layout storage $, LpStorage.Account storage a, int256 equityBefore, uint256 supply)
        private
        view
    {
        // Positive in this branch.
        // forge-lint: disable-next-line(unsafe-typecast)
        uint256 before = equityBefore > 0 ? uint256(equityBefore) : 0;
        uint256 total = before + msg.value;
        uint256 globalCap = $.globalDepositCap;
        if (total > globalCap) revert GlobalDepositCapExceeded(total, globalCap);
        uint256 held = MegaTAOLpToken($.token).balanceOf(msg.sender) + a.requestShares;
        uint256 value = msg.value + (supply == 0 ? 0 : Math.mulDiv(held, before, supply));
        uint256 accountCap = $.accountDepositCap;
        if (value > accountCap) revert AccountDepositCapExceeded(msg.sender, value, accountCap);
    }
}
