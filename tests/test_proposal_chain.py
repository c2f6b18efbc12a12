"""`proposal validate --network` against the devnet, and the offline encoding of proposals."""

from __future__ import annotations

import json

import pytest
from eth_abi import decode
from eth_utils import keccak

from governance.proposals.encode import Context, encode_proposal, hash_proposal, proposal_description
from governance.proposals.loader import load_proposal
from tests.conftest import ROOT

LISTING = ROOT / "proposals/examples/list-sn19.yaml"
UPDATE = ROOT / "proposals/examples/raise-chutes-oi.yaml"
PROTOCOL = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512"
#: `MarketParams` (contracts/interfaces/IMarketModule.sol), field by field.
PARAMS_TUPLE = "(uint96,uint64,uint64,uint64,uint64,uint64,uint128,uint128,uint32,uint64,uint64,uint96)"


def variant(tmp_path, source, name, *replacements):
    text = source.read_text()
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.anvil
def test_a_listing_that_the_chain_accepts(cli, shared_devnet):
    run = cli("proposal", "validate", str(LISTING), "--network", "devnet", "--json")
    assert run.code == 0, run.output
    report = json.loads(run.stdout)[0]
    assert report["ok"] and report["findings"] == []
    assert report["chain"]["readings"]["pool_tao"] == str(32_000 * 10**18)
    assert report["chain"]["block"] >= 1


@pytest.mark.anvil
def test_the_proposers_votes_and_the_quorum_are_reported(cli, shared_devnet):
    enough = cli("proposal", "validate", str(LISTING), "--network", "devnet", "--proposer", "devnet:1", "--json")
    readings = json.loads(enough.stdout)[0]["chain"]["readings"]
    assert enough.code == 0 and readings["quorum"] == str(4_000_000 * 10**18)
    assert readings["proposer_votes"] == str(1_500_000 * 10**18)
    assert readings["proposal_threshold"] == str(100_000 * 10**18)
    short = cli("proposal", "validate", str(LISTING), "--network", "devnet", "--proposer", "devnet:0")
    assert (
        short.code == 1 and "[CHAIN-PROPOSER-VOTES]" in short.stdout and "below the proposal threshold" in short.stdout
    )


@pytest.mark.anvil
def test_the_chain_rejects_a_thin_pool_and_a_listed_market(cli, tmp_path, shared_devnet):
    thin = variant(tmp_path, LISTING, "thin.yaml", ("netuid: 19 ", "netuid: 93 "), ("NINETEEN", "TINY"))
    listed = variant(tmp_path, LISTING, "dup.yaml", ("netuid: 19 ", "netuid: 64 "), ("NINETEEN", "CHUTES"))
    run = cli("proposal", "validate", str(thin), str(listed), "--network", "devnet")
    assert run.code == 1
    assert "[CHAIN-POOL-DEPTH] oracle.min_pool_tao: subnet 93's pool holds 1,500 TAO at block" in run.stdout
    assert f"{listed}:13:11: error [CHAIN-TICKER-FREE] market.ticker: ticker CHUTES is already listed" in run.stdout
    assert "[CHAIN-SUBNET-NOT-LISTED] market.netuid: subnet 64 already has a market" in run.stdout


@pytest.mark.anvil
def test_an_update_is_checked_with_the_markets_current_values(cli, tmp_path, shared_devnet):
    assert cli("proposal", "validate", str(UPDATE), "--network", "devnet").code == 0
    # 35% alone is within bounds, but the market's current 3x leverage needs MM below 33.3%.
    bad = variant(tmp_path, UPDATE, "mm.yaml", ("  # maintenance_margin: 10%", "  maintenance_margin: 35%"))
    assert cli("proposal", "validate", str(bad)).code == 0
    run = cli("proposal", "validate", str(bad), "--network", "devnet")
    assert run.code == 1 and "[CHAIN-MM-BELOW-INVERSE-LEVERAGE]" in run.stdout
    # A depth cap of 0 is for index markets only, and an index market takes no other: the chain knows the kind.
    no_cap = variant(tmp_path, UPDATE, "zero.yaml", ("oi_depth_ratio: 15%", "oi_depth_ratio: 0%"))
    assert cli("proposal", "validate", str(no_cap)).code == 0
    run = cli("proposal", "validate", str(no_cap), "--network", "devnet")
    assert run.code == 1
    assert (
        "[CHAIN-OI-DEPTH-RATIO-BOUNDS] market.oi_depth_ratio: found 0%, expected 0.1%..50% for an alpha" in run.stdout
    )
    index = variant(
        tmp_path, UPDATE, "index.yaml", ("ticker: CHUTES", "ticker: MTSOS"), ('"20000 TAO"', '"25000 TAO"'),
        ("oi_depth_ratio: 15%", "oi_depth_ratio: 5%"),
    )  # fmt: skip
    run = cli("proposal", "validate", str(index), "--network", "devnet")
    assert run.code == 1
    assert "[CHAIN-OI-DEPTH-RATIO-BOUNDS] market.oi_depth_ratio: found 5%, expected 0: MTSOS is an index" in run.stdout
    without = variant(
        tmp_path, UPDATE, "index-ok.yaml", ("ticker: CHUTES", "ticker: MTSOS"), ("  oi_depth_ratio", "  # x")
    )
    assert cli("proposal", "validate", str(without), "--network", "devnet").code == 0
    unknown = variant(tmp_path, UPDATE, "unknown.yaml", ("ticker: CHUTES", "ticker: NOPE"))
    assert (
        "[CHAIN-MARKET-LISTED] market.ticker: no market 'NOPE'"
        in cli("proposal", "validate", str(unknown), "--network", "devnet").stdout
    )


