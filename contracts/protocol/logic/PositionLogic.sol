// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {MarketId, MarketStatus} from "../../types/MarketId.sol";
import {OraclePrices} from "../../interfaces/IOracleModule.sol";
import {IPositionModule} from "../../interfaces/IPositionModule.sol";
import {PositionInfo} from "../../interfaces/IPositionViewModule.sol";
import {IPositionErrors} from "../../libraries/errors/PositionErrors.sol";
import {Constants} from "../../libraries/Constants.sol";
import {MarginMath} from "../../libraries/math/MarginMath.sol";
import {PositionMath} from "../../libraries/math/PositionMath.sol";
import {MarketStorage} from "../storage/MarketStorage.sol";
import {MarginStorage} from "../storage/MarginStorage.sol";
import {PositionStorage} from "../storage/PositionStorage.sol";
import {VaultStorage} from "../storage/VaultStorage.sol";
import {OracleLogic} from "./OracleLogic.sol";
import {FundingStorage} from "../storage/FundingStorage.sol";
import {AccrualLogic} from "./AccrualLogic.sol";
import {LpLogic} from "./LpLogic.sol";
import {VaultLogic} from "./VaultLogic.sol";

/// @title Positions, their accounts and their margin, on the `megatao.storage.position` and
///        `megatao.storage.margin` namespaces.
/// @dev Internal library of the trading modules. A position's margin ratio is `equity / marginNotional`: the entry
///      notional `|size| x entryPrice` rounded up (GMX v2's `sizeInUsd`), the denominator that makes docs/protocol.md
///      section 5's liquidation prices exact, and for a short the larger of it and `|size| x mark` (`marginNotional`).
///      Every margin change goes through `setMargin`, which keeps the account's collateral and the vault's
///      `marginsOwed` equal to the sums of the margins.
library PositionLogic {
    using SafeCast for uint256;
    using SafeCast for int256;

    /// @notice The position id of (`account`, `marketId`).
    function id(address account, MarketId marketId) internal pure returns (bytes32) {
        return keccak256(abi.encode(account, marketId));
    }

    /// @notice `account`'s position in `marketId` (storage), and its id.
    function load(address account, MarketId marketId)
        internal
        view
        returns (bytes32 positionId, PositionStorage.Position storage p)
    {
        positionId = id(account, marketId);
        p = PositionStorage.load().positions[positionId];
    }

    /// @notice `account`'s existing position in `marketId`; reverts `NoPosition` if none.
    function existing(address account, MarketId marketId)
        internal
        view
        returns (bytes32 positionId, PositionStorage.Position storage p)
    {
        (positionId, p) = load(account, marketId);
        if (p.size == 0) revert IPositionErrors.NoPosition(account, marketId);
    }

    /// @notice A position's entry notional: `|size| x entryPrice`, rounded up.
    function entryNotional(PositionStorage.Position storage p) internal view returns (uint256) {
        return PositionMath.notional(p.size, p.entryPrice);
    }

    /// @notice The notional a position's margin ratio is measured on (docs/protocol.md section 5): its entry notional,
    ///         and for a short the larger of that and its size at the mark, so that a pump does not leave it
    ///         under-margined.
    function marginNotional(int256 size, uint256 entryNotional_, uint256 mark) internal pure returns (uint256) {
        if (size >= 0) return entryNotional_;
        return Math.max(entryNotional_, PositionMath.notional(size, mark));
    }

    /// @notice Counts a new position in its account (at most 50).
    function addToAccount(address account) internal {
        MarginStorage.Account storage a = MarginStorage.load().accounts[account];
        uint256 count = a.positionCount;
        if (count >= Constants.MAX_POSITIONS_PER_ACCOUNT) {
            revert IPositionErrors.TooManyPositions(account, Constants.MAX_POSITIONS_PER_ACCOUNT);
        }
        // Count + 1 <= 50, checked above.
        // forge-lint: disable-next-line(unsafe-typecast)
        a.positionCount = uint8(count + 1);
    }

    /// @notice Uncounts a closed position from its account.
    function removeFromAccount(address account) internal {
        MarginStorage.Account storage a = MarginStorage.load().accounts[account];
        a.positionCount -= 1;
    }

    /// @notice Sets a position's margin from `oldMargin` to `newMargin`, moving the account's collateral and the
    ///         vault's `marginsOwed` by the difference; an increase is checked against the collateral caps.
    function setMargin(address account, PositionStorage.Position storage p, uint256 oldMargin, uint256 newMargin)
        internal
    {
        p.margin = newMargin.toUint96();
        if (newMargin == oldMargin) return;
        MarginStorage.Account storage a = MarginStorage.load().accounts[account];
        VaultStorage.Layout storage v = VaultStorage.load();
        if (newMargin > oldMargin) {
            uint256 added = newMargin - oldMargin;
            uint256 collateral = a.collateral + added;
            uint256 total = v.marginsOwed + added;
            uint256 accountCap = v.accountCollateralCap;
            uint256 globalCap = v.globalCollateralCap;
            if (collateral > accountCap) {
                revert IPositionErrors.AccountCollateralCapExceeded(account, collateral, accountCap);
            }
            if (total > globalCap) revert IPositionErrors.GlobalCollateralCapExceeded(total, globalCap);
            a.collateral = collateral.toUint128();
            v.marginsOwed = total.toUint128();
        } else {
            uint256 removed = oldMargin - newMargin;
            // A difference below a uint128 value.
            // forge-lint: disable-next-line(unsafe-typecast)
            a.collateral = uint128(a.collateral - removed);
            // A difference below a uint128 value.
            // forge-lint: disable-next-line(unsafe-typecast)
            v.marginsOwed = uint128(v.marginsOwed - removed);
        }
    }

    /// @notice Settles what a position owes into its margin (the caller writes the margin with `setMargin`):
    ///         funding and interest go to (or, earned funding, come from) the reserves; the snapshots move to now.
    /// @param credit Wei the operation adds to the margin (TAO sent), counted before the underwater check.
    /// @return netMargin `margin + credit - funding - interest` (less any reserves shortfall on earned funding).
    /// @dev Reverts `PositionUnderwater` when that is negative: only a close or a liquidation settles such a position.
    function settle(
        address account,
        MarketId marketId,
        bytes32 positionId,
        PositionStorage.Position storage p,
        uint256 notional,
        int256 fundingIndex,
        uint256 interestIndex,
        uint256 credit
    ) internal returns (uint256 netMargin) {
        (int256 funding, uint256 interest) = AccrualLogic.owed(p, notional, fundingIndex, interestIndex);
        LpLogic.settleFunding(marketId, p.size > 0, funding);
        int256 toVault = funding + interest.toInt256();
        int256 net = uint256(p.margin).toInt256() + credit.toInt256() - toVault;
        if (toVault != 0) net -= VaultLogic.addReserves(positionId, toVault).toInt256();
        if (net < 0) revert IPositionErrors.PositionUnderwater(account, marketId, net);
        p.fundingIndex = fundingIndex.toInt80();
        p.interestIndex = interestIndex.toUint80();
        if (funding != 0 || interest != 0) emit IPositionModule.PositionSettled(positionId, funding, interest);
        // Net >= 0, checked above.
        // forge-lint: disable-next-line(unsafe-typecast)
        return uint256(net);
    }

    /// @notice Snapshots the indices into a new position.
    function snapshot(PositionStorage.Position storage p, int256 fundingIndex, uint256 interestIndex) internal {
        p.fundingIndex = fundingIndex.toInt80();
        p.interestIndex = interestIndex.toUint80();
    }

    /// @notice Reverts unless `equity / notional` is at least `required` (WAD).
    function checkMarginRatio(address account, MarketId marketId, int256 equity, uint256 notional, uint256 required)
        internal
        pure
    {
        int256 mr = MarginMath.marginRatio(equity, notional);
        if (mr < required.toInt256()) revert IPositionErrors.MarginRatioTooLow(account, marketId, mr, required);
    }

    /// @notice `account`'s position in `marketId` valued at the reference price a trade now would use, with the
    ///         funding and interest an accrual now would charge.
    function info(address account, MarketId marketId) internal view returns (PositionInfo memory r) {
        PositionStorage.Position storage p;
        (r.positionId, p) = load(account, marketId);
        r.account = account;
        r.marketId = marketId;
        int256 size = p.size;
        if (size == 0) return r;
        MarketStorage.Market storage m = MarketStorage.load().markets[marketId];
        r.size = size;
        r.entryPrice = p.entryPrice;
        r.entryNotional = entryNotional(p);
        r.margin = p.margin;
        r.lastIncreaseBlock = p.lastIncreaseBlock;
        (r.accruedFunding, r.accruedInterest) = owedNow(p, marketId, r.entryNotional);
        OraclePrices memory prices = OracleLogic.preview(marketId);
        r.markPrice = prices.referencePrice;
        r.spotPrice = prices.broken || prices.spot == 0 ? r.markPrice : prices.spot;
        r.unrealizedPnl = PositionMath.pnl(size, r.entryPrice, r.markPrice);
        r.equity = MarginMath.equity(r.margin, r.unrealizedPnl, r.accruedFunding, r.accruedInterest);
        uint256 notional = marginNotional(size, r.entryNotional, r.markPrice);
        r.marginRatio = MarginMath.marginRatio(r.equity, notional);
        uint256 mm = m.maintenanceMargin;
        uint256 start = prices.blockStartReferencePrice;
        uint256 best = size > 0
            ? Math.max(Math.max(r.spotPrice, r.markPrice), start)
            : Math.min(Math.min(r.spotPrice, r.markPrice), start);
        int256 bestEquity = MarginMath.equity(
            r.margin, PositionMath.pnl(size, r.entryPrice, best), r.accruedFunding, r.accruedInterest
        );
        r.liquidationStatus =
            MarginMath.status(MarginMath.marginRatio(bestEquity, notional), mm, m.partialLiquidationBand);
        int256 net = r.margin.toInt256() - r.accruedFunding - r.accruedInterest.toInt256();
        if (net > 0) {
            // Net > 0 in this branch.
            // forge-lint: disable-next-line(unsafe-typecast)
            r.leverage = PositionMath.leverage(r.entryNotional, uint256(net));
            // A short's margin ratio counts its notional at the mark once above entry: its liquidation price is
            // where that ratio reaches MM (below the published formula's, which counts the entry notional).
            r.liquidationPrice = size > 0
                ? MarginMath.liquidationPrice(r.entryPrice, r.leverage, mm, true)
                : Math.min(
                    MarginMath.liquidationPrice(r.entryPrice, r.leverage, mm, false),
                    MarginMath.liquidationPriceAtMark(size, r.entryPrice, net, mm)
                );
        } else {
            r.leverage = type(uint256).max;
            r.liquidationPrice = size > 0 ? type(uint256).max : 0;
        }
    }

    /// @notice What a position owes now: the funding and interest an accrual now would charge (a settled market's
    ///         stop at its settlement).
    function owedNow(PositionStorage.Position storage p, MarketId marketId, uint256 notional)
        internal
        view
        returns (int256 funding, uint256 interest)
    {
        MarketStorage.Market storage m = MarketStorage.load().markets[marketId];
        int256 fundingIndex;
        uint256 interestIndex;
        if (m.status == MarketStatus.Settled) {
            fundingIndex = FundingStorage.load().markets[marketId].index;
            interestIndex = FundingStorage.load().settledInterestIndex[marketId];
        } else {
            (fundingIndex,) = AccrualLogic.fundingIndexNow(marketId, m.maxFundingRate8h);
            (interestIndex,) = AccrualLogic.interestIndexNow();
        }
        return AccrualLogic.owed(p, notional, fundingIndex, interestIndex);
    }

    /// @notice The markets where `account` holds a position, in listing order (a view: it reads every market).
    function markets(address account) internal view returns (MarketId[] memory list) {
        uint256 count = MarginStorage.load().accounts[account].positionCount;
        list = new MarketId[](count);
        if (count == 0) return list;
        MarketId[] storage all = MarketStorage.load().marketIds;
        mapping(bytes32 => PositionStorage.Position) storage positions = PositionStorage.load().positions;
        uint256 found;
        for (uint256 i; i < all.length && found < count; ++i) {
            MarketId marketId = all[i];
            if (positions[id(account, marketId)].size != 0) list[found++] = marketId;
        }
    }
}
