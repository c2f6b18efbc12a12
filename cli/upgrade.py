"""`megatao upgrade`: the release's storage-layout reference and the static checks an upgrade must pass."""

from __future__ import annotations

from pathlib import Path

import click

from cli.base import Group, example, json_option, out, print_json
from governance.errors import CheckFailed
from governance.paths import display
from governance.toolchain import forge_build
from governance.upgrades.layout import (
    DEFAULT_REFERENCE,
    check,
    clear_caches,
    load_reference,
    problems_json,
    snapshot,
    write_reference,
)

REFERENCE = "contracts/upgrades/layout-reference.json"


@click.group(cls=Group, epilog=example("megatao upgrade snapshot-layout", "megatao upgrade check"))
def upgrade() -> None:
    """Upgrade safety: record the release's namespaced storage layout and selectors, check a build against it."""


def _pairs(ctx, param, values: tuple[str, ...]) -> dict[str, str]:
    pairs = {}
    for value in values:
        name, sep, replacement = value.partition("=")
        if not sep or not name or not replacement:
            raise click.BadParameter(f"'{value}' is not NAME=REPLACEMENT", ctx=ctx, param=param)
        pairs[name] = replacement
    return pairs


def _release(build: bool, probes: dict[str, str], modules: tuple[str, ...]):
    if build:
        forge_build()
        clear_caches()
    replaced = {}
    extra = []
    for value in modules:
        name, sep, replacement = value.partition("=")
        if sep:
            replaced[name] = replacement or None
        else:
            extra.append(name)
    return snapshot(probes=probes, modules=replaced, extra_modules=extra)


def build_options(command):
    command = click.option(
        "--module",
        "modules",
        multiple=True,
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


@upgrade.command(
    "snapshot-layout",
    epilog=example("megatao upgrade snapshot-layout", "megatao upgrade snapshot-layout -o /tmp/layout.json"),
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_REFERENCE,
    show_default=REFERENCE,
    help="Where to write the reference.",
)
@build_options
@json_option
def snapshot_layout(output: Path, build: bool, probes: dict[str, str], modules: tuple[str, ...], as_json: bool):
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
        f"megatao upgrade check --against {REFERENCE} --build",
        "megatao upgrade check --probe FeeStorageLayout=FeeAppendStorageLayout",
    ),
)
@click.option(
    "--against",
    "reference_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_REFERENCE,
    show_default=REFERENCE,
    metavar="REF",
    help="The layout reference to compare with.",
)
@build_options
@json_option
def check_command(
    reference_path: Path, build: bool, probes: dict[str, str], modules: tuple[str, ...], as_json: bool
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


if __name__ == "__main__":
    upgrade(prog_name="megatao upgrade")
