// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IVaultModule} from "../../interfaces/IVaultModule.sol";
import {Bittensor} from "../../libraries/Bittensor.sol";
import {InterestMath} from "../../libraries/math/InterestMath.sol";
import {LiquidationMath} from "../../libraries/math/LiquidationMath.sol";
import {VaultStorage} from "../storage/VaultStorage.sol";

/// @title The vault's bookkeeping, on the `megatao.storage.vault` namespace.
/// @dev Internal library of the trading modules. Every function moves TAO between buckets without creating or losing
///      a wei: reserves, margins owed (written by `PositionLogic`), insurance fund, claims owed, referral balance
///      (credited by `ReferralLogic`, paid out by the referral module's claims).
///      The protocol's balance equals their sum (plus any TAO forced in without a call).
library VaultLogic {
    using SafeCast for uint256;

    /// @notice Gas a liquidation forwards with the trader's payout: enough for an account or a plain contract to
    ///         accept it (a transfer to an empty account costs 25,000 more, which the caller pays).
    uint256 internal constant TRADER_PAYOUT_GAS = 10_000;

    /// @notice `gasLimit` that forwards all gas.
    uint256 internal constant ALL_GAS = type(uint256).max;

    /// @notice Adds a signed amount to the reserves. A debit beyond the reserves empties them and returns the part
    ///         not paid (`shortfall`), which the caller takes off what the trader receives.
    function addReserves(bytes32 positionId, int256 delta) internal returns (uint256 shortfall) {
        VaultStorage.Layout storage v = VaultStorage.load();
        uint256 reserves = v.reserves;
        if (delta >= 0) {
            // Delta >= 0 in this branch.
            // forge-lint: disable-next-line(unsafe-typecast)
            v.reserves = (reserves + uint256(delta)).toUint128();
            return 0;
        }
        // Delta < 0 in this branch, and above int256 min (its negation fits).
        // forge-lint: disable-next-line(unsafe-typecast)
        uint256 debit = uint256(-delta);
        if (debit > reserves) {
            shortfall = debit - reserves;
            debit = reserves;
            emit IVaultModule.ReservesShortfall(positionId, shortfall);
        }
        // Debit <= reserves, a uint128 value.
        // forge-lint: disable-next-line(unsafe-typecast)
        v.reserves = uint128(reserves - debit);
    }

    /// @notice Books the parts of a trading fee that `ReferralLogic` routed (the discount, never charged, is not
    ///         among them): `toInsurance` to the insurance fund, `toReferral` (referrer and builder rewards) to the
    ///         referral balance, `toVault` to the reserves. The event is the record per bucket.
    function bookTradingFee(bytes32 positionId, uint256 toInsurance, uint256 toReferral, uint256 toVault) internal {
        VaultStorage.Layout storage v = VaultStorage.load();
        v.reserves = (v.reserves + toVault).toUint128();
        if (toInsurance != 0) v.insuranceFund = (v.insuranceFund + toInsurance).toUint128();
        if (toReferral != 0) v.referralBalance = (v.referralBalance + toReferral).toUint88();
        emit IVaultModule.TradingFeeBooked(positionId, toInsurance, toReferral, toVault);
    }

    /// @notice Books a liquidation fee's insurance and vault shares (the keeper's is paid by the caller).
    function bookLiquidationFee(uint256 toInsurance, uint256 toVault) internal {
        VaultStorage.Layout storage v = VaultStorage.load();
        v.reserves = (v.reserves + toVault).toUint128();
        v.insuranceFund = (v.insuranceFund + toInsurance).toUint128();
    }

    /// @notice Takes up to `amount` wei out of the insurance fund (for a payment the caller makes); returns what it
    ///         took.
    function takeFromInsurance(uint256 amount) internal returns (uint256 taken) {
        VaultStorage.Layout storage v = VaultStorage.load();
        uint256 insurance = v.insuranceFund;
        taken = amount < insurance ? amount : insurance;
        // Taken <= insurance, a uint128 value.
        // forge-lint: disable-next-line(unsafe-typecast)
        v.insuranceFund = uint128(insurance - taken);
    }

    /// @notice Settles a position leaving the book between its margin and the reserves.
    /// @param margin The position's margin (leaving `marginsOwed`, which the caller updates).
    /// @param equity Its equity at the fill: margin + PnL - funding - interest.
    /// @return available What the trader is owed before fees: the equity, less any reserves shortfall; 0 if the
    ///         equity is negative.
    /// @return badDebt The negative equity, covered by the insurance fund first (moved into the reserves, which
    ///         expected that much more), the vault bearing the rest.
    /// @dev The reserves receive `margin - equity` (signed): the trader's loss, funding and interest, or pay the gain.
    function exit(bytes32 positionId, uint256 margin, int256 equity)
        internal
        returns (uint256 available, uint256 badDebt)
    {
        if (equity < 0) {
            // Equity < 0 in this branch.
            // forge-lint: disable-next-line(unsafe-typecast)
            badDebt = uint256(-equity);
            VaultStorage.Layout storage v = VaultStorage.load();
            uint256 insurance = v.insuranceFund;
            (uint256 fromInsurance, uint256 fromVault) = LiquidationMath.coverBadDebt(badDebt, insurance);
            // FromInsurance <= insurance, a uint128 value.
            // forge-lint: disable-next-line(unsafe-typecast)
            v.insuranceFund = uint128(insurance - fromInsurance);
            v.reserves = (v.reserves + margin + fromInsurance).toUint128();
            emit IVaultModule.BadDebtCovered(positionId, fromInsurance, fromVault);
            return (0, badDebt);
        }
        // Equity >= 0 in this branch.
        // forge-lint: disable-next-line(unsafe-typecast)
        available = uint256(equity);
        available -= addReserves(positionId, SafeCast.toInt256(margin) - equity);
    }

    /// @notice Pays `amount` wei to `to`: the part below 1 rao (which the chain would drop) goes to the reserves; the
    ///         rest is sent with at most `gasLimit` gas, and credited for `claim` if the transfer fails.
    /// @param gasLimit `type(uint256).max` forwards all gas (a trader paid by its own call); a liquidation pays the
    ///        trader with `TRADER_PAYOUT_GAS`, so a recipient that reverts or burns gas cannot block it.
    /// @dev Call last (interactions). Every state-changing entry point is `nonReentrant`, so the recipient cannot
    ///      re-enter; a failed transfer reverted whatever it did, so the credit after it is safe.
    function payOut(address to, uint256 amount, uint256 gasLimit) internal {
        if (amount == 0) return;
        VaultStorage.Layout storage v = VaultStorage.load();
        uint256 dust = amount % Bittensor.WEI_PER_RAO;
        if (dust != 0) {
            v.reserves = (v.reserves + dust).toUint128();
            amount -= dust;
            if (amount == 0) return;
        }
        (bool ok,) = to.call{value: amount, gas: gasLimit == type(uint256).max ? gasleft() : gasLimit}("");
        if (ok) {
            emit IVaultModule.PayoutSent(to, amount);
            return;
        }
        v.claimable[to] += amount;
        v.claimsOwed = (v.claimsOwed + amount).toUint88();
        emit IVaultModule.PayoutCredited(to, amount);
    }

    /// @notice Trips the circuit breaker at or above its level, resets it below the utilization limit on increases.
    /// @return tripped The breaker's state after the call.
    function updateCircuitBreaker() internal returns (bool tripped) {
        VaultStorage.Layout storage v = VaultStorage.load();
        tripped = v.circuitBreakerTripped;
        uint256 level = v.circuitBreakerUtilization;
        if (level == 0) return tripped; // not initialized
        uint256 u = InterestMath.utilization(v.totalOpenNotional, v.reserves);
        if (!tripped) {
            if (u < level) return false;
            v.circuitBreakerTripped = true;
            emit IVaultModule.CircuitBreakerSet(true, u);
            return true;
        }
        if (u >= v.maxUtilizationForIncrease) return true;
        v.circuitBreakerTripped = false;
        emit IVaultModule.CircuitBreakerSet(false, u);
        return false;
    }

    /// @notice The vault's utilization: total open notional / reserves, WAD (rounded up).
    function utilization() internal view returns (uint256) {
        VaultStorage.Layout storage v = VaultStorage.load();
        return InterestMath.utilization(v.totalOpenNotional, v.reserves);
    }
}
