"""Check 6: what users do on the fork after the execution.

One flow set per kind, registered in FLOWS; a kind whose module the deployment lacks reports "skipped" with the
reason (a warning, never a pass). Trading flows (listing, update, upgrade):
- open and close a small long and a small short;
- when the file sets the market's max open interest or its depth cap ratio (every listing; an update that names
  either), a long that takes the long side to 99% of the file's max open interest opens (and then closes). On an
  alpha market the depth cap, `oi_depth_ratio` x the pool's TAO, applies besides it: a ratio whose cap falls below the
  file's max open interest at the pool's depth refuses that long (`DepthCapExceeded`), so the cap the file sets has
  no effect until the pool deepens (a warning, like a key that changes nothing: validation cannot see it, the pool
  is the chain's); the vault's net exposure and utilization limits refusing it warn the same way; any other refusal
  fails;
- one long left open alone for 8 hours: funding accrues (the long side pays);
- the pool crashes 5% below that long's liquidation price in one block and stays there, a keeper pokes the market
  once a minute (the reference price follows the pool) and liquidates as soon as the protocol allows; the
  liquidation must come within three reference periods (`liquidation_pokes`), and at every poke the protocol's
  liquidation status must agree with the position's margin ratio at the best of spot, reference and the block's
  starting reference, and the market's (new) maintenance margin and partial band.
Traders and the keeper are deterministic keyless addresses, impersonated and funded on the fork. The other kinds'
flows (LP deposits, referred trades, what each guardian can do, the new protocol parameters in effect) are described
at their functions and in governance/simulation/README.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from web3 import Web3
from web3.exceptions import ContractLogicError
from web3.logs import DISCARD

from governance.proposals.models import (
    Guardians,
    LpWindow,
    MarketListing,
    MarketUpdate,
    Proposal,
    ProtocolParams,
    ReferralConfig,
    Upgrade,
)
from governance.simulation.fork import SENDER_BALANCE, Fork, Reverted, sim_address
from governance.simulation.report import CheckResult, graded, skipped
from governance.simulation.state import read_schedule
from megatao.clients.lp import STATUS_FIELDS, LpStatus, format_shares
from megatao.clients.markets import ZERO_ADDRESS
from megatao.clients.pools import ALPHA_PRECOMPILE, EMULATOR_CONTRACT, MECHANISM_DYNAMIC
from megatao.clients.trading import Trading
from megatao.core.params import MARKET_KEYS, MARKET_PARAMS
from megatao.core.units import format_duration, format_fraction, format_tao
from megatao.node.toolchain import abi

WAD = 10**18
RAO = 10**9
OI_DEPTH_RATIO_BOUNDS = MARKET_PARAMS["oi_depth_ratio"].bounds
#: Any price, any time: the flows test the market, not the trader's bounds.
ANY_BUY_PRICE, ANY_SELL_PRICE, NO_DEADLINE = 2**256 - 1, 0, 2**64
SMALL_NOTIONAL = 10 * WAD
MIN_NOTIONAL = 10**14
FUNDING_WAIT = 8 * 3600
#: A keeper pokes the market this often while the pool stays past a position's liquidation price.
POKE_INTERVAL = 60
CRASH_BELOW_LIQUIDATION = 0.95
STATUS = ("healthy", "partial", "full")
#: The share of the file's max open interest per side that the open-interest flow takes the long side to: an open's
#: side is valued at the reference price, its notional at the execution price (never below it), so 99% of the cap
#: leaves room for neither rounding nor the reference to matter.
OI_CAP_SHARE = 99
#: The depth cap ratio a finding suggests is rounded up to this (0.01%).
RATIO_STEP = 10**14
#: The vault-wide limits that may refuse the open-interest flow's long before the market's caps do.
VAULT_LIMITS = ("NetExposureCapExceeded", "UtilizationLimitExceeded")


@dataclass
class FlowLog:
    rows: list[dict] = field(default_factory=list)
    fails: list[str] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (what, what to do)

    def ok(self, flow: str, what: str) -> None:
        self.rows.append({"flow": flow, "result": "ok", "detail": what})

    def fail(self, flow: str, what: str) -> None:
        self.rows.append({"flow": flow, "result": "FAIL", "detail": what})
        self.fails.append(f"{flow}: {what}")

    def warn(self, flow: str, what: str, action: str) -> None:
        """Users can do what the flow tries, but a key of the file does not take the effect it names."""
        self.rows.append({"flow": flow, "result": "WARN", "detail": what})
        self.warnings.append((f"{flow}: {what}", action))


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
        self.oi_depth_ratio = params["oi_depth_ratio"]

    def open(self, trader: str, is_long: bool, notional: int, leverage: int):
        margin = notional * WAD // leverage // RAO * RAO
        bound = ANY_BUY_PRICE if is_long else ANY_SELL_PRICE
        return self.fork.send(
            trader, self.f.openPosition(self.market_id, is_long, leverage, bound, NO_DEADLINE), margin
        )

    def increase(self, trader: str, is_long: bool, leverage: int, value: int):
        bound = ANY_BUY_PRICE if is_long else ANY_SELL_PRICE
        return self.fork.send(trader, self.f.increasePosition(self.market_id, leverage, bound, NO_DEADLINE), value)

    def close(self, trader: str, is_long: bool | None = None):
        """Closes `trader`'s position at any price; its side from the position view unless given (an upgrade under
        rehearsal may break that view, and must not pick the close's bound)."""
        if is_long is None:
            p = self.position(trader)
            is_long = p is None or p.side == "long"
        bound = ANY_SELL_PRICE if is_long else ANY_BUY_PRICE
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

    def trading_state(self) -> dict:
        """`marketTradingState(marketId)` by its fields' names (open interest at the reference, the depth cap...)."""
        function = self.f.marketTradingState(self.market_id)
        names = [c["name"] for c in function.abi["outputs"][0]["components"]]
        return dict(zip(names, self.fork.chain.guard(function.call), strict=True))

    def pool_tao(self) -> int:
        """The pool's TAO reserve the protocol reads (wei), `oraclePrices(marketId).poolTao`."""
        function = self.f.oraclePrices(self.market_id)
        names = [c["name"] for c in function.abi["outputs"][0]["components"]]
        return dict(zip(names, self.fork.chain.guard(function.call), strict=True))["poolTao"]

    def _now(self) -> int:
        return self.fork.chain.guard(lambda: self.fork.w3.eth.get_block("latest")["timestamp"])

    def position(self, trader: str):
        info = self.fork.chain.guard(lambda: self.f.position(trader, self.market_id).call())
        return None if info[3] == 0 else Trading._view(self.ticker, info)


