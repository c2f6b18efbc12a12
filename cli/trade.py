"""`megatao trade`: open, increase, reduce and close positions, add and remove margin, liquidate, auto-deleverage,
and list an account's positions."""

from __future__ import annotations

import click
from rich.table import Table

from cli.base import Group, example, out, print_json
from cli.options import account_option, bounds_options, json_option, margin_options, network_options, signer_for
from megatao.core.errors import InputError
from megatao.core.units import WAD, format_tao, parse_fraction, parse_leverage, parse_size, parse_tao

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
        f"mark {p.mark_price / 10**18:.9f} (spot {p.spot_price / 10**18:.9f}), "
        f"margin {format_tao(p.margin)}, PnL {format_tao(p.unrealized_pnl)}, "
        f"MR {p.margin_ratio * 100 / 10**18:.2f}%, "
        f"liquidation at {p.liquidation_price / 10**18:.9f} ({p.liquidation_status})"
    )


@click.group(cls=Group, epilog=example("megatao trade open CHUTES long --margin 5 --leverage 2x --account devnet:3"))
def trade() -> None:
    """Trade on the protocol: positions with TAO margin, isolated per market."""


def _bounds(trading, ticker: str, buy: bool, max_slippage: str, acceptable_price: str | None, deadline: str):
    """(acceptable price, deadline, reference price) from the options (Trading.fill_bounds)."""
    from megatao.core.units import parse_duration, parse_price

    return trading.fill_bounds(
        ticker,
        buy,
        parse_fraction(max_slippage, "--max-slippage"),
        None if acceptable_price is None else parse_price(acceptable_price, "--acceptable-price"),
        parse_duration(deadline, "--deadline"),
    )


def _bounds_json(reference: int, acceptable: int) -> dict:
    return {"reference_price": str(reference), "acceptable_price": str(acceptable)}


def _print_fill(fill) -> None:
    out.print(
        f"filled at {fill.price / 10**18:.9f} TAO; fee {format_tao(fill.fee)}, skew impact {format_tao(fill.impact)}"
    )


def _print_bounds(reference: int, acceptable: int, buy: bool) -> None:
    bound = "at most" if buy else "at least"
    out.print(
        f"reference price {reference / 10**18:.9f} TAO; acceptable price {bound} {acceptable / 10**18:.9f} TAO",
        style="dim",
    )


@trade.command(epilog=example("megatao trade open CHUTES long --margin 5 --leverage 2x --account devnet:3"))
@click.argument("ticker")
@click.argument("side", type=SIDE)
@margin_options("notional")
@bounds_options
@account_option
@network_options
@json_option
def open(  # noqa: A001
    ticker, side, margin, leverage, max_slippage, acceptable_price, deadline, account, password_file, network, rpc_url,
    as_json,
) -> None:  # fmt: skip
    """Open a position on TICKER. It fills at the worse of spot and reference price for you plus the skew impact,
    and reverts instead of filling worse than the acceptable price (--max-slippage from the reference price)."""
    trading = _trading(network, rpc_url)
    buy = side.lower() == "long"
    acceptable, until, reference = _bounds(trading, ticker, buy, max_slippage, acceptable_price, deadline)
    if not as_json:
        _print_bounds(reference, acceptable, buy)
    position, fill = trading.open(
        ticker,
        buy,
        parse_tao(margin, "--margin"),
        parse_leverage(leverage, "--leverage"),
        acceptable,
        until,
        signer_for(account, password_file),
    )
    if as_json:
        print_json(position.as_json() | fill.as_json() | _bounds_json(reference, acceptable))
    else:
        _print_fill(fill)
        _print_position(position)


@trade.command(epilog=example("megatao trade close CHUTES --account devnet:3"))
@click.argument("ticker")
@bounds_options
@account_option
@network_options
@json_option
def close(ticker, max_slippage, acceptable_price, deadline, account, password_file, network, rpc_url, as_json) -> None:
    """Close your position on TICKER; its equity less the fee is paid back to you. In a settled market it closes at
    the settlement price with no fee."""
    trading = _trading(network, rpc_url)
    signer = signer_for(account, password_file)
    buy = trading.position(signer.address, ticker).side == "short"
    acceptable, until, reference = _bounds(trading, ticker, buy, max_slippage, acceptable_price, deadline)
    if not as_json:
        _print_bounds(reference, acceptable, buy)
    result = trading.close(ticker, acceptable, until, signer)
    fill = result.pop("fill")
    if as_json:
        print_json(
            {"ticker": ticker.upper(), "received": str(result["received"]), "block": result["block"]}
            | fill.as_json()
            | _bounds_json(reference, acceptable)
        )
    else:
        _print_fill(fill)
        out.print(f"closed {ticker.upper()}: received {format_tao(result['received'])} (block {result['block']})")


