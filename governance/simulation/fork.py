"""A fork of the source chain for one simulation: anvil on loopback at a pinned block, always stopped, with
impersonated senders and a clock that the simulation sets itself (so the same fork block gives the same blocks,
timestamps and report, whatever the wall clock says)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from eth_utils import keccak, to_checksum_address
from web3.contract.contract import ContractFunction
from web3.exceptions import Web3Exception

from megatao.core.errors import DevnetError, MegaTAOError
from megatao.node.anvil import BLOCK_GAS_LIMIT, BLOCK_TIME_SECONDS, AnvilProcess, AnvilRpc, free_port
from megatao.node.chain import Chain
from megatao.node.networks import Endpoint, Network
from megatao.node.reverts import describe_revert

#: Gas every simulated transaction may use (its cost is never checked; the execution's is, by check 8).
TX_GAS = 15_000_000
#: Each sender is topped up to this much TAO before it sends: real delegates may hold little TAO.
SENDER_BALANCE = 10_000 * 10**18


class SimulationError(MegaTAOError):
    """The simulation could not run (fork, source chain, deployment): an environment problem, exit code 2."""


class Reverted(Exception):
    """A simulated transaction reverted; `reason` is its decoded revert (custom error, string or panic)."""

    def __init__(self, what: str, reason: str, receipt: dict | None = None):
        super().__init__(f"{what} reverted: {reason}")
        self.what, self.reason, self.receipt = what, reason, receipt


def sim_address(name: str) -> str:
    """A deterministic address with no key, for the simulation's own actors (executor, traders, keeper)."""
    return to_checksum_address(keccak(text=f"megatao.simulation.{name}")[-20:])


@dataclass
class Sent:
    what: str
    tx_hash: str
    block: int
    timestamp: int
    gas_used: int
    receipt: dict


class Fork:
    """The forked chain: `chain` for reads and contracts, `send` for impersonated transactions, `advance_to` for
    time. Every transaction lands in its own block, 12 s after the previous one."""

    def __init__(self, anvil: AnvilProcess, chain_id: int, fork_block: int, abis: list[dict]):
        self.anvil = anvil
        self.node = AnvilRpc(anvil.url)
        self.chain = Chain(Endpoint(Network("fork", chain_id, None, "simulation fork"), anvil.url))
        self.fork_block = fork_block
        self.abis = abis
        self._impersonated: set[str] = set()

    @property
    def w3(self):
        return self.chain.w3

    def latest(self) -> tuple[int, int]:
        block = self.node.block()
        return int(block["number"], 16), int(block["timestamp"], 16)

    def now(self) -> int:
        return self.latest()[1]

    def advance_to(self, timestamp: int) -> None:
        """Mine one block at `timestamp` (or 12 s after the last one, when that is later)."""
        self.node.set_next_block_timestamp(max(timestamp, self.now() + 1))
        self.node.mine(1)

    def advance(self, seconds: int) -> None:
        self.advance_to(self.now() + seconds)

    def impersonate(self, address: str) -> str:
        address = to_checksum_address(address)
        if address not in self._impersonated:
            self.node.impersonate(address)
            self._impersonated.add(address)
        balance = self.chain.guard(lambda: self.w3.eth.get_balance(address))
        if balance < SENDER_BALANCE // 2:  # topped up rarely, so a flow's balance deltas stay readable
            self.node.set_balance(address, SENDER_BALANCE)
        return address

    def send(
        self, sender: str, function: ContractFunction, value: int = 0, gas: int = TX_GAS, at: int | None = None
    ) -> Sent:
        """Send `function` from `sender` (impersonated) in the next block, 12 s after the last one or at timestamp
        `at` (after the last block's); raise Reverted with the decoded reason."""
        sender = self.impersonate(sender)
        what = function.fn_name
        try:
            tx = function.build_transaction({"from": sender, "value": value, "gas": gas})
        except Web3Exception as exc:
            raise SimulationError(f"cannot build {what} on the fork: {exc}") from None
        _, last = self.latest()
        self.node.set_next_block_timestamp(last + BLOCK_TIME_SECONDS if at is None else max(at, last + 1))
        tx_hash = self.chain.guard(lambda: self.w3.eth.send_transaction(tx))
        receipt = self.chain.guard(lambda: self.w3.eth.wait_for_transaction_receipt(tx_hash, timeout=60))
        block = self.node.block(hex(receipt["blockNumber"]))
        sent = Sent(
            what,
            "0x" + bytes(tx_hash).hex(),
            receipt["blockNumber"],
            int(block["timestamp"], 16),
            receipt["gasUsed"],
            dict(receipt),
        )
        if receipt["status"] != 1:
            raise Reverted(what, self.revert_reason(sent.tx_hash), sent.__dict__)
        return sent

    def try_send(self, sender: str, function: ContractFunction, value: int = 0, gas: int = TX_GAS) -> Sent:
        """Like `send`, but a revert is also returned (as a Sent with status 0) rather than raised."""
        try:
            return self.send(sender, function, value, gas)
        except Reverted as exc:
            return Sent(**exc.receipt)

    def revert_reason(self, tx_hash: str) -> str:
        trace = self.trace(tx_hash, "callTracer")
        output = trace.get("output")
        if output and output != "0x":
            return describe_revert(output, self.abis)
        return trace.get("revertReason") or trace.get("error") or "reverted without a reason"

    def trace(self, tx_hash: str, tracer: str, config: dict | None = None) -> dict:
        try:
            return self.node.trace_transaction(tx_hash, tracer, config)
        except (DevnetError, ConnectionError) as exc:
            raise SimulationError(f"the fork could not trace {tx_hash} with {tracer}: {exc}") from None


@contextlib.contextmanager
def forked(source_url: str, chain_id: int, fork_block: int, log_path: Path, abis: list[dict]) -> Iterator[Fork]:
    """anvil forking `source_url` at `fork_block` on a free loopback port; stopped on leaving, whatever happens
    (an error, Ctrl-C)."""
    anvil = AnvilProcess.launch(free_port(), log_path, chain_id=chain_id, fork_url=source_url, fork_block=fork_block)
    try:
        yield Fork(anvil, chain_id, fork_block, abis)
    finally:
        anvil.stop()


__all__ = ["BLOCK_GAS_LIMIT", "Fork", "Reverted", "Sent", "SimulationError", "forked", "sim_address"]


def deploy(fork: Fork, sender: str, contract: str) -> str:
    """Deploy `contract` from this build on the fork (impersonated sender, next block); returns its address."""
    from megatao.node.toolchain import artifact

    sender = fork.impersonate(sender)
    _, last = fork.latest()
    fork.node.set_next_block_timestamp(last + BLOCK_TIME_SECONDS)
    bytecode = artifact(contract)["bytecode"]["object"]
    tx_hash = fork.chain.guard(lambda: fork.w3.eth.send_transaction({"from": sender, "data": bytecode, "gas": TX_GAS}))
    receipt = fork.chain.guard(lambda: fork.w3.eth.wait_for_transaction_receipt(tx_hash, timeout=60))
    if receipt["status"] != 1 or not receipt["contractAddress"]:
        raise SimulationError(f"deploying {contract} on the fork failed")
    return receipt["contractAddress"]
