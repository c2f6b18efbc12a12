"""`megatao market`: the listed markets, their parameters and live prices."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
from rich.table import Table

from cli.base import Group, example, out, print_json
from cli.options import account_option, json_option, network_options, signer_for
from megatao.core.params import MARKET, display_rows
from megatao.core.units import format_tao
from megatao.node.networks import resolve_endpoint

ALPHA_ONLY = frozenset(p.key for p in MARKET if p.alpha_only)

if TYPE_CHECKING:
    from megatao.clients.protocol import MarketView


@click.group(cls=Group, epilog=example("megatao market list"))
def market() -> None:
    """Markets listed on the protocol: parameters, status and live prices."""


def _protocol(network: str | None, rpc_url: str | None):
    from megatao.clients.protocol import Protocol
    from megatao.node.chain import Chain

    return Protocol(Chain(resolve_endpoint(network, rpc_url)))


def market_json(m: MarketView) -> dict:
    return {
        "marketId": "0x" + m.market_id.hex(),
        "ticker": m.ticker,
        "kind": m.kind,
        "netuid": m.netuid,
        "status": m.status,
        "listedAt": m.listed_at,
        "params": m.params,
        "price": m.price,
        "referencePrice": m.reference_price,
        "movingPrice": m.moving_price,
        "divergence": m.divergence,
        "priceBroken": m.price_broken,
        "poolTao": m.pool_tao,
        "belowLiquidityThreshold": m.below_liquidity_threshold,
        "openInterest": {"long": m.long_open_interest, "short": m.short_open_interest},
        "depthCap": m.depth_cap,
        "traderProfit": {"now": m.trader_profit, "cap": m.trader_profit_cap},
        "fundingRate8h": m.funding_rate_8h,
        "reduceOnly": m.reduce_only,
    }


def _index_state(protocol, m: MarketView) -> dict:
    """The index oracle behind an index market: its EMA, the live spot, their gap, the reading it holds for the next
    update (which weighs it), the elapsed cap and the last update's age."""
    from megatao.clients.oracle import MtsosOracleClient
    from megatao.clients.pools import AlphaPrecompile

    chain = protocol.chain
    state = MtsosOracleClient(chain, protocol.index_oracle(m.market_id)).state()
    spot = AlphaPrecompile(chain).sum_alpha_price()
    now = chain.guard(lambda: chain.w3.eth.get_block("latest")["timestamp"])
    return {
        "oracle": state.address,
        "ema": state.ema,
        "spot": spot,
        "gapPercent": (spot - state.ema) * 100 / state.ema if state.ema else 0.0,
        "heldSpot": state.last_spot,
        "maxElapsed": state.max_elapsed,
        "lastUpdate": state.last_update,
        "age": state.age(now),
    }


def _price(wei: int) -> str:
    return f"{wei / 10**18:.9f}"


@market.command("list", epilog=example("megatao market list", "megatao market list --json"))
@network_options
@json_option
def list_markets(network: str | None, rpc_url: str | None, as_json: bool) -> None:
    """Every listed market with its parameters, status and live oracle price."""
    markets = _protocol(network, rpc_url).markets()
    if as_json:
        print_json([market_json(m) for m in markets])
        return
    columns = [p.column for p in MARKET if p.column]
    params = Table("ticker", "netuid", "status", *columns, title=f"{len(markets)} markets: parameters")
    live = Table(
        "ticker",
        "spot (TAO)",
        "reference (TAO)",
        "diverge",
        "pool (TAO)",
        "OI long (TAO)",
        "OI short (TAO)",
        "funding/8h",
        title="live (open interest at the reference price)",
    )
    for m in markets:
        p = m.params
        alpha = m.kind == "alpha"
        params.add_row(
            m.ticker,
            str(m.netuid) if alpha else "index",
            m.status + (" (reduce-only now)" if m.reduce_only and m.status == "active" else ""),
            *(shown for _, shown in display_rows(MARKET, p, brief=True, blank=frozenset() if alpha else ALPHA_ONLY)),
        )
        live.add_row(
            m.ticker,
            "failing" if m.price_broken else _price(m.price),
            _price(m.reference_price),
            f"{m.divergence * 100 / 10**18:.2f}%",
            f"{m.pool_tao / 10**18:,.0f}" if alpha else "-",
            f"{m.long_open_interest / 10**18:,.4f}",
            f"{m.short_open_interest / 10**18:,.4f}",
            f"{m.funding_rate_8h * 100 / 10**18:+.4f}%",
        )
    out.print(params)
    out.print(live)


