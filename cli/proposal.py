"""`megatao proposal`: write, check and (with governance) submit proposals."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cli.base import Group, example, json_option, out, print_json
from governance.proposals.models import KINDS


@click.group(cls=Group, epilog=example("megatao proposal new market-listing -o list-sn19.yaml"))
def proposal() -> None:
    """Governance proposals as YAML files: templates, validation, schema."""


@proposal.command(
    help=f"Write a commented template of KIND: {', '.join(KINDS)}.",
    epilog=example("megatao proposal new market-listing -o list-sn19.yaml", "megatao proposal new lp-window"),
)
@click.argument("kind", metavar="KIND")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: stdout)."
)
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
def new(kind: str, output: Path | None, force: bool) -> None:
    from governance.proposals.templates import template_text, write_template

    if output is None:
        click.echo(template_text(kind), nl=False)
        return
    write_template(kind, output, force)
    click.echo(f"wrote {output}; check it with: megatao proposal validate {output}", err=True)


@proposal.command(
    epilog=example(
        "megatao proposal validate proposals/examples/*.yaml", "megatao proposal validate list.yaml --network devnet"
    )
)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--network", "network", metavar="NAME", help="Also check against this network's chain.")
@click.option("--rpc-url", metavar="URL", help="Also check against the chain at this endpoint.")
@json_option
def validate(files: tuple[Path, ...], network: str | None, rpc_url: str | None, as_json: bool) -> None:
    """Check proposal files: the schema, then the semantic rules (each finding names file:line:column, the key, what
    was found and what was expected), and with --network or --rpc-url the chain (listed markets, pool depth, price).
    Exits 1 when any file has an error."""
    from governance.proposals.validate import validate_file

    results = [validate_file(path) for path in files]
    reports = {}
    if network or rpc_url:
        from governance.chain import Chain
        from governance.networks import resolve_endpoint
        from governance.proposals.onchain import check_on_chain
        from governance.protocol import Protocol

        protocol = Protocol(Chain(resolve_endpoint(network, rpc_url)))
        for r in results:
            if r.ok:
                reports[r.path] = check_on_chain(r, protocol)
                r.findings.extend(reports[r.path].findings)
    if as_json:
        print_json(
            [
                {"file": str(r.path), "ok": r.ok, "kind": getattr(r.proposal, "kind", None),
                 "findings": [f.as_json() for f in r.findings],
                 "chain": {"block": reports[r.path].block, "readings": reports[r.path].readings}
                 if r.path in reports else None}
                for r in results
            ]
        )  # fmt: skip
    else:
        for r in results:
            for finding in r.findings:
                click.echo(finding.format(str(r.path)))
            if r.path in reports:
                click.echo(f"{r.path}: {reports[r.path].describe()}")
            if r.ok:
                out.print(f"{r.path}: ok ({r.proposal.kind})")
    if not all(r.ok for r in results):
        sys.exit(1)


@proposal.command(epilog=example("megatao proposal schema -o proposal.schema.json"))
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: stdout)."
)
def schema(output: Path | None) -> None:
    """Print the JSON Schema of proposal files (generated from the models), for editors."""
    from governance.proposals.schema import schema_text

    if output is None:
        click.echo(schema_text(), nl=False)
    else:
        output.write_text(schema_text())
