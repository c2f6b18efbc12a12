"""What must carry across an upgrade, read only through the protocol's public views (`position`, `vaultTotals`,
`marketTradingState`): the positions to watch, the readings at the blocks around the execution, and the rehearsal's
checks 7-9 that compare them. Nothing here knows a namespace's fields or slots, so a change of the trading storage
layouts changes nothing here.

Blocks around the execution (block E, at the eta): just before it, a small open on each watched market (`touch`)
accrues that market's funding index and the global interest index; E-1 is an empty block 12 s before E, and E+1 an
empty block 12 s after it. From the touch on nothing trades, so each index must move by exactly rate x elapsed (with
the contracts' rounding: funding truncated toward zero, interest rounded up) at every block, the upgrade's included.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from web3 import Web3
from web3.exceptions import ContractCustomError, ContractLogicError

from governance.simulation.flows import ANY_BUY_PRICE, NO_DEADLINE, Market, active_alpha_tickers
from governance.simulation.fork import Fork, Reverted, sim_address
from governance.simulation.report import CheckResult, graded, joined
from megatao.clients.markets import KIND_INDEX, STATUS_NAMES
from megatao.core.units import format_fraction, format_tao
from megatao.node.reverts import describe_revert

WAD = 10**18
#: contracts/libraries/Constants.sol: the funding rate's period and the interest rate's year.
FUNDING_PERIOD = 8 * 3600
SECONDS_PER_YEAR = 365 * 86400
#: At most this many positions found on the source chain are read across the upgrade (sorted by market, side,
#: account); the rest are named in a note.
MAX_POSITIONS = 200
#: What the rehearsal opens on a chain without open positions, per market: a long larger than the short, so that the
#: funding rate is not zero, at 2x.
OWN_POSITIONS = (("long", True, 10 * WAD), ("short", False, 5 * WAD))
OWN_LEVERAGE = 2 * WAD
#: The open that accrues a market's indices just before the execution: 1 TAO of notional at 1x, 5% slippage at most.
TOUCH_NOTIONAL, TOUCH_LEVERAGE = WAD, WAD
#: `position()` fields a position keeps exactly across an upgrade (names from IPositionViewModule.PositionInfo).
KEPT = ("size", "entryPrice", "entryNotional", "margin", "lastIncreaseBlock")
#: `vaultTotals()` and `marketTradingState()` fields that move with time alone (check 9 reads them).
TIMED = ("interestIndex", "fundingIndex")
#: `vaultTotals()` fields of the interest index's path (the rate applies while there is open notional).
INTEREST = ("interestRatePerYear", "interestIndex", "totalOpenNotional")


@dataclass(frozen=True)
class Held:
    """A position watched across the upgrade."""

    ticker: str
    market_id: bytes
    index: bool  # on an index market (MTSOS)
    account: str
    side: str  # at the fork: "long" or "short"

    @property
    def name(self) -> str:
        return f"{self.ticker} {self.side} {self.account}"


@dataclass
class Book:
    """The positions watched across the upgrade and where they come from."""

    positions: list[Held]
    opened: bool  # opened by the rehearsal (the source chain had none)
    found: int  # open positions found on the source chain
    notes: list[str] = field(default_factory=list)

    @property
    def tickers(self) -> list[str]:
        return sorted({h.ticker for h in self.positions})

    def market_ids(self) -> dict[str, bytes]:
        return {h.ticker: h.market_id for h in self.positions}

    def describe(self) -> dict:
        if self.opened:
            sides = ", ".join(f"{side} {format_tao(n, 0)}" for side, _, n in OWN_POSITIONS)
            detail = (
                f"the source chain had no open position: the rehearsal opened {len(self.positions)} before the "
                f"proposal ({sides} of notional at {OWN_LEVERAGE // WAD}x on {', '.join(self.tickers) or 'no market'})"
            )
        else:
            detail = (
                f"{self.found} open position(s) on the source chain (PositionOpened since the deployment, still open "
                f"at the fork block), {len(self.positions)} watched"
            )
        notes = "; ".join(self.notes)
        return {
            "origin": "rehearsal" if self.opened else "source",
            "found": self.found,
            "watched": len(self.positions),
            "detail": detail + (f"; {notes}" if notes else ""),
        }


def _markets(fork: Fork, protocol) -> dict[bytes, tuple[str, int, int]]:
    """market id -> (ticker, kind, status) of every listed market."""
    f = protocol.contract.functions
    found = {}
    for market_id in fork.chain.guard(lambda: f.marketIds().call()):
        ticker, kind, status, *_ = fork.chain.guard(lambda i=market_id: f.market(i).call())
        found[bytes(market_id)] = (ticker, kind, status)
    return found


def find_positions(fork: Fork, protocol, from_block: int | None) -> Book:
    """Every position opened on the source chain (PositionOpened events from `from_block`) and still open."""
    markets = _markets(fork, protocol)
    event = protocol.contract.events.PositionOpened()
    logs = fork.chain.guard(lambda: event.get_logs(from_block=from_block or 0, to_block=fork.fork_block))
    pairs = dict.fromkeys((Web3.to_checksum_address(log["args"]["account"]), log["args"]["marketId"]) for log in logs)
    f = protocol.contract.functions
    names = view_fields(protocol, "position")
    held = []
    for account, market_id in pairs:
        if bytes(market_id) not in markets:
            continue
        ticker, kind, _ = markets[bytes(market_id)]
        info = read_view(fork, f.position(account, market_id), "latest", names)
        size = info["size"] if isinstance(info, dict) else 0
        if size != 0:
            held.append(Held(ticker, bytes(market_id), kind == KIND_INDEX, account, "long" if size > 0 else "short"))
    held.sort(key=lambda h: (h.ticker, h.side, h.account))
    book = Book(held[:MAX_POSITIONS], opened=False, found=len(held))
    if len(held) > MAX_POSITIONS:
        book.notes.append(f"the {len(held) - MAX_POSITIONS} after the first {MAX_POSITIONS} are not read")
    return book


def open_positions(fork: Fork, protocol) -> Book:
    """On a chain without open positions: a long and a short on the first active alpha market and on the first
    active index market (MTSOS), opened by the rehearsal's own accounts."""
    markets = _markets(fork, protocol)
    index = sorted(t for t, kind, status in markets.values() if kind == KIND_INDEX and status == 1)
    book = Book([], opened=True, found=0)
    for ticker in active_alpha_tickers(fork, protocol)[:1] + index[:1]:
        market = Market(fork, protocol, ticker)
        leverage = min(OWN_LEVERAGE, market.max_leverage)
        for side, is_long, notional in OWN_POSITIONS:
            trader = sim_address(f"rehearsal.{ticker}.{side}")
            try:
                market.open(trader, is_long, min(notional, market.max_oi // 4), leverage)
            except Reverted as exc:
                book.notes.append(f"opening a {side} on {ticker} reverted: {exc.reason}")
                continue
            book.positions.append(Held(ticker, bytes(market.market_id), market.kind == KIND_INDEX, trader, side))
    return book


# ---------------------------------------------------------------- touches and readings


@dataclass
class Touch:
    """The open that accrued a market's indices just before the execution (block None: it reverted, `error`)."""

    ticker: str
    block: int | None = None
    timestamp: int | None = None
    error: str = ""


def touch_markets(fork: Fork, protocol, book: Book, eta: int) -> dict[str, Touch]:
    """A small open on each watched market, one block each, the last 24 s before `eta` (the execution lands at the
    eta, after an empty block at eta - 12): each accrues its market's funding index and the interest index."""
    touches = {}
    tickers = book.tickers
    for i, ticker in enumerate(tickers):
        market = Market(fork, protocol, ticker)
        touch = Touch(ticker)
        try:
            sent = fork.send(
                sim_address(f"rehearsal.touch.{ticker}"),
                market.f.openPosition(market.market_id, True, TOUCH_LEVERAGE, ANY_BUY_PRICE, NO_DEADLINE),
                TOUCH_NOTIONAL,
                at=eta - 12 * (len(tickers) + 1 - i),
            )
            touch.block, touch.timestamp = sent.block, sent.timestamp
        except Reverted as exc:
            touch.error = exc.reason
        touches[ticker] = touch
    return touches


@dataclass
class Reading:
    """The protocol as its views show it at one block. A view that reverts is kept as the revert's text."""

    block: int
    timestamp: int
    positions: dict[Held, dict | str]
    vault: dict | str
    markets: dict[str, dict | str]
    balance: int


def view_fields(protocol, function: str) -> list[str]:
    outputs = protocol.contract.get_function_by_name(function).abi["outputs"]
    if len(outputs) == 1 and outputs[0]["type"] == "tuple":
        return [c["name"] for c in outputs[0]["components"]]
    return [o["name"] for o in outputs]


def read_view(fork: Fork, function, block: int | str, names: list[str]) -> dict | str:
    try:
        values = fork.chain.guard(lambda: function.call(block_identifier=block))
    except (ContractCustomError, ContractLogicError) as exc:
        data = exc.data if isinstance(getattr(exc, "data", None), str | bytes) else None
        return f"reverts: {describe_revert(data, fork.abis) if data else exc}"
    return dict(zip(names, values, strict=True))


def read_at(fork: Fork, protocol, book: Book, block: int, with_positions: bool = True) -> Reading:
    f = protocol.contract.functions
    timestamp = fork.chain.guard(lambda: fork.w3.eth.get_block(block)["timestamp"])
    position_names = view_fields(protocol, "position")
    market_names = view_fields(protocol, "marketTradingState")
    positions = {}
    if with_positions:
        for h in book.positions:
            positions[h] = read_view(fork, f.position(h.account, h.market_id), block, position_names)
    markets = {
        ticker: read_view(fork, f.marketTradingState(market_id), block, market_names)
        for ticker, market_id in sorted(book.market_ids().items())
    }
    vault = read_view(fork, f.vaultTotals(), block, view_fields(protocol, "vaultTotals"))
    balance = fork.chain.guard(lambda: fork.w3.eth.get_balance(protocol.address, block_identifier=block))
    return Reading(block, timestamp, positions, vault, markets, balance)


# ---------------------------------------------------------------- predictions


def funding_delta(rate8h: int, seconds: int) -> int:
    """FundingMath.indexDelta: rate x seconds / 8 h, truncated toward zero."""
    magnitude = abs(rate8h) * seconds // FUNDING_PERIOD
    return magnitude if rate8h >= 0 else -magnitude


def interest_delta(annual_rate: int, seconds: int) -> int:
    """InterestMath.indexDelta: rate x seconds / year, rounded up."""
    return -(-annual_rate * seconds // SECONDS_PER_YEAR)


@dataclass
class Accrual:
    """An index's path around the upgrade: the value each reading shows and the value rate x elapsed predicts from
    its base (the touch, or E-1 when the touch failed: then the last accrual's time is unknown and each prediction
    may be 1 off)."""

    what: str  # "AFFINE funding" or "interest"
    base_label: str
    base: tuple[int, int, int]  # (timestamp, index, rate) at the base
    exact: bool
    points: list[tuple[str, Reading, int | None, int | None]] = field(default_factory=list)  # label, reading, rate, idx

    def predicted(self, timestamp: int) -> int:
        t0, index0, rate = self.base
        if self.what == "interest":
            return index0 + interest_delta(rate, timestamp - t0)
        return index0 + funding_delta(rate, timestamp - t0)

    def problems(self) -> list[str]:
        out = []
        for label, reading, rate, index in self.points:
            if index is None:
                out.append(f"{self.what} at {label}: the view reverts")
                continue
            want = self.predicted(reading.timestamp)
            if rate != self.base[2]:
                out.append(f"{self.what} at {label}: the rate is {rate}, it was {self.base[2]}")
            elif not (index == want or (not self.exact and abs(index - want) <= 1)):
                out.append(f"{self.what} at {label}: index {index}, rate x elapsed predicts {want}")
        return out


def _fields(value: dict | str, *names: str) -> tuple:
    return tuple(value[n] for n in names) if isinstance(value, dict) else tuple(None for _ in names)


def accruals(
    book: Book, touches: dict[str, Touch], readings: dict[int, Reading], around: list[tuple[str, int]]
) -> list[Accrual]:
    """Each watched market's funding index and the interest index at the blocks `around` (label, block): E-1, E,
    E+1."""
    result = []
    first = readings[around[0][1]]
    for ticker in book.tickers:
        touch = touches.get(ticker)
        if touch is not None and touch.block is not None:
            base_reading, label, exact = readings[touch.block], f"the touch (block {touch.block})", True
        else:
            base_reading, label, exact = first, f"{around[0][0]} (block {first.block}; the touch failed)", False
        rate, index = _fields(base_reading.markets[ticker], "fundingRate8h", "fundingIndex")
        if index is None:
            continue
        accrual = Accrual(f"{ticker} funding", label, (base_reading.timestamp, index, rate), exact)
        for name, block in around:
            r = readings[block]
            accrual.points.append((name, r, *_fields(r.markets[ticker], "fundingRate8h", "fundingIndex")))
        result.append(accrual)
    done = [t.block for t in touches.values() if t.block is not None]
    base_reading = readings[max(done)] if done else first
    rate, index, open_notional = _fields(base_reading.vault, *INTEREST)
    if index is not None:
        accrual = Accrual(
            "interest",
            f"the last touch (block {base_reading.block})" if done else f"{around[0][0]} (block {first.block})",
            (base_reading.timestamp, index, rate if open_notional else 0),
            bool(done),
        )
        for name, block in around:
            r = readings[block]
            rate_now, index_now, notional_now = _fields(r.vault, *INTEREST)
            accrual.points.append((name, r, rate_now if notional_now else 0, index_now))
        result.append(accrual)
    return result


# ---------------------------------------------------------------- checks 7-9


def check_positions(
    number: int, title: str, book: Book, before: Reading, after: Reading, paths: list[Accrual]
) -> CheckResult:
    """Every watched position keeps its size, entry price, entry notional, margin and last-increase block exactly,
    and its accrued funding and interest grow from E-1 to E by what the indices' predicted move gives (1 wei of the
    contracts' rounding; more where a prediction may be 1 off)."""
    if not book.positions:
        return CheckResult(number, "warn", "no position to carry across the upgrade", name=title, notes=book.notes)
    by_what = {a.what: a for a in paths}
    rows, problems, unreadable = [], [], []
    for h in book.positions:
        b, a = before.positions[h], after.positions[h]
        row = {"market": h.ticker, "side": h.side, "account": h.account}
        if isinstance(b, str) or (isinstance(b, dict) and b["size"] == 0):
            row |= {"kept": "-", "accrued_funding": "-", "accrued_interest": "-", "verdict": "WARN: not readable"}
            unreadable.append(f"{h.name}: {b if isinstance(b, str) else 'closed'} before the upgrade")
            rows.append(row)
            continue
        if isinstance(a, str):
            row |= {"kept": a, "accrued_funding": "-", "accrued_interest": "-", "verdict": "FAIL"}
            problems.append(f"{h.name}: position() {a} after the upgrade")
            rows.append(row)
            continue
        changed = [f"{n} {b[n]} -> {a[n]}" for n in KEPT if b[n] != a[n]]
        row["kept"] = "; ".join(changed) if changed else ", ".join(KEPT) + " equal"
        notional = b["entryNotional"]
        funding = by_what.get(f"{h.ticker} funding")
        interest = by_what.get("interest")
        verdicts = []
        for key, path, sign in (
            ("accruedFunding", funding, 1 if h.side == "long" else -1),
            ("accruedInterest", interest, 1),
        ):
            label = "accrued funding" if key == "accruedFunding" else "accrued interest"
            if path is None:
                row[label.replace(" ", "_")] = f"{b[key]} -> {a[key]} (not predicted)"
                continue
            # What the position owes moves by notional x the index's move (a long pays a rising funding index, a
            # short earns it), each reading rounded against the trader: within 1 wei of the exact figure.
            grown = sign * (path.predicted(after.timestamp) - path.predicted(before.timestamp)) * notional
            slack = 1 if path.exact else 1 + -(-notional // WAD)
            want = b[key] + (grown + WAD // 2) // WAD
            row[label.replace(" ", "_")] = f"{b[key]:,} -> {a[key]:,} (expected {want:,})"
            if abs((a[key] - b[key]) * WAD - grown) > slack * WAD:
                verdicts.append(f"{label} {a[key]:,} wei, expected {want:,} (+-{slack})")
        if changed or verdicts:
            problems.append(f"{h.name}: " + "; ".join(changed + verdicts))
            row["verdict"] = "FAIL"
        else:
            row["verdict"] = "ok"
        rows.append(row)
    notes = [
        f"read with position() at block {before.block} (E-1, the old implementations) and {after.block} (E, the "
        "upgrade's block, the new ones); accrued amounts are expected to grow by notional x the predicted index move "
        "(rounded against the trader, so within 1 wei)",
        *book.notes,
    ]
    origin = "opened by the rehearsal" if book.opened else "found on the source chain"
    moved = (
        f"{len(problems)} of {len(book.positions)} position(s) read back differently after the upgrade: "
        + joined(problems, 2),
        "do not submit: the new implementation reads the positions' storage differently (a namespace field "
        "inserted, moved or retyped, or a namespace redeclared); compare it with the layout reference",
    )
    unread = (f"{len(unreadable)} position(s) could not be read before the upgrade: " + "; ".join(unreadable[:2]), "")
    return graded(
        number,
        f"{len(book.positions)} position(s) {origin} keep their size, entry price, entry notional, margin and last "
        "increase block exactly; their accrued funding and interest grew as predicted (to 1 wei)",
        fail=moved if problems else None,
        warn=unread if unreadable else None,
        rows=rows,
        notes=notes,
        name=title,
    )


def _shown(name: str, value) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if name == "status":
        return STATUS_NAMES.get(value, str(value))
    if name in ("utilization", "interestRatePerYear", "fundingRate8h"):
        return format_fraction(value)
    if isinstance(value, int) and name != "price":
        return f"{format_tao(value, 9)} ({value} wei)"
    return str(value)


def check_totals(number: int, title: str, before: Reading, after: Reading) -> CheckResult:
    """The vault's buckets and state, each watched market's trading state (but the indices, which move with time)
    and the protocol's TAO balance, equal at E-1 and E."""
    rows, problems = [], []

    def compare(what: str, b, a) -> None:
        if isinstance(b, str) or isinstance(a, str):
            ok = isinstance(b, str) and isinstance(a, str) and b == a
            rows.append({"what": what, "before": str(b), "after": str(a), "verdict": "ok" if ok else "FAIL"})
            if not ok:
                problems.append(f"{what}: {b} before, {a} after")
            return
        for name in b:
            if name in TIMED:
                continue
            same = b[name] == a[name]
            rows.append(
                {
                    "what": f"{what}.{name}",
                    "before": _shown(name, b[name]),
                    "after": _shown(name, a[name]),
                    "verdict": "ok" if same else "FAIL",
                }
            )
            if not same:
                problems.append(f"{what}.{name} {b[name]} -> {a[name]}")

    compare("vaultTotals", before.vault, after.vault)
    for ticker in sorted(before.markets):
        compare(f"marketTradingState({ticker})", before.markets[ticker], after.markets[ticker])
    same = before.balance == after.balance
    rows.append(
        {
            "what": "TAO held by MegaTAO",
            "before": _shown("balance", before.balance),
            "after": _shown("balance", after.balance),
            "verdict": "ok" if same else "FAIL",
        }
    )
    if not same:
        problems.append(f"the protocol's balance {before.balance} -> {after.balance}")
    notes = [f"read at block {before.block} (E-1) and {after.block} (E); the indices are check 9's"]
    changed = (
        f"{len(problems)} total(s) changed at the upgrade: " + "; ".join(problems[:3]),
        "do not submit: the new implementation reads the vault's or a market's storage differently",
    )
    return graded(
        number,
        f"reserves, insurance fund, margins, claims, referral balance, open notional, utilization and breaker "
        f"unchanged; open interest, rate, price and status of {len(before.markets)} market(s) unchanged; the "
        "protocol holds the same TAO",
        fail=changed if problems else None,
        rows=rows,
        notes=notes,
        name=title,
    )


def check_accrual(number: int, title: str, paths: list[Accrual], touches: dict[str, Touch]) -> CheckResult:
    """Each index at E-1, E and E+1 equals its base plus rate x elapsed (the contracts' rounding), the rate
    unchanged: no jump at the upgrade block."""
    if not paths:
        return CheckResult(number, "warn", "no index to follow: no watched market", name=title)
    rows, problems = [], []
    for path in paths:
        t0, index0, rate0 = path.base
        unit = "per year" if path.what == "interest" else "per 8 h"
        rows.append(
            {
                "index": path.what,
                "block": path.base_label,
                "elapsed": "0 s",
                "rate": f"{format_fraction(rate0)} {unit}",
                "index_value": str(index0),
                "predicted": "(base)",
                "verdict": "ok",
            }
        )
        bad = set(path.problems())
        for label, reading, rate, index in path.points:
            want = path.predicted(reading.timestamp)
            mine = [p for p in bad if p.startswith(f"{path.what} at {label}:")]
            rows.append(
                {
                    "index": path.what,
                    "block": f"{label} (block {reading.block})",
                    "elapsed": f"{reading.timestamp - t0} s",
                    "rate": "-" if rate is None else f"{format_fraction(rate)} {unit}",
                    "index_value": "-" if index is None else str(index),
                    "predicted": str(want),
                    "verdict": "FAIL" if mine else "ok",
                }
            )
        problems += sorted(bad)
    failed = [t for t in touches.values() if t.error]
    notes = [
        "predicted = the index at the base + rate x elapsed / 8 h (funding, truncated toward zero) or / 365 days "
        "(interest, rounded up), the rate read at the base (FundingMath.indexDelta, InterestMath.indexDelta)",
        *(f"the touch on {t.ticker} reverted ({t.error}): its prediction may be 1 off" for t in failed),
    ]
    off = (
        f"{len(problems)} index reading(s) off rate x elapsed: " + "; ".join(problems[:2]),
        "do not submit: the new implementation accrues funding or interest differently at the upgrade",
    )
    at_upgrade = []
    for path in paths:
        upgrade = next((p for p in path.points if p[0] == "E"), None)
        previous = next((p for p in path.points if p[0] == "E-1"), None)
        if upgrade and previous and upgrade[3] is not None and previous[3] is not None:
            at_upgrade.append(f"{path.what} +{upgrade[3] - previous[3]}")
    moved = (
        f"{len(paths)} index(es) moved by rate x elapsed at every block around the upgrade, "
        f"{'to the wei' if not failed else 'within 1 where a touch failed'}; at the upgrade block: "
        + ", ".join(at_upgrade)
    )
    return graded(
        number,
        moved,
        fail=off if problems else None,
        warn=(moved, "the markets whose touch reverted are followed less precisely") if failed else None,
        rows=rows,
        notes=notes,
        name=title,
    )
