"""`megatao network`: the named networks and a check of an endpoint."""

from __future__ import annotations

import click
from rich.table import Table

from cli.base import Group, example, out, print_json
from cli.options import json_option, network_options
from megatao.core.errors import ChainIdMismatchError
from megatao.node.networks import NETWORKS, resolve_endpoint


@click.group(cls=Group, epilog=example("megatao network list"))
def network() -> None:
    """Named networks (devnet, bittensor, bittensor-testnet) and endpoint checks."""


@network.command("list", epilog=example("megatao network list --json"))
@json_option
def list_networks(as_json: bool) -> None:
    """List the networks the CLI knows, with their chain ids and default endpoints."""
    if as_json:
        print_json([vars(n) for n in NETWORKS.values()])
        return
    table = Table("network", "chain id", "default RPC URL", "what")
    for n in NETWORKS.values():
        table.add_row(n.name, str(n.chain_id), n.default_rpc_url or "the running devnet", n.description)
    out.print(table)


@network.command(
    epilog=example(
        "megatao network check --network bittensor-testnet", "megatao network check --rpc-url http://127.0.0.1:8545"
    )
)
@network_options
@json_option
def check(network: str | None, rpc_url: str | None, as_json: bool) -> None:
    """Connect to the endpoint, and check that its chain id is the network's.

    Exits with code 2 when the endpoint cannot be reached or serves another chain.
    """
    from megatao.node.chain import Chain

    endpoint = resolve_endpoint(network, rpc_url)
    chain = Chain(endpoint)
    block = chain.guard(lambda: chain.w3.eth.block_number)
    expected = endpoint.network.chain_id
    if as_json:
        print_json(
            {
                "network": endpoint.network.name,
                "rpc_url": chain.url,
                "chain_id": chain.chain_id,
                "expected_chain_id": expected,
                "matches": chain.matches_network(),
                "block": block,
            }
        )
    if not chain.matches_network():
        raise ChainIdMismatchError(chain.url, chain.chain_id, endpoint.network.name, expected, "use it")
    if not as_json:
        out.print(
            f"{endpoint.network.name}: {chain.url} serves chain id {chain.chain_id} as expected, at block {block}"
        )
