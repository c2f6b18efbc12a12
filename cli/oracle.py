"""`megatao oracle`: the MTSOS index oracle: replay a series through its EMA, and send `update()` on chain."""

from __future__ import annotations

from pathlib import Path

import click
from rich import box
from rich.table import Table

from cli.base import Group, example, json_option, network_options, out, print_json
from megatao.clients.oracle import (
    Outcome,
    ReplayRow,
    format_gap_percent,
    format_price,
    format_price_rao,
    replay_csv,
    row_to_json,
    utc_time,
)
from megatao.core.paths import display
from megatao.node.networks import resolve_endpoint

EXAMPLE_SERIES = "proposals/examples/mtsos-march-2026.csv"


@click.group(cls=Group, epilog=example(f"megatao oracle replay {EXAMPLE_SERIES}", "megatao oracle update"))
def oracle() -> None:
    """The MTSOS index oracle: a 7-day time-weighted EMA of the sum of alpha prices."""


def replay_table(rows: list[ReplayRow], title: str) -> Table:
    """One row per reading; prices to 9 decimals (`--json` has them to the wei)."""
    table = Table("timestamp (UTC)", "spot (TAO)", "EMA (TAO)", "gap", "note", title=title, box=box.SIMPLE_HEAD)
    for column in (1, 2, 3):
        table.columns[column].justify = "right"
    for row in rows:
        gap = row.gap
        table.add_row(
            utc_time(row.reading.timestamp),
            format_price(row.reading.spot),
            "-" if row.ema is None else format_price_rao(row.ema),
            "-" if gap is None else format_gap_percent(gap, decimals=2),
            "" if row.outcome is Outcome.UPDATED else row.outcome.value,
        )
    return table


@oracle.command(
    "replay",
    epilog=example(
        f"megatao oracle replay {EXAMPLE_SERIES}",
        f"megatao oracle replay {EXAMPLE_SERIES} --chart mtsos.svg",
    ),
)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE.csv")
@click.option(
    "--chart",
    "chart_path",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="OUT.svg",
    help="Also draw spot against EMA into this SVG file.",
)
@json_option
def replay(file: Path, chart_path: Path | None, as_json: bool) -> None:
    """Run a CSV series through the oracle's EMA, as the contract computes it, and print the EMA of each row.

    FILE.csv has a header with `timestamp` (unix seconds) and `spot` (TAO) columns; other columns are ignored, and
    lines starting with # are comments. The gap is each spot against the EMA after it. Prices print to 9 decimals;
    --json gives them to the wei.
    """
    rows = replay_csv(file)
    if chart_path is not None:
        from megatao.clients.chart import write_svg

        write_svg(rows, chart_path, "MTSOS index: spot against its 7-day EMA", display(file))
    if as_json:
        print_json(
            {
                "file": display(file),
                "periodSeconds": 604_800,
                "rows": [row_to_json(row) for row in rows],
                "chart": None if chart_path is None else display(chart_path),
            }
        )
        return
    out.print(replay_table(rows, f"MTSOS EMA replay of {display(file)} (period 7 days)"))
    if chart_path is not None:
        out.print(f"chart written to {display(chart_path)}")


@oracle.command("update", epilog=example("megatao oracle update", "megatao oracle update --network devnet --json"))
@network_options
@json_option
def update(network: str | None, rpc_url: str | None, as_json: bool) -> None:
    """Send the MTSOS oracle's update() (read the sum of alpha prices, fold it into the EMA) as the first dev account.

    The oracle's address comes from the deployment record, deployments/<chainId>.json.
    """
    from megatao.clients.oracle import MtsosOracleClient
    from megatao.node.accounts import dev_account
    from megatao.node.chain import Chain

    chain = Chain(resolve_endpoint(network, rpc_url))
    client = MtsosOracleClient.from_deployment(chain)
    result = client.update(dev_account(0))
    state = result.state
    if as_json:
        print_json(
            {
                "oracle": state.address,
                "outcome": result.outcome.value,
                "transaction": result.tx_hash,
                "block": result.block,
                "gasUsed": result.gas_used,
                "elapsed": result.elapsed,
                "previousEma": None if result.previous_ema is None else str(result.previous_ema),
                "ema": str(state.ema),
                "lastSpot": str(state.last_spot),
                "lastUpdate": state.last_update,
                "gapWad": str(state.gap),
            }
        )
        return
    what = {
        Outcome.INITIALISED: "initialised",
        Outcome.UPDATED: f"updated after {result.elapsed} s",
        Outcome.SAME_SECOND: "unchanged (an update already ran this second)",
    }[result.outcome]
    gap = state.gap
    out.print(
        f"MTSOS EMA {what}: {format_price(state.ema)} TAO (spot {format_price(state.last_spot)} TAO, gap "
        f"{'-' if gap is None else format_gap_percent(gap)}) in block {result.block}, gas {result.gas_used:,}, "
        f"transaction {result.tx_hash}"
    )


if __name__ == "__main__":
    oracle(prog_name="megatao oracle")
