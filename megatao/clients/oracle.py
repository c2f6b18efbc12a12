"""The MTSOS index oracle: its 7-day time-weighted EMA in exact integers, replays of CSV series, and the on-chain
oracle (`MtsosOracle`): reading its state, previewing and sending `update()`.

The arithmetic is the contract's, to the wei (docs/protocol.md section 4, contracts/oracles/MtsosOracle.sol):

- The deployment reads the sum of alpha prices and initialises the EMA to it (the constructor; a zero, out-of-range
  or unavailable reading makes the deployment revert). The EMA is nonzero from then on and `price()` never reverts.
- Each update, `elapsed` seconds after the last successful one, weighs what held since then, known at its two ends:
  the reading HELD (the one the previous update read, initially the deployment's) and its own. The one nearer the
  EMA is weighed (the held one on a tie), so who calls cannot give its own reading a weight the held one does not
  confirm, and a spike read once and undone by the next update counts for nothing.
  `ema = (weighed * e + ema * 604800) / (e + 604800)` with `e = min(elapsed, maxElapsed)`, rounded toward the
  previous EMA (a rising EMA rounds down, a falling one up), so one update never moves it further than the exact
  formula. The update then holds its own reading for the next one.
- `maxElapsed` is governed (genesis 1 hour, `setMaxElapsed` by the owner within 1 minute..1 day): a reading held
  longer than that weighs as if held for the cap.
- Updates in the same second as the last one (or with a clock gone back) leave the EMA and the time, and hold
  whichever of the two readings (held, new) is nearer the EMA; the held one on a tie.
- A zero, out-of-range (> 2^96 - 1) or unavailable reading never enters: `update()` reverts, `refresh()` (what the
  protocol calls before every MTSOS trade) leaves the state as it is, and the clock keeps running from the last
  successful update.

CSV series: a header naming at least `timestamp` (unix seconds) and `spot` (TAO, a decimal such as 1.2993); other
columns (such as `block`) are ignored; blank lines and lines starting with `#` are comments. Rows must be in time
order (equal times are updates in the same second). The first row is the deployment and must be a price; each later
row is an update. Every error names the file, the line and the column.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from megatao.core.errors import InputError, did_you_mean
from megatao.core.params import PROTOCOL, by_key
from megatao.core.paths import display
from megatao.core.units import format_duration, parse_duration

if TYPE_CHECKING:
    pass

#: The EMA period, in seconds: 7 days (`Constants.MTSOS_EMA_PERIOD`).
PERIOD_SECONDS = 604_800
#: Fixed-point one: prices are TAO x 1e18 (wei per unit), gaps are WAD fractions.
WAD = 10**18
#: Largest reading the contract accepts (it stores prices in 96 bits).
MAX_SPOT_WEI = 2**96 - 1
#: The cap on the seconds one update weighs a reading by, at genesis (`Constants.GENESIS_MTSOS_MAX_ELAPSED`), and the
#: bounds `setMaxElapsed` accepts: the governed parameter's row.
GENESIS_MAX_ELAPSED = 3600
MIN_MAX_ELAPSED, MAX_MAX_ELAPSED = by_key(PROTOCOL)["mtsos_max_elapsed"].bounds
#: The contract's name, in the deployment record and among forge's artifacts.
ORACLE_CONTRACT = "MtsosOracle"
REQUIRED_COLUMNS = ("timestamp", "spot")


# ---------------------------------------------------------------------------------------------------------- formula


def next_ema(prev: int, spot: int, elapsed: int, period: int = PERIOD_SECONDS) -> int:
    """The EMA after `spot` held for `elapsed` seconds, from `prev`: the contract's `TimeWeightedEma.next`."""
    if elapsed < 0 or period < 0 or elapsed + period == 0:
        raise ValueError(f"elapsed ({elapsed}) and period ({period}) must be non-negative, not both zero")
    if spot >= prev:
        return prev + (spot - prev) * elapsed // (elapsed + period)
    return prev - (prev - spot) * elapsed // (elapsed + period)


def nearer_reading(held: int, spot: int, ema: int) -> int:
    """Of the held reading and `spot`, the one nearer the EMA (the held one on a tie): what a later update weighs
    (what held over the gap, known at its two ends), and what an update in the same second holds (a reading set and
    undone within one second enters only if nothing else read that second)."""
    return spot if abs(spot - ema) < abs(held - ema) else held


