// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketId} from "../types/MarketId.sol";

/// @title Trades placed through a frontend: open, increase, reduce and close naming the frontend's builder address.
/// @notice Each is its `IPositionModule` namesake with one more argument, `builder`: a registered builder (see
///         `IReferralModule.registerBuilder`) other than the trader, or 0 for none. The builder earns the builder share
///         of the taker fee (governance), out of what the vault would take; the trader pays what it pays without one.
///         Same checks, events and errors as the plain entry points, plus `BuilderNotRegistered` and `SelfBuilder`.
interface IPositionBuilderModule {
    /// @notice `IPositionModule.openPosition` naming `builder`.
    function openPositionWithBuilder(
        MarketId marketId,
        bool isLong,
        uint256 leverage,
        uint256 acceptablePrice,
        uint256 deadline,
        address builder
    ) external payable returns (bytes32 positionId);

    /// @notice `IPositionModule.increasePosition` naming `builder`.
    function increasePositionWithBuilder(
        MarketId marketId,
        uint256 leverage,
        uint256 acceptablePrice,
        uint256 deadline,
        address builder
    ) external payable;

    /// @notice `IPositionModule.reducePosition` naming `builder`.
    function reducePositionWithBuilder(
        MarketId marketId,
        uint256 sizeDelta,
        uint256 acceptablePrice,
        uint256 deadline,
        address builder
    ) external;

    /// @notice `IPositionModule.closePosition` naming `builder`.
    function closePositionWithBuilder(MarketId marketId, uint256 acceptablePrice, uint256 deadline, address builder)
        external;
}
