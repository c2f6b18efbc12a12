"""A connection to a node: reads, and transactions that are sent only when the node's chain id matches."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import requests
from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.contract.contract import ContractFunction
from web3.exceptions import ContractCustomError, ContractLogicError, Web3Exception, Web3RPCError

from megatao.core.errors import ChainIdMismatchError, NetworkError, RpcUnreachableError, TransactionError
from megatao.node.accounts import dev_accounts
from megatao.node.networks import Endpoint
from megatao.node.reverts import describe_revert

RPC_TIMEOUT_SECONDS = 10
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
GAS_MARGIN = 50_000
BLOCK_GAS_LIMIT = 75_000_000


class Chain:
    """web3 bound to one endpoint. Every web3 error is turned into a MegaTAOError with the URL in it."""

    def __init__(self, endpoint: Endpoint):
        self.endpoint = endpoint
        self.w3 = Web3(Web3.HTTPProvider(endpoint.rpc_url, request_kwargs={"timeout": RPC_TIMEOUT_SECONDS}))
        self._chain_id: int | None = None

    @property
    def url(self) -> str:
        return self.endpoint.rpc_url

    @property
    def chain_id(self) -> int:
        """The chain id the node reports (asked once)."""
        if self._chain_id is None:
            self._chain_id = self.guard(lambda: self.w3.eth.chain_id)
        return self._chain_id

    def matches_network(self) -> bool:
        return self.chain_id == self.endpoint.network.chain_id

    def require_network_match(self) -> None:
        """Refuse to go on when the node is not the chain the network name promises."""
        if not self.matches_network():
            network = self.endpoint.network
            raise ChainIdMismatchError(self.url, self.chain_id, network.name, network.chain_id)

    def _refuse_public_keys_off_loopback(self, sender: LocalAccount) -> None:
        """The devnet keys are public: signing with one for a node that is not on this machine would hand its funds
        to anyone. Local forks of a real chain (loopback) may use them."""
        host = urlparse(self.url).hostname or ""
        if host not in LOOPBACK_HOSTS and sender.address in {a.address for a in dev_accounts()}:
            raise TransactionError(
                f"refusing to sign with a public devnet key for {self.url}; use an account of your own (--account NAME)"
            )

    def _traced_reason(self, tx_hash: bytes, abi: list[dict]) -> str | None:
        """The revert reason a mined transaction failed with, from the node's call trace (anvil and archive nodes
        with the debug API answer it; others do not, and None is returned)."""
        try:
            response = self.w3.provider.make_request(
                "debug_traceTransaction", ["0x" + tx_hash.hex(), {"tracer": "callTracer"}]
            )
            output = (response.get("result") or {}).get("output")
        except Exception:  # the trace is a courtesy: no reason is better than a second error
            return None
        if not output or output == "0x":
            return None
        return f": {describe_revert(output, abi)}"

    def _replayed_reason(self, tx: dict, abi: list[dict]) -> str:
        """The revert reason, from the same call replayed on the state after the failed block."""
        call = {k: tx[k] for k in ("from", "to", "data", "value") if k in tx}
        try:
            self.w3.eth.call(call)
        except (ContractCustomError, ContractLogicError) as exc:
            return f": {describe_revert(exc.data, abi) if exc.data else exc.message}"
        except Exception:  # the replay is a courtesy: no reason is better than a second error
            return ""
        return " (the same call succeeds now: the state it depended on changed)"

    def guard(self, read):
        """Run a read against the node, turning transport failures into RpcUnreachableError."""
        try:
            return read()
        except requests.exceptions.ConnectionError:
            raise RpcUnreachableError(self.url, "connection refused or host not found") from None
        except requests.exceptions.Timeout:
            raise RpcUnreachableError(self.url, f"no answer within {RPC_TIMEOUT_SECONDS} s") from None
        except requests.exceptions.RequestException as exc:
            raise RpcUnreachableError(self.url, type(exc).__name__) from None
        except (ValueError, Web3Exception) as exc:
            if isinstance(exc, ContractLogicError | ContractCustomError):
                raise
            if isinstance(exc, Web3RPCError):
                message = exc.rpc_response.get("error", {}).get("message") if exc.rpc_response else None
                raise NetworkError(f"the node at {self.url} answered with an error: {message or exc}") from None
            raise RpcUnreachableError(self.url, f"not a JSON-RPC node ({exc})") from None

    def contract(self, address: str, abi: list[dict]):
        return self.w3.eth.contract(address=Web3.to_checksum_address(address), abi=abi)

    def transact(
        self, function: ContractFunction, sender: LocalAccount, value: int = 0, gas: int | None = None
    ) -> dict[str, Any]:
        """Sign and send `function` from `sender`, wait for the receipt, and raise if it reverted. `gas` replaces the
        node's estimate, for calls whose cost depends on the block they land in."""
        return self._send(function.fn_name, function.build_transaction, function.contract_abi, sender, value, gas)

    def deploy(self, abi: list[dict], bytecode: str, sender: LocalAccount, *args) -> str:
        """Deploy a contract from its ABI and creation bytecode; returns its address."""
        factory = self.w3.eth.contract(abi=abi, bytecode=bytecode)
        receipt = self._send("deployment", factory.constructor(*args).build_transaction, abi, sender, 0)
        return receipt["contractAddress"]

    def _send(
        self, what: str, build, abi: list[dict], sender: LocalAccount, value: int, gas: int | None = None
    ) -> dict[str, Any]:
        self.require_network_match()
        self._refuse_public_keys_off_loopback(sender)
        params = {
            "from": sender.address,
            "value": value,
            "nonce": self.guard(lambda: self.w3.eth.get_transaction_count(sender.address, "pending")),
            "chainId": self.chain_id,
        }
        if gas is not None:
            params["gas"] = gas
        try:
            tx = self.guard(lambda: build(params))
            if gas is None:
                # Nodes estimate against the latest block, but the transaction lands in the next one, where a
                # contract may take a costlier path (a price band's first write of the block, an oracle update):
                # a margin keeps such transactions from running out of gas. Unused gas is not charged.
                tx["gas"] = min(tx["gas"] * 5 // 4 + GAS_MARGIN, BLOCK_GAS_LIMIT)
        except ContractCustomError as exc:
            raise TransactionError(f"{what} would revert: {describe_revert(exc.data, abi)}") from None
        except ContractLogicError as exc:
            reason = describe_revert(exc.data, abi) if exc.data else exc.message
            raise TransactionError(f"{what} would revert: {reason}") from None
        signed = sender.sign_transaction(tx)
        tx_hash = self.guard(lambda: self.w3.eth.send_raw_transaction(signed.raw_transaction))
        receipt = self.guard(lambda: self.w3.eth.wait_for_transaction_receipt(tx_hash, timeout=60))
        if receipt["status"] != 1:
            reason = self._traced_reason(tx_hash, abi) or self._replayed_reason(tx, abi)
            raise TransactionError(f"{what} reverted in transaction 0x{tx_hash.hex()}{reason}")
        return receipt
