// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketId, MarketKind, MarketStatus} from "../../types/MarketId.sol";
import {MarketParams} from "../../interfaces/IMarketModule.sol";
import {IMarketErrors} from "../../libraries/errors/MarketErrors.sol";

/// @title Storage of the market registry.
/// @dev ERC-7201 namespace `megatao.storage.market`. Append fields only; never reorder or retype.
library MarketStorage {
    /// @dev One market: 5 slots. The governance parameters (units in `MarketParams`) are laid out flat, so that the
    ///      market's kind, status and netuid share the first slot with the margin parameters: a trade reads two slots
    ///      (three for an increase, which checks the caps) where a nested `MarketParams` would cost it one more.
    struct Market {
        /// @dev Slot 0, read by every trade.
        uint96 maxLeverage;
        uint64 maintenanceMargin;
        uint64 partialLiquidationBand;
        MarketKind kind;
        MarketStatus status;
        uint16 netuid;
        /// @dev Slot 1, read by every trade.
        uint64 takerFee;
        uint64 makerFee;
        uint64 maxFundingRate8h;
        uint64 priceBand;
        /// @dev Slot 2, read by increases.
        uint128 maxOpenInterestPerSide;
        uint128 liquidityThreshold;
        /// @dev Slot 3: the ticker's ASCII bytes, left-aligned, zero-padded.
        bytes32 ticker;
        /// @dev Slot 4.
        uint64 listedAt;
    }

    /// @custom:storage-location erc7201:megatao.storage.market
    struct Layout {
        mapping(MarketId marketId => Market) markets;
        MarketId[] marketIds;
        mapping(bytes32 ticker => MarketId marketId) marketIdByTicker;
    }

    /// @dev The namespace id.
    string internal constant ID = "megatao.storage.market";

    /// @dev keccak256(abi.encode(uint256(keccak256("megatao.storage.market")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 internal constant SLOT = 0x6b4ffe0c5a3981f79367bb818aa6ee54b9a121f67d602e48ceba95ba2b4b0e00;

    function load() internal pure returns (Layout storage $) {
        assembly ("memory-safe") {
            $.slot := SLOT
        }
    }

    /// @dev A market's governance parameters.
    function params(Market storage m) internal view returns (MarketParams memory p) {
        p.maxLeverage = m.maxLeverage;
        p.maintenanceMargin = m.maintenanceMargin;
        p.partialLiquidationBand = m.partialLiquidationBand;
        p.takerFee = m.takerFee;
        p.makerFee = m.makerFee;
        p.maxFundingRate8h = m.maxFundingRate8h;
        p.priceBand = m.priceBand;
        p.maxOpenInterestPerSide = m.maxOpenInterestPerSide;
        p.liquidityThreshold = m.liquidityThreshold;
    }

    /// @dev Sets a market's governance parameters (checked by the caller).
    function setParams(Market storage m, MarketParams memory p) internal {
        (m.maxLeverage, m.maintenanceMargin, m.partialLiquidationBand) =
        (p.maxLeverage, p.maintenanceMargin, p.partialLiquidationBand);
        (m.takerFee, m.makerFee, m.maxFundingRate8h, m.priceBand) =
        (p.takerFee, p.makerFee, p.maxFundingRate8h, p.priceBand);
        (m.maxOpenInterestPerSide, m.liquidityThreshold) = (p.maxOpenInterestPerSide, p.liquidityThreshold);
    }

    /// @dev A listed market's record; reverts `MarketNotListed` for an id never listed.
    function listed(MarketId marketId) internal view returns (Market storage market) {
        market = load().markets[marketId];
        if (market.status == MarketStatus.None) revert IMarketErrors.MarketNotListed(marketId);
    }
}

/// @title Layout probe of `megatao.storage.market`: never deployed.
/// @dev `forge inspect MarketStorageLayout storageLayout` prints the namespace's fields, offsets relative to
///      `MarketStorage.SLOT`.
contract MarketStorageLayout {
    MarketStorage.Layout internal layout;
}
