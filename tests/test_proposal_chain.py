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
    assert report["chain"]["readings"]["poolTao"] == 32_000 * 10**18
    assert report["chain"]["block"] >= 1


@pytest.mark.anvil
def test_the_proposers_votes_and_the_quorum_are_reported(cli, shared_devnet):
    enough = cli("proposal", "validate", str(LISTING), "--network", "devnet", "--proposer", "devnet:1", "--json")
    readings = json.loads(enough.stdout)[0]["chain"]["readings"]
    assert enough.code == 0 and readings["quorum"] == 4_000_000 * 10**18
    assert readings["proposerVotes"] == 1_500_000 * 10**18 and readings["proposalThreshold"] == 100_000 * 10**18
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
