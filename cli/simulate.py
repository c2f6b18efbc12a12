"""`megatao proposal simulate`: fork, run the proposal through governance, check it, write the reports."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.markup import escape

from cli.base import Group, example, out, print_json, progress
from cli.options import fork_options, json_option, network_options

MARKS = {"pass": "[green]PASS[/green]", "warn": "[yellow]WARN[/yellow]", "fail": "[red]FAIL[/red]"}


@click.command(
    epilog=example(
        "megatao proposal simulate proposals/examples/list-sn19.yaml --network devnet",
        "megatao proposal simulate list.yaml --rpc-url http://127.0.0.1:8545 --fork-block 1200 --json",
    )
)
@click.argument("file", type=click.Path(path_type=Path))
@network_options
@fork_options("reports/<file stem>/")
@json_option
def simulate(
    file: Path,
    network: str | None,
    rpc_url: str | None,
    fork_block: int | None,
    report_dir: Path | None,
    proposer: str | None,
    as_json: bool,
) -> None:
    """Simulate FILE on a fork of the chain: propose, vote with the largest delegates (impersonated), queue,
    wait out the timelock and execute, then check the decoded calls, the state diff (every key of the file mapped
    to what it changed), the raw storage diff, the events, roles, user flows, the LP calendar and the gas. Writes
    Markdown, HTML and JSON reports. Exits 0 when nothing failed (warnings and skipped checks included), 1 when a
    check failed, 2 on a usage or environment error."""
    from governance.simulation.simulate import default_report_dir
    from governance.simulation.simulate import simulate as run
    from megatao.node.networks import resolve_endpoint

    endpoint = resolve_endpoint(network, rpc_url)
    report = run(file, endpoint, fork_block, proposer, progress(quiet=as_json))
    paths = report.write(report_dir or default_report_dir(file))
    if as_json:
        print_json(report.as_json())
    else:
        life = report.lifecycle
        out.print(f"{MARKS[life['status']]} lifecycle: {escape(life['message'])}")
        for check in sorted(report.checks, key=lambda c: c.number):
            action = f" -> {check.action}" if check.action and check.status != "pass" else ""
            out.print(f"{MARKS[check.status]} {check.number} {check.title}: {escape(check.summary + action)}")
        counts = report.counts
        out.print(f"{report.result}: {counts['pass']} pass, {counts['warn']} warn, {counts['fail']} fail")
        out.print(escape(f"reports: {paths['md']}, {paths['html']}, {paths['json']}"))
    if report.result == "fail":
        sys.exit(1)


@click.group(cls=Group)
def _standalone() -> None:
    """Runs `simulate` on its own until it is registered under `megatao proposal`."""


_standalone.add_command(simulate)

if __name__ == "__main__":
    _standalone(prog_name="megatao proposal")
