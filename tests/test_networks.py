"""Named networks, --rpc-url and its environment variable, and the chain-id check before any transaction."""

from __future__ import annotations

import json

import pytest

from megatao.core.errors import NetworkError, UnknownNetworkError
from megatao.node.networks import NETWORKS, resolve_endpoint
from tests.conftest import assert_one_line_error


def test_known_networks_and_their_chain_ids():
    assert {name: n.chain_id for name, n in NETWORKS.items()} == {
        "devnet": 31337,
        "bittensor": 964,
        "bittensor-testnet": 945,
    }


def test_rpc_url_option_beats_the_environment_which_beats_the_default(monkeypatch):
    assert resolve_endpoint("bittensor").rpc_url == NETWORKS["bittensor"].default_rpc_url
    monkeypatch.setenv("MEGATAO_RPC_URL", "http://127.0.0.1:9")
    assert resolve_endpoint("bittensor").rpc_url == "http://127.0.0.1:9"
    assert resolve_endpoint("bittensor", "http://127.0.0.1:7").rpc_url == "http://127.0.0.1:7"


def test_network_from_the_environment(monkeypatch):
    monkeypatch.setenv("MEGATAO_NETWORK", "bittensor-testnet")
    assert resolve_endpoint().network.chain_id == 945


def test_unknown_network_lists_the_known_ones_and_suggests():
    with pytest.raises(UnknownNetworkError) as raised:
        resolve_endpoint("bittensr")
    assert "did you mean 'bittensor'" in str(raised.value)
    assert "bittensor, bittensor-testnet, devnet" in str(raised.value)


def test_devnet_without_a_running_devnet_says_how_to_start_one():
    with pytest.raises(NetworkError, match="megatao devnet up"):
        resolve_endpoint("devnet")


def test_cli_unknown_network_is_one_line_listing_the_known_ones(cli):
    run = cli("network", "check", "--network", "mainnet")
    assert_one_line_error(run, "unknown network 'mainnet'", "known networks: bittensor, bittensor-testnet, devnet")


def test_cli_unreachable_rpc_url_is_one_line_naming_it(cli):
    run = cli("pool", "list", "--rpc-url", "http://127.0.0.1:1")
    assert_one_line_error(run, "cannot reach RPC URL http://127.0.0.1:1")


def test_cli_rpc_url_from_the_environment_is_used(cli):
    run = cli("network", "check", env={"MEGATAO_RPC_URL": "http://127.0.0.1:2"})
    assert_one_line_error(run, "http://127.0.0.1:2")


def test_cli_network_list(cli):
    run = cli("network", "list", "--json")
    assert run.code == 0
    assert {n["name"]: n["chain_id"] for n in json.loads(run.stdout)}["bittensor"] == 964


@pytest.mark.anvil
def test_cli_refuses_a_transaction_when_the_chain_id_does_not_match(cli):
    up = cli("devnet", "up", "--json")
    assert up.code == 0, up.output
    url = json.loads(up.stdout)["rpc_url"]
    try:
        before = json.loads(cli("pool", "list", "--json").stdout)
        run = cli("pool", "set", "19", "--tao", "1", "--alpha", "1", "--network", "bittensor", "--rpc-url", url)
        assert_one_line_error(run, "serves chain id 31337", "'bittensor' is chain id 964", "refusing to send")
        assert json.loads(cli("pool", "list", "--json").stdout) == before  # nothing was sent

        check = cli("network", "check", "--network", "bittensor-testnet", "--rpc-url", url)
        assert_one_line_error(check, "chain id 31337", "945")
        assert cli("network", "check", "--rpc-url", url).code == 0
    finally:
        cli("devnet", "down")


def test_a_public_devnet_key_is_never_used_for_a_remote_node():
    from megatao.core.errors import TransactionError
    from megatao.node.accounts import dev_account
    from megatao.node.chain import Chain
    from megatao.node.networks import Endpoint, get_network

    chain = Chain(Endpoint(get_network("bittensor"), "https://lite.chain.opentensor.ai"))
    chain._chain_id = 964  # as the node would answer; nothing is sent
    with pytest.raises(TransactionError, match="refusing to sign with a public devnet key"):
        chain._refuse_public_keys_off_loopback(dev_account(0))