def gap_wad(spot: int, ema: int) -> int:
    """`(spot - ema) / ema` as signed WAD, truncated toward zero like Solidity's signed division (`gap()`)."""
    if ema <= 0:
        raise ValueError("the EMA must be positive")
    numerator = (spot - ema) * WAD
    quotient = abs(numerator) // ema
    return quotient if numerator >= 0 else -quotient


def check_max_elapsed(seconds: int) -> int:
    """`seconds` when `setMaxElapsed` would accept it (1 minute..1 day); ValueError saying why not."""
    if not MIN_MAX_ELAPSED <= seconds <= MAX_MAX_ELAPSED:
        raise ValueError(f"an elapsed cap of {seconds} s is outside {MAX_ELAPSED_BOUNDS}")
    return seconds


#: The bounds of the elapsed cap, in words.
MAX_ELAPSED_BOUNDS = (
    f"{format_duration(MIN_MAX_ELAPSED)}..{format_duration(MAX_MAX_ELAPSED)}, the bounds of the oracle's setMaxElapsed"
)


def parse_max_elapsed(text: str | int, what: str = "--max-elapsed") -> int:
    """Seconds in a cap written as a duration ('1h', '90m', '3600'), within the contract's bounds; InputError."""
    seconds = parse_duration(text, what)
    if not MIN_MAX_ELAPSED <= seconds <= MAX_MAX_ELAPSED:
        raise InputError(f"{what} '{text}' ({seconds} s) is outside {MAX_ELAPSED_BOUNDS}")
    return seconds


def _check_spot(spot: int) -> None:
    if spot == 0:
        raise ValueError("a zero reading never enters the EMA (SumAlphaPriceZero)")
    if not 0 < spot <= MAX_SPOT_WEI:
        raise ValueError(f"spot {spot} is outside 1..{MAX_SPOT_WEI} (SumAlphaPriceOutOfRange)")


class Outcome(StrEnum):
    """What one reading did to the oracle, as the contract would have done it."""

    #: The deployment: the EMA and the held reading start at this reading.
    INITIALISED = "initialised"
    #: A later second: the held reading was weighed, this one is held for the next update.
    UPDATED = "updated"
    #: In the same second as the last update, or earlier: the EMA and the time stay; the nearer reading is held.
    SAME_SECOND = "same second"
    #: A zero reading never enters (`update()` reverts, `refresh()` changes nothing); the clock keeps running.
    ZERO_REJECTED = "zero, rejected"


@dataclass(frozen=True)
class Reading:
    """One row of a series: a unix time (seconds) and the sum of alpha prices then (TAO x 1e18)."""

    timestamp: int
    spot: int
    line: int = 0


@dataclass(frozen=True)
class ReplayRow:
    """A reading and the oracle's state after it."""

    reading: Reading
    outcome: Outcome
    #: The EMA after this row (TAO x 1e18).
    ema: int
    #: The reading held after this row, which the next update weighs (the contract's `lastSpot()`).
    held: int
    #: Seconds since the last successful update (0 for the deployment, a same-second or a rejected row).
    elapsed: int = 0
    #: The reading this row's update weighed (of the held one and its own, the one nearer the EMA); None unless
    #: UPDATED.
    weighed: int | None = None
    #: The seconds it weighed it by: `min(elapsed, maxElapsed)`; 0 unless UPDATED.
    weighed_seconds: int = 0

    @property
    def capped(self) -> bool:
        """Whether the held reading stood longer than the elapsed cap, which it then weighed as."""
        return self.elapsed > self.weighed_seconds

    @property
    def gap(self) -> int:
        """The contract's `gap()` after this row: the held reading against the EMA, signed WAD."""
        return gap_wad(self.held, self.ema)


