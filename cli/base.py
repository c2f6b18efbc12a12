"""What every command shares: error handling at the boundary, examples in help, output (the options: cli/options.py).

Every command that prints data takes --json (cli.options.json_option) and then prints one JSON document with
`print_json`, nothing else on stdout (progress goes to stderr). One convention holds for every document, the
simulation and rehearsal reports included; tests/test_json_convention.py checks it over the whole command tree:

- keys are snake_case at every depth (`reference_price`, `funding_rate_8h`); a map keyed by data (module names,
  addresses) is written as a list of objects instead;
- amounts are decimal strings, whatever their size: wei and rao, prices and every WAD fixed-point value (ratios,
  rates, leverage), LP shares, votes, and 256-bit ids (proposal ids); a reader parses them exactly, never as floats;
- integers that count or time things are JSON numbers: block numbers, timestamps, seconds, gas, counts, indices,
  epochs, chain ids, netuids, pids; none comes near 2**53, the largest integer a double holds exactly; a figure only
  shown, never computed with (a percentage, the seconds a command took), may be a float.

The builders emit this at the source (`as_json`/`to_json` of the library's views, the dicts of the commands);
`print_json` only writes the document.
"""

from __future__ import annotations

import json
import os
import sys
import traceback

import click
from rich.console import Console

from megatao.core.errors import MegaTAOError
from megatao.core.progress import Progress

# Piped output is not cut to 80 columns: tables keep their columns whole.
out = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, highlight=False, soft_wrap=True)


class Group(click.Group):
    """A command group whose commands report expected errors as one line with exit code 2, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except MegaTAOError as exc:
            for line in getattr(exc, "lines", ()):  # what the error rests on (a file's findings), before it
                click.echo(line, err=True)
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


def print_json(data) -> None:
    """Print one JSON document, indented (paths and other objects as their text)."""
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
