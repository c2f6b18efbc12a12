// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title Errors of the LP module: windows, requests, caps, share value, governance bounds.
/// @dev Times are unix seconds, amounts of TAO wei, shares in the LP token's units (18 decimals).
interface ILpErrors {
    /// @notice A deposit at `timestamp`, outside the deposit window; the next one opens at `opensAt`.
    error DepositWindowClosed(uint256 timestamp, uint256 opensAt);

    /// @notice A withdrawal request at `timestamp`, outside the withdrawal window; the next one opens at `opensAt`.
    error WithdrawalWindowClosed(uint256 timestamp, uint256 opensAt);

    /// @notice A deposit without TAO.
    error ZeroDeposit();

    /// @notice A deposit of `amount` wei worth less than one share unit.
    error ZeroShares(uint256 amount);

    /// @notice A withdrawal request of zero shares.
    error ZeroWithdrawalShares();

    /// @notice The LPs' equity at the deposit value, `equity` wei, is negative (traders' net unrealized gains exceed
    ///         the reserves): no share can be priced, deposits wait.
    error LpEquityNegative(int256 equity);

    /// @notice The deposit would bring `account`'s LP value to `value` wei, above the per-account cap `cap`.
    error AccountDepositCapExceeded(address account, uint256 value, uint256 cap);

    /// @notice The deposit would bring the LPs' equity to `equity` wei, above the global cap `cap`.
    error GlobalDepositCapExceeded(uint256 equity, uint256 cap);

    /// @notice `account` deposited in this block: it cannot redeem in the same block.
    error RedeemInDepositBlock(address account);

    /// @notice `account` redeemed in this block: it cannot deposit in the same block.
    error DepositInRedeemBlock(address account);

    /// @notice `account` has no withdrawal request.
    error NoWithdrawalRequest(address account);

    /// @notice `account`'s request of epoch `requestEpoch` is claimable in epoch `requestEpoch + 1`'s withdrawal
    ///         window, which opens at `opensAt`.
    error WithdrawalNotYetClaimable(address account, uint256 requestEpoch, uint256 opensAt);

    /// @notice `account` holds a claimable request of epoch `requestEpoch`: claim it before requesting again.
    error ClaimableWithdrawalPending(address account, uint256 requestEpoch);

    /// @notice `account`'s request of epoch `requestEpoch` is not void (pending or claimable): nothing to release.
    error WithdrawalNotVoid(address account, uint256 requestEpoch);

    /// @notice Paying the claim would raise utilization to `utilization` (WAD), above the limit `limit`: the
    ///         request stays claimable until its window closes.
    error WithdrawalExceedsUtilization(uint256 utilization, uint256 limit);

    /// @notice The claimed shares are worth nothing at the withdrawal value now (`shares`).
    error ZeroWithdrawalValue(uint256 shares);

    /// @notice Sending `amount` wei to `account` failed (the claim is undone and stays claimable).
    error LpPayoutFailed(address account, uint256 amount);

    /// @notice Epoch length `length` (seconds) outside [min, max].
    error EpochLengthOutOfBounds(uint256 length, uint256 min, uint256 max);

    /// @notice Deposit window `window` (seconds) outside [min, max] (max: the epoch length).
    error DepositWindowOutOfBounds(uint256 window, uint256 min, uint256 max);

    /// @notice Withdrawal window `window` (seconds) outside [min, max] (max: the epoch length).
    error WithdrawalWindowOutOfBounds(uint256 window, uint256 min, uint256 max);

    /// @notice A deposit cap `cap` (wei) outside [min, max] (the per-account cap's max is the global cap).
    error DepositCapOutOfBounds(uint256 cap, uint256 min, uint256 max);

    /// @notice The LP token `token` is not bound to this entry contract (its `protocol()` is `protocol`).
    error LpTokenNotBound(address token, address protocol);

    /// @notice The LP module's genesis parameters are set already (`version`).
    error LpAlreadyInitialized(uint8 version);

    /// @notice An LP function before `initialize`.
    error LpNotInitialized();
}