def test_encoding_a_listing_offline():
    proposal = load_proposal(LISTING).proposal
    encoded = encode_proposal(proposal, Context(protocol=PROTOCOL))
    assert encoded.targets == [PROTOCOL] and encoded.values == [0]
    assert encoded.actions[0].signature == f"listMarket((string,uint8,uint16,address,{PARAMS_TUPLE}))"
    (listing,) = decode([f"(string,uint8,uint16,address,{PARAMS_TUPLE})"], encoded.calldatas[0][4:])
    assert listing[0] == "NINETEEN" and listing[2] == 19
    assert listing[4] == (
        3 * 10**18,  # max leverage
        10**17,  # maintenance margin
        5 * 10**16,  # partial-liquidation band
        25 * 10**14,  # taker fee
        0,  # maker fee
        75 * 10**14,  # max funding rate per 8 h
        1500 * 10**18,  # max open interest per side
        10_000 * 10**18,  # liquidity threshold (the oracle block's min_pool_tao)
        600,  # reference period, seconds
        5 * 10**16,  # divergence limit
        5 * 10**16,  # depth cap ratio
        10**18,  # depth factor
    )
    assert encoded.description == proposal_description(proposal)
    assert encoded.description.startswith("# List SN19 alpha perp\n\n")
    assert encoded.description_hash == keccak(text=encoded.description)
    assert encoded.proposal_id == hash_proposal(
        encoded.targets, encoded.values, encoded.calldatas, encoded.description_hash
    )
    assert encoded.timelock_operation_id is None  # needs the governor's address


def test_an_update_encodes_the_merged_parameters_and_the_status(tmp_path):
    path = variant(
        tmp_path,
        UPDATE,
        "u.yaml",
        ("  # status: active              # active | reduce-only | delisted", "  status: reduce-only"),
    )
    proposal = load_proposal(path).proposal
    current = (
        3 * 10**18,
        10**17,
        5 * 10**16,
        25 * 10**14,
        0,
        75 * 10**14,
        15_000 * 10**18,
        10_000 * 10**18,
        600,
        5 * 10**16,
        5 * 10**16,
        10**18,
    )
    market_id = b"\x11" * 32
    ctx = Context(protocol=PROTOCOL, current_params={"CHUTES": current}, market_ids={"CHUTES": market_id})
    encoded = encode_proposal(proposal, ctx)
    assert [a.signature.split("(")[0] for a in encoded.actions] == ["updateMarketParams", "setMarketStatus"]
    _, params = decode(["bytes32", PARAMS_TUPLE], encoded.calldatas[0][4:])
    # The file's max open interest and depth cap ratio; every other field the market's current value.
    assert params == (*current[:6], 20_000 * 10**18, current[7], current[8], current[9], 15 * 10**16, current[11])
    assert decode(["bytes32", "uint8"], encoded.calldatas[1][4:]) == (market_id, 2)


def test_protocol_params_encode_one_setter_per_group_keeping_current_values():
    from governance.proposals.models import ProtocolParams

    proposal = ProtocolParams.model_validate(
        {"version": 1, "kind": "protocol-params", "title": "t", "description": "d",
         "circuit_breaker_utilization": "95%", "collateral_cap_total": "1000000 TAO", "insurance_fee_share": "12%"}
    )  # fmt: skip
    current = {"max_utilization_for_increase": 8 * 10**17, "circuit_breaker_utilization": 9 * 10**17,
               "collateral_cap_per_account": 10**21, "collateral_cap_total": 10**24}  # fmt: skip
    encoded = encode_proposal(proposal, Context(protocol=PROTOCOL, protocol_params=current))
    names = [a.signature.split("(")[0] for a in encoded.actions]
    assert names == ["setTradingFeeSplit", "setUtilizationLimits", "setCollateralCaps"]
    assert decode(["uint256", "uint256"], encoded.calldatas[1][4:]) == (8 * 10**17, 95 * 10**16)
    assert decode(["uint256", "uint256"], encoded.calldatas[2][4:]) == (10**21, 10**6 * 10**18)


