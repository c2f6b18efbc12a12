"""`megatao oracle`: replay and its errors through the CLI, and, against a real anvil, the contract agreeing with the
Python replay to the wei, and `oracle update` sending the transaction.

cli/main.py registers the group; until then these tests run it as `python -m cli.oracle`, exactly as users would
run `megatao oracle`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from web3 import Web3

from cli.oracle import oracle
from megatao.clients.oracle import EmaState, Outcome, Reading, next_ema
from megatao.clients.pools import ALPHA_PRECOMPILE, EMULATOR_CONTRACT
from megatao.node.accounts import dev_account
from megatao.node.anvil import AnvilProcess, AnvilRpc, free_port
from megatao.node.toolchain import abi, artifact, deployed_bytecode
from tests.conftest import ROOT, Run, assert_one_line_error

EXAMPLE = "proposals/examples/mtsos-march-2026.csv"
PUBLISHED_EMAS = ["1299300000000000000", "1304072393481248772", "1304051627287998778"]
RAO = 10**9
#: The emulator counts a pool only below 1 TAO: a sum is spread over pools of 1 alpha priced at most this (rao).
MAX_POOL_RAO = RAO - 1
DEVNET_CHAIN_ID = 31337


def run_oracle(*args: str, timeout: float = 120) -> Run:
    """`megatao oracle ARGS` in a new process (the group run as `python -m cli.oracle`)."""
    result = subprocess.run(
        [sys.executable, "-m", "cli.oracle", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=dict(os.environ),
    )
    return Run(result.returncode, result.stdout, result.stderr)


# ---------------------------------------------------------------------------------------------------- replay


def test_replay_prints_the_ema_of_each_row():
    run = run_oracle("replay", EXAMPLE)
    assert run.code == 0, run.output
    for text in ("2026-03-09 20:18:00", "1.2993", "1.7579", "1.304072393", "1.304051627", "+34.80%", "initialised"):
        assert text in run.stdout, text


def test_replay_json_gives_every_ema_to_the_wei():
    run = run_oracle("replay", EXAMPLE, "--json")
    assert run.code == 0, run.output
    data = json.loads(run.stdout)
    assert [row["ema"] for row in data["rows"]] == PUBLISHED_EMAS
    assert [row["timestamp"] for row in data["rows"]] == [1773087480, 1773093840, 1773096540]
    assert [row["outcome"] for row in data["rows"]] == ["initialised", "updated", "updated"]
    assert data["periodSeconds"] == 604800 and data["chart"] is None


def test_replay_chart_writes_an_svg_with_both_series(tmp_path):
    chart = tmp_path / "mtsos.svg"
    run = run_oracle("replay", EXAMPLE, "--chart", str(chart))
    assert run.code == 0, run.output
    assert "chart written to" in run.stdout
    root = ET.parse(chart).getroot()
    ids = {g.get("id") for g in root.iter("{http://www.w3.org/2000/svg}g")}
    assert {"spot", "ema", "legend", "x-ticks", "y-ticks"} <= ids


@pytest.mark.parametrize(
    ("body", "fragments"),
    [
        ("timestamp,spot\n1773087480,1.2993\n1773093840,abc\n", ["bad.csv:3:", "column 'spot'", "'abc'"]),
        ("timestamp,price\n1,2\n", ["bad.csv:1:", "no 'spot' column"]),
        ("timestamp,spot\nsoon,1\n", ["bad.csv:2:", "column 'timestamp'", "'soon'"]),
        ("timestamp,spot\n9,1\n8,1\n", ["bad.csv:3:", "earlier than 9 on line 2"]),
    ],
)
def test_replay_bad_rows_are_one_line_errors(tmp_path, body, fragments):
    path = tmp_path / "bad.csv"
    path.write_text(body)
    assert_one_line_error(run_oracle("replay", str(path)), *fragments)


def test_replay_missing_file_is_a_one_line_error(tmp_path):
    assert_one_line_error(run_oracle("replay", str(tmp_path / "nope.csv")), "nope.csv: cannot read")


@pytest.mark.parametrize("path", [(), ("replay",), ("update",)], ids=["oracle", "replay", "update"])
def test_help_ends_with_an_example(path):
    result = CliRunner().invoke(oracle, [*path, "--help"], prog_name="megatao oracle")
    assert result.exit_code == 0, result.output
    lines = [line.strip() for line in result.output.splitlines() if line.strip()]
    example_at = max(i for i, line in enumerate(lines) if line == "Example:")
    assert lines[example_at + 1 :] and all(line.startswith("megatao oracle ") for line in lines[example_at + 1 :])


# ---------------------------------------------------------------------------------------------------- against anvil


@dataclass
class Devnet:
    anvil: AnvilProcess
    w3: Web3
    rpc: AnvilRpc

    @property
    def url(self) -> str:
        return self.anvil.url

    def send(self, tx: dict) -> str:
        return self.w3.eth.send_transaction({"from": dev_account(0).address, "gas": 1_000_000, **tx})

    def set_sum(self, rao: int, pools: int) -> str:
        """One transaction that makes `getSumAlphaPrice()` answer `rao` x 1e9 wei, spread over `pools` pools."""
        rows = []
        for netuid in range(1, pools + 1):
            share = min(rao, MAX_POOL_RAO)
            rao -= share
            rows.append((netuid, share, RAO if share else 0, 1))  # no alpha prices at 0
        assert rao == 0, "sum too large for the pools"
        data = self.emulator.encode_abi("setPools", [rows])
        return self.send({"to": ALPHA_PRECOMPILE, "data": data})

    @property
    def emulator(self):
        return self.w3.eth.contract(address=ALPHA_PRECOMPILE, abi=abi(EMULATOR_CONTRACT))

    def deploy_oracle(self):
        tx = self.send({"data": artifact("MtsosOracle")["bytecode"]["object"], "gas": 2_000_000})
        address = self.w3.eth.wait_for_transaction_receipt(tx)["contractAddress"]
        return self.w3.eth.contract(address=address, abi=abi("MtsosOracle"))


@pytest.fixture
def devnet(tmp_path) -> Iterator[Devnet]:
    """A fresh anvil with the Alpha precompile emulator at 0x...0808; always stopped."""
    anvil = AnvilProcess.launch(free_port(), tmp_path / "anvil.log")
    try:
        rpc = AnvilRpc(anvil.url)
        rpc.set_code(ALPHA_PRECOMPILE, deployed_bytecode(EMULATOR_CONTRACT))
        yield Devnet(anvil, Web3(Web3.HTTPProvider(anvil.url)), rpc)
    finally:
        anvil.stop()


#: (seconds after the previous reading, sum in rao): the published series, then a same-second change, a zero
#: reading, a drop, three days at the largest sum 3 pools hold, the smallest sum one second later, a week.
SERIES = [
    (0, 1_299_300_000),
    (6360, 1_757_900_000),
    (2700, 1_299_400_000),
    (0, 2_500_000_000),
    (12, 0),
    (3600, 812_300_000),
    (3 * 86400, 3 * MAX_POOL_RAO),
    (1, 1),
    (604800, 1_300_000_000),
]


def emitted_ema(contract, receipt) -> int | None:
    """The EMA an update's event reports, or None when it emitted none (same second, or reverted)."""
    from web3.logs import DISCARD

    for event in (contract.events.EmaInitialized(), contract.events.EmaUpdated()):
        logs = event.process_receipt(receipt, errors=DISCARD)
        if logs:
            args = logs[0]["args"]
            return args["ema"] if "ema" in args else args["spot"]
    return None