@market.command("show", epilog=example("megatao market show CHUTES", "megatao market show chutes --json"))
@click.argument("ticker")
@network_options
@json_option
def show(ticker: str, network: str | None, rpc_url: str | None, as_json: bool) -> None:
    """One market: its id, parameters, status, and its prices: the spot, the reference price trades use beside it
    (the time-weighted EMA), the chain's own moving price and the divergence between spot and reference; for an index
    market (MTSOS) the oracle's EMA, the sum of alpha prices now, their gap and the age of the last update."""
    protocol = _protocol(network, rpc_url)
    m = protocol.market_by_ticker(ticker)
    index = _index_state(protocol, m) if m.kind == "index" else None
    if as_json:
        print_json(market_json(m) | ({"index": index} if index else {}))
        return
    p = m.params
    rows = [
        ("market id", "0x" + m.market_id.hex()),
        ("kind", f"alpha, subnet {m.netuid}" if m.kind == "alpha" else "index"),
        ("status", m.status + (" (reduce-only now)" if m.reduce_only and m.status == "active" else "")),
        ("spot", "failing: no opens, closes at the reference price" if m.price_broken else f"{_price(m.price)} TAO"),
        ("reference price", f"{_price(m.reference_price)} TAO, the time-weighted EMA fills are priced against"),
        ("moving price", f"{_price(m.moving_price)} TAO, the chain's own EMA (getMovingAlphaPrice), for reference"),
        ("divergence", f"{m.divergence * 100 / 10**18:.4f}% (opens need at most {_pct(p['divergence_limit'])})"),
        (
            "pool TAO",
            format_tao(m.pool_tao) + (" (below threshold: reduce-only)" if m.below_liquidity_threshold else ""),
        ),
        *display_rows(MARKET, p),
        (
            "open interest",
            f"long {format_tao(m.long_open_interest)}, short {format_tao(m.short_open_interest)} at the reference"
            + (f" (depth cap {format_tao(m.depth_cap)} a side)" if m.depth_cap else ""),
        ),
        (
            "traders' profit",
            f"{format_tao(m.trader_profit)} (auto-deleveraging above {format_tao(m.trader_profit_cap)})",
        ),
        (
            "funding rate",
            f"{m.funding_rate_8h * 100 / 10**18:+.4f}% per 8h ({'longs' if m.funding_rate_8h >= 0 else 'shorts'} pay)",
        ),
    ]
    if index:
        rows[3:7] = [
            ("price (EMA)", f"{_price(index['ema'])} TAO, the 7-day time-weighted EMA the market trades at"),
            ("spot", f"{_price(index['spot'])} TAO, the sum of alpha prices now"),
            ("gap", f"{index['gapPercent']:+.4f}% (spot against EMA)"),
            (
                "held reading",
                f"{_price(index['heldSpot'])} TAO, what the next update weighs (at most {index['maxElapsed']} s)",
            ),
            ("last update", f"{index['age']} s ago, at block time {index['lastUpdate']} ({index['oracle']})"),
        ]
        alpha_only = {p.label for p in MARKET if p.alpha_only}
        rows = [row for row in rows if row[0] != "pool TAO" and row[0] not in alpha_only]
    out.print(f"[bold]{m.ticker}[/bold]")
    for key, value in rows:
        out.print(f"{key:>20}  {value}")


@market.command("poke", epilog=example("megatao market poke CHUTES --account devnet:0"))
@click.argument("ticker")
@account_option
@network_options
def poke(ticker: str, account: str, password_file, network, rpc_url) -> None:
    """Update TICKER's reference price for this block (anyone, as keepers do): it weighs the reading the last block
    that touched the market held, never the one this transaction sees."""
    protocol = _protocol(network, rpc_url)
    m = protocol.market_by_ticker(ticker)
    reference = protocol.poke(m.market_id, signer_for(account, password_file))
    out.print(f"{m.ticker}: reference price {_price(reference)} TAO (spot {_price(m.price)} TAO)")


@market.command("settle", epilog=example("megatao market settle CHUTES --account devnet:0"))
@click.argument("ticker")
@account_option
@network_options
def settle(ticker: str, account: str, password_file, network, rpc_url) -> None:
    """Settle TICKER once its price source has failed for the settle-after time (anyone; governance at any time):
    its positions then close at the last good reference price, with no fee (`megatao trade close`)."""
    protocol = _protocol(network, rpc_url)
    m = protocol.market_by_ticker(ticker)
    price = protocol.settle(m.market_id, signer_for(account, password_file))
    out.print(f"{m.ticker} settled at {_price(price)} TAO: its positions close at it with no fee")


def _pct(wad: int) -> str:
    return f"{wad * 100 / 10**18:g}%"
