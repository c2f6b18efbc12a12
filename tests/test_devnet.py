"""The devnet's lifecycle against a real anvil: up, status, a call to 0x...0808 through web3, advance, down."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import pytest
from web3 import Web3

from megatao.clients.pools import ALPHA_PRECOMPILE
from megatao.node.accounts import dev_account
from megatao.node.toolchain import abi
from tests.conftest import assert_one_line_error

pytestmark = pytest.mark.anvil


def anvil_pids_on(port: int) -> list[int]:
    """Live anvil processes listening on `port`, read from /proc (zombies have no cmdline)."""
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if cmdline and cmdline[0].endswith(b"anvil") and str(port).encode() in cmdline:
            pids.append(int(proc.name))
    return pids


def status_json(cli) -> dict:
    run = cli("devnet", "status", "--json")
    assert run.code == 0, run.output
    return json.loads(run.stdout)


@pytest.fixture
def devnet(cli):
    run = cli("devnet", "up", "--json")
    assert run.code == 0, run.output
    state = json.loads(run.stdout)
    yield state
    cli("devnet", "down")


def test_lifecycle_up_status_call_down(cli, isolated_state):
    up = cli("devnet", "up")
    assert up.code == 0, up.output
    assert "starting anvil" in up.stderr and "seeding 15 subnet pools" in up.stderr
    assert "CHUTES" in up.stdout and "devnet ready at http://127.0.0.1:" in up.stdout

    status = status_json(cli)
    assert status["running"] and status["emulator"] and status["chain_id"] == 31337
    port, pid = status["port"], status["pid"]
    assert anvil_pids_on(port) == [pid]

    # The precompile answers through web3 with the seeded pool: CHUTES 150,000 TAO / 1,875,000 alpha = 0.08.
    w3 = Web3(Web3.HTTPProvider(status["rpc_url"]))
    alpha = w3.eth.contract(address=ALPHA_PRECOMPILE, abi=abi("AlphaPrecompileEmulator"))
    assert alpha.functions.getAlphaPrice(64).call() == 80_000_000_000_000_000
    assert alpha.functions.getTaoInPool(64).call() == 150_000 * 10**9
    assert w3.eth.get_balance(dev_account(9).address) > 99_999 * 10**18  # funded, less the gas of its delegation

    record = json.loads((isolated_state / "deployments" / "31337.json").read_text())
    assert record["chainId"] == 31337
    assert record["contracts"]["AlphaPrecompile"]["address"] == ALPHA_PRECOMPILE
    assert record["block"] >= 1 and len(record["gitCommit"]) >= 7
    assert {p["ticker"] for p in record["pools"]} >= {"CHUTES", "NINETEEN"}

    again = cli("devnet", "up")
    assert again.code == 0 and "already running" in again.stdout and str(pid) in again.stdout

    down = cli("devnet", "down")
    assert down.code == 0 and f"pid {pid}" in down.stdout
    assert anvil_pids_on(port) == []
    assert not status_json(cli)["running"]
    assert not (isolated_state / "deployments" / "31337.json").exists()
    assert "no devnet is running" in cli("devnet", "down").stdout


def test_advance_moves_time_exactly_and_mines_blocks(cli, devnet):
    w3 = Web3(Web3.HTTPProvider(devnet["rpc_url"]))
    before = w3.eth.get_block("latest")
    run = cli("devnet", "advance", "2d")
    assert run.code == 0, run.output
    after = w3.eth.get_block("latest")
    assert after["timestamp"] - before["timestamp"] == 2 * 86400
    assert after["number"] - before["number"] == 100  # one block per 12 s, capped at 100

    cli("devnet", "advance", "30")
    last = w3.eth.get_block("latest")
    assert (last["timestamp"] - after["timestamp"], last["number"] - after["number"]) == (30, 2)


def test_up_on_a_port_in_use_is_one_line_and_leaves_nothing(cli, isolated_state):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = cli("devnet", "up", "--port", str(port))
    assert_one_line_error(run, f"port {port}", "already in use")
    assert not (isolated_state / "state" / "devnet.json").exists()
    assert anvil_pids_on(port) == []


def test_a_failed_up_stops_the_anvil_it_started(cli, isolated_state, tmp_path):
    # An artifact whose bytecode the node rejects makes the deployment fail after anvil has started.
    broken = tmp_path / "out" / "AlphaPrecompileEmulator.sol"
    broken.mkdir(parents=True)
    (broken / "AlphaPrecompileEmulator.json").write_text(
        json.dumps({"abi": [], "deployedBytecode": {"object": "0xnot-hex"}})
    )
    port = 20000 + os.getpid() % 20000
    run = cli("devnet", "up", "--port", str(port), env={"MEGATAO_OUT_DIR": str(tmp_path / "out")})
    assert_one_line_error(run, "anvil_setCode")
    assert anvil_pids_on(port) == []
    assert not (isolated_state / "state" / "devnet.json").exists()
    assert not (isolated_state / "deployments" / "31337.json").exists()


def test_advance_without_a_devnet_is_one_line(cli):
    assert_one_line_error(cli("devnet", "advance", "1h"), "no devnet is running")


def test_advance_with_a_bad_duration_is_one_line(cli):
    assert_one_line_error(cli("devnet", "advance", "2 weeks"), "'2 weeks' is not a duration")


def test_pool_set_moves_the_price_on_the_devnet(cli, devnet):
    run = cli("pool", "set", "19", "--tao", "12000", "--alpha", "400000")
    assert run.code == 0, run.output
    listing = json.loads(cli("pool", "list", "--json").stdout)
    nineteen = next(p for p in listing["pools"] if p["netuid"] == 19)
    assert nineteen["price"] == str(30_000_000_000_000_000)
    assert nineteen["tao_in_pool_rao"] == str(12_000 * 10**9)
