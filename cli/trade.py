"""`megatao trade`: open and close positions, add margin, liquidate, and list an account's positions."""

from __future__ import annotations

import click
from rich.table import Table

from cli.account import account_option, signer_for
from cli.base import Group, example, json_option, network_options, out, print_json
from megatao.core.units import format_tao, parse_fraction, parse_leverage, parse_tao

SIDE = click.Choice(["long", "short"], case_sensitive=False)


def _trading(network: str | None, rpc_url: str | None):
    from megatao.clients.protocol import Protocol
    from megatao.clients.trading import Trading
    from megatao.node.chain import Chain
    from megatao.node.networks import resolve_endpoint

    return Trading(Protocol(Chain(resolve_endpoint(network, rpc_url))))


def _print_position(p) -> None:
    out.print(
        f"{p.ticker} {p.side}: size {abs(p.size) / 10**18:,.4f}, entry {p.entry_price / 10**18:.9f}, "
        f"mark {p.mark_price / 10**18:.9f}, margin {format_tao(p.margin)}, PnL {format_tao(p.unrealized_pnl)}, "
        f"MR {p.margin_ratio * 100 / 10**18:.2f}%, "
        f"liquidation at {p.liquidation_price / 10**18:.9f} ({p.liquidation_status})"
    )


@click.group(cls=Group, epilog=example("megatao trade open CHUTES long --margin 5 --leverage 2x --account devnet:3"))
def trade() -> None:
    """Trade on the protocol: positions with TAO margin, isolated per market."""


@trade.command(epilog=example("megatao trade open CHUTES long --margin 5 --leverage 2x --account devnet:3"))
@click.argument("ticker")
@click.argument("side", type=SIDE)
@click.option("--margin", required=True, help="TAO sent as margin, e.g. 5 or '5 TAO' (the open fee comes out of it).")
@click.option("--leverage", required=True, help="e.g. 2x: notional = margin x leverage.")
@click.option("--max-slippage", default="1%", show_default=True, help="Worst slippage accepted.")
@account_option
@network_options
@json_option
def open(ticker, side, margin, leverage, max_slippage, account, password_file, network, rpc_url, as_json) -> None:  # noqa: A001
    """Open a position on TICKER."""
    position = _trading(network, rpc_url).open(
        ticker,
        side.lower() == "long",
        parse_tao(margin, "--margin"),
        parse_leverage(leverage, "--leverage"),
        parse_fraction(max_slippage, "--max-slippage"),
        signer_for(account, password_file),
    )
    print_json(position.as_json()) if as_json else _print_position(position)


@trade.command(epilog=example("megatao trade close CHUTES --account devnet:3"))
@click.argument("ticker")
@click.option("--max-slippage", default="1%", show_default=True, help="Worst slippage accepted.")
@account_option
@network_options
@json_option
def close(ticker, max_slippage, account, password_file, network, rpc_url, as_json) -> None:
    """Close your position on TICKER; its equity less the fee is paid back to you."""
    result = _trading(network, rpc_url).close(
        ticker, parse_fraction(max_slippage, "--max-slippage"), signer_for(account, password_file)
    )
    if as_json:
        print_json({**result, "received": str(result["received"])})
    else:
        out.print(f"closed {ticker.upper()}: received {format_tao(result['received'])} (block {result['block']})")


@trade.command("add-margin", epilog=example("megatao trade add-margin CHUTES 1 --account devnet:3"))
@click.argument("ticker")
@click.argument("amount")
@account_option
@network_options
def add_margin(ticker, amount, account, password_file, network, rpc_url) -> None:
    """Add AMOUNT TAO of margin to your position on TICKER."""
    position = _trading(network, rpc_url).add_margin(ticker, parse_tao(amount), signer_for(account, password_file))
    _print_position(position)


@trade.command(
    epilog=example("megatao trade liquidate 0x90F79bf6EB2c4f870365E785982E1f101E93b906 CHUTES --account devnet:0")
)
@click.argument("owner", metavar="ACCOUNT")
@click.argument("ticker")
@account_option
@network_options
def liquidate(owner, ticker, account, password_file, network, rpc_url) -> None:
    """Liquidate ACCOUNT's position on TICKER (anyone; the keeper earns a share of the fee)."""
    result = _trading(network, rpc_url).liquidate(owner, ticker, signer_for(account, password_file))
    out.print(f"liquidated {owner}'s {ticker.upper()} position in block {result['block']} (gas {result['gasUsed']:,})")


@trade.command(epilog=example("megatao trade positions 0x90F79bf6EB2c4f870365E785982E1f101E93b906"))
@click.argument("owner", metavar="ACCOUNT")
@network_options
@json_option
def positions(owner, network, rpc_url, as_json) -> None:
    """ACCOUNT's open positions: size, entry, mark, margin, PnL, margin ratio, liquidation price."""
    views = _trading(network, rpc_url).positions(owner)
    if as_json:
        print_json([v.as_json() for v in views])
        return
    table = Table("market", "side", "size", "entry", "mark", "margin (TAO)", "PnL (TAO)", "MR", "liq. price", "status")
    for v in views:
        table.add_row(
            v.ticker, v.side, f"{abs(v.size) / 10**18:,.4f}", f"{v.entry_price / 10**18:.9f}",
            f"{v.mark_price / 10**18:.9f}", f"{v.margin / 10**18:,.4f}", f"{v.unrealized_pnl / 10**18:+,.4f}",
            f"{v.margin_ratio * 100 / 10**18:.2f}%", f"{v.liquidation_price / 10**18:.9f}", v.liquidation_status,
        )  # fmt: skip
    out.print(table)
