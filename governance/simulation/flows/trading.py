"""Check 6's trading flows (market-listing, market-update, upgrade), what users do on the market after the execution:
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
Traders and the keeper are deterministic keyless addresses, impersonated and funded on the fork.
"""

from __future__ import annotations

from governance.proposals.models import MarketListing, MarketUpdate, Upgrade
from governance.simulation.flows.market import (
    MIN_NOTIONAL,
    POKE_INTERVAL,
    RAO,
    SMALL_NOTIONAL,
    WAD,
    FlowLog,
    Market,
    active_alpha_tickers,
    move_pool_past,
)
from governance.simulation.fork import SENDER_BALANCE, Fork, Reverted, sim_address
from megatao.core.params import MARKET_PARAMS
from megatao.core.units import format_duration, format_fraction, format_tao

OI_DEPTH_RATIO_BOUNDS = MARKET_PARAMS["oi_depth_ratio"].bounds
FUNDING_WAIT = 8 * 3600
#: The share of the file's max open interest per side that the open-interest flow takes the long side to: an open's
#: side is valued at the reference price, its notional at the execution price (never below it), so 99% of the cap
#: leaves room for neither rounding nor the reference to matter.
OI_CAP_SHARE = 99
#: The depth cap ratio a finding suggests is rounded up to this (0.01%).
RATIO_STEP = 10**14
#: The vault-wide limits that may refuse the open-interest flow's long before the market's caps do.
VAULT_LIMITS = ("NetExposureCapExceeded", "UtilizationLimitExceeded")


def trading_flows(fork: Fork, protocol, ticker: str, log: FlowLog, open_interest: bool = False) -> None:
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
        log.skip(flow, detail)
        return
    state = market.trading_state()
    target = market.max_oi * OI_CAP_SHARE // 100
    room = target - state["longOpenInterest"]
    if room < MIN_NOTIONAL:
        detail = f"the long side holds {format_tao(state['longOpenInterest'])} already, at the cap"
        log.skip(flow, detail)
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
        log.skip("liquidation", "index markets follow the MTSOS oracle, which the simulation does not move")
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


def listing_flows(fork, protocol, proposal: MarketListing, modules) -> FlowLog:
    log = FlowLog()
    trading_flows(fork, protocol, proposal.market.ticker, log, open_interest=True)
    return log


def update_flows(fork, protocol, proposal: MarketUpdate, modules) -> FlowLog:
    log = FlowLog()
    sets_cap = proposal.market.max_open_interest is not None or proposal.market.oi_depth_ratio is not None
    trading_flows(fork, protocol, proposal.market.ticker, log, open_interest=sets_cap)
    return log


def upgrade_flows(fork, protocol, proposal: Upgrade, modules) -> FlowLog:
    """The upgraded modules serve trading on the first active alpha market (by ticker)."""
    log = FlowLog()
    tickers = active_alpha_tickers(fork, protocol)
    if not tickers:
        log.skip("trading", "no active alpha market to trade on")
        return log
    trading_flows(fork, protocol, tickers[0], log)
    return log
