"""The referral library, CLI and proposal encoding: offline checks, and the CLI against an anvil of its own with the
entry contract and the referral module deployed from forge's artifacts (run `forge build` first)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from eth_abi import decode
from web3 import Web3

from cli.referral import referral
from governance.proposals.kinds.referral_config import referral_actions
from governance.proposals.loader import load_proposal
from megatao.clients.referral import code_text, name_bytes, parse_code
from megatao.core.errors import InputError
from tests.conftest import ROOT, Run, assert_one_line_error

LAUNCH = ROOT / "proposals/examples/referral-launch.yaml"
PROTOCOL = "0x" + "ab" * 20
WAD = 10**18


def run_cli(*args: str, env: dict[str, str] | None = None) -> Run:
    """`megatao ARGS` in a new process, as `tests.conftest.run_cli`, through `python -m cli.referral` until cli/main.py
    registers the group (then `run_cli("referral", ...)` from conftest is the same)."""
    import os
    import subprocess
    import sys

    assert args[0] == "referral"
    result = subprocess.run(
        [sys.executable, "-m", "cli.referral", *args[1:]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )
    return Run(result.returncode, result.stdout, result.stderr)


# ---------------------------------------------------------------- codes


@pytest.mark.parametrize("text", ["ALICE_2026", "abc", "A" * 32, "x_1"])
def test_parse_code_left_aligns_upper_case(text):
    code = parse_code(text)
    assert len(code) == 32
    assert code_text(code) == text.upper()
    assert code == text.upper().encode().ljust(32, b"\0")


@pytest.mark.parametrize("text", ["ab", "A" * 33, "ALICE-1", "ALICE 1", "", "ÄBC"])
def test_parse_code_rejects_what_the_contract_rejects(text):
    with pytest.raises(InputError, match="not a referral code"):
        parse_code(text)


def test_name_bytes():
    assert name_bytes("base") == b"base".ljust(32, b"\0")
    with pytest.raises(InputError):
        name_bytes("x" * 33)


# ---------------------------------------------------------------- the referral-config proposal


def _launch():
    loaded = load_proposal(LAUNCH)
    assert loaded.proposal is not None, loaded.findings
    return loaded.proposal


def test_referral_actions_clear_the_builder_share_then_set_tiers_then_the_share():
    actions = referral_actions(_launch(), PROTOCOL)
    assert [a.signature for a in actions] == [
        "setBuilderFeeShare(uint256)",
        "setReferralTiers((bytes32,uint256,uint256,uint256)[])",
        "setBuilderFeeShare(uint256)",
    ]
    assert {a.target for a in actions} == {Web3.to_checksum_address(PROTOCOL)}
    assert all(a.value == 0 for a in actions)
    assert actions[0].calldata[:4] == Web3.keccak(text="setBuilderFeeShare(uint256)")[:4]
    assert decode(["uint256"], actions[0].calldata[4:]) == (0,)
    (tiers,) = decode(["(bytes32,uint256,uint256,uint256)[]"], actions[1].calldata[4:])
    assert tiers == ((b"base".ljust(32, b"\0"), WAD // 10, WAD // 20, 30),)
    assert decode(["uint256"], actions[2].calldata[4:]) == (WAD // 20,)
    assert "base: referrer 10%, discount 5% for 30 days" in actions[1].readable


# ---------------------------------------------------------------- CLI, offline


@pytest.mark.parametrize("command", [[], ["register"], ["bind"], ["show"], ["claim"]])
def test_every_command_help_ends_with_an_example(command):
    result = CliRunner().invoke(referral, [*command, "--help"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert any(line.strip() == "Example:" for line in lines)
    assert lines[-1].strip().startswith("megatao referral")


def test_register_rejects_a_malformed_code_before_signing():
    run = run_cli("referral", "register", "ab", "--account", "nobody")
    assert_one_line_error(run, "'ab' is not a referral code")


# ---------------------------------------------------------------- CLI on chain


@pytest.fixture(scope="module")
def referral_chain(tmp_path_factory):
    """An anvil with the devnet's chain id, the entry contract owned by devnet:0 and the referral module, one tier
    (referrer 10%, discount 5%, 30 days) and a 5% builder share."""
    from megatao.node.accounts import dev_account
    from megatao.node.anvil import AnvilProcess, free_port
    from megatao.node.networks import DEVNET_CHAIN_ID
    from megatao.node.toolchain import artifact

    base = tmp_path_factory.mktemp("referral-chain")
    anvil = AnvilProcess.launch(free_port(), base / "anvil.log", chain_id=DEVNET_CHAIN_ID)
    try:
        w3 = Web3(Web3.HTTPProvider(anvil.url))
        owner = dev_account(0)

        def send(tx):
            tx = {"from": owner.address, "nonce": w3.eth.get_transaction_count(owner.address), **tx}
            tx.setdefault("gas", 8_000_000)
            tx["chainId"] = DEVNET_CHAIN_ID
            tx["gasPrice"] = w3.eth.gas_price
            receipt = w3.eth.wait_for_transaction_receipt(
                w3.eth.send_raw_transaction(owner.sign_transaction(tx).raw_transaction)
            )
            assert receipt["status"] == 1
            return receipt

        def deploy(name, *args):
            a = artifact(name)
            factory = w3.eth.contract(abi=a["abi"], bytecode=a["bytecode"]["object"])
            return send({"data": factory.constructor(*args).build_transaction({"from": owner.address})["data"]})[
                "contractAddress"
            ]

        entry = deploy("MegaTAO", owner.address)
        module = deploy("ReferralModule")
        module_contract = w3.eth.contract(address=module, abi=artifact("ReferralModule")["abi"])
        selectors = module_contract.functions.exportedSelectors().call()
        protocol = w3.eth.contract(address=entry, abi=artifact("IMegaTAOProtocol")["abi"])
        for function in (
            protocol.functions.setModule(b"referral".ljust(32, b"\0"), module, selectors, b""),
            protocol.functions.setReferralTiers([(b"base".ljust(32, b"\0"), WAD // 10, WAD // 20, 30)]),
            protocol.functions.setBuilderFeeShare(WAD // 20),
        ):
            send({"to": entry, "data": function.build_transaction({"from": owner.address, "gas": 1})["data"]})
        yield {"url": anvil.url, "entry": entry}
    finally:
        anvil.stop()


def _record(entry: str, tmp_path: Path) -> dict[str, str]:
    """The deployment record the CLI reads, in this test's own folder."""
    deployments = tmp_path / "deployments"
    deployments.mkdir(exist_ok=True)
    record = {"schemaVersion": 1, "chainId": 31337, "network": "devnet", "contracts": {"MegaTAO": {"address": entry}}}
    (deployments / "31337.json").write_text(json.dumps(record))
    return {"MEGATAO_DEPLOYMENTS_DIR": str(deployments), "MEGATAO_STATE_DIR": str(tmp_path / "state")}


