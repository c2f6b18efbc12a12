// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice What a market's price follows.
/// @dev `Alpha`: one subnet's alpha token, priced by the Alpha precompile. `Index`: an index (MTSOS) priced by an
///      `IIndexOracle` contract. The numeric values enter market ids: never reorder.
enum MarketKind {
    Alpha,
    Index
}

/// @notice Life cycle of a market. `None` is an id that was never listed (the storage default).
/// @dev `Active`: opens and closes. `ReduceOnly`: closes, reductions and liquidations only. `Delisted`: no trading
///      (positions are settled by the modules that hold them). `Settled`: the price source failed or governance
///      settled it; every position closes at the settlement price (the last good reference), no fee, and the market
///      is valued at that price (docs/protocol.md section 3a). Appended values only: never reorder.
enum MarketStatus {
    None,
    Active,
    ReduceOnly,
    Delisted,
    Settled
}

/// @notice Identifier of a market. A value type so that the compiler catches a market id passed where a position id
///         or any other bytes32 was expected.
/// @dev Derivation (the same for every deployment, so off-chain tools compute ids without a call):
///      - alpha market of subnet `netuid`: `keccak256(abi.encode(uint8(MarketKind.Alpha), uint256(netuid)))`:
///        one alpha market per subnet, whatever its ticker;
///      - index market: `keccak256(abi.encode(uint8(MarketKind.Index), ticker))`, `ticker` being the ticker's ASCII
///        bytes left-aligned in a bytes32 (`bytes32(bytes("MTSOS"))`).
///      The zero id is never a market's.
type MarketId is bytes32;

using {equals as ==, notEquals as !=} for MarketId global;
using MarketIdLibrary for MarketId global;

function equals(MarketId a, MarketId b) pure returns (bool) {
    return MarketId.unwrap(a) == MarketId.unwrap(b);
}

function notEquals(MarketId a, MarketId b) pure returns (bool) {
    return MarketId.unwrap(a) != MarketId.unwrap(b);
}

/// @title Derivation and helpers of `MarketId`.
library MarketIdLibrary {
    /// @notice The id of subnet `netuid`'s alpha market.
    function alpha(uint16 netuid) internal pure returns (MarketId) {
        return MarketId.wrap(keccak256(abi.encode(uint8(MarketKind.Alpha), uint256(netuid))));
    }

    /// @notice The id of the index market whose ticker, left-aligned in a bytes32, is `ticker`.
    function index(bytes32 ticker) internal pure returns (MarketId) {
        return MarketId.wrap(keccak256(abi.encode(uint8(MarketKind.Index), ticker)));
    }

    /// @notice The id of the index market with ticker `ticker` (ASCII; tickers have at most 12 characters).
    function indexFromTicker(string memory ticker) internal pure returns (MarketId) {
        // A ticker longer than 32 bytes would be truncated; no such ticker is ever listed (12 characters at most).
        // forge-lint: disable-next-line(unsafe-typecast)
        return index(bytes32(bytes(ticker)));
    }

    /// @notice Whether `id` is the zero id (no market).
    function isZero(MarketId id) internal pure returns (bool) {
        return MarketId.unwrap(id) == bytes32(0);
    }
}
