"""Check 6: what users do on the fork after the execution.

One flow set per kind, registered in FLOWS; a kind whose module the deployment lacks reports "skipped" with the
reason (a warning, never a pass). Trading flows (listing, update, upgrade):
- open and close a small long and a small short;
- one long left open alone for 8 hours: funding accrues (the long side pays);
- the pool crashes 5% below that long's liquidation price in one block, a keeper updates the oracle every block
  and liquidates as soon as the protocol allows; the liquidation must come within MAX_LIQUIDATION_BLOCKS blocks,
  and at every block the protocol's liquidation status must agree with the position's margin ratio and the
  market's (new) maintenance margin and partial band.
Traders and the keeper are deterministic keyless addresses, impersonated and funded on the fork.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from governance.pools import ALPHA_PRECOMPILE, EMULATOR_CONTRACT, MECHANISM_DYNAMIC
from governance.proposals.models import MarketListing, MarketUpdate, Proposal, Upgrade
from governance.simulation.fork import Fork, Reverted, sim_address
from governance.simulation.report import CheckResult, skipped
from governance.toolchain import abi
from governance.trading import Trading
from governance.units import format_fraction, format_tao

WAD = 10**18
RAO = 10**9
MAX_SLIPPAGE = WAD // 20  # 5%: the flows test the market, not the slippage model
SMALL_NOTIONAL = 10 * WAD
MIN_NOTIONAL = 10**14
FUNDING_WAIT = 8 * 3600
#: A keeper that updates the oracle every block must be able to liquidate within this many blocks (2 minutes)
#: of the pool crossing a position's liquidation price.
MAX_LIQUIDATION_BLOCKS = 10
CRASH_BELOW_LIQUIDATION = 0.95
STATUS = ("healthy", "partial", "full")


@dataclass
class FlowLog:
    rows: list[dict] = field(default_factory=list)
    fails: list[str] = field(default_factory=list)

    def ok(self, flow: str, what: str) -> None:
        self.rows.append({"flow": flow, "result": "ok", "detail": what})

    def fail(self, flow: str, what: str) -> None:
        self.rows.append({"flow": flow, "result": "FAIL", "detail": what})
        self.fails.append(f"{flow}: {what}")


class Market:
    """One market on the fork, traded by impersonated accounts."""

    def __init__(self, fork: Fork, protocol, ticker: str):
        self.fork, self.protocol = fork, protocol
        self.f = protocol.contract.functions
        self.ticker = ticker
        self.market_id = fork.chain.guard(lambda: self.f.marketIdByTicker(ticker).call())
        info = fork.chain.guard(lambda: self.f.market(self.market_id).call())
        self.kind, self.status, self.netuid = info[1], info[2], info[3]
        params = info[5]
        self.max_leverage, self.mm, self.band, self.taker = params[0], params[1], params[2], params[3]
        self.price_band, self.max_oi = params[6], params[7]

    def open(self, trader: str, is_long: bool, notional: int, leverage: int):
        margin = notional * WAD // leverage // RAO * RAO
        return self.fork.send(trader, self.f.openPosition(self.market_id, is_long, leverage, MAX_SLIPPAGE), margin)

    def close(self, trader: str):
        return self.fork.send(trader, self.f.closePosition(self.market_id, MAX_SLIPPAGE))

    def position(self, trader: str):
        info = self.fork.chain.guard(lambda: self.f.position(trader, self.market_id).call())
        return None if info[3] == 0 else Trading._view(self.ticker, info)


def _trading_flows(fork: Fork, protocol, ticker: str, log: FlowLog) -> None:
    market = Market(fork, protocol, ticker)
    if market.status != 1:
        try:
            market.open(sim_address("trader.long"), True, SMALL_NOTIONAL, WAD)
            log.fail(
                "open",
                f"{ticker} is {('none', 'active', 'reduce-only', 'delisted')[market.status]}, yet an open succeeded",
            )
        except Reverted as exc:
            log.ok("open", f"{ticker} is not active: an open reverts ({exc.reason})")
        return
    notional = min(SMALL_NOTIONAL, market.max_oi // 4)
    leverage = min(2 * WAD, market.max_leverage)
    if notional * WAD // leverage < MIN_NOTIONAL * WAD // leverage or notional < MIN_NOTIONAL:
        log.fail(
            "open",
            f"the max open interest of {format_tao(market.max_oi)} leaves no room for a position of "
            f"the minimum notional ({format_tao(MIN_NOTIONAL)})",
        )
        return
    # Open and close a small long and a small short.
    for side, is_long in (("long", True), ("short", False)):
        trader = sim_address(f"trader.{side}")
        try:
            market.open(trader, is_long, notional, leverage)
            p = market.position(trader)
            log.ok(
                f"open {side}",
                f"{format_tao(p.entry_notional)} at {p.entry_price / WAD:.9f}, margin "
                f"{format_tao(p.margin)}, MR {p.margin_ratio * 100 / WAD:.2f}%",
            )
        except Reverted as exc:
            log.fail(f"open {side}", f"{format_tao(notional)} at {leverage / WAD:g}x reverted: {exc.reason}")
    fork.advance(12)
    for side in ("long", "short"):
        trader = sim_address(f"trader.{side}")
        if market.position(trader) is None:
            continue
        before = fork.chain.guard(lambda t=trader: fork.w3.eth.get_balance(t))
        try:
            sent = market.close(trader)
            cost = sent.gas_used * sent.receipt["effectiveGasPrice"]
            received = fork.chain.guard(lambda t=trader: fork.w3.eth.get_balance(t)) - before + cost
            if market.position(trader) is None and received > 0:
                log.ok(f"close {side}", f"closed; {format_tao(received)} paid back")
            else:
                log.fail(f"close {side}", f"the position is still open or nothing was paid ({received} wei)")
        except Reverted as exc:
            log.fail(f"close {side}", f"reverted: {exc.reason}")
    _funding_and_liquidation(fork, market, notional, log)


def _funding_and_liquidation(fork: Fork, market: Market, notional: int, log: FlowLog) -> None:
    trader, keeper = sim_address("trader.leveraged"), sim_address("keeper")
    # The highest leverage whose opening margin ratio clears MM + band with room for the fee and slippage.
    room = market.mm + market.band + 2 * market.taker + WAD // 50
    leverage = min(market.max_leverage, WAD * WAD // room)
    try:
        market.open(trader, True, notional, leverage)
    except Reverted as exc:
        log.fail("liquidation", f"a {leverage / WAD:.2f}x long could not open: {exc.reason}")
        return
    first = market.position(trader)
    fork.advance(FUNDING_WAIT)
    later = market.position(trader)
    if later.accrued_funding > 0:
        rate = fork.chain.guard(lambda: market.f.marketTradingState(market.market_id).call())[2]
        log.ok(
            "funding",
            f"a lone long accrued {format_tao(later.accrued_funding, 9)} of funding in 8 h "
            f"(rate {rate * 100 / WAD:.4f}% per 8 h)",
        )
    else:
        log.fail("funding", f"a lone long accrued {later.accrued_funding} wei of funding in 8 h; expected it to pay")
    if market.kind != 0:
        log.rows.append(
            {
                "flow": "liquidation",
                "result": "skipped",
                "detail": "index markets follow the MTSOS oracle, which the simulation does not move",
            }
        )
        return
    emulator = fork.chain.contract(ALPHA_PRECOMPILE, abi(EMULATOR_CONTRACT)).functions
    tao_rao = fork.chain.guard(lambda: emulator.getTaoInPool(market.netuid).call())
    liquidation_price = later.liquidation_price
    target = int(liquidation_price * CRASH_BELOW_LIQUIDATION)
    alpha_rao = tao_rao * WAD // max(target, 1)
    fork.send(keeper, emulator.setPool(market.netuid, tao_rao, min(alpha_rao, 2**64 - 1), MECHANISM_DYNAMIC))
    for block in range(1, MAX_LIQUIDATION_BLOCKS + 1):
        try:
            fork.send(keeper, market.f.updatePrice(market.market_id))
        except Reverted as exc:
            log.fail("liquidation", f"updatePrice reverted: {exc.reason}")
            return
        p = market.position(trader)
        expected = (
            "full"
            if p.margin_ratio < market.mm
            else "partial"
            if p.margin_ratio < market.mm + market.band
            else "healthy"
        )
        if p.liquidation_status != expected:
            log.fail(
                "liquidation",
                f"block {block}: MR {p.margin_ratio * 100 / WAD:.3f}% with MM "
                f"{format_fraction(market.mm)} and band {format_fraction(market.band)} should be {expected}, "
                f"the protocol says {p.liquidation_status}",
            )
            return
        if p.liquidation_status == "healthy":
            continue
        try:
            fork.send(keeper, market.f.liquidate(trader, market.market_id))
        except Reverted as exc:
            log.fail("liquidation", f"block {block}: liquidate reverted at status {p.liquidation_status}: {exc.reason}")
            return
        log.ok(
            "liquidation",
            f"{leverage / WAD:.2f}x long (entry {first.entry_price / WAD:.9f}, liquidation price "
            f"{liquidation_price / WAD:.9f}) liquidated ({p.liquidation_status}) {block} block(s) after the pool "
            f"fell 5% below it, at MR {p.margin_ratio * 100 / WAD:.3f}% (MM {format_fraction(market.mm)}, "
            f"band {format_fraction(market.band)})",
        )
        return
    p = market.position(trader)
    log.fail(
        "liquidation",
        f"not liquidatable {MAX_LIQUIDATION_BLOCKS} blocks after the pool fell 5% below the "
        f"liquidation price: the oracle is at {p.mark_price / WAD:.9f}, MR {p.margin_ratio * 100 / WAD:.2f}%; "
        f"a price band of {format_fraction(market.price_band)} lets the oracle follow too slowly",
    )


def _listing(fork, protocol, proposal: MarketListing, modules) -> FlowLog:
    log = FlowLog()
    _trading_flows(fork, protocol, proposal.market.ticker, log)
    return log


def _update(fork, protocol, proposal: MarketUpdate, modules) -> FlowLog:
    log = FlowLog()
    _trading_flows(fork, protocol, proposal.market.ticker, log)
    return log


def _upgrade(fork, protocol, proposal: Upgrade, modules) -> FlowLog:
    """The upgraded modules serve trading on the first active alpha market (by ticker)."""
    log = FlowLog()
    f = protocol.contract.functions
    tickers = []
    for market_id in fork.chain.guard(lambda: f.marketIds().call()):
        ticker, kind, status, *_ = fork.chain.guard(lambda i=market_id: f.market(i).call())
        if kind == 0 and status == 1:
            tickers.append(ticker)
    if not tickers:
        log.rows.append({"flow": "trading", "result": "skipped", "detail": "no active alpha market to trade on"})
        return log
    _trading_flows(fork, protocol, sorted(tickers)[0], log)
    return log


def _needs_module(module: str, what: str) -> Callable:
    def flow(fork, protocol, proposal, modules) -> str:
        if module not in modules:
            return f"the deployment has no {what} module"
        return f"the {what} module is registered, but this version has no {what} flows yet"

    return flow


#: kind -> flow. A flow returns a FlowLog, or a string: why it was skipped.
FLOWS: dict[str, Callable] = {
    "market-listing": _listing,
    "market-update": _update,
    "upgrade": _upgrade,
    "lp-window": _needs_module("lp", "LP"),
    "referral-config": _needs_module("referral", "referral"),
}


def check_flows(fork: Fork, protocol, proposal: Proposal, modules: set[str]) -> CheckResult:
    flow = FLOWS.get(proposal.kind)
    if flow is None:
        return skipped(6, f"no user flows are defined for {proposal.kind} proposals yet")
    outcome = flow(fork, protocol, proposal, modules)
    if isinstance(outcome, str):
        return skipped(6, outcome, "rerun once the module is deployed")
    if outcome.fails:
        return CheckResult(
            6,
            "fail",
            "; ".join(outcome.fails[:2]),
            "users could not trade this market as intended after the execution: revise the parameters",
            rows=outcome.rows,
        )
    done = ", ".join(dict.fromkeys(r["flow"] for r in outcome.rows if r["result"] == "ok"))
    return CheckResult(6, "pass", f"after execution: {done}", rows=outcome.rows)
