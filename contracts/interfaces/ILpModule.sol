// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketId} from "../types/MarketId.sol";
import {ILpErrors} from "../libraries/errors/LpErrors.sol";

/// @notice The epoch schedule: in force, and the one set for the next epoch (`nextFrom == 0`: none).
struct EpochSchedule {
    uint256 epochLength;
    uint256 depositWindow;
    uint256 withdrawalWindow;
    /// @dev The schedule governance set last, in force from `nextFrom` (the start of epoch `nextEpoch`).
    uint256 nextEpochLength;
    uint256 nextDepositWindow;
    uint256 nextWithdrawalWindow;
    uint256 nextFrom;
    uint256 nextEpoch;
}

/// @notice A withdrawal request's state.
enum RequestStatus {
    None,
    /// @dev Made in the current epoch: claimable in the next epoch's withdrawal window.
    Pending,
    /// @dev Claimable now: the withdrawal window of the epoch after the request's is open.
    Claimable,
    /// @dev Missed (that window closed): void; the shares go back to the LP (`releaseWithdrawal`, or the LP's
    ///      next request or claim).
    Void
}

/// @notice Everything `megatao lp status` shows, in one call.
struct LpStatus {
    /// @dev The epoch now, its start and end (unix seconds).
    uint256 epoch;
    uint256 epochStart;
    uint256 epochEnd;
    /// @dev Whether each window is open now; when it closes (if open) or next opens (if closed).
    bool depositWindowOpen;
    uint256 depositWindowEdge;
    bool withdrawalWindowOpen;
    uint256 withdrawalWindowEdge;
    /// @dev Wei per 1e18 shares: what a deposit pays (trader losses counted) and what a claim receives (losses not
    ///      counted, gains counted in full).
    uint256 depositShareValue;
    uint256 withdrawalShareValue;
    /// @dev The LPs' equity at each value (wei, signed: traders' gains may exceed the reserves), the share supply
    ///      (escrowed shares included) and the vault's reserves.
    int256 depositEquity;
    int256 withdrawalEquity;
    uint256 totalShares;
    uint256 reserves;
    /// @dev Total open notional / reserves, and the limit a claim may not push it above (WAD).
    uint256 utilization;
    uint256 utilizationLimit;
    /// @dev Deposit caps, wei.
    uint256 accountDepositCap;
    uint256 globalDepositCap;
    /// @dev The account's free shares, its request, and what the request's shares are worth now at the
    ///      withdrawal value.
    uint256 shares;
    uint256 requestShares;
    uint256 requestEpoch;
    RequestStatus requestStatus;
    uint256 requestValue;
}

/// @title The LPs: TAO deposits for shares of the vault's equity (the ERC-20 LP token), epoch windows, withdrawal
///        requests and claims, deposit caps.
/// @notice The vault is every trader's counterparty; its LPs own its equity: the reserves, less the traders' open
///         gains, plus (for deposits only) their open losses. LPs earn the vault's share of trading fees, the interest
///         and the funding imbalance, and its share of liquidation fees; they carry the traders' PnL. The insurance
///         fund stays outside LP equity.
///         Time runs in epochs (genesis 7 days). Each epoch opens with a deposit window and a withdrawal window
///         (genesis 48 h each). Deposits mint shares at the deposit value. A withdrawal is requested in an epoch's
///         withdrawal window (the shares go into escrow) and claimed in the next epoch's withdrawal window at the
///         withdrawal value then; a request not claimed in that window is void and its shares go back to the LP.
///         No account deposits and redeems in one block.
/// @dev Share values (wei per 1e18 shares) come from `LpLogic.equity`: per market and side, the traders' PnL from the
///      sum of sizes and of entry notionals at the market's stored reference price (docs/protocol.md section 7; no
///      price source is read), less the side's unsettled funding. Withdrawal equity = reserves - the sum of each side's
///      claim when positive (a side's net loss counts zero); deposit equity = reserves - the sum of the sides' claims,
///      losses included. Unsettled interest is not counted (it is owed to the vault only).
interface ILpModule is ILpErrors {
    /// @notice A schedule whose longest LP exit, `longestLpExit` seconds, is not shorter than the owner's upgrade delay
    ///         `upgradeDelay` (`IMegaTAOTimelock`): an LP could not leave before an upgrade took effect.
    error LpExitNotShorterThanUpgradeDelay(uint256 longestLpExit, uint256 upgradeDelay);

    /// @notice `account` deposited `amount` wei in epoch `epoch` for `shares` shares.
    event LpDeposited(address indexed account, uint256 indexed epoch, uint256 amount, uint256 shares);

    /// @notice `account` requested the withdrawal of `shares` more shares in epoch `epoch` (`totalShares` now).
    event WithdrawalRequested(address indexed account, uint256 indexed epoch, uint256 shares, uint256 totalShares);

    /// @notice `account` claimed its request of epoch `requestEpoch`: `shares` burned for `amount` wei.
    event WithdrawalClaimed(address indexed account, uint256 indexed requestEpoch, uint256 shares, uint256 amount);

