"""The main job on the devnet: a listing proposal validated, submitted, voted by signed ballots relayed by anyone,
queued and executed; checked through the CLI and independently with `cast call`."""

from __future__ import annotations

import json
import subprocess

import pytest

from megatao.clients.markets import alpha_market_id
from megatao.node.accounts import dev_account
from megatao.node.deployments import read_deployment
from megatao.node.toolchain import foundry_binary
from tests.conftest import ROOT, assert_one_line_error

pytestmark = pytest.mark.anvil
LISTING = ROOT / "proposals/examples/list-sn19.yaml"
#: `MarketParams` (contracts/interfaces/IMarketModule.sol), field by field.
PARAMS_TUPLE = "(uint96,uint64,uint64,uint64,uint64,uint64,uint128,uint128,uint32,uint64,uint64,uint96)"


def cast(*args: str) -> str:
    result = subprocess.run([str(foundry_binary("cast")), *args], capture_output=True, text=True, check=True)
    return result.stdout.strip()


def contracts() -> dict:
    return read_deployment(31337)["contracts"]


def ok(run):
    assert run.code == 0, run.output
    return run


def test_a_listing_goes_the_whole_way_with_relayed_ballots(cli, shared_devnet, tmp_path):
    assert ok(cli("proposal", "validate", str(LISTING), "--network", "devnet"))
    encoded = json.loads(ok(cli("proposal", "encode", str(LISTING), "--json")).stdout)
    submitted = json.loads(ok(cli("proposal", "submit", str(LISTING), "--account", "devnet:1", "--json")).stdout)
    assert submitted["sent"] and submitted["state"] == "Pending"
    assert submitted["proposal_id"] == encoded["proposal_id"]
    again = json.loads(ok(cli("proposal", "submit", str(LISTING), "--account", "devnet:1", "--json")).stdout)
    assert not again["sent"]

    # The offline id is the Governor's hashProposal.
    governor = contracts()["MegaTAOGovernor"]["address"]
    targets = "[" + ",".join(a["target"] for a in encoded["actions"]) + "]"
    calldatas = "[" + ",".join(a["calldata"] for a in encoded["actions"]) + "]"
    on_chain_id = cast(
        "call", governor, "hashProposal(address[],uint256[],bytes[],bytes32)(uint256)",
        targets, "[0]", calldatas, encoded["description_hash"], "--rpc-url", shared_devnet.rpc_url,
    )  # fmt: skip
    assert on_chain_id.split()[0] == encoded["proposal_id"]

    early = cli("proposal", "queue", str(LISTING), "--account", "devnet:1")
    assert_one_line_error(early, "voting has not started; it opens at", code=1)
    ok(cli("devnet", "advance", "1d1s"))

    ballots = []
    for voter in (2, 3, 4):
        path = tmp_path / f"voter{voter}.ballot.json"
        ok(cli("vote", "sign", str(LISTING), "for", "--account", f"devnet:{voter}", "-o", str(path)))
        ballots.append(str(path))
    relayed = ok(cli("vote", "relay", *ballots, "--account", "devnet:0"))
    assert relayed.stdout.count(": counted for from ") == 3
    twice = cli("vote", "relay", ballots[0], "--account", "devnet:0")
    assert twice.code == 1 and "refused: the voter has voted already" in twice.stdout

    status = json.loads(ok(cli("proposal", "status", encoded["proposal_id"], "--json")).stdout)
    assert status["state"] == "Active" and status["quorum_reached"]
    assert int(status["votes"]["for"]) == 3 * 1_500_000 * 10**18

    ok(cli("devnet", "advance", "5d"))
    ok(cli("proposal", "queue", encoded["proposal_id"], "--account", "devnet:5"))
    early = cli("proposal", "execute", str(LISTING), "--account", "devnet:5")
    assert early.code == 1 and "the timelock delay ends at" in early.stderr
    ok(cli("devnet", "advance", "2d"))
    ok(cli("proposal", "execute", str(LISTING), "--account", "devnet:5"))

    # The chain holds what the file says: through the CLI, and independently with cast.
    shown = json.loads(ok(cli("market", "show", "NINETEEN", "--json")).stdout)
    assert shown["status"] == "active" and shown["netuid"] == 19
    assert shown["params"]["max_open_interest"] == str(1500 * 10**18)
    assert shown["params"]["min_pool_tao"] == str(10_000 * 10**18)
    protocol = contracts()["MegaTAO"]["address"]
    raw = cast(
        "call", protocol, f"marketParams(bytes32)({PARAMS_TUPLE})", "0x" + alpha_market_id(19).hex(),
        "--rpc-url", shared_devnet.rpc_url,
    )  # fmt: skip
    numbers = [int(part.split()[0]) for part in raw.strip("()").split(", ")]
    assert numbers == [
        3 * 10**18, 10**17, 5 * 10**16, 25 * 10**14, 0, 75 * 10**14, 1500 * 10**18, 10**22,
        600, 5 * 10**16, 5 * 10**16, 10**18,
    ]  # fmt: skip

    # And the new market trades.
    opened = ok(cli("trade", "open", "NINETEEN", "long", "--margin", "2", "--leverage", "3x", "--account", "devnet:6"))
    assert "NINETEEN long" in opened.stdout


