"""`megatao proposal`: write, check and (with governance) submit proposals."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cli.base import Group, err, example, out, print_json
from cli.options import account_option, json_option, network_options, output_option, signer_for
from governance.proposals.kinds import KINDS


@click.group(cls=Group, epilog=example("megatao proposal new market-listing -o list-sn19.yaml"))
def proposal() -> None:
    """Governance proposals as YAML files: templates, validation, schema."""


@proposal.command(
    help=f"Write a commented template of KIND: {', '.join(KINDS)}.",
    epilog=example("megatao proposal new market-listing -o list-sn19.yaml", "megatao proposal new lp-window"),
)
@click.argument("kind", metavar="KIND")
@output_option()
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
@click.option("--proposer", metavar="ADDRESS|ACCOUNT", help="With a network: check that it has the votes to propose.")
@json_option
def validate(
    files: tuple[Path, ...], network: str | None, rpc_url: str | None, proposer: str | None, as_json: bool
) -> None:
    """Check proposal files: the schema, then the semantic rules (each finding names file:line:column, the key, what
    was found and what was expected), and with --network or --rpc-url the chain (listed markets, pool depth, price).
    Exits 1 when any file has an error."""
    from governance.proposals.validate import validate_file

    results = [validate_file(path) for path in files]
    reports = {}
    if network or rpc_url:
        from governance.proposals.onchain import check_on_chain
        from megatao.clients.protocol import Protocol
        from megatao.node.chain import Chain
        from megatao.node.keystores import address_of
        from megatao.node.networks import resolve_endpoint

        protocol = Protocol(Chain(resolve_endpoint(network, rpc_url)))
        proposer_address = address_of(proposer, "--proposer") if proposer else None
        for r in results:
            if r.ok:
                reports[r.path] = check_on_chain(r, protocol, proposer_address)
                r.findings.extend(reports[r.path].findings)
    if as_json:
        print_json(
            [
                {"file": str(r.path), "ok": r.ok, "kind": getattr(r.proposal, "kind", None),
                 "findings": [f.as_json() for f in r.findings],
                 "chain": reports[r.path].as_json() if r.path in reports else None}
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
@output_option()
def schema(output: Path | None) -> None:
    """Print the JSON Schema of proposal files (generated from the models), for editors."""
    from governance.proposals.schema import schema_text

    if output is None:
        click.echo(schema_text(), nl=False)
    else:
        output.write_text(schema_text())


# ---------------------------------------------------------------- on chain: encode, submit, status, queue, execute


def governance_for(network: str | None, rpc_url: str | None):
    from governance.governor import Governance
    from megatao.node.chain import Chain
    from megatao.node.networks import resolve_endpoint

    return Governance(Chain(resolve_endpoint(network, rpc_url)))


def print_status(status) -> None:
    from governance.governor import when

    mega = 10**18
    out.print(f"proposal {status.proposal_id}")
    out.print(f"  state     {status.state}")
    out.print(
        f"  votes     for {status.for_ / mega:,.0f} / against {status.against / mega:,.0f} / "
        f"abstain {status.abstain / mega:,.0f} MEGA"
    )
    quorum = "reached" if status.quorum_reached else f"{status.missing_for_quorum / mega:,.0f} MEGA missing"
    out.print(f"  quorum    {status.quorum / mega:,.0f} MEGA (For + Abstain): {quorum}")
    out.print(f"  voting    opens {when(status.snapshot, status.now)}, ends {when(status.deadline, status.now)}")
    if status.eta:
        out.print(f"  eta       {when(status.eta, status.now)}")


@proposal.command(epilog=example("megatao proposal encode proposals/examples/list-sn19.yaml"))
@click.argument("file", type=click.Path(path_type=Path))
@network_options
@json_option
def encode(file: Path, network: str | None, rpc_url: str | None, as_json: bool) -> None:
    """The proposal's calls as the Governor takes them (targets, values, calldatas, each decoded), its description
    hash, its proposal id computed offline as the Governor's hashProposal, and the timelock operation id."""
    encoded = governance_for(network, rpc_url).encode_file(file)
    if as_json:
        print_json(encoded.as_json())
        return
    for index, action in enumerate(encoded.actions):
        out.print(f"action {index}: {action.readable}")
        out.print(f"  target {action.target}, value {action.value}")
        out.print(f"  {action.signature}")
        out.print(f"  calldata 0x{action.calldata.hex()}")
    out.print(f"description hash  0x{encoded.description_hash.hex()}")
    out.print(f"proposal id       {encoded.proposal_id}")
    if encoded.timelock_operation_id:
        out.print(f"timelock op id    0x{encoded.timelock_operation_id.hex()}")


@proposal.command(epilog=example("megatao proposal submit list-sn19.yaml --account devnet:1"))
@click.argument("file", type=click.Path(path_type=Path))
@account_option
@network_options
@json_option
def submit(file: Path, account: str, password_file, network, rpc_url, as_json: bool) -> None:
    """Validate FILE, then propose it. If the same proposal exists already, print its state and send nothing. An
    upgrade's new implementations are deployed first, from this checkout's build."""
    from governance.governor import load_valid

    gov = governance_for(network, rpc_url)
    proposal = load_valid(file)
    signer = signer_for(account, password_file)
    implementations = None
    if proposal.kind == "upgrade":
        with err.status("deploying the new implementations ..."):
            implementations = gov.deploy_implementations(proposal, signer)
    encoded = gov.encode_file(file, implementations)
    with err.status("proposing and waiting for the receipt ..."):
        sent, status = gov.submit(encoded, signer)
    if as_json:
        print_json({"sent": sent, **status.as_json()})
        return
    if not sent:
        out.print("this proposal exists already; nothing was sent")
    print_status(status)


@proposal.command(epilog=example("megatao proposal status list-sn19.yaml", "megatao proposal status 4106...5212"))
@click.argument("ref", metavar="ID|FILE")
@network_options
@json_option
def status(ref: str, network, rpc_url, as_json: bool) -> None:
    """State, votes for/against/abstain, quorum reached or how much is missing, deadline and eta."""
    gov = governance_for(network, rpc_url)
    current = gov.status(gov.resolve(ref).proposal_id)
    print_json(current.as_json()) if as_json else print_status(current)


@proposal.command(epilog=example("megatao proposal queue list-sn19.yaml --account devnet:1"))
@click.argument("ref", metavar="ID|FILE")
@account_option
@network_options
@json_option
def queue(ref: str, account: str, password_file, network, rpc_url, as_json: bool) -> None:
    """Queue a proposal that passed into the timelock; says why not when it is too early."""
    gov = governance_for(network, rpc_url)
    target = gov.resolve(ref)
    queued = gov.queue(target, signer_for(account, password_file))
    print_json(queued.as_json()) if as_json else print_status(queued)


@proposal.command(epilog=example("megatao proposal execute list-sn19.yaml --account devnet:1"))
@click.argument("ref", metavar="ID|FILE")
@account_option
@network_options
@json_option
def execute(ref: str, account: str, password_file, network, rpc_url, as_json: bool) -> None:
    """Execute a queued proposal once the timelock delay is over; says why not when it is too early."""
    gov = governance_for(network, rpc_url)
    target = gov.resolve(ref)
    executed = gov.execute(target, signer_for(account, password_file))
    print_json(executed.as_json()) if as_json else print_status(executed)
