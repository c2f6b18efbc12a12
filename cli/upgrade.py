"""`megatao upgrade`: the release's storage-layout reference and the static checks an upgrade must pass."""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape

from cli.base import Group, example, out, print_json, progress
from cli.options import (
    LAYOUT_REFERENCE,
    ModuleChanges,
    against_option,
    build_options,
    fork_options,
    json_option,
    network_options,
    output_option,
)
from cli.simulate import MARKS
from governance.simulation.report import Report
from governance.upgrades.layout import (
    DEFAULT_REFERENCE,
    check,
    clear_caches,
    load_reference,
    problems_json,
    snapshot,
    write_reference,
)
from megatao.core.errors import CheckFailed
from megatao.core.paths import display
from megatao.node.toolchain import forge_build


@click.group(
    cls=Group,
    epilog=example(
        "megatao upgrade snapshot-layout",
        "megatao upgrade check",
        "megatao upgrade rehearse proposals/examples/oracle-module-v2.yaml --network devnet",
    ),
)
def upgrade() -> None:
    """Upgrade safety: record the release's namespaced storage layout and selectors, check a build against it,
    rehearse an upgrade proposal on a fork."""


def _release(build: bool, probes: dict[str, str], modules: ModuleChanges):
    """The build to read: rebuilt first with --build; with the probes and modules the options replace or add."""
    if build:
        forge_build()
        clear_caches()
    replaced, added = modules
    return snapshot(probes=probes, modules=replaced, extra_modules=added)


@upgrade.command(
    "snapshot-layout",
    epilog=example("megatao upgrade snapshot-layout", "megatao upgrade snapshot-layout -o /tmp/layout.json"),
)
@output_option("Where to write the reference.", DEFAULT_REFERENCE, LAYOUT_REFERENCE)
@build_options
@json_option
def snapshot_layout(output: Path, build: bool, probes: dict[str, str], modules: ModuleChanges, as_json: bool):
    """Record each namespace's layout (fields, types, slots, offsets; its id and SLOT) and each module's id and
    selectors from the build, in a deterministic JSON reference to commit with the release."""
    release = _release(build, probes, modules)
    write_reference(release, output)
    if as_json:
        print_json(
            {"reference": display(output), "namespaces": sorted(release.namespaces), "modules": sorted(release.modules)}
        )
        return
    out.print(
        f"wrote {display(output)}: {len(release.namespaces)} namespaces, {len(release.modules)} modules, "
        f"{sum(len(m.selectors) for m in release.modules.values())} module selectors"
    )


@upgrade.command(
    "check",
    epilog=example(
        "megatao upgrade check",
        f"megatao upgrade check --against {LAYOUT_REFERENCE} --build",
        "megatao upgrade check --probe FeeStorageLayout=FeeAppendStorageLayout",
    ),
)
@against_option("The layout reference to compare with.", DEFAULT_REFERENCE)
@build_options
@json_option
def check_command(
    reference_path: Path, build: bool, probes: dict[str, str], modules: ModuleChanges, as_json: bool
) -> None:
    """Compare the build with the reference by OpenZeppelin's rules for namespaced storage (append-only fields, no
    namespace deleted, no state outside namespaces, ERC-7201 slots), selectors (one module each, none of the entry
    contract's), code size (24,576 bytes) and guarded implementations. Exit 1 on a problem."""
    reference = load_reference(reference_path)
    release = _release(build, probes, modules)
    problems = check(reference, release)
    if as_json:
        print_json({"reference": display(reference_path), "ok": not problems, "problems": problems_json(problems)})
    else:
        for problem in problems:
            out.print(problem.line(), markup=False)
        if not problems:
            counts = f"{len(release.namespaces)} namespaces and {len(release.modules)} modules"
            out.print(f"ok: {counts} match {display(reference_path)}")
    if problems:
        raise CheckFailed(f"{len(problems)} upgrade-safety problem(s) against {display(reference_path)}")


@upgrade.command(
    "rehearse",
    epilog=example(
        "megatao upgrade rehearse proposals/examples/oracle-module-v2.yaml --network devnet",
        "megatao upgrade rehearse upgrade.yaml --rpc-url http://127.0.0.1:8545 --fork-block 1200 --json",
    ),
)
@click.argument("file", type=click.Path(path_type=Path))
@network_options
@fork_options("reports/<file stem>/rehearsal/")
@against_option("The layout reference of the layout check.", DEFAULT_REFERENCE)
@json_option
def rehearse(
    file: Path,
    network: str | None,
    rpc_url: str | None,
    fork_block: int | None,
    report_dir: Path | None,
    proposer: str | None,
    reference_path: Path,
    as_json: bool,
) -> None:
    """Rehearse the upgrade proposal FILE (kind upgrade) on a fork of the chain: check the new implementations'
    storage layout and selectors against the reference, deploy them from this checkout's build, swap them in through
    the governance lifecycle (impersonated delegates), and check across the swap that every open position keeps its
    size, entry, margin and accruals, that the vault's and markets' totals do not move, that funding and interest
    accrue without a jump, that positions can still be increased, closed and liquidated, and that no new
    implementation can be called (initialized) directly. A chain without open positions gets a few opened by the
    rehearsal first. Writes Markdown, HTML and JSON reports.

    Each module's CONTRACT may be any contract of this checkout's build (`forge build`), the test fixtures under
    tests/contracts/fixtures/upgrades/ included (e.g. UpgradeFixtureShiftedPositionViewModule, a broken upgrade).
    Exits 0 when nothing failed, 1 when a check failed (the reports are written), 2 on a usage or environment
    error."""
    from governance.upgrades.rehearse import default_report_dir
    from governance.upgrades.rehearse import rehearse as run
    from megatao.node.networks import resolve_endpoint

    endpoint = resolve_endpoint(network, rpc_url)
    report = run(file, endpoint, fork_block, proposer, reference_path, progress(quiet=as_json))
    paths = report.write(report_dir or default_report_dir(file))
    if as_json:
        print_json(report.as_json())
    else:
        _print_report(report, paths)
    if report.result == "fail":
        raise SystemExit(1)


def _print_report(report: Report, paths: dict[str, Path]) -> None:
    life = report.lifecycle
    out.print(f"{MARKS[life['status']]} lifecycle: {escape(life['message'])}")
    for check_result in sorted(report.checks, key=lambda c: c.number):
        action = f" -> {check_result.action}" if check_result.action and check_result.status != "pass" else ""
        line = f"{check_result.number} {check_result.title}: {check_result.summary}{action}"
        out.print(f"{MARKS[check_result.status]} {escape(line)}")
    counts = report.counts
    out.print(f"{report.result}: {counts['pass']} pass, {counts['warn']} warn, {counts['fail']} fail")
    out.print(escape(f"reports: {paths['md']}, {paths['html']}, {paths['json']}"))


if __name__ == "__main__":
    upgrade(prog_name="megatao upgrade")
