"""The MTSOS index oracle: its 7-day time-weighted EMA in exact integers, replays of CSV series, and the on-chain
oracle (`MtsosOracle`): reading its state and sending `update()`.

The arithmetic is the contract's, to the wei (docs/protocol.md section 4):
`ema = (spot * elapsed + ema * 604800) / (elapsed + 604800)`, rounded toward the previous EMA (a rising EMA rounds
down, a falling one up), so one update never moves it further than the exact formula. The first reading sets the EMA
to the spot; a zero reading is rejected and does not restart the clock; a reading in the same second as the previous
accepted one (or earlier) changes nothing.

CSV series: a header naming at least `timestamp` (unix seconds) and `spot` (TAO, a decimal such as 1.2993); other
columns (such as `block`) are ignored; blank lines and lines starting with `#` are comments. Rows must be in time
order. Every error names the file, the line and the column.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from megatao.core.errors import InputError, NetworkError, TransactionError, did_you_mean
from megatao.core.paths import display

if TYPE_CHECKING:
    from eth_account.signers.local import LocalAccount

    from megatao.node.chain import Chain

#: The EMA period, in seconds: 7 days (`Constants.MTSOS_EMA_PERIOD`).
PERIOD_SECONDS = 604_800
#: Fixed-point one: prices are TAO x 1e18 (wei per unit), gaps are WAD fractions.
WAD = 10**18
#: Largest reading the contract accepts (it stores prices in 96 bits).
MAX_SPOT_WEI = 2**96 - 1
#: The contract's name, in the deployment record and among forge's artifacts.
ORACLE_CONTRACT = "MtsosOracle"
REQUIRED_COLUMNS = ("timestamp", "spot")
#: Gas added to the node's estimate of `update()`: covers the precompile read, the EMA step, the store and the event
#: when the estimate priced the same-second early return (see `_WithGasLimit`).
UPDATE_GAS_HEADROOM = 200_000


# ---------------------------------------------------------------------------------------------------------- formula


def next_ema(prev: int, spot: int, elapsed: int, period: int = PERIOD_SECONDS) -> int:
    """The EMA after `spot` held for `elapsed` seconds, from `prev`: the contract's `TimeWeightedEma.next`."""
    if elapsed < 0 or period < 0 or elapsed + period == 0:
        raise ValueError(f"elapsed ({elapsed}) and period ({period}) must be non-negative, not both zero")
    if spot >= prev:
        return prev + (spot - prev) * elapsed // (elapsed + period)
    return prev - (prev - spot) * elapsed // (elapsed + period)


def gap_wad(spot: int, ema: int) -> int:
    """`(spot - ema) / ema` as signed WAD, truncated toward zero like Solidity's signed division (`gap()`)."""
    if ema <= 0:
        raise ValueError("the EMA must be positive")
    numerator = (spot - ema) * WAD
    quotient = abs(numerator) // ema
    return quotient if numerator >= 0 else -quotient


class Outcome(StrEnum):
    """What one reading did to the EMA, as the contract would have done it."""

    INITIALISED = "initialised"
    UPDATED = "updated"
    #: In the same second as the last accepted reading, or earlier: nothing changes.
    SAME_SECOND = "same second"
    #: A zero spot never enters; the clock keeps running from the last accepted reading.
    ZERO_REJECTED = "zero, rejected"


@dataclass(frozen=True)
class Reading:
    """One row of a series: a unix time (seconds) and the sum of alpha prices then (TAO x 1e18)."""

    timestamp: int
    spot: int
    line: int = 0


@dataclass(frozen=True)
class ReplayRow:
    """A reading and the oracle's state after it; `ema` is None while nothing has initialised it."""

    reading: Reading
    outcome: Outcome
    ema: int | None
    #: Seconds since the last accepted reading (0 for the first, a same-second or a rejected one).
    elapsed: int

    @property
    def gap(self) -> int | None:
        """This reading's spot against the EMA after it, signed WAD; None without an EMA or for a zero reading."""
        if self.ema is None or self.outcome is Outcome.ZERO_REJECTED:
            return None
        return gap_wad(self.reading.spot, self.ema)


