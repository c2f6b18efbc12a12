"""`megatao oracle`: the MTSOS index oracle: replay a series through its EMA, show its state, send `update()`."""

from __future__ import annotations

from pathlib import Path

import click
from rich import box
from rich.table import Table

from cli.base import Group, example, out, print_json
from cli.options import json_option, network_options
from megatao.clients.oracle import (
    GENESIS_MAX_ELAPSED,
    PERIOD_SECONDS,
    Outcome,
    ReplayRow,
    format_gap_percent,
    format_price,
    format_price_rao,
    parse_max_elapsed,
    replay_csv,
    row_to_json,
    utc_time,
)
from megatao.core.paths import display
from megatao.core.units import format_duration
from megatao.node.networks import resolve_endpoint

EXAMPLE_SERIES = "proposals/examples/mtsos-march-2026.csv"


@click.group(
    cls=Group,
    epilog=example(f"megatao oracle replay {EXAMPLE_SERIES}", "megatao oracle show", "megatao oracle update"),
)
def oracle() -> None:
    """The MTSOS index oracle: a 7-day time-weighted EMA of the sum of alpha prices."""


def _note(row: ReplayRow) -> str:
    if row.outcome is Outcome.INITIALISED:
        return "initialised (the deployment)"
    if row.outcome is Outcome.SAME_SECOND:
        return f"same second: EMA kept, holds {format_price(row.held)} (the reading nearer it)"
    if row.outcome is Outcome.ZERO_REJECTED:
        return "zero, rejected: nothing changes"
    if row.capped:
        return f"held {row.elapsed} s, weighs the {format_duration(row.weighed_seconds)} cap"
    return ""


def replay_table(rows: list[ReplayRow], title: str) -> Table:
    """One row per reading; prices to 9 decimals (`--json` has them to the wei)."""
    table = Table(
        "timestamp (UTC)",
        "reading (TAO)",
        "weighs (TAO x s)",
        "EMA (TAO)",
        "held gap",
        "note",
        title=title,
        box=box.SIMPLE_HEAD,
    )
    for column in (1, 2, 3, 4):
        table.columns[column].justify = "right"
    for row in rows:
        table.add_row(
            utc_time(row.reading.timestamp),
            format_price(row.reading.spot),
            "-" if row.weighed is None else f"{format_price(row.weighed)} x {row.weighed_seconds}",
            format_price_rao(row.ema),
            format_gap_percent(row.gap, decimals=2),
            _note(row),
        )
    return table


@oracle.command(
    "replay",
    epilog=example(
        f"megatao oracle replay {EXAMPLE_SERIES}",
        f"megatao oracle replay {EXAMPLE_SERIES} --chart mtsos.svg",
        f"megatao oracle replay {EXAMPLE_SERIES} --max-elapsed 2h --json",
    ),
)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE.csv")
@click.option(
    "--chart",
    "chart_path",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="OUT.svg",
    help="Also draw the readings, the held reading and the EMA into this SVG file.",
)
@click.option(
    "--max-elapsed",
    "max_elapsed",
    default=format_duration(GENESIS_MAX_ELAPSED),
    show_default=True,
    metavar="DURATION",
    help="The oracle's elapsed cap (seconds, or 90m, 2h, 1d; within 1m..1d): a reading held longer weighs as if "
    "held this long.",
)
@json_option
def replay(file: Path, chart_path: Path | None, max_elapsed: str, as_json: bool) -> None:
    """Run a CSV series through the oracle, as the contract computes it, and print the EMA after each row.

    FILE.csv has a header with `timestamp` (unix seconds) and `spot` (TAO) columns; other columns are ignored, and
    lines starting with # are comments; rows are in time order. The first row deploys the oracle: the EMA starts at
    its reading. Each later row is an update: it weighs what held since the row before, known at its two ends (the
    reading held and its own: the one nearer the EMA) by the seconds since, at most --max-elapsed, then holds its own
    reading for the next one. Rows in the same second keep
    the EMA and hold the reading nearer to it; a zero reading changes nothing. The held gap is the held reading against
    the EMA (the contract's gap()). Prices print to 9 decimals; --json gives them to the wei.
    """
    cap = parse_max_elapsed(max_elapsed)
    rows = replay_csv(file, cap)
    if chart_path is not None:
        from megatao.clients.chart import write_svg

        subtitle = (
            f"{display(file)}; each update weighs, of the held reading and its own, the one nearer the EMA, "
            "for at most "
        )
        write_svg(rows, chart_path, "MTSOS index: spot against its 7-day EMA", subtitle + format_duration(cap))
    if as_json:
        print_json(
            {
                "file": display(file),
                "period_seconds": PERIOD_SECONDS,
                "max_elapsed_seconds": cap,
                "rows": [row_to_json(row) for row in rows],
                "chart": None if chart_path is None else display(chart_path),
            }
        )
        return
    title = f"MTSOS EMA replay of {display(file)} (period 7 days, elapsed cap {format_duration(cap)})"
    out.print(replay_table(rows, title))
    if chart_path is not None:
        out.print(f"chart written to {display(chart_path)}")


