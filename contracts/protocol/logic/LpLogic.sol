// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {MarketId} from "../../types/MarketId.sol";
import {ILpModule, RequestStatus} from "../../interfaces/ILpModule.sol";
import {ILpErrors} from "../../libraries/errors/LpErrors.sol";
import {Constants} from "../../libraries/Constants.sol";
import {FundingMath} from "../../libraries/math/FundingMath.sol";
import {MegaTAOLpToken} from "../../tokens/MegaTAOLpToken.sol";
import {LpStorage} from "../storage/LpStorage.sol";
import {PositionStorage} from "../storage/PositionStorage.sol";
import {RouterStorage} from "../storage/RouterStorage.sol";
import {VaultStorage} from "../storage/VaultStorage.sol";
import {OracleLogic} from "./OracleLogic.sol";

/// @title The LPs' bookkeeping, on the `megatao.storage.lp` namespace: the traders' aggregate exposure, the LPs'
///        equity and share values, the epoch schedule, and minting shares for capital.
/// @dev Internal library of the LP module, the vault module (`fundVault`) and the trading modules (`trackExposure`,
///      through `TradingLogic.updateOpenInterest`).
///      Equity is O(markets with open positions): per market, the side's PnL at a price is
///      `longSize x price - longOI` (longs), `shortOI - shortSize x price` (shorts), from the two sums each side's
///      slot of `PositionStorage.OpenInterest` keeps. Each market is valued at its stored reference price (the mark:
///      docs/protocol.md section 3), which no transaction sets and which reads no price source, so a failing source
///      freezes nothing here (a settled market stays at its settlement price).
///      Withdrawal equity counts each side's PnL only when positive (a gain, in full; a side's net loss counts zero);
///      deposit equity counts gains and losses. So a depositor pays for the traders' open losses and a withdrawal
///      never receives them.
///      A side's unsettled funding (`Exposure.*FundingOwed`, kept O(1) by every accrual and settlement) is netted
///      into its PnL the same way; unsettled interest, always owed to the vault, is not counted.
library LpLogic {
    using SafeCast for uint256;
    using SafeCast for int256;

    // ---------------------------------------------------------------- exposure (written by every trade)

    /// @notice After `isLong`'s size sum in `marketId` moved from `sizeBefore` to `sizeAfter` (the other side's being
    ///         `otherSize`): resets an emptied side's unsettled funding, keeps the list of markets with open positions.
    function trackExposure(MarketId marketId, bool isLong, uint256 sizeBefore, uint256 sizeAfter, uint256 otherSize)
        internal
    {
        if (sizeBefore == sizeAfter) return;
        LpStorage.Layout storage $ = LpStorage.load();
        // An empty side owes nothing: the rounding of its accruals and settlements starts again from zero.
        if (sizeAfter == 0) {
            LpStorage.Exposure storage e = $.exposure[marketId];
            if (isLong) e.longFundingOwed = 0;
            else e.shortFundingOwed = 0;
        }
        bool wasActive = sizeBefore != 0 || otherSize != 0;
        bool active = sizeAfter != 0 || otherSize != 0;
        if (active == wasActive) return;
        if (active) {
            $.activeMarkets.push(marketId);
            $.activeSlot[marketId] = $.activeMarkets.length;
        } else {
            uint256 index = $.activeSlot[marketId] - 1;
            uint256 last = $.activeMarkets.length - 1;
            if (index != last) {
                MarketId moved = $.activeMarkets[last];
                $.activeMarkets[index] = moved;
                $.activeSlot[moved] = index + 1;
            }
            $.activeMarkets.pop();
            delete $.activeSlot[marketId];
        }
    }

    /// @notice Adds an accrual's funding flows (`FundingMath.sideFlows` on the open interest that held) to what each
    ///         side of `marketId` owes.
    function accrueFundingOwed(MarketId marketId, uint256 longOI, uint256 shortOI, int256 delta) internal {
        (int256 longsOwe, int256 shortsOwe,) = FundingMath.sideFlows(longOI, shortOI, delta);
        LpStorage.Exposure storage e = LpStorage.load().exposure[marketId];
        e.longFundingOwed = (e.longFundingOwed + longsOwe).toInt128();
        e.shortFundingOwed = (e.shortFundingOwed + shortsOwe).toInt128();
    }

    /// @notice Takes the `funding` a position of `isLong`'s side settled (signed wei, negative: earned) off what the
    ///         side owes.
    function settleFunding(MarketId marketId, bool isLong, int256 funding) internal {
        if (funding == 0) return;
        LpStorage.Exposure storage e = LpStorage.load().exposure[marketId];
        if (isLong) e.longFundingOwed = (e.longFundingOwed - funding).toInt128();
        else e.shortFundingOwed = (e.shortFundingOwed - funding).toInt128();
    }

    // ---------------------------------------------------------------- equity and share values

    /// @notice The LPs' equity: at the deposit value (trader PnL counted, losses included) and at the withdrawal value
    ///         (each side's gain counted, a side's net loss not), every market at its stored reference price.
    function equity() internal view returns (int256 depositEquity, int256 withdrawalEquity) {
        LpStorage.Layout storage $ = LpStorage.load();
        int256 reserves = uint256(VaultStorage.load().reserves).toInt256();
        int256 pnl;
        uint256 gains;
        uint256 count = $.activeMarkets.length;
        for (uint256 i; i < count; ++i) {
            MarketId marketId = $.activeMarkets[i];
            LpStorage.Exposure storage e = $.exposure[marketId];
            PositionStorage.OpenInterest storage oi = PositionStorage.load().openInterest[marketId];
            uint256 price = OracleLogic.storedReference(marketId);
            // A side's claim on the vault: its PnL less the funding it owes (plus what it has earned, unsettled).
            int256 side = _sidePnl(oi.longSize, oi.long, price, true) - e.longFundingOwed;
            pnl += side;
            // Positive in this branch.
            // forge-lint: disable-next-line(unsafe-typecast)
            if (side > 0) gains += uint256(side);
            side = _sidePnl(oi.shortSize, oi.short, price, false) - e.shortFundingOwed;
            pnl += side;
            // Positive in this branch.
            // forge-lint: disable-next-line(unsafe-typecast)
            if (side > 0) gains += uint256(side);
        }
        depositEquity = reserves - pnl;
        withdrawalEquity = reserves - gains.toInt256();
    }

    /// @notice The share supply: every LP token, escrowed ones included.
    function totalShares() internal view returns (uint256) {
        return MegaTAOLpToken(LpStorage.load().token).totalSupply();
    }

    /// @notice Wei per 1e18 shares at `equity_` with `supply` shares (1 TAO per share while there are none; 0 when
    ///         the equity is negative).
    function shareValue(int256 equity_, uint256 supply) internal pure returns (uint256) {
        if (supply == 0) return Constants.WAD;
        if (equity_ <= 0) return 0;
        // Positive in this branch.
        // forge-lint: disable-next-line(unsafe-typecast)
        return Math.mulDiv(uint256(equity_), Constants.WAD, supply);
    }

    /// @notice Shares of the LPs' equity that `amount` wei buys at the deposit value (1 per wei while there are
    ///         none), rounded down. Reverts `LpEquityNegative` when the equity is.
    /// @return shares The shares.
    /// @return depositEquity The equity before the deposit.
    /// @return supply The supply before the deposit.
    function sharesFor(uint256 amount) internal view returns (uint256 shares, int256 depositEquity, uint256 supply) {
        (depositEquity,) = equity();
        supply = totalShares();
        if (supply == 0) return (amount, depositEquity, 0);
        if (depositEquity <= 0) revert ILpErrors.LpEquityNegative(depositEquity);
        // Positive in this branch.
        // forge-lint: disable-next-line(unsafe-typecast)
        shares = Math.mulDiv(amount, supply, uint256(depositEquity));
    }

    /// @notice Capital in the reserves without shares (added before the LP module, or left after every share was
    ///         redeemed) becomes the owner's shares, one per wei, so that no depositor receives it. Call before
    ///         pricing a deposit.
    function adoptOrphanCapital() internal {
        LpStorage.Layout storage $ = LpStorage.load();
        uint256 reserves = VaultStorage.load().reserves;
        if (reserves == 0 || MegaTAOLpToken($.token).totalSupply() != 0) return;
        address to = RouterStorage.load().owner;
        MegaTAOLpToken($.token).mint(to, reserves);
        emit ILpModule.OrphanCapitalAdopted(to, reserves, reserves);
    }

    /// @notice Prices `amount` wei of owner capital (`fundVault`) as a deposit: 0 before the LP module is
    ///         initialized (the capital is then adopted by `initialize`); reverts `ZeroShares` below one share.
    ///         Recapitalisation: the share value is at least `MIN_SHARE_VALUE`, also when the equity is zero or
    ///         negative, so the new capital owns all but a dust of the vault and absorbs the loss first.
    function fundingShares(uint256 amount) internal returns (uint256 shares) {
        if (LpStorage.load().version == 0) return 0;
        adoptOrphanCapital();
        uint256 supply = totalShares();
        if (supply == 0) return amount;
        (int256 depositEquity,) = equity();
        uint256 value = Math.max(shareValue(depositEquity, supply), Constants.MIN_SHARE_VALUE);
        shares = Math.mulDiv(amount, Constants.WAD, value);
        if (shares == 0) revert ILpErrors.ZeroShares(amount);
    }

    /// @notice Mints the shares `fundingShares` priced to `to` (nothing when 0).
    function mintFunding(address to, uint256 amount, uint256 shares) internal {
        if (shares == 0) return;
        (uint256 epoch,) = epochOf(schedule());
        emit ILpModule.LpDeposited(to, epoch, amount, shares);
        MegaTAOLpToken(LpStorage.load().token).mint(to, shares);
    }

    // ---------------------------------------------------------------- epochs

    /// @notice The schedule in force now (the next one once its epoch has begun).
    function schedule() internal view returns (LpStorage.Schedule memory s) {
        LpStorage.Layout storage $ = LpStorage.load();
        s = $.nextSchedule;
        // Epochs are measured in chain time by design; a validator moves them by seconds.
        // forge-lint: disable-next-line(block-timestamp)
        if (s.anchorTime == 0 || block.timestamp < s.anchorTime) s = $.schedule;
    }

    /// @notice Makes the next schedule the one in force once its epoch has begun; returns the one in force.
    function rollSchedule() internal returns (LpStorage.Schedule memory s) {
        LpStorage.Layout storage $ = LpStorage.load();
        s = $.nextSchedule;
        // forge-lint: disable-next-line(block-timestamp)
        if (s.anchorTime == 0 || block.timestamp < s.anchorTime) return $.schedule;
        $.schedule = s;
        delete $.nextSchedule;
    }

    /// @notice The epoch at the current time under `s`, and its start.
    function epochOf(LpStorage.Schedule memory s) internal view returns (uint256 epoch, uint256 start) {
        uint256 elapsed = (block.timestamp - s.anchorTime) / s.epochLength;
        epoch = s.anchorEpoch + elapsed;
        start = s.anchorTime + elapsed * s.epochLength;
    }

    /// @notice A request's state at the current time under `s`.
    function requestStatus(LpStorage.Schedule memory s, LpStorage.Account memory a)
        internal
        view
        returns (RequestStatus)
    {
        if (a.requestShares == 0) return RequestStatus.None;
        (uint256 epoch, uint256 start) = epochOf(s);
        if (epoch == a.requestEpoch) return RequestStatus.Pending;
        // forge-lint: disable-next-line(block-timestamp)
        if (epoch == uint256(a.requestEpoch) + 1 && block.timestamp < start + s.withdrawalWindow) {
            return RequestStatus.Claimable;
        }
        return RequestStatus.Void;
    }

    /// @notice Returns a void request's shares to `account` and clears it.
    function release(address account, LpStorage.Account storage a) internal {
        uint256 shares = a.requestShares;
        uint256 epoch = a.requestEpoch;
        a.requestShares = 0;
        a.requestEpoch = 0;
        emit ILpModule.WithdrawalVoided(account, epoch, shares);
        MegaTAOLpToken(LpStorage.load().token).unlock(account, shares);
    }

    // ---------------------------------------------------------------- internals

    /// @dev A side's trader PnL at `price`, rounded up: a rounding never overstates the LPs' equity.
    function _sidePnl(uint256 size, uint256 openInterest, uint256 price, bool isLong) private pure returns (int256) {
        if (size == 0) return 0;
        int256 oi = openInterest.toInt256();
        if (isLong) return Math.mulDiv(size, price, Constants.WAD, Math.Rounding.Ceil).toInt256() - oi;
        return oi - Math.mulDiv(size, price, Constants.WAD).toInt256();
    }
}