    /// @notice `account`'s request of epoch `requestEpoch` was void: `shares` returned from escrow.
    event WithdrawalVoided(address indexed account, uint256 indexed requestEpoch, uint256 shares);

    /// @notice Reserves of `amount` wei held without shares (capital added before the LP module) became `shares`
    ///         shares of `to` (the owner).
    event OrphanCapitalAdopted(address indexed to, uint256 amount, uint256 shares);

    /// @notice The epoch schedule from epoch `fromEpoch` (starting at `fromTime`).
    event EpochScheduleSet(
        uint256 epochLength, uint256 depositWindow, uint256 withdrawalWindow, uint256 fromEpoch, uint256 fromTime
    );

    /// @notice New deposit caps, wei.
    event DepositCapsSet(uint256 accountCap, uint256 globalCap);

    /// @notice The LP module's genesis parameters were set (`version`), with LP token `token`.
    event LpInitialized(uint8 version, address token);

    /// @notice Deposits the TAO sent (a multiple of 1 rao) for shares at the deposit value, minted to the caller.
    ///         Only in the deposit window; within the caps; not in a block where the caller redeemed.
    /// @return shares Shares minted.
    function deposit() external payable returns (uint256 shares);

    /// @notice Requests the withdrawal of `shares` of the caller's shares, moved into escrow (not transferable),
    ///         claimable in the next epoch's withdrawal window. Only in the withdrawal window. A request made in the
    ///         same epoch grows; a void one is released first; a claimable one must be claimed first.
    function requestWithdrawal(uint256 shares) external;

    /// @notice Claims the caller's request (in the withdrawal window of the epoch after it): burns its shares and
    ///         sends their value at the withdrawal value now (rounded down to 1 rao). Reverts
    ///         `WithdrawalExceedsUtilization` when paying it would raise utilization above the limit on increases
    ///         (80% at genesis): the request then waits, claimable until its window closes. A void request is
    ///         released instead (its shares returned, 0 paid).
    /// @return amount Wei sent.
    function claimWithdrawal() external returns (uint256 amount);

    /// @notice Returns a void request's shares from escrow to `account`. Anyone.
    function releaseWithdrawal(address account) external;

    /// @notice Sets the epoch schedule, in force from the next epoch: epoch length (1..30 days), deposit and
    ///         withdrawal windows (1 hour..the epoch length). Owner only.
    /// @dev When the owner has an upgrade delay (`IMegaTAOTimelock.upgradeDelay`: the MegaTAO timelock; an account or
    ///      a plain TimelockController has none), the longest LP exit with this schedule (`longestLpExit`, with the
    ///      current epoch's length) must be shorter: `LpExitNotShorterThanUpgradeDelay` otherwise. To lengthen both,
    ///      raise the upgrade delay first.
    function setEpochSchedule(uint256 epochLength, uint256 depositWindow, uint256 withdrawalWindow) external;

    /// @notice Sets the per-account and global caps on LP equity at deposit (1 TAO..2^128-1 wei; account <= global).
    ///         Owner only.
    function setDepositCaps(uint256 accountCap, uint256 globalCap) external;

    /// @notice The LP token.
    function lpToken() external view returns (address);

    /// @notice The epoch schedule in force, and the one set for the next epoch.
    function epochSchedule() external view returns (EpochSchedule memory);

    /// @notice The epoch now and its start.
    function currentEpoch() external view returns (uint256 epoch, uint256 start);

    /// @notice The longest an LP exit takes under the schedule in force and the one set for the next epoch, seconds:
    ///         from the first second of an epoch's withdrawal window (the request) to the last second of the next
    ///         epoch's (the claim), `max(epoch length now, next epoch length) + next withdrawal window - 1`. 9 days - 1 s
    ///         at genesis (7 days + 48 h - 1 s). The owner's upgrade delay, when it has one, is longer.
    function longestLpExit() external view returns (uint256);

    /// @notice The per-account and global deposit caps, wei.
    function depositCaps() external view returns (uint256 accountCap, uint256 globalCap);

    /// @notice Wei per 1e18 shares at deposit and at withdrawal.
    function shareValue() external view returns (uint256 depositValue, uint256 withdrawalValue);

    /// @notice The LPs' equity at the deposit and withdrawal values (wei, signed) and the share supply.
    function lpEquity() external view returns (int256 depositEquity, int256 withdrawalEquity, uint256 totalShares);

    /// @notice `account`'s withdrawal request and its state.
    function withdrawalRequest(address account)
        external
        view
        returns (uint256 shares, uint256 epoch, RequestStatus status);

    /// @notice Everything `megatao lp status` shows for `account` (any address, zero included).
    function lpStatus(address account) external view returns (LpStatus memory);

    /// @notice A market's open positions per side: the sum of their sizes (1e18 units of the asset).
    function marketExposure(MarketId marketId) external view returns (uint256 longSize, uint256 shortSize);

    /// @notice The markets with open positions, which share values loop over.
    function activeMarkets() external view returns (MarketId[] memory);
}