def test_a_ballot_signed_by_the_cli_is_what_cast_signs(cli, shared_devnet, tmp_path):
    ok(cli("proposal", "submit", str(LISTING), "--account", "devnet:1"))
    path = tmp_path / "ballot.json"
    ok(cli("vote", "sign", str(LISTING), "against", "--account", "devnet:6", "-o", str(path)))
    ballot = json.loads(path.read_text())
    typed = tmp_path / "typed.json"
    typed.write_text(json.dumps(ballot["typedData"]))
    signature = cast(
        "wallet", "sign", "--data", "--from-file", str(typed), "--private-key", "0x" + dev_account(6).key.hex()
    )
    assert signature == ballot["signature"]
    # ... and castVoteBySig counts it once voting opens.
    ok(cli("devnet", "advance", "1d1s"))
    relayed = ok(cli("vote", "relay", str(path), "--account", "devnet:0"))
    assert "counted against" in relayed.stdout


def test_a_defeated_proposal_says_why(cli, shared_devnet):
    ok(cli("proposal", "submit", str(LISTING), "--account", "devnet:1"))
    ok(cli("devnet", "advance", "1d1s"))
    ok(cli("vote", "cast", str(LISTING), "for", "--account", "devnet:2"))
    ok(cli("devnet", "advance", "5d"))
    run = cli("proposal", "queue", str(LISTING), "--account", "devnet:1")
    assert run.code == 1 and "it was defeated: quorum not reached (2,500,000 MEGA missing)" in run.stderr


def test_a_proposer_below_the_threshold_is_refused_before_sending(cli, shared_devnet):
    run = cli("proposal", "submit", str(LISTING), "--account", "devnet:0")  # the treasury holds MEGA undelegated
    assert run.code == 1 and "below the proposal threshold of 100,000" in run.stderr


