"""Every option factory of the command modules: the options several commands share, declared once.

A command module declares here any option it composes into a decorator (a function returning one); an option only
one command takes stays on that command, as a plain `@click.option`. tests/test_cli_help.py holds every
module of cli/ to this. Option values are parsed where they are used (megatao.core.units), so that a malformed
value is a one-line error.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from megatao.node.keystores import DEVNET_PREFIX, load_signer
from megatao.node.networks import NETWORK_ENV, RPC_URL_ENV

if TYPE_CHECKING:
    from eth_account.signers.local import LocalAccount

ACCOUNT_ENV = "MEGATAO_ACCOUNT"
PASSWORD_FILE_ENV = "MEGATAO_PASSWORD_FILE"

FILE = click.Path(path_type=Path)  # existence and kind are checked where the file is read, as one-line errors


# ---------------------------------------------------------------------------------------------------- output, chain


def json_option(command: Callable) -> Callable:
    """--json: print one JSON document (cli.base.print_json) instead of text."""
    return click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON instead of text.")(command)


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


def output_option(help_text: str = "File to write (default: stdout).", default: Path | None = None, shown=None):
    """-o/--output FILE."""
    return click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        default=default,
        show_default=shown,
        help=help_text,
    )


# ---------------------------------------------------------------------------------------------------------- signing


def password_file_option(help_text: str, envvar: str | None = None) -> Callable[[Callable], Callable]:
    """--password-file FILE."""
    return click.option(
        "--password-file",
        type=FILE,
        metavar="FILE",
        envvar=envvar,
        help=f"{help_text} (trailing whitespace ignored, as cast does)" + (f" [env: {envvar}]" if envvar else ""),
    )


def account_option(command: Callable) -> Callable:
    """--account NAME and --password-file FILE, for every command that signs; pass both to `signer_for`."""
    command = password_file_option("Read the keystore password from FILE instead of asking for it", PASSWORD_FILE_ENV)(
        command
    )
    return click.option(
        "--account",
        "account",
        required=True,
        envvar=ACCOUNT_ENV,
        metavar="NAME",
        help=f"Keystore account (see `megatao account list`) or {DEVNET_PREFIX}0..9 on the devnet [env: {ACCOUNT_ENV}]",
    )(command)


def lookup_account_option(help_text: str) -> Callable[[Callable], Callable]:
    """An optional --account NAME and its --password-file, for a command that reads an account's address (no
    environment variable: the account must be named on the command line)."""

    def decorate(command: Callable) -> Callable:
        command = password_file_option("Read the keystore password of --account from FILE")(command)
        return click.option("--account", "account", metavar="NAME", help=help_text)(command)

    return decorate


def hidden_prompt(text: str) -> str:
    return click.prompt(text, hide_input=True)


def signer_for(account: str, password_file: Path | None) -> LocalAccount:
    """The signer the options of `account_option` name, asking for the password (hidden) when there is no file."""
    return load_signer(account, password_file, prompt=hidden_prompt)


# ---------------------------------------------------------------------------------------------------------- trading


def bounds_options(command: Callable) -> Callable:
    """--max-slippage, --acceptable-price and --deadline: the bounds of a fill."""
    command = click.option(
        "--deadline",
        default="5m",
        show_default=True,
        help="How long the trade may wait for its block, from the latest block's time (e.g. 90s, 5m).",
    )(command)
    command = click.option(
        "--acceptable-price",
        default=None,
        help="The worst average price accepted, impact included, in TAO per unit (overrides --max-slippage).",
    )(command)
    return click.option(
        "--max-slippage",
        default="1%",
        show_default=True,
        help="The acceptable price as a distance from the reference price (the one fills are priced against).",
    )(command)


def margin_options(what: str) -> Callable[[Callable], Callable]:
    """--margin and --leverage of a trade that adds notional; `what` names the notional it adds."""

    def decorate(command: Callable) -> Callable:
        command = click.option("--leverage", required=True, help=f"e.g. 2x: {what} = margin x leverage.")(command)
        return click.option(
            "--margin",
            required=True,
            help=f"TAO sent as margin, e.g. 5 or '5 TAO' (the fee on the {what} comes out of it).",
        )(command)

    return decorate


# --------------------------------------------------------------------------------------- proposals and upgrades


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


#: Where `megatao upgrade` reads and writes the release's layout reference, as its help shows it.
LAYOUT_REFERENCE = "contracts/upgrades/layout-reference.json"


def _pairs(ctx, param, values: tuple[str, ...]) -> dict[str, str]:
    """NAME=REPLACEMENT values as a dict."""
    pairs = {}
    for value in values:
        name, sep, replacement = value.partition("=")
        if not sep or not name or not replacement:
            raise click.BadParameter(f"'{value}' is not NAME=REPLACEMENT", ctx=ctx, param=param)
        pairs[name] = replacement
    return pairs


#: --module's values: (NAME -> CONTRACT replacing module NAME, or None for NAME= which drops it; the NAMEs added).
ModuleChanges = tuple[dict[str, str | None], list[str]]


def _modules(ctx, param, values: tuple[str, ...]) -> ModuleChanges:
    replaced, added = {}, []
    for value in values:
        name, sep, replacement = value.partition("=")
        if not name:
            raise click.BadParameter(f"'{value}' names no module", ctx=ctx, param=param)
        if sep:
            replaced[name] = replacement or None
        else:
            added.append(name)
    return replaced, added


def against_option(help_text: str, default: Path) -> Callable[[Callable], Callable]:
    """--against REF: the layout reference file."""
    return click.option(
        "--against",
        "reference_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=default,
        show_default=LAYOUT_REFERENCE,
        metavar="REF",
        help=help_text,
    )


def build_options(command: Callable) -> Callable:
    """--build, --probe and --module: which build the layout commands read."""
    command = click.option(
        "--module",
        "modules",
        multiple=True,
        callback=_modules,
        metavar="NAME[=CONTRACT]",
        help="Read CONTRACT in place of protocol module NAME (NAME= drops it), or add module NAME. Repeatable.",
    )(command)
    command = click.option(
        "--probe",
        "probes",
        multiple=True,
        callback=_pairs,
        metavar="PROBE=CONTRACT",
        help="Read the layout probe CONTRACT in place of protocol probe PROBE (e.g. a fixture). Repeatable.",
    )(command)
    return click.option("--build", is_flag=True, help="Run `forge build` first (default: read the current out/).")(
        command
    )