@pytest.mark.anvil
def test_referral_shares_are_checked_with_the_insurance_share_on_chain(cli, tmp_path, shared_devnet):
    example = ROOT / "proposals/examples/referral-launch.yaml"
    assert cli("proposal", "validate", str(example), "--network", "devnet").code == 0
    # 50% + 40% + 5% is within 100% offline, but the insurance fund's 10% of every fee makes it 105%.
    greedy = variant(
        tmp_path, example, "greedy.yaml", ("referrer_share: 10%", "referrer_share: 50%"),
        ("referee_discount: 5% ", "referee_discount: 40% "),
    )  # fmt: skip
    assert cli("proposal", "validate", str(greedy)).code == 0
    run = cli("proposal", "validate", str(greedy), "--network", "devnet")
    assert run.code == 1 and "[CHAIN-FEE-SHARES-SUM]" in run.stdout and "105%" in run.stdout


TIMELOCK = "0x" + "7a" * 20
ORACLE = "0x" + "0c" * 20
GOVERNOR = "0x" + "90" * 20


def _protocol_params(**keys) -> object:
    from governance.proposals.models import ProtocolParams

    return ProtocolParams.model_validate(
        {"version": 1, "kind": "protocol-params", "title": "t", "description": "d"} | keys
    )


def test_risk_oracle_pause_elapsed_and_upgrade_delay_encode_argument_by_argument_on_their_contracts():
    from eth_utils import to_checksum_address

    proposal = _protocol_params(
        max_pnl_factor="25%", min_margin="0.2 TAO", settle_after="2h", max_pause="5d", mtsos_max_elapsed="2h",
        upgrade_delay="12d",
    )  # fmt: skip
    # The values the file leaves out of a setter keep the deployment's current ones.
    current = {"min_margin": 10**17, "min_keeper_fee": 10**16, "max_pnl_factor": 3 * 10**17,
               "max_profit_multiple": 9 * 10**18, "settle_after": 3600, "index_max_age": 900}  # fmt: skip
    ctx = Context(protocol=PROTOCOL, protocol_params=current, index_oracle=ORACLE, timelock=TIMELOCK)
    encoded = encode_proposal(proposal, ctx)
    assert [a.signature for a in encoded.actions] == [
        "setRiskParams(uint256,uint256,uint256,uint256)",
        "setOracleParams(uint256,uint256)",
        "setMaxPause(uint256)",
        "setMaxElapsed(uint256)",
        "setUpgradeDelay(uint256)",
    ]
    assert encoded.targets == [PROTOCOL] * 3 + [to_checksum_address(ORACLE), to_checksum_address(TIMELOCK)]
    args = [a.calldata[4:] for a in encoded.actions]
    # setRiskParams(minMargin, minKeeperFee, maxPnlFactor, maxProfitMultiple)
    assert decode(["uint256"] * 4, args[0]) == (2 * 10**17, 10**16, 25 * 10**16, 9 * 10**18)
    # setOracleParams(settleAfter, indexMaxAge)
    assert decode(["uint256"] * 2, args[1]) == (7200, 900)
    assert decode(["uint256"], args[2]) == (5 * 86_400,)
    assert decode(["uint256"], args[3]) == (7200,)
    assert decode(["uint256"], args[4]) == (12 * 86_400,)
    assert [a.calldata[:4] for a in encoded.actions] == [keccak(text=a.signature)[:4] for a in encoded.actions]


def test_a_setter_on_a_contract_the_deployment_lacks_is_a_one_line_error():
    from megatao.core.errors import InputError

    with pytest.raises(InputError, match="^the proposal calls the MegaTAOTimelock, and the deployment records none$"):
        encode_proposal(_protocol_params(upgrade_delay="12d"), Context(protocol=PROTOCOL))


