// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {RouterStorage} from "../../../contracts/protocol/storage/RouterStorage.sol";
import {MarketStorage} from "../../../contracts/protocol/storage/MarketStorage.sol";
import {OracleStorage} from "../../../contracts/protocol/storage/OracleStorage.sol";

/// @dev Recomputes every namespace's slot constant from its id with the ERC-7201 formula.
contract StorageSlotsTest is Test {
    function _erc7201(string memory id) internal pure returns (bytes32) {
        return keccak256(abi.encode(uint256(keccak256(bytes(id))) - 1)) & ~bytes32(uint256(0xff));
    }

    function test_router_slotMatchesId() public pure {
        assertEq(RouterStorage.ID, "megatao.storage.router");
        assertEq(RouterStorage.SLOT, _erc7201(RouterStorage.ID));
    }

    function test_market_slotMatchesId() public pure {
        assertEq(MarketStorage.ID, "megatao.storage.market");
        assertEq(MarketStorage.SLOT, _erc7201(MarketStorage.ID));
    }

    function test_oracle_slotMatchesId() public pure {
        assertEq(OracleStorage.ID, "megatao.storage.oracle");
        assertEq(OracleStorage.SLOT, _erc7201(OracleStorage.ID));
    }

    /// The slots of the namespaces reserved for the modules to come, as `contracts/README.md` lists them.
    function test_reservedNamespaces_matchTheReadme() public pure {
        assertEq(
            _erc7201("megatao.storage.position"), 0xae49a0d6a3a5fcc97720b68eac102ab507f280377beffe40bae35de6c8dcf100
        );
        assertEq(_erc7201("megatao.storage.margin"), 0x50cb8f5f525d069898d9d540ac9d8b78c3953b76209c03499540262e4a9a1900);
        assertEq(
            _erc7201("megatao.storage.funding"), 0x47fadc38964de5726c177b3a6741c71d7190c74773a6e9ee1c0814b9695e9c00
        );
        assertEq(_erc7201("megatao.storage.vault"), 0xfa1bd4fa6f5cf07484d040daf7f3490e9210ef8628b4433146cd68df2e807600);
        assertEq(_erc7201("megatao.storage.fee"), 0xf5f7f79b67de8944c70e9a4f5d1fe387911b547d8bb409964b8097761ce07400);
        assertEq(
            _erc7201("megatao.storage.referral"), 0x7766e45fbe2497165944778ce9d669581f4cb709a3f2ed8f3ec85c0fddc1d400
        );
        assertEq(_erc7201("megatao.storage.order"), 0xfd0829a347a1ca21c4e348d28061c7d43e0f73e31c6d393b00cf783aecf97d00);
    }

    /// The formula, checked against the example of the ERC-7201 text (`example.main`).
    function test_formula_matchesTheErcExample() public pure {
        assertEq(_erc7201("example.main"), 0x183a6125c38840424c4a85fa12bab2ab606c4b6d0e7cc73c0c06ba5300eab500);
    }
}
