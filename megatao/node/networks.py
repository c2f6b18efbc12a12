"""Named networks, and how a command picks its RPC endpoint: --rpc-url, then $MEGATAO_RPC_URL, then the network's."""

from __future__ import annotations

import os
from dataclasses import dataclass

from megatao.core.errors import NetworkError, UnknownNetworkError

DEVNET_CHAIN_ID = 31337


@dataclass(frozen=True)
class Network:
    name: str
    chain_id: int
    #: Public endpoint; None for the devnet, whose URL comes from the running devnet's state.
    default_rpc_url: str | None
    description: str


NETWORKS: dict[str, Network] = {
    network.name: network
    for network in (
        Network("devnet", DEVNET_CHAIN_ID, None, "local anvil started by `megatao devnet up`"),
        Network("bittensor", 964, "https://lite.chain.opentensor.ai", "Bittensor EVM mainnet"),
        Network("bittensor-testnet", 945, "https://test.chain.opentensor.ai", "Bittensor EVM testnet"),
    )
}

NETWORK_ENV = "MEGATAO_NETWORK"
RPC_URL_ENV = "MEGATAO_RPC_URL"
DEFAULT_NETWORK = "devnet"


@dataclass(frozen=True)
class Endpoint:
    """The network a command means and the URL it will talk to."""

    network: Network
    rpc_url: str


def get_network(name: str) -> Network:
    try:
        return NETWORKS[name]
    except KeyError:
        raise UnknownNetworkError(name, NETWORKS) from None


def resolve_endpoint(network: str | None = None, rpc_url: str | None = None) -> Endpoint:
    """The endpoint for a command's --network and --rpc-url, falling back to the environment, then defaults."""
    chosen = get_network(network or os.environ.get(NETWORK_ENV) or DEFAULT_NETWORK)
    url = rpc_url or os.environ.get(RPC_URL_ENV) or chosen.default_rpc_url
    if url is None:
        from megatao.node.devnet_state import running_devnet_url

        url = running_devnet_url()
        if url is None:
            raise NetworkError("no devnet is running; start one with `megatao devnet up` or pass --rpc-url")
    return Endpoint(chosen, url)
