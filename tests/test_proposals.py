"""Proposal files: schema errors at file:line:column, semantic rules by id, templates, examples and the JSON Schema."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from cli.main import cli as root
from governance.proposals import bounds
from governance.proposals.models import KINDS
from governance.proposals.rules import RULES
from governance.proposals.schema import SCHEMA_PATH, proposal_schema, schema_text
from governance.proposals.validate import validate_file
from tests.conftest import ROOT, assert_one_line_error

EXAMPLES = sorted((ROOT / "proposals" / "examples").glob("*.yaml"))
TEMPLATES = sorted((ROOT / "proposals" / "templates").glob("*.yaml"))
LISTING = (ROOT / "proposals" / "templates" / "market-listing.yaml").read_text()


def write(tmp_path: Path, text: str, name: str = "p.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def findings(tmp_path: Path, text: str) -> list:
    return validate_file(write(tmp_path, text)).findings


@pytest.mark.parametrize("path", EXAMPLES + TEMPLATES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_example_and_template_validates(path):
    loaded = validate_file(path)
    assert loaded.ok, [f.format(path.name) for f in loaded.findings]


def test_there_is_an_example_and_a_template_of_every_kind():
    for files in (EXAMPLES, TEMPLATES):
        assert {yaml.safe_load(p.read_text())["kind"] for p in files} == set(KINDS)


def test_schema_errors_name_line_column_key_found_expected_and_hint(tmp_path):
    text = LISTING.replace("ticker: NINETEEN", "ticker: nineteen").replace("max_leverage: 3x", "max_leverage: 3y")
    text = text.replace("divergence_limit: 5%", "divergence_limt: 5%")
    found = {f.path: f for f in findings(tmp_path, text)}
    ticker = found["market.ticker"]
    assert (ticker.line, ticker.column) == (10, 11)
    assert "found 'nineteen', expected 2-12 upper-case letters or digits" in ticker.message
    assert ticker.hint == "write it in upper case: 'NINETEEN'"
    leverage = found["market.max_leverage"]
    assert leverage.line == 12 and "leverage '3y' is not a leverage" in leverage.message
    unknown = found["market.divergence_limt"]
    assert unknown.message == "unknown key 'divergence_limt'" and unknown.hint == "did you mean 'divergence_limit'?"
    missing = found["market.divergence_limit"]
    assert missing.message == "missing required key 'divergence_limit'" and missing.line == 9  # the `market:` line


@pytest.mark.parametrize(
    ("text", "rule", "fragment"),
    [
        ("version: 1\nkind: market-lisitng\n", "SCHEMA", "did you mean 'market-listing'"),
        ("version: 1\ntitle: x\n", "SCHEMA", "missing required key 'kind'"),
        ("", "SCHEMA", "found an empty file"),
        ("- 1\n- 2\n", "SCHEMA", "found a list"),
        ("version: 1\nkind: lp-window\nkind: lp-window\n", "YAML", "key 'kind' appears twice (first on line 2)"),
        ("version: 1\nkind: [lp-window\n", "YAML", ""),
    ],
)
def test_broken_documents_are_findings_not_exceptions(tmp_path, text, rule, fragment):
    result = findings(tmp_path, text)
    assert result and result[0].rule == rule
    assert fragment in result[0].message + " " + result[0].hint


def _listing(**changes: str) -> str:
    text = LISTING
    for key, value in changes.items():
        text = re.sub(rf"(\n  {key}: )[^\n#]*", rf"\g<1>{value} ", text, count=1)
    return text


@pytest.mark.parametrize(
    ("changes", "rule", "path"),
    [
        ({"maintenance_margin": "40%"}, "MM-BELOW-INVERSE-LEVERAGE", "market.maintenance_margin"),
        ({"maker_fee": "0.3%"}, "MAKER-AT-MOST-TAKER", "market.maker_fee"),
        ({"max_leverage": "25x", "maintenance_margin": "2%"}, "LEVERAGE-BOUNDS", "market.max_leverage"),
        ({"maintenance_margin": "0.5%"}, "MM-BOUNDS", "market.maintenance_margin"),
        ({"partial_liquidation_band": "11%"}, "LIQ-BAND-BOUNDS", "market.partial_liquidation_band"),
        ({"taker_fee": "1.5%", "maker_fee": "0%"}, "TAKER-FEE-BOUNDS", "market.taker_fee"),
        ({"max_funding_rate_8h": "3%"}, "FUNDING-BOUNDS", "market.max_funding_rate_8h"),
        ({"reference_period": "30s"}, "REFERENCE-PERIOD-BOUNDS", "market.reference_period"),
        ({"reference_period": "2d"}, "REFERENCE-PERIOD-BOUNDS", "market.reference_period"),
        ({"divergence_limit": "0.4%"}, "DIVERGENCE-LIMIT-BOUNDS", "market.divergence_limit"),
        ({"divergence_limit": "26%"}, "DIVERGENCE-LIMIT-BOUNDS", "market.divergence_limit"),
        ({"oi_depth_ratio": "0.05%"}, "OI-DEPTH-RATIO-BOUNDS", "market.oi_depth_ratio"),
        ({"oi_depth_ratio": "51%"}, "OI-DEPTH-RATIO-BOUNDS", "market.oi_depth_ratio"),
        ({"oi_depth_ratio": "0%"}, "OI-DEPTH-RATIO-BOUNDS", "market.oi_depth_ratio"),
        ({"depth_factor": "0.09x"}, "DEPTH-FACTOR-BOUNDS", "market.depth_factor"),
        ({"depth_factor": "101x"}, "DEPTH-FACTOR-BOUNDS", "market.depth_factor"),
        ({"max_open_interest": '"0 TAO"'}, "OPEN-INTEREST-POSITIVE", "market.max_open_interest"),
        ({"min_pool_tao": "0"}, "ORACLE-MATCHES-MARKET", "oracle.min_pool_tao"),
    ],
)
def test_market_rules(tmp_path, changes, rule, path):
    result = findings(tmp_path, _listing(**changes))
    assert [(f.rule, f.path) for f in result] == [(rule, path)], [f.format("p") for f in result]


def _index_listing() -> str:
    """The listing template as an index listing: no netuid, no liquidity threshold, no depth cap."""
    text = LISTING.replace("source: alpha-precompile", "source: mtsos-ema").replace('  min_pool_tao: "10000 TAO"', "")
    text = re.sub(r"\n  netuid: [^\n]*", "", text)
    return re.sub(r"\n  oi_depth_ratio: [^\n]*\n +#[^\n]*", "", text)


def test_an_index_listing_names_no_netuid(tmp_path):
    assert findings(tmp_path, _index_listing()) == []
    text = _index_listing().replace("  ticker: NINETEEN", "  ticker: NINETEEN\n  netuid: 19")
    assert [(f.rule, f.path) for f in findings(tmp_path, text)] == [("ORACLE-MATCHES-MARKET", "market.netuid")]


def test_index_markets_take_no_depth_cap_and_alpha_markets_need_one(tmp_path):
    index = _index_listing().replace("  depth_factor: 1x", "  oi_depth_ratio: 5%\n  depth_factor: 1x")
    (found,) = findings(tmp_path, index)
    assert (found.rule, found.path, found.line) == ("OI-DEPTH-RATIO-BOUNDS", "market.oi_depth_ratio", 20)
    assert found.message == "found 5%, expected 0 or no key: index markets take 0 (they have no pool)"
    assert found.hint == "remove oi_depth_ratio"
    zero = _index_listing().replace("  depth_factor: 1x", "  oi_depth_ratio: 0%\n  depth_factor: 1x")
    assert findings(tmp_path, zero) == []
    alpha = re.sub(r"\n  oi_depth_ratio: [^\n]*\n +#[^\n]*", "", LISTING)
    (missing,) = findings(tmp_path, alpha)
    assert (missing.rule, missing.path) == ("OI-DEPTH-RATIO-BOUNDS", "market")
    assert missing.message == "missing key 'oi_depth_ratio' for an alpha market"


def test_the_new_market_parameters_name_what_they_found_and_expected(tmp_path):
    result = findings(tmp_path, _listing(reference_period="30s", divergence_limit="30%", depth_factor="200x"))
    assert {f.hint for f in result} == {"the registry rejects it"}
    assert {f.path: (f.rule, f.message) for f in result} == {
        "market.reference_period": ("REFERENCE-PERIOD-BOUNDS", "found 30s, expected 1m..1d"),
        "market.divergence_limit": ("DIVERGENCE-LIMIT-BOUNDS", "found 30%, expected 0.5%..25%"),
        "market.depth_factor": ("DEPTH-FACTOR-BOUNDS", "found 200x, expected 0.1x..100x"),
    }
    assert [f.line for f in result] == [19, 20, 23]


def test_an_update_may_set_a_depth_cap_of_0_for_an_index_market_the_chain_tells(tmp_path):
    header = "version: 1\nkind: market-update\ntitle: t\ndescription: d\nmarket:\n  ticker: MTSOS\n"
    assert findings(tmp_path, header + "  oi_depth_ratio: 0%\n") == []
    (found,) = findings(tmp_path, header + "  oi_depth_ratio: 60%\n")
    assert found.rule == "OI-DEPTH-RATIO-BOUNDS"
    assert found.message == "found 60%, expected 0.1%..50% (alpha markets) or 0 (index markets)"


def test_a_market_update_must_change_something(tmp_path):
    text = "version: 1\nkind: market-update\ntitle: t\ndescription: d\nmarket:\n  ticker: CHUTES\n"
    assert [f.rule for f in findings(tmp_path, text)] == ["UPDATE-CHANGES-SOMETHING"]


def test_referral_rules(tmp_path):
    text = (
        "version: 1\nkind: referral-config\ntitle: t\ndescription: d\nbuilder_fee_share: 45%\ntiers:\n"
        "  - {name: base, referrer_share: 60%, referee_discount: 5%, discount_days: 30}\n"
        "  - {name: base, referrer_share: 1%, referee_discount: 1%, discount_days: 1}\n"
    )
    assert sorted((f.rule, f.path) for f in findings(tmp_path, text)) == [
        ("FEE-SHARES-SUM", "tiers[0].referrer_share"),
        ("REFERRAL-SHARE-BOUNDS", "tiers[0].referrer_share"),
        ("TIER-NAMES-UNIQUE", "tiers[1].name"),
    ]


def test_lp_window_rules(tmp_path):
    text = (ROOT / "proposals/templates/lp-window.yaml").read_text()
    text = text.replace("deposit_window: 48h", "deposit_window: 7d").replace('"1000 TAO"', '"200000 TAO"')
    result = findings(tmp_path, text)
    assert sorted((f.rule, f.path) for f in result) == [
        ("ACCOUNT-CAP-WITHIN-TOTAL", "deposit_cap_per_account"),
        ("WINDOW-WITHIN-EPOCH", "deposit_window"),
    ]
    assert "expected shorter than the epoch (7d)" in next(f.message for f in result if f.path == "deposit_window")


def test_protocol_params_rules(tmp_path):
    header = "version: 1\nkind: protocol-params\ntitle: t\ndescription: d\n"
    assert [f.rule for f in findings(tmp_path, header)] == ["PARAMS-NONEMPTY"]
    text = header + (
        "liquidation_fee: 12%\nliquidation_fee_split: {keeper: 20%, insurance_fund: 30%, vault: 40%}\n"
        "max_utilization_for_increase: 90%\ncircuit_breaker_utilization: 85%\n"
    )
    assert sorted(f.rule for f in findings(tmp_path, text)) == [
        "LIQUIDATION-FEE-BOUNDS", "LIQUIDATION-SPLIT-SUM", "UTILIZATION-ORDER",
    ]  # fmt: skip


PROTOCOL_HEADER = "version: 1\nkind: protocol-params\ntitle: t\ndescription: d\n"


@pytest.mark.parametrize(
    ("line", "rule", "message"),
    [
        ('min_margin: "11 TAO"', "MIN-MARGIN-BOUNDS", "found 11 TAO, expected 0 TAO..10 TAO"),
        ('min_keeper_fee: "2 TAO"', "MIN-KEEPER-FEE-BOUNDS", "found 2 TAO, expected 0 TAO..1 TAO"),
        ("max_pnl_factor: 95%", "MAX-PNL-FACTOR-BOUNDS", "found 95%, expected 1%..90%"),
        ("max_profit_multiple: 0.5x", "MAX-PROFIT-MULTIPLE-BOUNDS", "found 0.5x, expected 1x..18x"),
        ("settle_after: 5m", "SETTLE-AFTER-BOUNDS", "found 5m, expected 10m..7d"),
        ("index_max_age: 2d", "INDEX-MAX-AGE-BOUNDS", "found 2d, expected 1m..1d"),
        ("max_pause: 31d", "MAX-PAUSE-BOUNDS", "found 31d, expected 1h..30d"),
        ("mtsos_max_elapsed: 30s", "MTSOS-MAX-ELAPSED-BOUNDS", "found 30s, expected 1m..1d"),
        ("upgrade_delay: 61d", "UPGRADE-DELAY-BOUNDS", "found 61d, expected 1d..60d"),
        ('min_margin: "0.01 TAO"\nmin_keeper_fee: "0.02 TAO"', "MIN-MARGIN-AT-LEAST-KEEPER-FEE",
         "found 0.0100 TAO, expected at least the min keeper fee (0.0200 TAO)"),
    ],
)  # fmt: skip
def test_risk_oracle_pause_and_governance_params_rules(tmp_path, line, rule, message):
    result = findings(tmp_path, PROTOCOL_HEADER + line + "\n")
    assert [(f.rule, f.path, f.line, f.message) for f in result] == [(rule, line.split(":")[0], 5, message)]


def test_each_bound_rule_holds_the_solidity_bounds_to_the_unit():
    """Every bound rule of the market and protocol tables accepts the Solidity constants themselves and refuses one
    unit (wei, second) outside them: the rules enforce exactly what the contracts do."""
    from governance.proposals.models import MarketListing, ProtocolParams
    from governance.proposals.rules import check_rules
    from megatao.core import params
    from tests.test_params import solidity_constants

    constants = solidity_constants()
    listing = validate_file(ROOT / "proposals/examples/list-sn19.yaml").proposal
    assert isinstance(listing, MarketListing)
    empty = ProtocolParams.model_validate({"version": 1, "kind": "protocol-params", "title": "t", "description": "d"})
    rows = [r for r in params.MARKET + params.PROTOCOL if r.rule_id and r.bounds and "." not in r.key]
    assert {r.key for r in rows} >= {"reference_period", "divergence_limit", "oi_depth_ratio", "depth_factor",
                                     "min_margin", "max_pause", "mtsos_max_elapsed", "upgrade_delay"}  # fmt: skip
    for row in rows:
        for side, name in enumerate(row.solidity):
            if name is None:
                continue
            edge = constants[name]
            outside = edge - 1 if side == 0 else edge + 1
            for value, broken in ((edge, False), (outside, True)):
                if row in params.MARKET:
                    proposal = listing.model_copy(update={"market": listing.market.model_copy(update={row.key: value})})
                    if row.key == "maintenance_margin":  # MM below 1 / max leverage is its own rule
                        proposal.market.max_leverage = 1 * 10**18
                else:
                    proposal = empty.model_copy(update={row.key: value})
                found = [f.rule for f in check_rules(proposal, None) if f.rule == row.rule_id]
                assert found == ([row.rule_id] if broken else []), (row.key, name, value)


def test_collateral_caps_within_the_vaults_fields(tmp_path):
    header = "version: 1\nkind: protocol-params\ntitle: t\ndescription: d\n"
    text = header + "collateral_cap_per_account: 0.5 TAO\ncollateral_cap_total: 100000000000 TAO\n"
    found = {f.path: f.message for f in findings(tmp_path, text) if f.rule == "COLLATERAL-CAP-BOUNDS"}
    assert set(found) == {"collateral_cap_per_account", "collateral_cap_total"}
    assert "expected at most 79,228,162,514 TAO" in found["collateral_cap_total"]
    constants = (ROOT / "contracts/libraries/Constants.sol").read_text()
    assert "MAX_COLLATERAL_CAP = type(uint96).max;" in constants
    assert bounds.MAX_COLLATERAL_CAP == 2**96 - 1


GUARDIANS = (ROOT / "proposals/templates/guardians.yaml").read_text()
ACCOUNT_6 = "0x976EA74026E726554dB657fA54763abd0C3a0aa9"


def test_guardians_rules(tmp_path):
    header = "version: 1\nkind: guardians\ntitle: t\ndescription: d\n"
    assert [(f.rule, f.path) for f in findings(tmp_path, header)] == [("GUARDIANS-NONEMPTY", "")]
    assert [f.rule for f in findings(tmp_path, header + "unpause_opens: false\n")] == ["GUARDIANS-NONEMPTY"]
    assert findings(tmp_path, header + "unpause_opens: true\n") == []
    same = header + f'pause_guardian: "{ACCOUNT_6}"\nproposal_guardian: "{ACCOUNT_6.lower()}"\n'
    (found,) = findings(tmp_path, same)
    assert (found.rule, found.path, found.line) == ("GUARDIANS-DISTINCT", "proposal_guardian", 6)
    assert found.message == f"found {ACCOUNT_6}, the pause guardian too; expected a different key"
    assert findings(tmp_path, header + "pause_guardian: none\nproposal_guardian: none\n") == []


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (ACCOUNT_6, "found a number: write the address in quotes"),
        ('"0x976ea74026e726554db657fa54763abd0c3a0aa"', "expected an address (0x and 40 hex digits) or none"),
        ('"0x976EA74026E726554dB657fA54763abd0C3a0aA9"', "mixed case but is not a valid checksum address"),
        ("[1]", "expected an address (0x and 40 hex digits) or none"),
    ],
)
def test_a_guardian_must_be_a_quoted_address_or_none(tmp_path, value, fragment):
    text = GUARDIANS.replace(f'"{ACCOUNT_6}"', value)
    (found,) = findings(tmp_path, text)
    assert (found.rule, found.path, found.line) == ("SCHEMA", "proposal_guardian", 12)
    assert fragment in found.message
    # One line, the field's description (a docstring over several lines) as its hint.
    assert "\n" not in found.format("p.yaml") and found.hint.startswith("The Governor's new proposal guardian")


def test_a_guardian_address_is_read_checksummed_and_none_is_the_zero_address(tmp_path):
    text = GUARDIANS.replace(f'"{ACCOUNT_6}"', f'"{ACCOUNT_6.lower()}"').replace(
        '"0x14dC79964da2C08b23698B3D3cc7Ca32193d9955"', "none"
    )
    proposal = validate_file(write(tmp_path, text)).proposal
    assert proposal.proposal_guardian == ACCOUNT_6
    assert proposal.pause_guardian == "0x" + "0" * 40 and proposal.unpause_opens is False


def test_upgrade_replaces_each_module_once(tmp_path):
    text = (ROOT / "proposals/templates/upgrade.yaml").read_text()
    text += "  - module: oracle\n    contract: OracleModule\n"
    assert [(f.rule, f.path) for f in findings(tmp_path, text)] == [("MODULES-UNIQUE", "modules[1].module")]


def test_every_rule_has_an_id_and_a_summary():
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[A-Z0-9-]+", r.id) and r.summary and r.kinds for r in RULES)


def test_bounds_match_the_contracts():
    source = (ROOT / "contracts/libraries/MarketBounds.sol").read_text()
    constants = (ROOT / "contracts/libraries/Constants.sol").read_text()
    units = {"": 1, "minutes": 60, "hours": 3600, "days": 86_400}

    def constant(name: str) -> int:
        value = re.search(rf"{name} = ([^;]+);", source).group(1)
        if value.startswith("Constants."):  # MarketBounds restates the bounds that live in Constants.sol
            value = re.search(rf"{value.removeprefix('Constants.')} = ([^;]+);", constants).group(1)
        number, _, unit = value.partition(" ")
        mantissa, _, exponent = number.partition("e")
        return int(float(mantissa) * 10**6) * 10 ** (int(exponent or 0) - 6) * units[unit]

    assert (constant("MIN_MAX_LEVERAGE"), constant("MAX_MAX_LEVERAGE")) == bounds.MAX_LEVERAGE
    assert (constant("MIN_MAINTENANCE_MARGIN"), constant("MAX_MAINTENANCE_MARGIN")) == bounds.MAINTENANCE_MARGIN
    assert bounds.PARTIAL_LIQUIDATION_BAND[1] == constant("MAX_PARTIAL_LIQUIDATION_BAND")
    assert bounds.TAKER_FEE[1] == constant("MAX_TAKER_FEE")
    assert bounds.MAX_FUNDING_RATE_8H[1] == constant("MAX_MAX_FUNDING_RATE_8H")
    assert (constant("MIN_REFERENCE_PERIOD"), constant("MAX_REFERENCE_PERIOD")) == bounds.REFERENCE_PERIOD
    assert (constant("MIN_DIVERGENCE_LIMIT"), constant("MAX_DIVERGENCE_LIMIT")) == bounds.DIVERGENCE_LIMIT
    assert (constant("MIN_OI_DEPTH_RATIO"), constant("MAX_OI_DEPTH_RATIO")) == bounds.OI_DEPTH_RATIO
    assert (constant("MIN_DEPTH_FACTOR"), constant("MAX_DEPTH_FACTOR")) == bounds.DEPTH_FACTOR


def test_the_published_schema_is_generated_from_the_models():
    assert SCHEMA_PATH.read_text() == schema_text(), (
        "run: megatao proposal schema -o proposals/schema/proposal.schema.json"
    )


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_satisfy_the_json_schema(path):
    jsonschema.validate(yaml.safe_load(path.read_text()), proposal_schema())


def test_cli_validate_exit_codes(tmp_path):
    runner = CliRunner()
    ok = runner.invoke(root, ["proposal", "validate", str(EXAMPLES[0])])
    assert ok.exit_code == 0 and ": ok (" in ok.output
    bad = write(tmp_path, _listing(maker_fee="0.3%"))
    failed = runner.invoke(root, ["proposal", "validate", str(bad), str(EXAMPLES[0])])
    assert failed.exit_code == 1
    assert f"{bad}:16:14: error [MAKER-AT-MOST-TAKER] market.maker_fee: found 0.3%" in failed.output
    as_json = json.loads(runner.invoke(root, ["proposal", "validate", "--json", str(bad)]).output)
    assert as_json[0]["ok"] is False and as_json[0]["findings"][0]["rule"] == "MAKER-AT-MOST-TAKER"


def test_cli_validate_missing_file_is_a_usage_error(cli):
    assert_one_line_error(cli("proposal", "validate", "nope.yaml"), "nope.yaml: no such file")


def test_cli_new_writes_a_template_and_refuses_to_overwrite(tmp_path, cli):
    target = tmp_path / "listing.yaml"
    assert cli("proposal", "new", "market-listing", "-o", str(target)).code == 0
    assert validate_file(target).ok
    assert_one_line_error(cli("proposal", "new", "market-listing", "-o", str(target)), "exists", "--force")
    assert_one_line_error(cli("proposal", "new", "market-lsiting"), "did you mean 'market-listing'")