def _trading_flows(fork: Fork, protocol, ticker: str, log: FlowLog, open_interest: bool = False) -> None:
    """The trading flows on `ticker`; `open_interest`: also the open interest cap's (the file sets it)."""
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
    if open_interest:
        _open_interest_cap(fork, market, log)
    _funding_and_liquidation(fork, market, notional, log)


def _open_interest_cap(fork: Fork, market: Market, log: FlowLog) -> None:
    """A long that takes the long side to OI_CAP_SHARE% of the max open interest opens, then closes; on an alpha
    market the depth cap may refuse it (what the file asks for cannot be reached at the pool's depth)."""
    flow = "open interest cap"
    if market.kind != 0:
        detail = "an index market has no pool, so no depth cap; its cap is bounded by the vault's limits only"
        log.rows.append({"flow": flow, "result": "skipped", "detail": detail})
        return
    state = market.trading_state()
    target = market.max_oi * OI_CAP_SHARE // 100
    room = target - state["longOpenInterest"]
    if room < MIN_NOTIONAL:
        detail = f"the long side holds {format_tao(state['longOpenInterest'])} already, at the cap"
        log.rows.append({"flow": flow, "result": "skipped", "detail": detail})
        return
    pool, depth_cap = market.pool_tao(), state["depthCap"]
    depth = f"the depth cap is {_tao(depth_cap)} ({format_fraction(market.oi_depth_ratio)} of the pool's {_tao(pool)})"
    trader = sim_address("trader.cap")
    leverage = min(2 * WAD, market.max_leverage)
    margin = room * WAD // leverage // RAO * RAO
    fork.impersonate(trader)
    fork.node.set_balance(trader, margin + SENDER_BALANCE)  # the margin of a position the size of the cap
    try:
        market.open(trader, True, room, leverage)
    except Reverted as exc:
        error = exc.reason.split("(")[0]
        what = (
            f"the long side cannot reach the max open interest of {_tao(market.max_oi)}: a long taking it to "
            f"{_tao(target)} ({OI_CAP_SHARE}%) reverts {error}"
        )
        if error == "DepthCapExceeded":
            needed = -(-market.max_oi * WAD // max(pool, 1) // RATIO_STEP) * RATIO_STEP
            fix = (
                f"raise oi_depth_ratio to at least {format_fraction(needed)} or lower max_open_interest to "
                f"{_tao(depth_cap)}"
                if needed <= OI_DEPTH_RATIO_BOUNDS[1]
                else f"lower max_open_interest to {_tao(depth_cap)} (no depth cap ratio reaches it at this pool)"
            )
            log.warn(flow, f"{what}: {depth}, below the cap", f"the depth cap binds first at this pool: {fix}")
        elif error in VAULT_LIMITS:
            log.warn(flow, f"{what} ({exc.reason})", "the vault's reserves bind first: lower max_open_interest")
        else:
            log.fail(flow, f"{what} ({exc.reason}); {depth}")
        return
    reached = market.trading_state()["longOpenInterest"]
    log.ok(flow, f"a long took the long side to {_tao(reached)} of its {_tao(market.max_oi)} cap; {depth}")
    fork.advance(12)
    try:
        market.close(trader)
    except Reverted as exc:
        log.fail(flow, f"closing the long that reached the cap reverted: {exc.reason}")


def _tao(wei: int) -> str:
    return format_tao(wei, 0) if wei % WAD == 0 or wei >= 1000 * WAD else format_tao(wei)


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
        rate = market.trading_state()["fundingRate8h"]
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
    _trading_flows(fork, protocol, proposal.market.ticker, log, open_interest=True)
    return log


def _update(fork, protocol, proposal: MarketUpdate, modules) -> FlowLog:
    log = FlowLog()
    sets_cap = proposal.market.max_open_interest is not None or proposal.market.oi_depth_ratio is not None
    _trading_flows(fork, protocol, proposal.market.ticker, log, open_interest=sets_cap)
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


# ---------------------------------------------------------------- protocol-params


def _protocol_params(fork: Fork, protocol, proposal: ProtocolParams, modules) -> FlowLog:
    """Where the new governed values show in what users do, each measured after the execution: the min margin in the
    refusal of an open below it; the upgrade delay in the wait the timelock gives an upgrade proposed now; the MTSOS
    oracle's elapsed cap in the EMA an update would store after a reading held longer than the cap; the max pause in
    the pause the guardian can start (last: it pauses opens). Keys without a flow (fee splits, caps, limits, the
    broken-price times) rest on checks 2 to 4."""
    log = FlowLog()
    if proposal.min_margin is not None:
        _min_margin_flow(fork, protocol, proposal.min_margin, log)
    if proposal.upgrade_delay is not None:
        _upgrade_delay_flow(fork, protocol, proposal.upgrade_delay, log)
    if proposal.mtsos_max_elapsed is not None:
        _max_elapsed_flow(fork, protocol, proposal.mtsos_max_elapsed, log)
    if proposal.max_pause is not None:
        _max_pause_flow(fork, protocol, proposal.max_pause, log)
    if not log.rows:
        why = "no user flow covers the keys this file names (fee splits, caps, limits, broken-price times)"
        log.rows.append({"flow": "protocol parameters", "result": "skipped", "detail": why})
    return log


def _min_margin_flow(fork: Fork, protocol, min_margin: int, log: FlowLog) -> None:
    """An open at 1x whose margin after the fee and impact falls just below the min margin reverts MarginBelowMinimum
    naming the file's value; one with a margin 2% above it opens."""
    flow = "min margin"
    tickers = active_alpha_tickers(fork, protocol)
    if not tickers:
        log.rows.append({"flow": flow, "result": "skipped", "detail": "no active alpha market to open on"})
        return
    if min_margin <= MIN_NOTIONAL:
        detail = f"a min margin of {format_tao(min_margin, 9)} refuses no position of the min notional"
        log.rows.append({"flow": flow, "result": "skipped", "detail": detail})
        return
    market = Market(fork, protocol, tickers[0])
    below = min_margin // RAO * RAO  # the fee and impact take it below the min
    try:
        market.open(sim_address("trader.min-margin.below"), True, below, WAD)
        log.fail(flow, f"an open with {format_tao(below, 9)} of margin (less the fee, below the min) succeeded")
        return
    except Reverted as exc:
        expected = "MarginBelowMinimum("
        if not exc.reason.startswith(expected) or not exc.reason.rstrip(")").endswith(f", {min_margin}"):
            log.fail(flow, f"an open below the min margin of {format_tao(min_margin, 9)} reverted {exc.reason}")
            return
    above = -(-min_margin * 102 // 100 // RAO) * RAO
    try:
        market.open(sim_address("trader.min-margin.above"), True, above, WAD)
    except Reverted as exc:
        log.fail(flow, f"an open with {format_tao(above, 9)} of margin (2% above the min) reverted {exc.reason}")
        return
    log.ok(
        flow,
        f"on {market.ticker}, {format_tao(below, 9)} at 1x leaves less than the min margin after the fee and is "
        f"refused (MarginBelowMinimum, min {format_tao(min_margin, 9)}); {format_tao(above, 9)} opens",
    )


def _upgrade_delay_flow(fork: Fork, protocol, upgrade_delay: int, log: FlowLog) -> None:
    """The wait the timelock gives a module upgrade scheduled now (`operationDelay`, what `scheduleBatch` applies)."""
    guard = fork.chain.guard
    owner = guard(lambda: protocol.contract.functions.owner().call())
    timelock = fork.chain.contract(owner, abi("IMegaTAOTimelock")).functions
    upgrade = bytes.fromhex(protocol.contract.encode_abi("setModule", [b"oracle".ljust(32, b"\0"), owner, [], b""])[2:])
    waits = guard(lambda: timelock.operationDelay([upgrade], 0).call())
    if waits == upgrade_delay:
        log.ok("upgrade delay", f"a module upgrade scheduled now waits {format_duration(waits)} in the timelock")
    else:
        log.fail("upgrade delay", f"a module upgrade scheduled now waits {format_duration(waits)}, not the file's "
                 f"{format_duration(upgrade_delay)}")  # fmt: skip


def _max_elapsed_flow(fork: Fork, protocol, max_elapsed: int, log: FlowLog) -> None:
    """A reading held for twice the cap: the update the oracle would make weighs it for the cap only, to the wei of
    the contract's arithmetic (megatao.clients.oracle.EmaState, with the file's cap). The held reading is first moved
    away from the EMA (one pool's price up 10% on the emulator, then an update), so that the weight shows."""
    from megatao.clients.oracle import EmaState

    flow = "MTSOS max elapsed"
    f, guard = protocol.contract.functions, fork.chain.guard
    oracles = {
        guard(lambda i=i: f.indexOracle(i).call())
        for i in guard(lambda: f.marketIds().call())
        if guard(lambda i=i: f.market(i).call())[1] == 1
    }
    tickers = active_alpha_tickers(fork, protocol)
    if len(oracles) != 1 or not tickers:
        log.rows.append({"flow": flow, "result": "skipped", "detail": "needs one index oracle and an alpha market"})
        return
    oracle = fork.chain.contract(oracles.pop(), abi("IMtsosOracle")).functions
    market = Market(fork, protocol, tickers[0])
    emulator = fork.chain.contract(ALPHA_PRECOMPILE, abi(EMULATOR_CONTRACT)).functions
    tao, alpha = (
        guard(lambda: emulator.getTaoInPool(market.netuid).call()),
        guard(lambda: emulator.getAlphaInPool(market.netuid).call()),
    )
    keeper = sim_address("keeper.mtsos")
    try:
        fork.send(keeper, emulator.setPool(market.netuid, tao * 11 // 10, alpha, MECHANISM_DYNAMIC))
        fork.send(keeper, oracle.update())
        read = (oracle.ema, oracle.lastSpot, oracle.lastUpdate)
        ema, held, last_update = (guard(lambda r=r: r().call()) for r in read)
        fork.advance(2 * max_elapsed)
        previewed, _ = guard(lambda: oracle.previewUpdate().call())
        spot = guard(lambda: emulator.getSumAlphaPrice().call())
    except (Reverted, ContractLogicError) as exc:
        log.fail(flow, f"the MTSOS oracle could not be updated on the fork: {exc}")
        return
    now = fork.now()
    capped = EmaState(ema, held, last_update, max_elapsed).preview(now, spot)[0]
    uncapped = EmaState(ema, held, last_update, 2 * max_elapsed).preview(now, spot)[0]
    if previewed == capped != uncapped:
        log.ok(
            flow,
            f"a reading held {format_duration(2 * max_elapsed)} is weighed for {format_duration(max_elapsed)}: the "
            f"next EMA is {previewed} (uncapped it would be {uncapped})",
        )
    elif capped == uncapped:
        log.rows.append({"flow": flow, "result": "skipped", "detail": "the held reading equals the EMA"})
    else:
        log.fail(flow, f"after {format_duration(2 * max_elapsed)} the oracle would store {previewed}; the file's cap "
                 f"of {format_duration(max_elapsed)} gives {capped}")  # fmt: skip


def _max_pause_flow(fork: Fork, protocol, max_pause: int, log: FlowLog) -> None:
    """The pause guardian's pause lasts the file's max pause (the owner then lifts it, as the fork's last step)."""
    f, guard = protocol.contract.functions, fork.chain.guard
    guardian = guard(lambda: f.guardian().call())
    if guardian == ZERO_ADDRESS or guard(lambda: f.opensPaused().call()):
        why = (
            "no pause guardian" if guardian == ZERO_ADDRESS else "a pause is in effect, which a guardian cannot extend"
        )
        log.rows.append({"flow": "max pause", "result": "skipped", "detail": why})
        return
    try:
        sent = fork.send(guardian, f.pauseOpens())
    except Reverted as exc:
        log.fail("max pause", f"the pause guardian {guardian} could not pause opens: {exc.reason}")
        return
    until = guard(lambda: f.pausedUntil().call())
    if until - sent.timestamp == max_pause:
        log.ok("max pause", f"the pause guardian's pause of opens at {sent.timestamp} lapses at {until}, "
               f"{format_duration(max_pause)} later")  # fmt: skip
    else:
        log.fail("max pause", f"the pause guardian's pause lasts {format_duration(until - sent.timestamp)}, not the "
                 f"file's {format_duration(max_pause)}")  # fmt: skip
    fork.send(guard(lambda: f.owner().call()), f.unpauseOpens())


# ---------------------------------------------------------------- guardians


def _guardians(fork: Fork, protocol, proposal: Guardians, modules) -> FlowLog:
    """What each guardian can do after the execution: the proposal itself is guardian-proof (the Governor's rule);
    the replaced pause guardian can no longer pause opens and the new one can; the new proposal guardian cancels a
    proposal that is not guardian-proof and cannot cancel one that is, and the replaced one can cancel neither."""
    from governance.governor import Governance
    from governance.proposals.encode import encode_proposal

    log = FlowLog()
    gov = Governance(fork.chain)
    g, guard = gov.governor.functions, fork.chain.guard
    encoded = encode_proposal(proposal, gov.context())
    proof = guard(lambda: g.isGuardianProof(encoded.targets, encoded.values, encoded.calldatas).call())
    if proof:
        log.ok("guardian-proof", "the Governor's isGuardianProof holds for this proposal's calls: no guardian could "
               "have cancelled it")  # fmt: skip
    else:
        log.fail("guardian-proof", "the Governor's isGuardianProof is false: the proposal guardian could cancel it")
    if proposal.pause_guardian is not None:
        _pause_guardian_flows(fork, protocol, proposal.pause_guardian, log)
    if proposal.proposal_guardian is not None:
        _proposal_guardian_flows(fork, gov, proposal.proposal_guardian, log)
    return log


def _replaced(event, field: str, block: int) -> str | None:
    """The account the execution replaced: `field` of the last `event` log up to `block`."""
    logs = event().get_logs(from_block=max(block - 64, 0), to_block=block)
    return logs[-1]["args"][field] if logs else None


def _pause_guardian_flows(fork: Fork, protocol, new: str, log: FlowLog) -> None:
    f, guard = protocol.contract.functions, fork.chain.guard
    block, _ = fork.latest()
    old = guard(lambda: _replaced(protocol.contract.events.GuardianSet, "previousGuardian", block))
    if old and old not in (ZERO_ADDRESS, new):
        try:
            fork.send(old, f.pauseOpens())
            log.fail("replaced pause guardian", f"{old}, replaced, could still pause opens")
        except Reverted as exc:
            if exc.reason.startswith("GuardianUnauthorizedAccount"):
                log.ok("replaced pause guardian", f"{old} can no longer pause opens: {exc.reason}")
            else:
                log.fail("replaced pause guardian", f"{old}'s pauseOpens reverted {exc.reason}, not for the role")
    if new == ZERO_ADDRESS:
        log.ok("pause guardian", "none: only the timelock may pause opens now")
        return
    if guard(lambda: f.opensPaused().call()):
        detail = "a pause is in effect, which a guardian cannot extend (unpause_opens lifts it)"
        log.rows.append({"flow": "pause guardian", "result": "skipped", "detail": detail})
        return
    try:
        sent = fork.send(new, f.pauseOpens())
    except Reverted as exc:
        log.fail("pause guardian", f"the new pause guardian {new} cannot pause opens: {exc.reason}")
        return
    until, length = guard(lambda: f.pausedUntil().call()), guard(lambda: f.maxPause().call())
    if guard(lambda: f.opensPaused().call()) and until == sent.timestamp + length:
        log.ok(
            "pause guardian",
            f"{new} paused opens at {sent.timestamp} until {until} ({format_duration(length)}, the max pause)",
        )
    else:
        log.fail("pause guardian", f"{new}'s pause left opensPaused false or ends at {until}, not after the max pause")


def _proposal_guardian_flows(fork: Fork, gov, new: str, log: FlowLog) -> None:
    from governance.simulation.lifecycle import delegates

    g, guard = gov.governor.functions, fork.chain.guard
    block, now = fork.latest()
    old = guard(lambda: _replaced(gov.governor.events.ProposalGuardianSet, "oldProposalGuardian", block))
    threshold = guard(lambda: g.proposalThreshold().call())
    able = [d for d in delegates(gov, block) if guard(lambda d=d: g.getVotes(d.address, now - 1).call()) >= threshold]
    if not able:
        log.rows.append({"flow": "proposal guardian", "result": "skipped", "detail": "no delegate can propose"})
        return
    proposer, protocol = able[0].address, gov.protocol.contract
    pause_guardian = guard(lambda: protocol.functions.guardian().call())
    max_pause = guard(lambda: protocol.functions.maxPause().call())
    counter = iter(range(1, 100))

    def propose(function: str, args: list) -> tuple:
        """A proposal of one call to the protocol (restating a value it holds), from the largest delegate."""
        calls = ([protocol.address], [0], [bytes.fromhex(protocol.encode_abi(function, args)[2:])])
        description = f"# Simulation: {function}, a proposal for the guardians to cancel ({next(counter)})\n"
        fork.send(proposer, g.propose(*calls, description))
        return (*calls, Web3.keccak(text=description))

    def cancellable() -> tuple:
        """Not guardian-proof: it renews a setting (the max pause, restated)."""
        return propose("setMaxPause", [max_pause])

    def cancel(who: str, flow: str, proposal: tuple, allowed: bool, refusal: str = "") -> None:
        """`who` cancels `proposal`: it must succeed when `allowed`, else revert with `refusal` (the role's error)."""
        try:
            fork.send(who, g.cancel(*proposal))
            verdict = log.ok if allowed else log.fail
            verdict(flow, f"{who} cancelled it" + ("" if allowed else ", which it should not be able to"))
        except Reverted as exc:
            if allowed or (refusal and not exc.reason.startswith(refusal)):
                log.fail(flow, f"{who}'s cancel reverted: {exc.reason}")
            else:
                log.ok(flow, f"{who} cannot cancel it: {exc.reason}")

    if old and old not in (ZERO_ADDRESS, new):
        cancel(
            old, "replaced proposal guardian vs a cancellable proposal", cancellable(), False, "GovernorUnableToCancel"
        )
    if new == ZERO_ADDRESS:
        log.ok("proposal guardian", "none: a proposer may cancel its own proposal, nobody else's")
        return
    cancel(new, "proposal guardian vs a cancellable proposal", cancellable(), True)
    proof = propose("setGuardian", [pause_guardian])
    cancel(new, "proposal guardian vs a guardian-proof proposal", proof, False, "ProposalGuardianCannotCancel")


#: kind -> flow. A flow returns a FlowLog, or a string: why it was skipped.
FLOWS: dict[str, Callable] = {
    "market-listing": _listing,
    "market-update": _update,
    "upgrade": _upgrade,
    "lp-window": _lp_window,
    "referral-config": _referral,
    "guardians": _guardians,
    "protocol-params": _protocol_params,
}
#: What to do when a kind's flows fail.
TRADING_ACTION = "users could not trade this market as intended after the execution: revise the parameters"
ACTIONS = {
    "lp-window": "LPs could not deposit as the file intends after the execution: revise the windows or the caps",
    "referral-config": "referred trades do not pay what the file configures: revise the tiers",
    "guardians": "a guardian cannot do what the file appoints it for, or a replaced one still can: do not vote yet",
    "protocol-params": "a parameter does not take the effect the file names after the execution: report it",
}


def check_flows(fork: Fork, protocol, proposal: Proposal, modules: set[str]) -> CheckResult:
    flow = FLOWS.get(proposal.kind)
    if flow is None:
        return skipped(6, f"no user flows are defined for {proposal.kind} proposals yet")
    outcome = flow(fork, protocol, proposal, modules)
    if isinstance(outcome, str):
        return skipped(6, outcome, "rerun once the module is deployed")
    if all(r["result"] == "skipped" for r in outcome.rows):  # nothing measured: never a pass
        return skipped(6, "; ".join(r["detail"] for r in outcome.rows) or "no user flow ran")
    done = ", ".join(dict.fromkeys(r["flow"] for r in outcome.rows if r["result"] == "ok"))
    broken = ("; ".join(outcome.fails[:2]), ACTIONS.get(proposal.kind, TRADING_ACTION))
    doubtful = ("; ".join(w for w, _ in outcome.warnings[:2]), outcome.warnings[0][1]) if outcome.warnings else None
    return graded(
        6, f"after execution: {done}", fail=broken if outcome.fails else None, warn=doubtful, rows=outcome.rows
    )