def test_a_file_that_does_not_validate_is_never_sent(cli, shared_devnet, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(LISTING.read_text().replace("maker_fee: 0%", "maker_fee: 1%"))
    run = cli("proposal", "submit", str(bad), "--account", "devnet:1")
    assert run.code == 1 and "[MAKER-AT-MOST-TAKER]" in run.stderr and "nothing was sent" in run.stderr


def test_relay_refuses_a_forged_ballot(cli, shared_devnet, tmp_path):
    ok(cli("proposal", "submit", str(LISTING), "--account", "devnet:1"))
    ok(cli("devnet", "advance", "1d1s"))
    path = tmp_path / "ballot.json"
    ok(cli("vote", "sign", str(LISTING), "for", "--account", "devnet:7", "-o", str(path)))
    ballot = json.loads(path.read_text())
    ballot["voter"] = dev_account(8).address  # claims another voter's power
    path.write_text(json.dumps(ballot))
    run = cli("vote", "relay", str(path), "--account", "devnet:0")
    # The signature was over another voter's ballot, so it recovers to some other address than the one claimed.
    assert run.code == 1 and "refused: the signature is by 0x" in run.stdout
    assert f"not the voter {dev_account(8).address}" in run.stdout


def test_unknown_proposal_and_bad_reference(cli, shared_devnet):
    assert_one_line_error(cli("proposal", "status", "12345"), "no proposal 12345")
    assert_one_line_error(cli("proposal", "status", "nope"), "'nope' is neither a proposal file nor a proposal id")


def pass_proposal(cli, path) -> dict:
    """Submit, three EIP-712 ballots signed by the voters and relayed by another account, wait, queue, wait,
    execute, in process through the library the CLI calls (the listing test runs the same through the CLI);
    returns the final status, read through the CLI."""
    from governance.governor import Governance, proposal_from_encoded
    from governance.proposals.loader import load_proposal
    from megatao.devnet.devnet import advance
    from megatao.node.chain import Chain
    from megatao.node.networks import resolve_endpoint

    gov = Governance(Chain(resolve_endpoint("devnet")))
    proposal = load_proposal(path).proposal
    implementations = gov.deploy_implementations(proposal, dev_account(1)) if proposal.kind == "upgrade" else None
    encoded = gov.encode(proposal, implementations)
    gov.submit(encoded, dev_account(1))
    advance(86401)
    for voter in (2, 3, 4):
        ballot = gov.sign_ballot(encoded.proposal_id, "for", dev_account(voter))
        assert gov.preflight(ballot)[0] is None
        gov.relay(ballot, dev_account(0))
    advance(5 * 86400)
    onchain = proposal_from_encoded(encoded)
    queued = gov.queue(onchain, dev_account(1))
    advance(queued.eta - queued.now)  # 2 days; 9 for a proposal with an upgrade call (the timelock's upgrade delay)
    gov.execute(onchain, dev_account(1))
    # The file names the executed proposal, through the CLI too.
    return json.loads(ok(cli("proposal", "status", str(path), "--json")).stdout)


def call(rpc_url: str, signature: str, *args: str) -> list[int]:
    raw = cast("call", contracts()["MegaTAO"]["address"], signature, *args, "--rpc-url", rpc_url)
    return [int(line.split()[0]) for line in raw.splitlines()]


def test_a_market_update_goes_the_whole_way(cli, shared_devnet):
    path = ROOT / "proposals/examples/raise-chutes-oi.yaml"
    assert pass_proposal(cli, path)["state"] == "Executed"
    shown = json.loads(ok(cli("market", "show", "CHUTES", "--json")).stdout)
    assert shown["params"]["max_open_interest"] == str(20_000 * 10**18)
    raw = cast(
        "call", contracts()["MegaTAO"]["address"], f"marketParams(bytes32)({PARAMS_TUPLE})",
        "0x" + alpha_market_id(64).hex(), "--rpc-url", shared_devnet.rpc_url,
    )  # fmt: skip
    numbers = [int(part.split()[0]) for part in raw.strip("()").split(", ")]
    assert (numbers[6], numbers[10]) == (20_000 * 10**18, 15 * 10**16)  # max OI per side, depth cap ratio


def test_protocol_params_go_the_whole_way(cli, shared_devnet):
    path = ROOT / "proposals/examples/liquidation-split.yaml"
    assert pass_proposal(cli, path)["state"] == "Executed"
    fee, keeper, insurance, vault = call(shared_devnet.rpc_url, "liquidationParams()(uint256,uint256,uint256,uint256)")
    assert (fee, keeper, insurance, vault) == (6 * 10**16, 3 * 10**17, 25 * 10**16, 45 * 10**16)


def test_risk_oracle_pause_and_elapsed_params_go_the_whole_way(cli, shared_devnet):
    path = ROOT / "proposals/examples/risk-limits.yaml"
    assert pass_proposal(cli, path)["state"] == "Executed"
    risk = call(shared_devnet.rpc_url, "riskParams()(uint256,uint256,uint256,uint256)")
    assert risk == [2 * 10**17, 2 * 10**16, 25 * 10**16, 8 * 10**18]
    assert call(shared_devnet.rpc_url, "oracleParams()(uint256,uint256)") == [7200, 1800]
    assert call(shared_devnet.rpc_url, "maxPause()(uint256)") == [5 * 86400]
    oracle = contracts()["MtsosOracle"]["address"]
    assert cast("call", oracle, "maxElapsed()(uint256)", "--rpc-url", shared_devnet.rpc_url).split()[0] == "7200"


def test_the_upgrade_delay_goes_the_whole_way_waiting_the_upgrade_delay(cli, shared_devnet):
    path = ROOT / "proposals/examples/upgrade-delay.yaml"
    status = pass_proposal(cli, path)
    assert status["state"] == "Executed"
    timelock = contracts()["MegaTAOTimelock"]["address"]
    delay = cast("call", timelock, "upgradeDelay()(uint256)", "--rpc-url", shared_devnet.rpc_url)
    assert int(delay.split()[0]) == 12 * 86400


def test_guardians_go_the_whole_way(cli, shared_devnet):
    path = ROOT / "proposals/examples/rotate-guardians.yaml"
    assert pass_proposal(cli, path)["state"] == "Executed"
    guardian = cast(
        "call", contracts()["MegaTAO"]["address"], "guardian()(address)", "--rpc-url", shared_devnet.rpc_url
    )
    governor = contracts()["MegaTAOGovernor"]["address"]
    veto = cast("call", governor, "proposalGuardian()(address)", "--rpc-url", shared_devnet.rpc_url)
    assert (guardian, veto) == (dev_account(7).address, dev_account(6).address)


def test_an_upgrade_deploys_its_implementation_and_swaps_the_module(cli, shared_devnet):
    path = ROOT / "proposals/examples/oracle-module-v2.yaml"
    before = cast("call", contracts()["MegaTAO"]["address"], "moduleImplementation(bytes32)(address)",
                  "0x" + b"oracle".ljust(32, b"\0").hex(), "--rpc-url", shared_devnet.rpc_url)  # fmt: skip
    assert pass_proposal(cli, path)["state"] == "Executed"
    after = cast("call", contracts()["MegaTAO"]["address"], "moduleImplementation(bytes32)(address)",
                 "0x" + b"oracle".ljust(32, b"\0").hex(), "--rpc-url", shared_devnet.rpc_url)  # fmt: skip
    assert after != before
    # The swapped module serves as before: prices read through it.
    assert json.loads(ok(cli("market", "show", "CHUTES", "--json")).stdout)["price"] == str(80_000_000_000_000_000)


def test_an_lp_window_proposal_goes_the_whole_way(cli, shared_devnet):
    path = ROOT / "proposals/examples/lp-window-q1.yaml"
    assert pass_proposal(cli, path)["state"] == "Executed"
    # The new schedule is in force from the next epoch boundary; the caps at once.
    signature = "epochSchedule()((" + ",".join(["uint256"] * 8) + "))"
    raw = cast("call", contracts()["MegaTAO"]["address"], signature, "--rpc-url", shared_devnet.rpc_url)
    schedule = [int(part.split()[0]) for part in raw.strip("()").split(", ")]
    assert schedule[3:6] == [7 * 86400, 48 * 3600, 48 * 3600]
    status = json.loads(ok(cli("lp", "status", "--address", dev_account(1).address, "--json")).stdout)
    assert status["account_deposit_cap"] == str(1000 * 10**18) and status["global_deposit_cap"] == str(100_000 * 10**18)


def test_a_referral_config_goes_the_whole_way(cli, shared_devnet):
    path = ROOT / "proposals/examples/referral-launch.yaml"
    assert pass_proposal(cli, path)["state"] == "Executed"
    (share,) = call(shared_devnet.rpc_url, "builderFeeShare()(uint256)")
    assert share == 5 * 10**16