@dataclass
class EmaState:
    """The contract's state: the EMA (0 before the first update), the last accepted spot and its time."""

    ema: int = 0
    last_spot: int = 0
    last_update: int = 0

    def apply(self, reading: Reading) -> ReplayRow:
        """One `update()` at `reading.timestamp` reading `reading.spot`, exactly as the contract does it."""
        if self.ema and reading.timestamp <= self.last_update:
            return ReplayRow(reading, Outcome.SAME_SECOND, self.ema, 0)
        if reading.spot == 0:
            return ReplayRow(reading, Outcome.ZERO_REJECTED, self.ema or None, 0)
        if not 0 < reading.spot <= MAX_SPOT_WEI:
            raise ValueError(f"spot {reading.spot} is outside 1..{MAX_SPOT_WEI}")
        if not self.ema:
            self.ema, self.last_spot, self.last_update = reading.spot, reading.spot, reading.timestamp
            return ReplayRow(reading, Outcome.INITIALISED, self.ema, 0)
        elapsed = reading.timestamp - self.last_update
        self.ema = next_ema(self.ema, reading.spot, elapsed)
        self.last_spot, self.last_update = reading.spot, reading.timestamp
        return ReplayRow(reading, Outcome.UPDATED, self.ema, elapsed)


def replay(readings: list[Reading]) -> list[ReplayRow]:
    """Each reading through the contract's `update()`, in order, from a fresh oracle."""
    state = EmaState()
    return [state.apply(reading) for reading in readings]


# ---------------------------------------------------------------------------------------------------------- CSV