def test_guardians_encode_set_guardian_then_the_proposal_guardian_then_unpause():
    from governance.proposals.models import Guardians

    proposal = Guardians.model_validate(
        {"version": 1, "kind": "guardians", "title": "t", "description": "d", "unpause_opens": True,
         "pause_guardian": "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955", "proposal_guardian": "none"}
    )  # fmt: skip
    encoded = encode_proposal(proposal, Context(protocol=PROTOCOL, governor=GOVERNOR))
    assert [a.signature for a in encoded.actions] == [
        "setGuardian(address)", "setProposalGuardian(address)", "unpauseOpens()",
    ]  # fmt: skip
    assert [a.target.lower() for a in encoded.actions] == [PROTOCOL.lower(), GOVERNOR, PROTOCOL.lower()]
    assert decode(["address"], encoded.calldatas[0][4:]) == ("0x14dc79964da2c08b23698b3d3cc7ca32193d9955",)
    assert decode(["address"], encoded.calldatas[1][4:]) == ("0x" + "0" * 40,)
    assert encoded.calldatas[2] == keccak(text="unpauseOpens()")[:4]


@pytest.mark.anvil
def test_the_chain_checks_the_upgrade_delay_against_the_lp_exit_and_the_min_margin_against_the_keeper_fee(
    cli, tmp_path, shared_devnet
):
    example = ROOT / "proposals/examples/upgrade-delay.yaml"
    run = cli("proposal", "validate", str(example), "--network", "devnet", "--json")
    assert run.code == 0, run.output
    assert json.loads(run.stdout)[0]["chain"]["readings"]["longest_lp_exit"] == 9 * 86_400 - 1
    short = variant(tmp_path, example, "short.yaml", ("upgrade_delay: 12d", "upgrade_delay: 8d"))
    assert cli("proposal", "validate", str(short)).code == 0  # within 1d..60d
    run = cli("proposal", "validate", str(short), "--network", "devnet")
    assert run.code == 1
    assert (
        "error [CHAIN-UPGRADE-DELAY-LONGER-THAN-LP-EXIT] upgrade_delay: found 8d, expected longer than the "
        "protocol's longest LP exit (8d23h59m59s, 777,599 s)" in run.stdout
    )
    margin = variant(tmp_path, example, "margin.yaml", ("upgrade_delay: 12d", 'min_margin: "0.005 TAO"'))
    run = cli("proposal", "validate", str(margin), "--network", "devnet")
    assert (
        run.code == 1 and "[CHAIN-MIN-MARGIN-AT-LEAST-KEEPER-FEE] min_margin: the min margin 0.0050 TAO" in run.stdout
    )


@pytest.mark.anvil
def test_the_chain_checks_that_the_guardians_stay_distinct_and_the_proposal_is_guardian_proof(
    cli, tmp_path, shared_devnet
):
    example = ROOT / "proposals/examples/rotate-guardians.yaml"
    run = cli("proposal", "validate", str(example), "--network", "devnet", "--json")
    assert run.code == 0, run.output
    readings = json.loads(run.stdout)[0]["chain"]["readings"]
    assert readings["guardian_proof"] is True
    assert readings["proposal_guardian"] == "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f"  # devnet account 8
    # Only the pause guardian, to the current proposal guardian's key: the execution would revert.
    clash = variant(
        tmp_path, example, "clash.yaml",
        ('"0x14dC79964da2C08b23698B3D3cc7Ca32193d9955"', '"0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f"'),
        ('proposal_guardian: "0x976EA74026E726554dB657fA54763abd0C3a0aa9"', "unpause_opens: true"),
    )  # fmt: skip
    assert cli("proposal", "validate", str(clash)).code == 0
    run = cli("proposal", "validate", str(clash), "--network", "devnet")
    assert run.code == 1
    assert (
        "error [CHAIN-GUARDIANS-DISTINCT] pause_guardian: after the execution "
        "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f would be both the pause guardian and the proposal guardian"
        in run.stdout
    )


@pytest.mark.anvil
def test_the_chain_refuses_an_lp_schedule_whose_exit_outlasts_the_upgrade_delay(cli, tmp_path, shared_devnet):
    example = ROOT / "proposals/examples/lp-window-q1.yaml"
    run = cli("proposal", "validate", str(example), "--network", "devnet", "--json")
    assert run.code == 0, run.output
    readings = json.loads(run.stdout)[0]["chain"]["readings"]
    assert (readings["upgrade_delay"], readings["longest_lp_exit_after"]) == (9 * 86_400, 9 * 86_400 - 1)
    # 14-day epochs: an exit takes up to 14 days + the 48 h window, longer than the 9-day upgrade delay.
    long = variant(tmp_path, example, "long.yaml", ("epoch_length: 7d", "epoch_length: 14d"))
    assert cli("proposal", "validate", str(long)).code == 0
    run = cli("proposal", "validate", str(long), "--network", "devnet")
    assert run.code == 1
    assert (
        "error [CHAIN-LP-EXIT-SHORTER-THAN-UPGRADE-DELAY] withdraw_window: the longest LP exit would be 15d23h59m59s "
        "(epoch 14d + withdrawal window - 1 s), expected shorter than the upgrade delay (9d)" in run.stdout
    )
