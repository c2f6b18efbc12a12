// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {MarketId} from "../../types/MarketId.sol";
import {Bittensor} from "../../libraries/Bittensor.sol";
import {Constants} from "../../libraries/Constants.sol";
import {IVaultModule} from "../../interfaces/IVaultModule.sol";
import {FundingMath} from "../../libraries/math/FundingMath.sol";
import {InterestMath} from "../../libraries/math/InterestMath.sol";
import {FundingStorage} from "../storage/FundingStorage.sol";
import {PositionStorage} from "../storage/PositionStorage.sol";
import {VaultStorage} from "../storage/VaultStorage.sol";
import {LpLogic} from "./LpLogic.sol";

/// @title Accrual of the cumulative indices (docs/protocol.md section 6), and the open interest at the mark that the
///        vault's utilization counts, on the `megatao.storage.funding` namespace.
/// @dev Internal library of the trading modules; only it writes the funding namespace. Each accrual is O(1):
///      - funding, per market: `index += rate8h(longOI, shortOI) x min(elapsed, 32 h) / 8 h` at the open interest that
///        held over the gap (accrued before any change of it); a position owes `entryNotional x (index - its
///        snapshot)` if long, the opposite if short (`FundingMath.owed`, rounded against the trader);
///      - interest, global: `index += annualRate(totalOpenNotional / reserves) x elapsed / year` at the utilization
///        that held over the gap; every second counts (InterestMath: no cap on the gap, unlike funding); a position
///        owes `entryNotional x (index - its snapshot)`.
///      The first accrual only stamps the time. Positions settle what they owe on every trade (`PositionLogic`).
///      Utilization is measured at the mark: each market keeps its open interest (both sides' sizes) valued at its
///      reference price when it was last touched, and the vault's `totalOpenNotional` is their sum, moved by the
///      difference at every trade, `poke`-independent `accrue` and settlement (O(1); an untouched market's share is
///      as old as its last touch).
library AccrualLogic {
    using SafeCast for uint256;
    using SafeCast for int256;

    /// @notice Accrues market `marketId`'s funding index to now at the given open interest (the current one).
    /// @return index The index now.
    function accrueFunding(MarketId marketId, uint256 maxFunding8h, uint256 longOI, uint256 shortOI)
        internal
        returns (int256 index)
    {
        FundingStorage.MarketFunding storage f = FundingStorage.load().markets[marketId];
        uint256 last = f.lastAccrual;
        index = f.index;
        // Funding accrues per second of chain time by design; a validator moves it by seconds.
        // forge-lint: disable-next-line(block-timestamp)
        if (last == block.timestamp) return index;
        if (last != 0) {
            int256 rate = FundingMath.rate8h(longOI, shortOI, maxFunding8h);
            int256 delta = FundingMath.indexDelta(rate, block.timestamp - last);
            if (delta != 0) {
                LpLogic.accrueFundingOwed(marketId, longOI, shortOI, delta);
                index += delta;
                f.index = index.toInt128();
                emit IVaultModule.FundingAccrued(marketId, rate, index);
            }
        }
        f.lastAccrual = uint64(block.timestamp);
    }

    /// @notice Re-values `marketId`'s open interest, `sizeSum` units of the asset (both sides), at `price`, in the
    ///         vault's total open notional.
    function markOpenInterest(MarketId marketId, uint256 sizeSum, uint256 price) internal {
        FundingStorage.MarketFunding storage f = FundingStorage.load().markets[marketId];
        uint256 oldRao = f.markNotional;
        uint256 newRao = Math.mulDiv(sizeSum, price, Constants.WAD * Bittensor.WEI_PER_RAO, Math.Rounding.Ceil);
        if (newRao == oldRao) return;
        f.markNotional = newRao.toUint64();
        VaultStorage.Layout storage v = VaultStorage.load();
        v.totalOpenNotional =
            (v.totalOpenNotional + newRao * Bittensor.WEI_PER_RAO - oldRao * Bittensor.WEI_PER_RAO).toUint128();
    }

    /// @notice A settled market's interest index at its settlement.
    function settledInterestIndex(MarketId marketId) internal view returns (uint256) {
        return FundingStorage.load().settledInterestIndex[marketId];
    }

    /// @notice `marketId`'s share of the vault's total open notional, wei.
    function markNotional(MarketId marketId) internal view returns (uint256) {
        return uint256(FundingStorage.load().markets[marketId].markNotional) * Bittensor.WEI_PER_RAO;
    }

    /// @notice Accrues the global interest index to now.
    /// @return index The index now.
    function accrueInterest() internal returns (uint256 index) {
        FundingStorage.Layout storage $ = FundingStorage.load();
        uint256 last = $.lastInterestAccrual;
        index = $.interestIndex;
        // Interest accrues per second of chain time by design; a validator moves it by seconds.
        // forge-lint: disable-next-line(block-timestamp)
        if (last == block.timestamp) return index;
        VaultStorage.Layout storage v = VaultStorage.load();
        uint256 openNotional = v.totalOpenNotional;
        if (last != 0 && openNotional != 0) {
            uint256 rate = InterestMath.annualRate(InterestMath.utilization(openNotional, v.reserves));
            index = InterestMath.advanceIndex(index, rate, block.timestamp - last);
            $.interestIndex = index.toUint128();
            emit IVaultModule.InterestAccrued(rate, index);
        }
        $.lastInterestAccrual = uint64(block.timestamp);
    }

    /// @notice Market `marketId`'s funding index as an accrual now would leave it, and the rate now.
    function fundingIndexNow(MarketId marketId, uint256 maxFunding8h)
        internal
        view
        returns (int256 index, int256 rate8h)
    {
        FundingStorage.MarketFunding storage f = FundingStorage.load().markets[marketId];
        PositionStorage.OpenInterest storage oi = PositionStorage.load().openInterest[marketId];
        rate8h = FundingMath.rate8h(oi.long, oi.short, maxFunding8h);
        index = f.index;
        uint256 last = f.lastAccrual;
        if (last != 0) index += FundingMath.indexDelta(rate8h, block.timestamp - last);
    }

    /// @notice The interest index as an accrual now would leave it, and the annual rate now.
    function interestIndexNow() internal view returns (uint256 index, uint256 annualRate) {
        FundingStorage.Layout storage $ = FundingStorage.load();
        VaultStorage.Layout storage v = VaultStorage.load();
        uint256 openNotional = v.totalOpenNotional;
        annualRate = InterestMath.annualRate(InterestMath.utilization(openNotional, v.reserves));
        index = $.interestIndex;
        uint256 last = $.lastInterestAccrual;
        if (last != 0 && openNotional != 0) {
            index = InterestMath.advanceIndex(index, annualRate, block.timestamp - last);
        }
    }

    /// @notice What a position owes since it last settled.
    /// @param p The position.
    /// @param entryNotional Its entry notional, wei.
    /// @return funding Signed wei (negative: earned). Rounded against the trader.
    /// @return interest Wei. Rounded up.
    function owed(PositionStorage.Position storage p, uint256 entryNotional, int256 fundingIndex, uint256 interestIndex)
        internal
        view
        returns (int256 funding, uint256 interest)
    {
        funding = FundingMath.owed(p.size > 0, entryNotional, p.fundingIndex, fundingIndex);
        interest = InterestMath.owed(entryNotional, p.interestIndex, interestIndex);
    }
}
