// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {PositionStorage} from "../../../contracts/protocol/storage/PositionStorage.sol";
import {MarginStorage} from "../../../contracts/protocol/storage/MarginStorage.sol";
import {FundingStorage} from "../../../contracts/protocol/storage/FundingStorage.sol";
import {VaultStorage} from "../../../contracts/protocol/storage/VaultStorage.sol";
import {FeeStorage} from "../../../contracts/protocol/storage/FeeStorage.sol";

/// @dev Recomputes the trading namespaces' slot constants from their ids (ERC-7201).
contract TradingStorageSlotsTest is Test {
    function _erc7201(string memory id) internal pure returns (bytes32) {
        return keccak256(abi.encode(uint256(keccak256(bytes(id))) - 1)) & ~bytes32(uint256(0xff));
    }

    function test_position_slotMatchesId() public pure {
        assertEq(PositionStorage.ID, "megatao.storage.position");
        assertEq(PositionStorage.SLOT, _erc7201(PositionStorage.ID));
    }

    function test_margin_slotMatchesId() public pure {
        assertEq(MarginStorage.ID, "megatao.storage.margin");
        assertEq(MarginStorage.SLOT, _erc7201(MarginStorage.ID));
    }

    function test_funding_slotMatchesId() public pure {
        assertEq(FundingStorage.ID, "megatao.storage.funding");
        assertEq(FundingStorage.SLOT, _erc7201(FundingStorage.ID));
    }

    function test_vault_slotMatchesId() public pure {
        assertEq(VaultStorage.ID, "megatao.storage.vault");
        assertEq(VaultStorage.SLOT, _erc7201(VaultStorage.ID));
    }

    function test_fee_slotMatchesId() public pure {
        assertEq(FeeStorage.ID, "megatao.storage.fee");
        assertEq(FeeStorage.SLOT, _erc7201(FeeStorage.ID));
    }
}
