"""Check 6: what users do on the fork after the execution.

One flow set per kind, registered in FLOWS; a kind whose module the deployment lacks reports "skipped" with the
reason (a warning, never a pass). Trading flows (listing, update, upgrade):
- open and close a small long and a small short;
- one long left open alone for 8 hours: funding accrues (the long side pays);
- the pool crashes 5% below that long's liquidation price in one block and stays there, a keeper pokes the market
  once a minute (the reference price follows the pool) and liquidates as soon as the protocol allows; the
  liquidation must come within three reference periods (`liquidation_pokes`), and at every poke the protocol's
  liquidation status must agree with the position's margin ratio at the best of spot, reference and the block's
  starting reference, and the market's (new) maintenance margin and partial band.
Traders and the keeper are deterministic keyless addresses, impersonated and funded on the fork.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from web3.logs import DISCARD

from governance.proposals.models import LpWindow, MarketListing, MarketUpdate, Proposal, ReferralConfig, Upgrade
from governance.simulation.fork import Fork, Reverted, sim_address
from governance.simulation.report import CheckResult, graded, skipped
from governance.simulation.state import read_schedule
from megatao.clients.lp import STATUS_FIELDS, LpStatus, format_shares
from megatao.clients.markets import ZERO_ADDRESS
from megatao.clients.pools import ALPHA_PRECOMPILE, EMULATOR_CONTRACT, MECHANISM_DYNAMIC
from megatao.clients.trading import Trading
from megatao.core.params import MARKET_KEYS
from megatao.core.units import format_duration, format_fraction, format_tao
from megatao.node.toolchain import abi

WAD = 10**18
RAO = 10**9
#: Any price, any time: the flows test the market, not the trader's bounds.
ANY_BUY_PRICE, ANY_SELL_PRICE, NO_DEADLINE = 2**256 - 1, 0, 2**64
SMALL_NOTIONAL = 10 * WAD
MIN_NOTIONAL = 10**14
FUNDING_WAIT = 8 * 3600
#: A keeper pokes the market this often while the pool stays past a position's liquidation price.
POKE_INTERVAL = 60
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
        params = dict(zip(MARKET_KEYS, info[5], strict=True))
        self.max_leverage, self.mm = params["max_leverage"], params["maintenance_margin"]
        self.band, self.taker = params["partial_liquidation_band"], params["taker_fee"]
        self.reference_period, self.max_oi = params["reference_period"], params["max_open_interest"]

    def open(self, trader: str, is_long: bool, notional: int, leverage: int):
        margin = notional * WAD // leverage // RAO * RAO
        bound = ANY_BUY_PRICE if is_long else ANY_SELL_PRICE
        return self.fork.send(
            trader, self.f.openPosition(self.market_id, is_long, leverage, bound, NO_DEADLINE), margin
        )

    def increase(self, trader: str, is_long: bool, leverage: int, value: int):
        bound = ANY_BUY_PRICE if is_long else ANY_SELL_PRICE
        return self.fork.send(trader, self.f.increasePosition(self.market_id, leverage, bound, NO_DEADLINE), value)

    def close(self, trader: str):
        p = self.position(trader)
        bound = ANY_SELL_PRICE if p is None or p.side == "long" else ANY_BUY_PRICE
        return self.fork.send(trader, self.f.closePosition(self.market_id, bound, NO_DEADLINE))

    def liquidation_pokes(self) -> int:
        """How many pokes, POKE_INTERVAL apart, a keeper may need: three reference periods' worth."""
        return -(-3 * self.reference_period // POKE_INTERVAL)

    def poke(self, keeper: str):
        """A keeper's poke a minute after the last block: the reference price's update."""
        return self.fork.send(keeper, self.f.poke(self.market_id), at=self._now() + POKE_INTERVAL)

    def favourable_ratio(self, p) -> int:
        """The position's margin ratio at the best of spot, reference and the block's starting reference for it:
        the one the protocol's liquidation status reads."""
        prices = self.fork.chain.guard(lambda: self.f.oraclePrices(self.market_id).call())
        candidates = (p.spot_price, p.mark_price, prices[2])
        best = max(candidates) if p.size > 0 else min(candidates)
        pnl = p.size * (best - p.entry_price) // WAD
        equity = p.margin + pnl - p.accrued_funding - p.accrued_interest
        return equity * WAD // p.entry_notional

    def _now(self) -> int:
        return self.fork.chain.guard(lambda: self.fork.w3.eth.get_block("latest")["timestamp"])

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
    liquidation_price = later.liquidation_price
    move_pool_past(fork, market, keeper, liquidation_price, is_long=True)
    pokes = market.liquidation_pokes()
    for block in range(1, pokes + 1):
        try:
            market.poke(keeper)
        except Reverted as exc:
            log.fail("liquidation", f"poke reverted: {exc.reason}")
            return
        p = market.position(trader)
        ratio = market.favourable_ratio(p)
        expected = "full" if ratio < market.mm else "partial" if ratio < market.mm + market.band else "healthy"
        if p.liquidation_status != expected:
            log.fail(
                "liquidation",
                f"poke {block}: MR {ratio * 100 / WAD:.3f}% (at the best of spot and references) with MM "
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
            f"{liquidation_price / WAD:.9f}) liquidated ({p.liquidation_status}) {block} poke(s) after the pool "
            f"fell 5% below it, at MR {p.margin_ratio * 100 / WAD:.3f}% (MM {format_fraction(market.mm)}, "
            f"band {format_fraction(market.band)})",
        )
        return
    p = market.position(trader)
    log.fail(
        "liquidation",
        f"not liquidatable {pokes} pokes ({format_duration(pokes * POKE_INTERVAL)}) after the pool fell 5% below the "
        f"liquidation price: the reference is at {p.mark_price / WAD:.9f}, MR {p.margin_ratio * 100 / WAD:.2f}%; "
        f"a reference period of {format_duration(market.reference_period)} lets it follow too slowly",
    )


def move_pool_past(fork: Fork, market: Market, sender: str, liquidation_price: int, is_long: bool) -> int:
    """Set the alpha market's pool (on the emulator, in one block) so that its price is 5% beyond
    `liquidation_price`: below it for a long, above it for a short. Returns the pool's new price (TAO x 1e18)."""
    emulator = fork.chain.contract(ALPHA_PRECOMPILE, abi(EMULATOR_CONTRACT)).functions
    tao_rao = fork.chain.guard(lambda: emulator.getTaoInPool(market.netuid).call())
    beyond = CRASH_BELOW_LIQUIDATION if is_long else 2 - CRASH_BELOW_LIQUIDATION
    target = max(int(liquidation_price * beyond), 1)
    alpha_rao = min(max(tao_rao * WAD // target, 1), 2**64 - 1)
    fork.send(sender, emulator.setPool(market.netuid, tao_rao, alpha_rao, MECHANISM_DYNAMIC))
    return tao_rao * WAD // alpha_rao


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
    tickers = active_alpha_tickers(fork, protocol)
    if not tickers:
        log.rows.append({"flow": "trading", "result": "skipped", "detail": "no active alpha market to trade on"})
        return log
    _trading_flows(fork, protocol, tickers[0], log)
    return log


def active_alpha_tickers(fork: Fork, protocol) -> list[str]:
    f = protocol.contract.functions
    tickers = []
    for market_id in fork.chain.guard(lambda: f.marketIds().call()):
        ticker, kind, status, *_ = fork.chain.guard(lambda i=market_id: f.market(i).call())
        if kind == 0 and status == 1:
            tickers.append(ticker)
    return sorted(tickers)


# ---------------------------------------------------------------- lp-window

#: What each LP of the flow deposits: 1 TAO, the least a per-account cap may be, so only the window or the global
#: cap can refuse it.
LP_DEPOSIT = WAD


def _lp_window(fork: Fork, protocol, proposal: LpWindow, modules) -> FlowLog | str:
    """The new schedule in force from the next epoch boundary: deposits at the window's first and last seconds
    succeed, a deposit at the second it closes reverts DepositWindowClosed (windows are [start, start + w))."""
    if "lp" not in modules:
        return "the deployment has no LP module"
    log = FlowLog()
    f = protocol.contract.functions
    guard = fork.chain.guard
    pending = read_schedule(protocol)
    if not pending["next_from"]:
        log.fail("schedule", "after the execution no schedule is pending for the next epoch")
        return log
    start = pending["next_from"]
    closes = start + proposal.deposit_window
    deposits = FlowLog()

    def deposit(flow: str, who: str, at: int) -> None:
        lp = sim_address(who)
        try:
            sent = fork.send(lp, f.deposit(), LP_DEPOSIT, at=at)
        except Reverted as exc:
            deposits.fail(flow, f"a deposit of {format_tao(LP_DEPOSIT)} at {at} reverted: {exc.reason}" + _cap_hint(f))
            return
        status = LpStatus.from_tuple(lp, sent.timestamp, guard(lambda: f.lpStatus(lp).call()))
        deposits.ok(
            flow,
            f"{format_tao(LP_DEPOSIT)} deposited at {sent.timestamp} ({format_duration(sent.timestamp - start)} "
            f"after the window opened at {start}; it closes at {closes}): {format_shares(status.shares)} share(s)",
        )

    deposit("deposit inside the window (its first second)", "lp.first", start)
    epoch, epoch_start = guard(lambda: f.currentEpoch().call())
    in_force = read_schedule(protocol)
    wanted = (proposal.epoch_length, proposal.deposit_window, proposal.withdraw_window)
    got = (in_force["epoch_length"], in_force["deposit_window"], in_force["withdrawal_window"])
    shown = ", ".join(format_duration(x) for x in got)
    if (epoch, epoch_start) != (pending["next_epoch"], start) or got != wanted:
        log.fail(
            "schedule",
            f"at {start} epoch {epoch} (start {epoch_start}) runs epoch, deposit and withdrawal windows of "
            f"{shown}; the file sets {', '.join(format_duration(x) for x in wanted)} from epoch "
            f"{pending['next_epoch']}",
        )
    else:
        log.ok("schedule", f"epoch {epoch} began at {start} with the file's schedule (epoch, windows: {shown})")
    log.rows += deposits.rows
    log.fails += deposits.fails
    if log.fails:
        return log
    deposits = log
    deposit("deposit inside the window (its last second)", "lp.last", closes - 1)
    if proposal.deposit_window >= proposal.epoch_length:
        log.rows.append(
            {"flow": "deposit outside the window", "result": "skipped", "detail": "the window spans the epoch"}
        )
        return log
    flow = "deposit outside the window (the second it closes)"
    try:
        sent = fork.send(sim_address("lp.late"), f.deposit(), LP_DEPOSIT, at=closes)
        log.fail(flow, f"a deposit at {sent.timestamp}, when the window had closed, succeeded")
    except Reverted as exc:
        if exc.reason.startswith("DepositWindowClosed"):
            log.ok(flow, f"a deposit at {closes} reverts: {exc.reason}")
        else:
            log.fail(flow, f"a deposit at {closes} reverted with {exc.reason}, not DepositWindowClosed")
    return log


def _cap_hint(f) -> str:
    """Why a deposit may not fit: the global cap below the LPs' equity (which validation cannot know)."""
    try:
        status = f.lpStatus(ZERO_ADDRESS).call()
    except Exception:  # a view that reverts says nothing more
        return ""
    values = dict(zip(STATUS_FIELDS, status, strict=True))
    equity, cap = values["deposit_equity"], values["global_deposit_cap"]
    if equity + LP_DEPOSIT > cap:
        return (
            f" (the total cap of {format_tao(cap)} is below the LPs' equity of {format_tao(max(equity, 0))} "
            "plus the deposit: no deposit fits)"
        )
    return ""


# ---------------------------------------------------------------- referral-config


#: The referred trades' leverage: the notional and the fee it gives are not round, so each floor(F x share) drops wei
#: (at a 0.25% taker fee on 10 TAO, F = 24,999,999,999,552,949 wei).
REFERRAL_LEVERAGE = 1_987_654_321_987_654_321


def _referral(fork: Fork, protocol, proposal: ReferralConfig, modules) -> FlowLog | str:
    """For each tier: a referrer registers a code (given the tier by the owner), a referee binds to it and opens a
    small long naming a registered builder; the fee must split exactly as ReferralLogic says: of the taker fee F
    (rounded up), the referee's discount floor(F x d), the referrer's floor(F x r), the builder's floor(F x b),
    the insurance fund's floor(F x i), the vault the rest."""
    if "referral" not in modules:
        return "the deployment has no referral module"
    log = FlowLog()
    tickers = active_alpha_tickers(fork, protocol)
    if not tickers:
        log.rows.append({"flow": "referred trade", "result": "skipped", "detail": "no active alpha market to trade"})
        return log
    market = Market(fork, protocol, tickers[0])
    f = market.f
    guard = fork.chain.guard
    owner = guard(lambda: f.owner().call())
    insurance, _ = guard(lambda: f.tradingFeeSplit().call())
    builder = sim_address("referral.builder")
    try:
        fork.send(builder, f.registerBuilder())
    except Reverted as exc:
        log.fail("referred trade", f"registering the flow's builder reverted: {exc.reason}")
        return log
    events = protocol.contract.events
    leverage = min(REFERRAL_LEVERAGE, market.max_leverage)
    notional = min(SMALL_NOTIONAL, market.max_oi // (4 * len(proposal.tiers)))
    value = notional * WAD // leverage // RAO * RAO
    for index, tier in enumerate(proposal.tiers):
        flow = f"referred trade, tier {index} ({tier.name})"
        referrer, referee = sim_address(f"referral.referrer.{index}"), sim_address(f"referral.referee.{index}")
        code = f"MEGATAO_SIM_{index}".encode().ljust(32, b"\0")
        try:
            fork.send(referrer, f.registerReferralCode(code))
            if index:
                fork.send(owner, f.setReferralCodeTier(code, index))
            fork.send(referee, f.bindReferralCode(code))
        except Reverted as exc:
            log.fail(flow, f"registering, tiering or binding the code reverted: {exc.reason}")
            continue
        rewards_before = _rewards(fork, f, referrer)
        try:
            sent = fork.send(
                referee,
                f.openPositionWithBuilder(market.market_id, True, leverage, ANY_BUY_PRICE, NO_DEADLINE, builder),
                value,
            )
        except Reverted as exc:
            log.fail(flow, f"the referee's open reverted: {exc.reason}")
            continue
        fee = -(-(value * leverage // WAD) * market.taker // WAD)  # F: the taker fee on the notional, rounded up
        want = {
            "discount": fee * tier.referee_discount // WAD,
            "referrer": fee * tier.referrer_share // WAD,
            "builder": fee * proposal.builder_fee_share // WAD,
            "insurance": fee * insurance // WAD,
        }
        want["charged"] = fee - want["discount"]
        want["vault"] = want["charged"] - want["referrer"] - want["builder"] - want["insurance"]
        booked = _one(events.ReferralFeeBooked().process_receipt(sent.receipt, errors=DISCARD))
        split = _one(events.TradingFeeBooked().process_receipt(sent.receipt, errors=DISCARD))
        opened = _one(events.PositionOpened().process_receipt(sent.receipt, errors=DISCARD))
        if booked is None or split is None or opened is None:
            log.fail(flow, "the open emitted no ReferralFeeBooked, TradingFeeBooked or PositionOpened")
            continue
        got = {
            "discount": booked["discount"],
            "referrer": booked["toReferrer"],
            "builder": booked["toBuilder"],
            "insurance": split["toInsurance"],
            "charged": opened["fee"],
            "vault": split["toVault"],
            "referrer rewards accrued": _rewards(fork, f, referrer) - rewards_before,
        }
        want["referrer rewards accrued"] = want["referrer"]
        wrong = [f"{k} {got[k]} wei, expected {want[k]}" for k in want if got[k] != want[k]]
        if booked["referrer"] != referrer:
            wrong.append(f"paid referrer {booked['referrer']}, not {referrer}")
        if split["toReferral"] != got["referrer"] + got["builder"]:
            wrong.append(f"the referral bucket got {split['toReferral']} wei, not referrer + builder")
        if wrong:
            hint = ""
            if got["discount"] == 0 and want["discount"] and tier.discount_days == 0:
                hint = (
                    f" (discount_days is 0: the {format_fraction(tier.referee_discount)} discount ends at the "
                    "referee's first trade, so no referee ever gets it)"
                )
            log.fail(flow, f"taker fee {fee} wei: " + "; ".join(wrong) + hint)
            continue
        log.ok(
            flow,
            f"taker fee F = {fee} wei on {format_tao(value * leverage // WAD)}: discount {got['discount']} "
            f"(floor F x {format_fraction(tier.referee_discount)}), referrer {got['referrer']} "
            f"(floor F x {format_fraction(tier.referrer_share)}, accrued), builder {got['builder']} "
            f"(floor F x {format_fraction(proposal.builder_fee_share)}), insurance {got['insurance']}, "
            f"vault {got['vault']}; charged {got['charged']}",
        )
    return log


def _rewards(fork: Fork, f, account: str) -> int:
    return fork.chain.guard(lambda: f.referralAccount(account).call())[3]


def _one(logs) -> dict | None:
    return dict(logs[0]["args"]) if len(logs) == 1 else None


#: kind -> flow. A flow returns a FlowLog, or a string: why it was skipped.
FLOWS: dict[str, Callable] = {
    "market-listing": _listing,
    "market-update": _update,
    "upgrade": _upgrade,
    "lp-window": _lp_window,
    "referral-config": _referral,
}
#: What to do when a kind's flows fail.
TRADING_ACTION = "users could not trade this market as intended after the execution: revise the parameters"
ACTIONS = {
    "lp-window": "LPs could not deposit as the file intends after the execution: revise the windows or the caps",
    "referral-config": "referred trades do not pay what the file configures: revise the tiers",
}


def check_flows(fork: Fork, protocol, proposal: Proposal, modules: set[str]) -> CheckResult:
    flow = FLOWS.get(proposal.kind)
    if flow is None:
        return skipped(6, f"no user flows are defined for {proposal.kind} proposals yet")
    outcome = flow(fork, protocol, proposal, modules)
    if isinstance(outcome, str):
        return skipped(6, outcome, "rerun once the module is deployed")
    done = ", ".join(dict.fromkeys(r["flow"] for r in outcome.rows if r["result"] == "ok"))
    broken = ("; ".join(outcome.fails[:2]), ACTIONS.get(proposal.kind, TRADING_ACTION))
    return graded(6, f"after execution: {done}", fail=broken if outcome.fails else None, rows=outcome.rows)
