"""`megatao vote`: cast a vote, sign a ballot offline, relay ballots for anyone."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from cli.base import Group, example, out, print_json
from cli.options import account_option, json_option, network_options, output_option, signer_for
from cli.proposal import governance_for

SUPPORT_CHOICE = click.Choice(["for", "against", "abstain"], case_sensitive=False)


@click.group(cls=Group, epilog=example("megatao vote cast list-sn19.yaml for --account devnet:2"))
def vote() -> None:
    """Votes on proposals: directly, or as EIP-712 ballots signed offline that anyone can relay."""


@vote.command(epilog=example("megatao vote cast list-sn19.yaml for --account devnet:2 --reason 'deep pool'"))
@click.argument("ref", metavar="ID|FILE")
@click.argument("support", type=SUPPORT_CHOICE)
@click.option("--reason", help="A reason, stored with the vote.")
@account_option
@network_options
@json_option
def cast(
    ref: str, support: str, reason: str | None, account: str, password_file, network, rpc_url, as_json: bool
) -> None:
    """Vote SUPPORT (for, against, abstain) on a proposal, with the votes delegated to you at its snapshot."""
    gov = governance_for(network, rpc_url)
    target = gov.resolve(ref)
    signer = signer_for(account, password_file)
    power = gov.cast(target.proposal_id, support.lower(), reason, signer)
    if as_json:
        print_json(
            {
                "proposal_id": str(target.proposal_id),
                "support": support.lower(),
                "voter": signer.address,
                "votes": str(power),
                "reason": reason,
            }
        )
        return
    out.print(f"voted {support.lower()} on proposal {target.proposal_id} with {power / 10**18:,.0f} MEGA")


@vote.command(epilog=example("megatao vote sign list-sn19.yaml for --account alice -o alice.ballot.json"))
@click.argument("ref", metavar="ID|FILE")
@click.argument("support", type=SUPPORT_CHOICE)
@output_option("Ballot file (default: stdout).")
@account_option
@network_options
def sign(ref: str, support: str, output: Path | None, account: str, password_file, network, rpc_url) -> None:
    """Sign an EIP-712 ballot offline (nothing is sent); anyone can relay it with `megatao vote relay`.

    The ballot uses the voter's nonce keyed by the proposal, so ballots for several proposals stay valid whichever
    lands first."""
    gov = governance_for(network, rpc_url)
    ballot = gov.sign_ballot(gov.resolve(ref).proposal_id, support.lower(), signer_for(account, password_file))
    text = json.dumps(ballot, indent=2) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text)
        click.echo(f"wrote {output}: {support.lower()} from {ballot['voter']}", err=True)


@vote.command(epilog=example("megatao vote relay alice.ballot.json bob.ballot.json --account devnet:0"))
@click.argument("ballots", nargs=-1, required=True, type=click.Path(path_type=Path))
@account_option
@network_options
@json_option
def relay(ballots: tuple[Path, ...], account: str, password_file, network, rpc_url, as_json: bool) -> None:
    """Submit signed ballots (castVoteBySig) for anyone, after a preflight of each: the signer, the EIP-712 domain
    (chain id, Governor), the nonce, an open vote the voter has not voted in, and their votes at the snapshot. One
    line per ballot (with --json, one document listing them); exits 1 if any was refused."""
    from governance.governor import read_ballot

    gov = governance_for(network, rpc_url)
    relayer = signer_for(account, password_file)
    results = []
    for path in ballots:
        ballot = read_ballot(path)
        problem, power = gov.preflight(ballot)
        block = None if problem else gov.relay(ballot, relayer)["blockNumber"]
        results.append(
            {"ballot": str(path), "voter": ballot["voter"], "support": ballot["support"], "counted": not problem,
             "refused": problem or None, "votes": str(power), "block": block}
        )  # fmt: skip
        if as_json:
            continue
        if problem:
            click.echo(f"{path}: refused: {problem}")
        else:
            votes = f"{power / 10**18:,.0f} MEGA"
            click.echo(f"{path}: counted {ballot['support']} from {ballot['voter']} with {votes} (block {block})")
    if as_json:
        print_json(results)
    if not all(result["counted"] for result in results):
        sys.exit(1)
