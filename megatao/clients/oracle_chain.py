"""The deployed MTSOS index oracle (`MtsosOracle`, docs/protocol.md section 4): reading its state, previewing and
sending `update()`, and naming its reverts. The arithmetic it is checked against is `megatao.clients.oracle`'s."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from megatao.clients.oracle import (
    MAX_ELAPSED_BOUNDS,
    ORACLE_CONTRACT,
    EmaState,
    Outcome,
    gap_wad,
)
from megatao.core.errors import InputError, NetworkError, TransactionError
from megatao.core.paths import display

if TYPE_CHECKING:
    from eth_account.signers.local import LocalAccount

    from megatao.node.chain import Chain

#: Gas added to the node's estimate of `update()`: covers the precompile read, the EMA step, the store and the event
#: when the estimate priced the cheaper same-second path (see `MtsosOracleClient.update`).
UPDATE_GAS_HEADROOM = 200_000


@dataclass(frozen=True)
class OracleState:
    """What a deployed MtsosOracle holds: prices TAO x 1e18, times in unix seconds, the cap in seconds. The EMA is
    nonzero from the deploying transaction on."""

    address: str
    ema: int
    #: The reading held since the last update, which the next update weighs (`lastSpot()`).
    last_spot: int
    #: The time of the last successful update (`lastUpdate()`): the deployment's at first.
    last_update: int
    #: The cap on the seconds an update weighs the held reading by (`maxElapsed()`).
    max_elapsed: int

    @property
    def gap(self) -> int:
        """The contract's `gap()`: the held reading against the EMA, signed WAD."""
        return gap_wad(self.last_spot, self.ema)

    def age(self, now: int) -> int:
        """Seconds since the last successful update at chain time `now`."""
        return max(0, now - self.last_update)

    def ema_state(self) -> EmaState:
        """The same state, for the Python arithmetic (`EmaState.preview` answers what `previewUpdate()` does)."""
        return EmaState(self.ema, self.last_spot, self.last_update, self.max_elapsed)

    def as_json(self) -> dict:
        """Prices and the gap as decimal strings, times and seconds as numbers (cli/base.py)."""
        return {
            "oracle": self.address,
            "ema": str(self.ema),
            "held_spot": str(self.last_spot),
            "gap_wad": str(self.gap),
            "last_update": self.last_update,
            "max_elapsed": self.max_elapsed,
        }


@dataclass(frozen=True)
class UpdateResult:
    """A sent `update()`: what it did and the state before and after it."""

    outcome: Outcome
    tx_hash: str
    block: int
    gas_used: int
    #: Seconds since the previous update (the event's, before the cap); 0 in the same second.
    elapsed: int
    #: The reading the update weighed (of the held one and its own, the one nearer the EMA), and the seconds it
    #: weighed it by; None/0 when it ran in the same second as the previous update.
    weighed: int | None
    weighed_seconds: int
    previous: OracleState
    state: OracleState

    @property
    def previous_ema(self) -> int:
        return self.previous.ema

    def as_json(self) -> dict:
        """What `megatao oracle update --json` prints: prices as decimal strings (cli/base.py)."""
        return {
            "oracle": self.state.address,
            "outcome": self.outcome.value,
            "transaction": self.tx_hash,
            "block": self.block,
            "gas_used": self.gas_used,
            "elapsed": self.elapsed,
            "weighed": None if self.weighed is None else str(self.weighed),
            "weighed_seconds": self.weighed_seconds,
            "max_elapsed": self.previous.max_elapsed,
            "previous_ema": str(self.previous_ema),
            "ema": str(self.state.ema),
            "held_spot": str(self.state.last_spot),
            "last_update": self.state.last_update,
            "gap_wad": str(self.state.gap),
        }


@dataclass(frozen=True)
class IndexReading:
    """An index market's oracle beside the live spot (the sum of alpha prices) at chain time `now`."""

    state: OracleState
    spot: int
    now: int

    @property
    def gap_percent(self) -> float:
        """The live spot against the EMA, in percent."""
        return (self.spot - self.state.ema) * 100 / self.state.ema if self.state.ema else 0.0

    @property
    def age(self) -> int:
        return self.state.age(self.now)

    def as_json(self) -> dict:
        return {
            "oracle": self.state.address,
            "ema": str(self.state.ema),
            "spot": str(self.spot),
            "gap_percent": self.gap_percent,
            "held_spot": str(self.state.last_spot),
            "max_elapsed": self.state.max_elapsed,
            "last_update": self.state.last_update,
            "age": self.age,
        }


class UpdateWouldRevert(TransactionError):
    """`update()` (or `previewUpdate()`) reverts now; `reason` names the error and says it in words."""

    def __init__(self, address: str, reason: str):
        super().__init__(f"update() on {address} would revert: {reason}")
        self.reason = reason


def oracle_address(chain_id: int) -> str:
    """The MtsosOracle address recorded in `deployments/<chainId>.json` under `contracts.MtsosOracle.address`."""
    from megatao.node.deployments import deployment_path, read_deployment

    record = read_deployment(chain_id)
    entry = record.get("contracts", {}).get(ORACLE_CONTRACT) if isinstance(record.get("contracts"), dict) else None
    address = entry.get("address") if isinstance(entry, dict) else None
    if not isinstance(address, str) or not address:
        raise InputError(
            f"{display(deployment_path(chain_id))}: no contracts.{ORACLE_CONTRACT}.address; "
            "this deployment has no MTSOS oracle"
        )
    return address