def test_cli_register_bind_show_on_chain(referral_chain, tmp_path):
    env = _record(referral_chain["entry"], tmp_path)
    url = referral_chain["url"]
    from megatao.node.accounts import dev_account

    alice, bob = dev_account(1).address, dev_account(2).address
    run = run_cli("referral", "register", "alice_2026", "--account", "devnet:1", "--rpc-url", url, env=env)
    assert run.code == 0, run.output
    assert "registered ALICE_2026" in run.stdout

    taken = run_cli("referral", "register", "ALICE_2026", "--account", "devnet:3", "--rpc-url", url, env=env)
    assert_one_line_error(taken, "belongs to", alice)

    self_bind = run_cli("referral", "bind", "ALICE_2026", "--account", "devnet:1", "--rpc-url", url, env=env)
    assert_one_line_error(self_bind, "own code")

    run = run_cli("referral", "bind", "ALICE_2026", "--account", "devnet:2", "--rpc-url", url, env=env)
    assert run.code == 0, run.output
    assert alice in run.stdout

    again = run_cli("referral", "bind", "ALICE_2026", "--account", "devnet:2", "--rpc-url", url, env=env)
    assert_one_line_error(again, "set once")

    shown = run_cli("referral", "show", bob, "--json", "--rpc-url", url, env=env)
    assert shown.code == 0, shown.output
    data = json.loads(shown.stdout)
    assert data["referrer"] == alice
    assert data["referrer_code"] == "ALICE_2026"
    assert data["discount_now"] == str(WAD // 20)
    assert data["first_trade_at"] == 0

    by_code = run_cli("referral", "show", "alice_2026", "--rpc-url", url, env=env)
    assert by_code.code == 0, by_code.output
    assert alice in by_code.stdout and "tier 0 base" in by_code.stdout

    unknown = run_cli("referral", "show", "NOBODY", "--rpc-url", url, env=env)
    assert_one_line_error(unknown, "NOBODY")

    nothing = run_cli("referral", "claim", "--account", "devnet:1", "--rpc-url", url, env=env)
    assert_one_line_error(nothing, "no referral or builder rewards")