def _client(network: str | None, rpc_url: str | None):
    from megatao.clients.oracle_chain import MtsosOracleClient
    from megatao.node.chain import Chain

    client = MtsosOracleClient.from_deployment(Chain(resolve_endpoint(network, rpc_url)))
    client.require_code()
    return client


@oracle.command("show", epilog=example("megatao oracle show", "megatao oracle show --network devnet --json"))
@network_options
@json_option
def show(network: str | None, rpc_url: str | None, as_json: bool) -> None:
    """The MTSOS oracle's state: the EMA (the index price), the reading it holds for the next update, the age of the
    last successful update, the elapsed cap, and what an update now would store (or why it would revert).

    The oracle's address comes from the deployment record, deployments/<chainId>.json.
    """
    from megatao.clients.oracle_chain import UpdateWouldRevert

    client = _client(network, rpc_url)
    state = client.state()
    now = client.now()
    age = state.age(now)
    weighs = min(age, state.max_elapsed)
    try:
        preview_ema, preview_held = client.preview_update()
        reason = None
    except UpdateWouldRevert as exc:
        preview_ema = preview_held = None
        reason = exc.reason
    if as_json:
        print_json(
            state.as_json()
            | {
                "chain_time": now,
                "age": age,
                "period_seconds": PERIOD_SECONDS,
                "preview": {
                    "ema": None if preview_ema is None else str(preview_ema),
                    "held_spot": None if preview_held is None else str(preview_held),
                    "weighed_seconds": weighs,
                    "revert": reason,
                },
            }
        )
        return
    if reason is not None:
        now_line = f"would revert: {reason}; refresh() (before every MTSOS trade) changes nothing"
    elif age == 0:
        now_line = f"same second: EMA kept, would hold {format_price(preview_held)} TAO (the reading nearer the EMA)"
    else:
        now_line = (
            f"would weigh the held reading for {weighs} s"
            + (f" (held {format_duration(age)}, the cap)" if age > state.max_elapsed else "")
            + f": EMA {format_price(preview_ema)} TAO, then hold {format_price(preview_held)} TAO"
        )
    rows = [
        ("oracle", state.address),
        ("EMA", f"{format_price(state.ema)} TAO, the index price (7-day time-weighted EMA)"),
        ("held reading", f"{format_price(state.last_spot)} TAO, what the next update weighs"),
        ("gap", f"{format_gap_percent(state.gap)} (the held reading against the EMA)"),
        ("last update", f"{utc_time(state.last_update)} UTC, {format_duration(age)} ago ({age} s)"),
        ("elapsed cap", f"{format_duration(state.max_elapsed)} ({state.max_elapsed} s): a reading weighs at most this"),
        ("update now", now_line),
    ]
    for key, value in rows:
        out.print(f"{key:>13}  {value}")


@oracle.command("update", epilog=example("megatao oracle update", "megatao oracle update --network devnet --json"))
@network_options
@json_option
def update(network: str | None, rpc_url: str | None, as_json: bool) -> None:
    """Send the MTSOS oracle's update() as the first dev account: it weighs, of the reading held since the last
    update and the one it reads now, the one nearer the EMA, by the seconds since (at most the elapsed cap), then holds
    the sum of alpha prices it reads now for the next one.

    The oracle's address comes from the deployment record, deployments/<chainId>.json.
    """
    from megatao.clients.oracle_chain import MtsosOracleClient
    from megatao.node.accounts import dev_account
    from megatao.node.chain import Chain

    chain = Chain(resolve_endpoint(network, rpc_url))
    client = MtsosOracleClient.from_deployment(chain)
    result = client.update(dev_account(0))
    state = result.state
    if as_json:
        print_json(result.as_json())
        return
    if result.outcome is Outcome.UPDATED:
        cap = (
            f"the {format_duration(result.previous.max_elapsed)} cap" if result.elapsed > result.weighed_seconds else ""
        )
        end = "the held reading" if result.weighed == result.previous.last_spot else "its own reading"
        what = (
            f"updated after {result.elapsed} s: {format_price(state.ema)} TAO, weighing {end} "
            f"{format_price(result.weighed)} TAO for {result.weighed_seconds} s{f' ({cap})' if cap else ''}"
        )
    else:
        what = f"unchanged (an update already ran this second): {format_price(state.ema)} TAO"
    out.print(
        f"MTSOS EMA {what}; it now holds {format_price(state.last_spot)} TAO for the next update (gap "
        f"{format_gap_percent(state.gap)}). Block {result.block}, gas {result.gas_used:,}, transaction {result.tx_hash}"
    )


if __name__ == "__main__":
    oracle(prog_name="megatao oracle")