@trade.command(epilog=example("megatao trade increase CHUTES --margin 2 --leverage 2x --account devnet:3"))
@click.argument("ticker")
@margin_options("added notional")
@bounds_options
@account_option
@network_options
@json_option
def increase(
    ticker, margin, leverage, max_slippage, acceptable_price, deadline, account, password_file, network, rpc_url,
    as_json,
) -> None:  # fmt: skip
    """Grow your position on TICKER, on its side, at the worse of spot and reference price plus the skew impact."""
    trading = _trading(network, rpc_url)
    signer = signer_for(account, password_file)
    buy = trading.position(signer.address, ticker).side == "long"
    acceptable, until, reference = _bounds(trading, ticker, buy, max_slippage, acceptable_price, deadline)
    if not as_json:
        _print_bounds(reference, acceptable, buy)
    position, fill = trading.increase(
        ticker, parse_tao(margin, "--margin"), parse_leverage(leverage, "--leverage"), acceptable, until, signer
    )
    if as_json:
        print_json(position.as_json() | fill.as_json() | _bounds_json(reference, acceptable))
    else:
        _print_fill(fill)
        _print_position(position)


@trade.command(epilog=example("megatao trade reduce CHUTES --fraction 50% --account devnet:3"))
@click.argument("ticker")
@click.option("--size", "size_text", help="Units of the asset to close, e.g. 40.5.")
@click.option("--fraction", "fraction_text", help="The share of the position to close, e.g. 50%.")
@bounds_options
@account_option
@network_options
@json_option
def reduce(
    ticker, size_text, fraction_text, max_slippage, acceptable_price, deadline, account, password_file, network,
    rpc_url, as_json,
) -> None:  # fmt: skip
    """Close part of your position on TICKER (--size or --fraction); the released margin and PnL less the fee are
    paid back to you."""
    if (size_text is None) == (fraction_text is None):
        raise InputError("give one of --size and --fraction")
    size = None if size_text is None else parse_size(size_text, "--size")
    fraction = None if fraction_text is None else parse_fraction(fraction_text, "--fraction")
    trading = _trading(network, rpc_url)
    signer = signer_for(account, password_file)
    position = trading.position(signer.address, ticker)
    size = trading.reduce_size(position, size, fraction)
    buy = position.side == "short"
    acceptable, until, reference = _bounds(trading, ticker, buy, max_slippage, acceptable_price, deadline)
    if not as_json:
        _print_bounds(reference, acceptable, buy)
    result = trading.reduce(ticker, size, acceptable, until, signer)
    fill = result.pop("fill")
    if as_json:
        print_json(
            {"ticker": ticker.upper(), "size": str(size), "received": str(result["received"]), "block": result["block"]}
            | fill.as_json()
            | _bounds_json(reference, acceptable)
        )
    else:
        _print_fill(fill)
        out.print(
            f"reduced {ticker.upper()} by {size / WAD:,.6f}: received {format_tao(result['received'])} "
            f"(block {result['block']})"
        )


@trade.command("remove-margin", epilog=example("megatao trade remove-margin CHUTES 0.5 --account devnet:3"))
@click.argument("ticker")
@click.argument("amount")
@account_option
@network_options
@json_option
def remove_margin(ticker, amount, account, password_file, network, rpc_url, as_json) -> None:
    """Take AMOUNT TAO of margin back from your position on TICKER, as long as it stays healthy and within its
    max leverage."""
    position = _trading(network, rpc_url).remove_margin(ticker, parse_tao(amount), signer_for(account, password_file))
    print_json(position.as_json()) if as_json else _print_position(position)


@trade.command("add-margin", epilog=example("megatao trade add-margin CHUTES 1 --account devnet:3"))
@click.argument("ticker")
@click.argument("amount")
@account_option
@network_options
@json_option
def add_margin(ticker, amount, account, password_file, network, rpc_url, as_json) -> None:
    """Add AMOUNT TAO of margin to your position on TICKER."""
    position = _trading(network, rpc_url).add_margin(ticker, parse_tao(amount), signer_for(account, password_file))
    print_json(position.as_json()) if as_json else _print_position(position)


@trade.command(
    epilog=example("megatao trade liquidate 0x90F79bf6EB2c4f870365E785982E1f101E93b906 CHUTES --account devnet:0")
)
@click.argument("owner", metavar="ACCOUNT")
@click.argument("ticker")
@account_option
@network_options
@json_option
def liquidate(owner, ticker, account, password_file, network, rpc_url, as_json) -> None:
    """Liquidate ACCOUNT's position on TICKER (anyone; the keeper earns a share of the fee)."""
    result = _trading(network, rpc_url).liquidate(owner, ticker, signer_for(account, password_file))
    if as_json:
        print_json({"account": owner, "ticker": ticker.upper(), **result})
        return
    out.print(f"liquidated {owner}'s {ticker.upper()} position in block {result['block']} (gas {result['gas_used']:,})")


@trade.command(
    "adl", epilog=example("megatao trade adl 0x90F79bf6EB2c4f870365E785982E1f101E93b906 CHUTES --account devnet:0")
)
@click.argument("owner", metavar="ACCOUNT")
@click.argument("ticker")
@account_option
@network_options
@json_option
def adl(owner, ticker, account, password_file, network, rpc_url, as_json) -> None:
    """Auto-deleverage ACCOUNT's position on TICKER (anyone) while the traders' profit there is over its cap: it
    closes just enough of a position at least as profitable as its side's average, at the reference, with no fee."""
    result = _trading(network, rpc_url).auto_deleverage(owner, ticker, signer_for(account, password_file))
    if as_json:
        print_json({"account": owner, "ticker": ticker.upper(), **result})
        return
    out.print(f"auto-deleveraged {owner}'s {ticker.upper()} position in block {result['block']}")


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