@pytest.mark.anvil
def test_the_contract_and_the_python_replay_agree_to_the_wei(devnet):
    """Each reading: the pools set to it, then `update()`, mined at the reading's time (same-second readings in one
    block); every event and, after each block, the stored state equal the Python replay's, to the wei."""
    oracle_contract = devnet.deploy_oracle()
    time = devnet.w3.eth.get_block("latest")["timestamp"] + 1000
    blocks: list[tuple[int, list[int]]] = []
    for after, rao in SERIES:
        time += after
        if blocks and blocks[-1][0] == time:
            blocks[-1][1].append(rao)
        else:
            blocks.append((time, [rao]))

    state = EmaState()
    functions = oracle_contract.functions
    devnet.rpc.call("evm_setAutomine", False)
    try:
        for time, readings in blocks:
            sent = []
            for rao in readings:
                devnet.set_sum(rao, pools=3)
                data = oracle_contract.encode_abi("update", [])
                sent.append((rao, devnet.send({"to": oracle_contract.address, "data": data})))
            devnet.rpc.set_next_block_timestamp(time)
            devnet.rpc.call("evm_mine")
            for rao, tx_hash in sent:
                receipt = devnet.w3.eth.get_transaction_receipt(tx_hash)
                row = state.apply(Reading(time, rao * RAO))
                where = f"t={time} sum={rao} rao ({row.outcome.value})"
                assert receipt["status"] == (0 if row.outcome is Outcome.ZERO_REJECTED else 1), where
                changed = row.outcome in (Outcome.INITIALISED, Outcome.UPDATED)
                assert emitted_ema(oracle_contract, receipt) == (row.ema if changed else None), where
            assert functions.ema().call() == state.ema, f"t={time}: EMA"
            assert functions.lastSpot().call() == state.last_spot, f"t={time}: last spot"
            assert functions.lastUpdate().call() == state.last_update, f"t={time}: last update"
    finally:
        devnet.rpc.call("evm_setAutomine", True)
    outcomes = [row.outcome for row in replay_rows(SERIES)]
    assert Outcome.SAME_SECOND in outcomes and Outcome.ZERO_REJECTED in outcomes, "the series covers both"