class MtsosOracleClient:
    """A deployed MtsosOracle on one chain."""

    def __init__(self, chain: Chain, address: str):
        from megatao.node.toolchain import abi

        self.chain = chain
        self.abi = abi(ORACLE_CONTRACT)
        self.contract = chain.contract(address, self.abi)
        self.address = self.contract.address

    @classmethod
    def from_deployment(cls, chain: Chain) -> MtsosOracleClient:
        return cls(chain, oracle_address(chain.chain_id))

    def require_code(self) -> None:
        code = self.chain.guard(lambda: self.chain.w3.eth.get_code(self.address))
        if not code:
            raise NetworkError(
                f"no contract at {self.address} on {self.chain.url}; the deployment record does not match this chain"
            )

    def state(self) -> OracleState:
        functions = self.contract.functions
        return self.chain.guard(
            lambda: OracleState(
                address=self.address,
                ema=functions.ema().call(),
                last_spot=functions.lastSpot().call(),
                last_update=functions.lastUpdate().call(),
                max_elapsed=functions.maxElapsed().call(),
            )
        )

    def now(self) -> int:
        """The latest block's timestamp: the chain's time."""
        return self.chain.guard(lambda: int(self.chain.w3.eth.get_block("latest")["timestamp"]))

    def index_reading(self) -> IndexReading:
        """The oracle's state beside the sum of alpha prices the precompile reports now."""
        from megatao.clients.pools import AlphaPrecompile

        return IndexReading(self.state(), AlphaPrecompile(self.chain).sum_alpha_price(), self.now())

    def preview_update(self) -> tuple[int, int]:
        """`previewUpdate()`: the EMA and the held reading an update would store now (against the latest block);
        TransactionError naming the cause when `update()` would revert."""
        from web3.exceptions import ContractLogicError

        function = self.contract.functions.previewUpdate()
        try:
            ema, held = self.chain.guard(lambda: function.call())
        except ContractLogicError as exc:
            raise UpdateWouldRevert(self.address, self.explain_revert(exc)) from None
        return int(ema), int(held)

    def preview_refresh(self) -> tuple[int, int, int]:
        """`previewRefresh()`: the (EMA, held reading, last update time) `refresh()` would leave now; never reverts."""
        ema, held, updated_at = self.chain.guard(lambda: self.contract.functions.previewRefresh().call())
        return int(ema), int(held), int(updated_at)

    def update(self, sender: LocalAccount) -> UpdateResult:
        """Send `update()` from `sender`; a revert it would hit is reported by its error's name, before sending."""
        from web3.exceptions import ContractLogicError
        from web3.logs import DISCARD

        self.require_code()
        function = self.contract.functions.update()
        try:
            self.chain.guard(lambda: function.call({"from": sender.address}))
        except ContractLogicError as exc:
            raise UpdateWouldRevert(self.address, self.explain_revert(exc)) from None
        estimate = self.chain.guard(lambda: function.estimate_gas({"from": sender.address}))
        previous = self.state()
        try:
            # Nodes estimate against the latest block: right after the block holding the previous update that is the
            # cheaper same-second path (no EMA step, no event), while the transaction lands a block later.
            receipt = self.chain.transact(function, sender, gas=estimate + UPDATE_GAS_HEADROOM)
        except TransactionError as exc:
            # The checks above ran against the latest block; replayed now, after the failed block, the call meets the
            # revert the transaction did.
            try:
                self.chain.guard(lambda: function.call({"from": sender.address}))
            except ContractLogicError as replayed:
                raise TransactionError(f"{exc}: {self.explain_revert(replayed)}") from None
            raise
        updated = self.contract.events.EmaUpdated().process_receipt(receipt, errors=DISCARD)
        state = self.state()
        if updated:
            args = updated[0]["args"]
            outcome, elapsed, weighed = Outcome.UPDATED, int(args["elapsed"]), int(args["spot"])
            weighed_seconds = min(elapsed, previous.max_elapsed)
        else:
            outcome, elapsed, weighed, weighed_seconds = Outcome.SAME_SECOND, 0, None, 0
        return UpdateResult(
            outcome=outcome,
            tx_hash="0x" + bytes(receipt["transactionHash"]).hex(),
            block=int(receipt["blockNumber"]),
            gas_used=int(receipt["gasUsed"]),
            elapsed=elapsed,
            weighed=weighed,
            weighed_seconds=weighed_seconds,
            previous=previous,
            state=state,
        )

    def explain_revert(self, exc: Exception) -> str:
        """The custom error in a revert, with its arguments and in words; the raw text when it is none of the ABI's."""
        from megatao.node.reverts import describe_revert

        data = getattr(exc, "data", None)
        text = describe_revert(data, self.abi) if isinstance(data, str) else str(exc)
        name = text.split("(")[0]
        return f"{text}: {_ERROR_WORDS[name]}" if name in _ERROR_WORDS else text


_ERROR_WORDS = {
    "SumAlphaPriceUnavailable": "the Alpha precompile's getSumAlphaPrice() reverted or is absent (switched off?)",
    "SumAlphaPriceZero": "getSumAlphaPrice() answered zero, and a zero reading never enters the EMA",
    "SumAlphaPriceOutOfRange": "getSumAlphaPrice() answered more than the oracle stores",
    "MaxElapsedOutOfBounds": f"the elapsed cap must be within {MAX_ELAPSED_BOUNDS}",
}
