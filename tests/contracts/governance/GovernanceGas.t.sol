// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {console} from "forge-std/console.sol";
import {Vm} from "forge-std/Vm.sol";
import {GovernanceFixture} from "./GovernanceFixture.t.sol";
import {Bittensor} from "../../../contracts/libraries/Bittensor.sol";

/// @dev Gas of each step of a one-market listing (SN19), each measured as its own transaction would pay it: every
///      contract it touches is cooled first (no access warmed by the test's earlier calls), and the transaction's
///      intrinsic cost (21,000 plus calldata at 4 gas per zero byte, 16 per other byte; cancun) and the refund cap
///      (a fifth of the gas used) are added to the execution gas the call reports.
///      Run: forge test --match-path tests/contracts/governance/GovernanceGas.t.sol -vv
///      Each figure must stay within its budget, about 3% above the figure measured when the budget was set: a change
///      that costs more fails here, and its author updates the budget and BENCHMARKS.md together.
///      Issue 5's goal for castVoteBySig is 110,000 gas. OpenZeppelin's storage makes a ballot open the voter's
///      `hasVoted` slot, the tally's slot on the first vote of its kind, and its nonce's slot on the nonce's first use
///      (always, for a keyed nonce); until quorum each vote checks it, and the vote that reaches it stores the
///      late-quorum deadline. So the goal holds for the execution gas of a keyed ballot that opens the tally (the
///      figure forge's gas report shows), not for its transaction gas; see the logged figures and the README.
contract GovernanceGasTest is GovernanceFixture {
    /// @dev Issue 5's goal for a relayed ballot.
    uint256 internal constant CAST_VOTE_BY_SIG_GOAL = 110_000;

    /// @dev Budgets, transaction gas.
    uint256 internal constant PROPOSE_BUDGET = 85_000;
    uint256 internal constant CAST_VOTE_BUDGET = 100_000;
    uint256 internal constant CAST_VOTE_BY_SIG_KEYED_FIRST_BUDGET = 133_000;
    uint256 internal constant CAST_VOTE_BY_SIG_KEYED_QUORUM_BUDGET = 140_000;
    uint256 internal constant CAST_VOTE_BY_SIG_SEQUENTIAL_BUDGET = 108_000;
    uint256 internal constant QUEUE_BUDGET = 164_000;
    uint256 internal constant EXECUTE_BUDGET = 358_000;

    uint256 internal constant TX_BASE_GAS = 21_000;

    /// @dev Execution gas of the last `_measure`d call.
    uint256 internal lastExecutionGas;

    function _cool() internal {
        vm.cool(address(governor));
        vm.cool(address(token));
        vm.cool(address(timelock));
        vm.cool(address(router));
        vm.cool(address(marketModule));
        vm.cool(address(oracleModule));
        vm.cool(Bittensor.ALPHA_PRECOMPILE);
    }

    function _calldataGas(bytes memory data) internal pure returns (uint256 gas) {
        for (uint256 i; i < data.length; ++i) {
            gas += data[i] == 0 ? 4 : 16;
        }
    }

    /// @dev Calls `data` on `target` from `from` as a fresh transaction and returns the transaction's gas.
    function _measure(string memory label, address from, address target, bytes memory data)
        internal
        returns (uint256 txGas)
    {
        _cool();
        vm.prank(from);
        (bool success, bytes memory returned) = target.call(data);
        if (!success) {
            assembly ("memory-safe") {
                revert(add(returned, 0x20), mload(returned))
            }
        }
        Vm.Gas memory gas = vm.lastCallGas();
        lastExecutionGas = gas.gasTotalUsed;
        uint256 used = TX_BASE_GAS + _calldataGas(data) + gas.gasTotalUsed;
        uint256 refund = gas.gasRefunded > 0 ? uint256(int256(gas.gasRefunded)) : 0;
        if (refund > used / 5) refund = used / 5;
        txGas = used - refund;
        console.log(
            string.concat(label, ": tx gas ", vm.toString(txGas), ", execution ", vm.toString(gas.gasTotalUsed))
        );
    }

    function test_gas_OneMarketListing() public {
        Proposal memory p = _listingProposal(_sn19Listing(), "# List SN19\nAlpha market of subnet 19.");
        uint256 proposalId = _idOf(p);
        bytes32 descriptionHash = _descriptionHash(p);

        uint256 gas = _measure(
            "propose",
            alice,
            address(governor),
            abi.encodeCall(governor.propose, (p.targets, p.values, p.calldatas, p.description))
        );
        assertLe(gas, PROPOSE_BUDGET, "propose");

        bytes memory bobBallot = _signKeyedBallot(bobKey, proposalId, FOR);
        bytes memory carolBallot = _signBallot(carolKey, proposalId, FOR, governor.nonces(carol));
        _warpToVoteStart(proposalId);

        gas = _measure(
            "castVote (first For vote)", alice, address(governor), abi.encodeCall(governor.castVote, (proposalId, FOR))
        );
        assertLe(gas, CAST_VOTE_BUDGET, "castVote");
        gas = _measure(
            "castVoteBySig (keyed nonce, reaches quorum)",
            relayer,
            address(governor),
            abi.encodeCall(governor.castVoteBySig, (proposalId, FOR, bob, bobBallot))
        );
        assertLe(gas, CAST_VOTE_BY_SIG_KEYED_QUORUM_BUDGET, "castVoteBySig keyed, quorum");
        gas = _measure(
            "castVoteBySig (sequential nonce at first use, after quorum)",
            relayer,
            address(governor),
            abi.encodeCall(governor.castVoteBySig, (proposalId, FOR, carol, carolBallot))
        );
        assertLe(gas, CAST_VOTE_BY_SIG_SEQUENTIAL_BUDGET, "castVoteBySig sequential");

        _warpPastDeadline(proposalId);
        gas = _measure(
            "queue",
            relayer,
            address(governor),
            abi.encodeCall(governor.queue, (p.targets, p.values, p.calldatas, descriptionHash))
        );
        assertLe(gas, QUEUE_BUDGET, "queue");
        vm.warp(governor.proposalEta(proposalId));
        gas = _measure(
            "execute (listMarket SN19)",
            relayer,
            address(governor),
            abi.encodeCall(governor.execute, (p.targets, p.values, p.calldatas, descriptionHash))
        );
        assertLe(gas, EXECUTE_BUDGET, "execute");
        assertEq(protocol.marketIds().length, 1, "listed");
    }

    function test_gas_CastVoteBySigFirstVote() public {
        // A ballot that opens the tally (fresh tally slot) with a fresh keyed nonce, quorum not reached.
        Proposal memory p = _listingProposal(_sn19Listing(), "List SN19");
        uint256 proposalId = _propose(alice, p);
        bytes memory ballot = _signKeyedBallot(bobKey, proposalId, FOR);
        _warpToVoteStart(proposalId);
        uint256 gas = _measure(
            "castVoteBySig (keyed nonce, first vote)",
            relayer,
            address(governor),
            abi.encodeCall(governor.castVoteBySig, (proposalId, FOR, bob, ballot))
        );
        assertLe(gas, CAST_VOTE_BY_SIG_KEYED_FIRST_BUDGET, "castVoteBySig keyed, first");
        assertLe(lastExecutionGas, CAST_VOTE_BY_SIG_GOAL, "castVoteBySig execution gas over the goal");
    }
}