def parse_spot(text: str) -> int:
    """Wei in a price written in TAO ('1.2993'); raises ValueError with the reason."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError("is not a decimal number of TAO") from None
    if not value.is_finite():
        raise ValueError("is not a finite number")
    if value < 0:
        raise ValueError("is negative")
    wei = value * WAD
    if wei != wei.to_integral_value():
        raise ValueError("has more than 18 decimals")
    if wei > MAX_SPOT_WEI:
        raise ValueError(f"is above the largest price the oracle stores ({Decimal(MAX_SPOT_WEI) / WAD} TAO)")
    return int(wei)


def parse_timestamp(text: str) -> int:
    if not text.isdigit():
        raise ValueError("is not a unix time in whole seconds")
    return int(text)


def read_readings_csv(path: Path) -> list[Reading]:
    """The readings of a CSV series (see the module's docstring); InputError naming file, line and column."""
    name = display(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise InputError(f"{name}: not a UTF-8 text file") from None

    header: dict[str, int] | None = None
    width = 0
    readings: list[Reading] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = [field.strip() for field in next(csv.reader([line]))]
        where = f"{name}:{number}"
        if header is None:
            header, width = _parse_header(fields, where), len(fields)
            continue
        if len(fields) != width:
            raise InputError(f"{where}: expected {width} fields as in the header, found {len(fields)}")
        values = {}
        for column, parse in (("timestamp", parse_timestamp), ("spot", parse_spot)):
            raw = fields[header[column]]
            try:
                values[column] = parse(raw)
            except ValueError as exc:
                raise InputError(f"{where}: column '{column}': '{raw}' {exc}") from None
        if readings and values["timestamp"] < readings[-1].timestamp:
            previous = readings[-1]
            raise InputError(
                f"{where}: column 'timestamp': {values['timestamp']} is earlier than {previous.timestamp} on line "
                f"{previous.line}; readings must be in time order"
            )
        readings.append(Reading(values["timestamp"], values["spot"], number))
    if header is None:
        raise InputError(f"{name}: empty; expected a header line such as 'timestamp,spot'")
    if not readings:
        raise InputError(f"{name}: no readings after the header")
    return readings


def _parse_header(fields: list[str], where: str) -> dict[str, int]:
    names = [field.lower() for field in fields]
    duplicates = sorted({n for n in names if names.count(n) > 1 and n in REQUIRED_COLUMNS})
    if duplicates:
        raise InputError(f"{where}: the header names column '{duplicates[0]}' twice")
    for column in REQUIRED_COLUMNS:
        if column not in names:
            raise InputError(
                f"{where}: the header has no '{column}' column{did_you_mean(column, names)}; "
                f"expected a header such as 'timestamp,spot' (other columns are ignored)"
            )
    return {column: names.index(column) for column in REQUIRED_COLUMNS}


def replay_csv(path: Path) -> list[ReplayRow]:
    """`replay` of the CSV series at `path`."""
    return replay(read_readings_csv(path))


# ---------------------------------------------------------------------------------------------------------- formatting


def format_price(wei: int, min_decimals: int = 4) -> str:
    """'1.304072393481248772' for wei: every significant decimal, at least `min_decimals`."""
    whole, frac = divmod(wei, WAD)
    digits = f"{frac:018d}".rstrip("0").ljust(min_decimals, "0")
    return f"{whole}.{digits}" if digits else str(whole)


def format_price_rao(wei: int) -> str:
    """'1.304072393' for wei: truncated to 9 decimals (rao), the precision of the precompile's readings."""
    whole, frac = divmod(wei // 10**9, 10**9)
    return f"{whole}.{frac:09d}"


def format_gap_percent(gap: int, decimals: int = 4) -> str:
    """'+34.8112%' for a signed WAD gap, truncated toward zero like the contract."""
    scaled = abs(gap) * 100 * 10**decimals // WAD
    whole, frac = divmod(scaled, 10**decimals)
    sign = "-" if gap < 0 else "+"
    return f"{sign}{whole}.{frac:0{decimals}d}%"


def utc_time(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M:%S")


def row_to_json(row: ReplayRow) -> dict[str, Any]:
    gap = row.gap
    return {
        "line": row.reading.line,
        "timestamp": row.reading.timestamp,
        "timeUtc": utc_time(row.reading.timestamp),
        "spot": str(row.reading.spot),
        "spotTao": format_price(row.reading.spot),
        "ema": None if row.ema is None else str(row.ema),
        "emaTao": None if row.ema is None else format_price(row.ema),
        "gapWad": None if gap is None else str(gap),
        "gapPercent": None if gap is None else format_gap_percent(gap),
        "elapsed": row.elapsed,
        "outcome": row.outcome.value,
    }


# ---------------------------------------------------------------------------------------------------------- on chain


@dataclass(frozen=True)
class OracleState:
    """What a deployed MtsosOracle holds: prices TAO x 1e18, time in unix seconds; all 0 before the first update."""

    address: str
    ema: int
    last_spot: int
    last_update: int

    @property
    def initialised(self) -> bool:
        return self.ema > 0

    @property
    def gap(self) -> int | None:
        """The contract's `gap()`: last spot against the EMA, signed WAD; None before the first update."""
        return gap_wad(self.last_spot, self.ema) if self.initialised else None

    def age(self, now: int) -> int | None:
        """Seconds since the last update at chain time `now`; None before the first update."""
        return max(0, now - self.last_update) if self.initialised else None


@dataclass(frozen=True)
class UpdateResult:
    """A sent `update()`: what it did and the state after it."""

    outcome: Outcome
    tx_hash: str
    block: int
    gas_used: int
    elapsed: int
    previous_ema: int | None
    state: OracleState


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
            )
        )

    def update(self, sender: LocalAccount) -> UpdateResult:
        """Send `update()` from `sender`; a revert it would hit is reported by its error's name, before sending."""
        from web3.exceptions import ContractLogicError
        from web3.logs import DISCARD

        self.require_code()
        function = self.contract.functions.update()
        try:
            self.chain.guard(lambda: function.call({"from": sender.address}))
        except ContractLogicError as exc:
            raise TransactionError(f"update() on {self.address} would revert: {self.explain_revert(exc)}") from None
        estimate = self.chain.guard(lambda: function.estimate_gas({"from": sender.address}))
        previous = self.state()
        try:
            # Nodes estimate against the latest block: right after the block holding the previous update that is the
            # same-second early return (~23.6k), while the transaction lands a block later and reads the precompile.
            receipt = self.chain.transact(function, sender, gas=estimate + UPDATE_GAS_HEADROOM)
        except TransactionError as exc:
            # The checks above ran against the latest block, which may hold the previous update: then they took
            # the same-second path. Replayed now, after the failed block, the call meets the same revert.
            try:
                self.chain.guard(lambda: function.call({"from": sender.address}))
            except ContractLogicError as replayed:
                raise TransactionError(f"{exc}: {self.explain_revert(replayed)}") from None
            raise
        events = self.contract.events
        initialised = events.EmaInitialized().process_receipt(receipt, errors=DISCARD)
        updated = events.EmaUpdated().process_receipt(receipt, errors=DISCARD)
        if initialised:
            outcome, elapsed = Outcome.INITIALISED, 0
        elif updated:
            outcome, elapsed = Outcome.UPDATED, int(updated[0]["args"]["elapsed"])
        else:
            outcome, elapsed = Outcome.SAME_SECOND, 0
        return UpdateResult(
            outcome=outcome,
            tx_hash="0x" + bytes(receipt["transactionHash"]).hex(),
            block=int(receipt["blockNumber"]),
            gas_used=int(receipt["gasUsed"]),
            elapsed=elapsed,
            previous_ema=previous.ema or None,
            state=self.state(),
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
    "MtsosOracleNotInitialized": "the oracle has no EMA yet",
}
