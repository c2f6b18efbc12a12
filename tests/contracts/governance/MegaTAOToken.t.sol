// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {Votes} from "@openzeppelin/contracts/governance/utils/Votes.sol";
import {MegaTAOToken} from "../../../contracts/governance/MegaTAOToken.sol";
import {GovernanceDefaults} from "../../../contracts/governance/GovernanceDefaults.sol";
import {Built} from "../utils/Built.sol";

contract MegaTAOTokenTest is Test {
    bytes32 internal constant PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");
    bytes32 internal constant DELEGATION_TYPEHASH =
        keccak256("Delegation(address delegatee,uint256 nonce,uint256 expiry)");

    address internal holder = makeAddr("holder");
    address internal spender = makeAddr("spender");
    address internal alice;
    uint256 internal aliceKey;
    MegaTAOToken internal token;

    function setUp() public {
        vm.warp(1_750_000_000);
        (alice, aliceKey) = makeAddrAndKey("alice");
        token = MegaTAOToken(Built.deploy("MegaTAOToken", abi.encode(holder)));
    }

    function test_constructor_MintsWholeSupplyToInitialHolder() public view {
        assertEq(token.totalSupply(), 100_000_000e18, "supply");
        assertEq(token.TOTAL_SUPPLY(), GovernanceDefaults.TOKEN_SUPPLY, "constant");
        assertEq(token.balanceOf(holder), token.TOTAL_SUPPLY(), "holder");
        assertEq(token.name(), "MegaTAO", "name");
        assertEq(token.symbol(), "MEGA", "symbol");
        assertEq(token.decimals(), 18, "decimals");
        // Undelegated tokens carry no votes.
        assertEq(token.getVotes(holder), 0, "votes before delegation");
    }

    function test_RevertWhen_InitialHolderIsZero() public {
        vm.expectRevert(abi.encodeWithSelector(MegaTAOToken.InvalidInitialHolder.selector, address(0)));
        new MegaTAOToken(address(0));
    }

    function test_RevertWhen_AnyoneTriesToMint() public {
        // No mint function exists: the usual selectors hit no code path and the supply stays fixed.
        (bool minted,) = address(token).call(abi.encodeWithSignature("mint(address,uint256)", holder, 1));
        assertFalse(minted, "mint(address,uint256)");
        (minted,) = address(token).call(abi.encodeWithSignature("mint(uint256)", 1));
        assertFalse(minted, "mint(uint256)");
        assertEq(token.totalSupply(), token.TOTAL_SUPPLY(), "supply");
    }

    function test_clock_IsTimestamp() public {
        assertEq(token.clock(), block.timestamp, "clock");
        assertEq(token.CLOCK_MODE(), "mode=timestamp", "mode");
        vm.warp(block.timestamp + 12);
        vm.roll(block.number + 1);
        assertEq(token.clock(), block.timestamp, "clock after a block");
    }

    function test_delegate_CheckpointsByTimestamp() public {
        vm.prank(holder);
        assertTrue(token.transfer(alice, 1_000e18), "transfer");
        vm.prank(alice);
        token.delegate(alice);
        uint256 delegatedAt = block.timestamp;
        assertEq(token.getVotes(alice), 1_000e18, "votes");

        // Time moves without any block being mined: the past lookup is by second.
        vm.warp(delegatedAt + 1);
        assertEq(token.getPastVotes(alice, delegatedAt), 1_000e18, "votes at delegation");
        assertEq(token.getPastVotes(alice, delegatedAt - 1), 0, "votes before delegation");
        assertEq(token.getPastTotalSupply(delegatedAt), token.TOTAL_SUPPLY(), "past supply");
    }

    function test_RevertWhen_PastVotesLookupIsNotInThePast() public {
        vm.expectRevert(abi.encodeWithSelector(Votes.ERC5805FutureLookup.selector, block.timestamp, block.timestamp));
        token.getPastVotes(alice, block.timestamp);
    }

    function test_transfer_MovesVotesWithBalance() public {
        vm.prank(holder);
        assertTrue(token.transfer(alice, 1_000e18), "transfer");
        vm.prank(alice);
        token.delegate(alice);
        vm.prank(alice);
        assertTrue(token.transfer(holder, 400e18), "transfer");
        assertEq(token.getVotes(alice), 600e18, "votes follow the balance");
    }

    function test_delegateBySig_DelegatesForSigner() public {
        vm.prank(holder);
        assertTrue(token.transfer(alice, 1_000e18), "transfer");
        uint256 expiry = block.timestamp + 1 hours;
        bytes32 structHash = keccak256(abi.encode(DELEGATION_TYPEHASH, alice, token.nonces(alice), expiry));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(aliceKey, _digest(structHash));
        vm.prank(spender);
        token.delegateBySig(alice, 0, expiry, v, r, s);
        assertEq(token.delegates(alice), alice, "delegate");
        assertEq(token.getVotes(alice), 1_000e18, "votes");
        assertEq(token.nonces(alice), 1, "nonce used");
    }

    function test_permit_SetsAllowance() public {
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 structHash = keccak256(abi.encode(PERMIT_TYPEHASH, alice, spender, 5e18, 0, deadline));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(aliceKey, _digest(structHash));
        token.permit(alice, spender, 5e18, deadline, v, r, s);
        assertEq(token.allowance(alice, spender), 5e18, "allowance");
        assertEq(token.nonces(alice), 1, "nonce used");
    }

    function _digest(bytes32 structHash) internal view returns (bytes32) {
        return keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash));
    }
}
