// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketId, MarketKind, MarketStatus} from "../../types/MarketId.sol";
import {MarketParams} from "../../interfaces/IMarketModule.sol";
import {IMarketErrors} from "../../libraries/errors/MarketErrors.sol";

/// @title Storage of the market registry.
/// @dev ERC-7201 namespace `megatao.storage.market`. Append fields only; never reorder or retype.
library MarketStorage {
    /// @dev One market: 5 slots. The governance parameters (units and bounds in `MarketParams`, `MarketBounds`) are
    ///      laid out flat and narrower than in the ABI, so that what a trade reads shares as few slots as possible:
    ///      a decrease reads slots 0 and 1, an increase slots 0 to 2.
    struct Market {
        /// @dev Slot 0, read by every trade (maxLeverage to 20e18 needs 65 bits).
        uint72 maxLeverage;
        uint64 maintenanceMargin;
        uint64 partialLiquidationBand;
        MarketKind kind;
        MarketStatus status;
        uint16 netuid;
        uint24 referencePeriod;
        /// @dev Slot 1, read by every trade (taker fee to 1e16 and funding cap to 2e16 need 55 bits; the depth factor
        ///      to 100e18, 67).
        uint56 takerFee;
        uint56 maxFundingRate8h;
        uint64 divergenceLimit;
        uint80 depthFactor;
        /// @dev Slot 2, read by increases.
        uint96 maxOpenInterestPerSide;
        uint96 liquidityThreshold;
        uint64 oiDepthRatio;
        /// @dev Slot 3.
        uint64 makerFee;
        uint64 listedAt;
        /// @dev Slot 4: the ticker's ASCII bytes, left-aligned, zero-padded.
        bytes32 ticker;
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
        (p.maxLeverage, p.maintenanceMargin, p.partialLiquidationBand, p.referencePeriod) =
        (m.maxLeverage, m.maintenanceMargin, m.partialLiquidationBand, m.referencePeriod);
        (p.takerFee, p.maxFundingRate8h, p.divergenceLimit, p.depthFactor) =
        (m.takerFee, m.maxFundingRate8h, m.divergenceLimit, m.depthFactor);
        (p.maxOpenInterestPerSide, p.liquidityThreshold, p.oiDepthRatio) =
        (m.maxOpenInterestPerSide, m.liquidityThreshold, m.oiDepthRatio);
        p.makerFee = m.makerFee;
    }

    /// @dev Sets a market's governance parameters, checked by the caller (`MarketBounds.check`): every bound fits the
    ///      narrower stored field.
    function setParams(Market storage m, MarketParams memory p) internal {
        // forge-lint: disable-start(unsafe-typecast)
        (m.maxLeverage, m.maintenanceMargin, m.partialLiquidationBand, m.referencePeriod) =
        (uint72(p.maxLeverage), p.maintenanceMargin, p.partialLiquidationBand, uint24(p.referencePeriod));
        (m.takerFee, m.maxFundingRate8h, m.divergenceLimit, m.depthFactor) =
        (uint56(p.takerFee), uint56(p.maxFundingRate8h), p.divergenceLimit, uint80(p.depthFactor));
        (m.maxOpenInterestPerSide, m.liquidityThreshold, m.oiDepthRatio) =
        (uint96(p.maxOpenInterestPerSide), uint96(p.liquidityThreshold), p.oiDepthRatio);
        // forge-lint: disable-end(unsafe-typecast)
        m.makerFee = p.makerFee;
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
