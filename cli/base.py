"""What every command shares: error handling at the boundary, examples in help, network options, output."""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

import click
from rich.console import Console

from megatao.core.errors import MegaTAOError
from megatao.core.progress import Progress
from megatao.node.networks import NETWORK_ENV, RPC_URL_ENV

# Piped output is not cut to 80 columns: tables keep their columns whole.
out = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, highlight=False, soft_wrap=True)


class Group(click.Group):
    """A command group whose commands report expected errors as one line with exit code 2, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except MegaTAOError as exc:
            click.echo(f"{click.style('error:', fg='red')} {exc}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:  # a bug: say so in one line, traceback only on request
            if os.environ.get("MEGATAO_DEBUG"):
                traceback.print_exc()
            click.echo(f"internal error: {type(exc).__name__}: {exc} (set MEGATAO_DEBUG=1 for the traceback)", err=True)
            ctx.exit(1)


def example(*lines: str) -> str:
    """A help epilog, printed after the options, so that every command's help ends with an example."""
    return "\b\nExample:\n" + "\n".join(f"  {line}" for line in lines)


def network_options(command: Callable) -> Callable:
    """--network and --rpc-url, with their environment variables."""
    command = click.option(
        "--rpc-url",
        envvar=RPC_URL_ENV,
        metavar="URL",
        help=f"JSON-RPC endpoint, overriding the network's [env: {RPC_URL_ENV}]",
    )(command)
    return click.option(
        "--network",
        "network",
        envvar=NETWORK_ENV,
        metavar="NAME",
        help=f"devnet (default), bittensor or bittensor-testnet [env: {NETWORK_ENV}]",
    )(command)


def fork_options(report_default: str) -> Callable[[Callable], Callable]:
    """--fork-block, --report-dir and --proposer of the commands that run a proposal on a fork (simulate, rehearse);
    `report_default` says where the reports go without --report-dir."""

    def decorate(command: Callable) -> Callable:
        command = click.option(
            "--proposer", metavar="ADDRESS", help="Propose as this account (default: the largest delegate)."
        )(command)
        command = click.option(
            "--report-dir",
            type=click.Path(file_okay=False, path_type=Path),
            metavar="DIR",
            help=f"Where to write report.json, report.md and report.html (default: {report_default}).",
        )(command)
        return click.option(
            "--fork-block", type=click.IntRange(min=0), metavar="N", help="Fork at this block (default: latest)."
        )(command)

    return decorate


def json_option(command: Callable) -> Callable:
    return click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON instead of text.")(command)


def print_json(data) -> None:
    click.echo(json.dumps(data, indent=2, default=str))


def progress(quiet: bool = False) -> Progress:
    """Step lines on stderr, so stdout stays clean for --json."""
    if quiet:
        return Progress()
    return Progress(
        on_start=lambda step: err.print(f"  {step} ...", end=""),
        on_done=lambda step, seconds: err.print(f" done ({seconds:.2f} s)"),
        on_failed=lambda step: err.print(" failed"),
    )
