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


def _index_reading(protocol, m: MarketView):
    """The index oracle behind an index market beside the live spot (IndexReading)."""
    from megatao.clients.oracle_chain import MtsosOracleClient

    return MtsosOracleClient(protocol.chain, protocol.index_oracle(m.market_id)).index_reading()


def _price(wei: int) -> str:
    return f"{wei / 10**18:.9f}"


@market.command("list", epilog=example("megatao market list", "megatao market list --json"))
@network_options
@json_option
def list_markets(network: str | None, rpc_url: str | None, as_json: bool) -> None:
    """Every listed market with its parameters, status and live oracle price."""
    markets = _protocol(network, rpc_url).markets()
    if as_json:
        print_json([m.as_json() for m in markets])
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
    index = _index_reading(protocol, m) if m.kind == "index" else None
    if as_json:
        print_json(m.as_json() | ({"index": index.as_json()} if index else {}))
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
            ("price (EMA)", f"{_price(index.state.ema)} TAO, the 7-day time-weighted EMA the market trades at"),
            ("spot", f"{_price(index.spot)} TAO, the sum of alpha prices now"),
            ("gap", f"{index.gap_percent:+.4f}% (spot against EMA)"),
            (
                "held reading",
                f"{_price(index.state.last_spot)} TAO, what the next update weighs "
                f"(at most {index.state.max_elapsed} s)",
            ),
            (
                "last update",
                f"{index.age} s ago, at block time {index.state.last_update} ({index.state.address})",
            ),
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
@json_option
def poke(ticker: str, account: str, password_file, network, rpc_url, as_json: bool) -> None:
    """Update TICKER's reference price for this block (anyone, as keepers do): it weighs the reading the last block
    that touched the market held, never the one this transaction sees."""
    protocol = _protocol(network, rpc_url)
    m = protocol.market_by_ticker(ticker)
    reference = protocol.poke(m.market_id, signer_for(account, password_file))
    if as_json:
        print_json({"ticker": m.ticker, "reference_price": str(reference), "price": str(m.price)})
        return
    out.print(f"{m.ticker}: reference price {_price(reference)} TAO (spot {_price(m.price)} TAO)")


@market.command("settle", epilog=example("megatao market settle CHUTES --account devnet:0"))
@click.argument("ticker")
@account_option
@network_options
@json_option
def settle(ticker: str, account: str, password_file, network, rpc_url, as_json: bool) -> None:
    """Settle TICKER once its price source has failed for the settle-after time (anyone; governance at any time):
    its positions then close at the last good reference price, with no fee (`megatao trade close`)."""
    protocol = _protocol(network, rpc_url)
    m = protocol.market_by_ticker(ticker)
    price = protocol.settle(m.market_id, signer_for(account, password_file))
    if as_json:
        print_json({"ticker": m.ticker, "settlement_price": str(price)})
        return
    out.print(f"{m.ticker} settled at {_price(price)} TAO: its positions close at it with no fee")


def _pct(wad: int) -> str:
    return f"{wad * 100 / 10**18:g}%"