def replay_rows(series):
    state, time, rows = EmaState(), 0, []
    for after, rao in series:
        time += after
        rows.append(state.apply(Reading(time, rao * RAO)))
    return rows


# ---------------------------------------------------------------------------------------------------- oracle update


def record_oracle(address: str | None, chain_id: int = DEVNET_CHAIN_ID) -> Path:
    """A deployment record (in the test's own deployments folder) with, or without, the oracle's address."""
    contracts = {"MtsosOracle": {"address": address, "contract": "MtsosOracle"}} if address else {}
    path = Path(os.environ["MEGATAO_DEPLOYMENTS_DIR"]) / f"{chain_id}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"schemaVersion": 1, "chainId": chain_id, "contracts": contracts}))
    return path


def update_json(devnet: Devnet) -> dict:
    run = run_oracle("update", "--rpc-url", devnet.url, "--json")
    assert run.code == 0, run.output
    return json.loads(run.stdout)


def mined(devnet: Devnet, tx_hash) -> None:
    assert devnet.w3.eth.wait_for_transaction_receipt(tx_hash)["status"] == 1


@pytest.mark.anvil
def test_update_initialises_then_moves_the_ema(devnet):
    contract = devnet.deploy_oracle()
    record_oracle(contract.address)
    mined(devnet, devnet.set_sum(1_299_300_000, pools=2))

    first = update_json(devnet)
    assert first["outcome"] == "initialised" and first["oracle"] == contract.address
    assert first["ema"] == first["lastSpot"] == "1299300000000000000" and first["gapWad"] == "0"

    mined(devnet, devnet.set_sum(1_757_900_000, pools=2))
    devnet.rpc.increase_time(3600)
    second = update_json(devnet)
    assert second["outcome"] == "updated" and second["elapsed"] >= 3600
    expected = next_ema(1_299_300_000_000_000_000, 1_757_900_000_000_000_000, second["elapsed"])
    assert int(second["ema"]) == expected == contract.functions.ema().call()
    assert second["previousEma"] == "1299300000000000000"
    # The whole transaction, the emulator's two pools included, stays within the 50k.
    assert second["gasUsed"] <= 50_000, second["gasUsed"]

    devnet.rpc.increase_time(12)  # a later second than the last update, whatever the wall clock did meanwhile
    text = run_oracle("update", "--rpc-url", devnet.url)
    assert text.code == 0, text.output
    assert "MTSOS EMA updated after" in text.stdout and "gas" in text.stdout


@pytest.mark.anvil
def test_update_reverts_are_one_line_errors_by_name(devnet):
    contract = devnet.deploy_oracle()
    record_oracle(contract.address)
    mined(devnet, devnet.set_sum(0, pools=2))
    assert_one_line_error(run_oracle("update", "--rpc-url", devnet.url), "would revert", "SumAlphaPriceZero")
    assert contract.functions.ema().call() == 0

    mined(devnet, devnet.set_sum(1_299_300_000, pools=2))
    assert update_json(devnet)["outcome"] == "initialised"
    # Switched off right after an update: checks against the latest block may take the same-second path and pass,
    # the transaction then reverts; either way the error names the cause.
    mined(devnet, devnet.send({"to": ALPHA_PRECOMPILE, "data": devnet.emulator.encode_abi("setDisabled", [True])}))
    devnet.rpc.increase_time(5)
    assert_one_line_error(run_oracle("update", "--rpc-url", devnet.url), "SumAlphaPriceUnavailable", "switched off")
    assert contract.functions.ema().call() == 1_299_300_000_000_000_000


@pytest.mark.anvil
def test_update_without_an_oracle_in_the_record_is_a_one_line_error(devnet):
    assert_one_line_error(run_oracle("update", "--rpc-url", devnet.url), "no deployment record for chain 31337")
    record_oracle(None)
    assert_one_line_error(
        run_oracle("update", "--rpc-url", devnet.url), "31337.json", "no contracts.MtsosOracle.address"
    )
    record_oracle("0x00000000000000000000000000000000000000aa")
    assert_one_line_error(run_oracle("update", "--rpc-url", devnet.url), "no contract at")