@dataclass
class EmaState:
    """The contract's state (`MtsosOracle.State`): the EMA, the held reading, the time of the last successful update
    and the elapsed cap. Start it as the deployment does, with `EmaState.deploy`."""

    ema: int
    last_spot: int
    last_update: int
    max_elapsed: int = GENESIS_MAX_ELAPSED

    @classmethod
    def deploy(cls, timestamp: int, spot: int, max_elapsed: int = GENESIS_MAX_ELAPSED) -> EmaState:
        """The oracle as its constructor leaves it, reading `spot` at `timestamp`; ValueError where it reverts."""
        _check_spot(spot)
        return cls(spot, spot, timestamp, check_max_elapsed(max_elapsed))

    def set_max_elapsed(self, seconds: int) -> None:
        """`setMaxElapsed`: ValueError outside its bounds."""
        self.max_elapsed = check_max_elapsed(seconds)

    def preview(self, timestamp: int, spot: int) -> tuple[int, int]:
        """What an update reading `spot` at `timestamp` would store: (EMA, held reading), the contract's `_next` (and
        `previewUpdate()`); ValueError for a reading `update()` reverts on."""
        _check_spot(spot)
        if timestamp <= self.last_update:
            return self.ema, nearer_reading(self.last_spot, spot, self.ema)
        elapsed = min(timestamp - self.last_update, self.max_elapsed)
        return next_ema(self.ema, nearer_reading(self.last_spot, spot, self.ema), elapsed), spot

    def apply(self, reading: Reading) -> ReplayRow:
        """`refresh()` at `reading.timestamp` reading `reading.spot` (an `update()` that does not revert on a zero
        reading), exactly as the contract does it. ValueError above the largest reading the CSV reader accepts."""
        if reading.spot == 0:
            return ReplayRow(reading, Outcome.ZERO_REJECTED, self.ema, self.last_spot)
        ema, held = self.preview(reading.timestamp, reading.spot)
        if reading.timestamp <= self.last_update:
            self.last_spot = held
            return ReplayRow(reading, Outcome.SAME_SECOND, ema, held)
        elapsed = reading.timestamp - self.last_update
        weighed = nearer_reading(self.last_spot, reading.spot, self.ema)
        self.ema, self.last_spot, self.last_update = ema, held, reading.timestamp
        return ReplayRow(reading, Outcome.UPDATED, ema, held, elapsed, weighed, min(elapsed, self.max_elapsed))


def replay(readings: list[Reading], max_elapsed: int = GENESIS_MAX_ELAPSED) -> list[ReplayRow]:
    """The first reading deploys the oracle (ValueError when it is zero: the deployment reverts), each later one is an
    update, in order, with the elapsed cap `max_elapsed` seconds."""
    if not readings:
        return []
    first, *rest = readings
    try:
        state = EmaState.deploy(first.timestamp, first.spot, max_elapsed)
    except ValueError as exc:
        raise ValueError(f"the first reading deploys the oracle and initialises its EMA: {exc}") from None
    rows = [ReplayRow(first, Outcome.INITIALISED, state.ema, state.last_spot)]
    return rows + [state.apply(reading) for reading in rest]


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


def replay_csv(path: Path, max_elapsed: int = GENESIS_MAX_ELAPSED) -> list[ReplayRow]:
    """`replay` of the CSV series at `path` with the elapsed cap `max_elapsed` seconds; InputError naming the line of
    a first reading the deployment could not take."""
    readings = read_readings_csv(path)
    first = readings[0]
    if first.spot == 0:
        raise InputError(
            f"{display(path)}:{first.line}: column 'spot': the first reading deploys the oracle and initialises its "
            "EMA, and cannot be zero (the deployment would revert with SumAlphaPriceZero)"
        )
    return replay(readings, check_max_elapsed(max_elapsed))


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
    return {
        "line": row.reading.line,
        "timestamp": row.reading.timestamp,
        "time_utc": utc_time(row.reading.timestamp),
        "spot": str(row.reading.spot),
        "spot_tao": format_price(row.reading.spot),
        "outcome": row.outcome.value,
        "elapsed": row.elapsed,
        "weighed": None if row.weighed is None else str(row.weighed),
        "weighed_tao": None if row.weighed is None else format_price(row.weighed),
        "weighed_seconds": row.weighed_seconds,
        "capped": row.capped,
        "ema": str(row.ema),
        "ema_tao": format_price(row.ema),
        "held": str(row.held),
        "held_tao": format_price(row.held),
        "gap_wad": str(row.gap),
        "gap_percent": format_gap_percent(row.gap),
    }
