"""The parameter tables of megatao/core/params.py, held against the contracts: every row names a function argument
(or struct component) of the compiled ABI, the market table covers `MarketParams` field for field in order, and
every bound equals the Solidity constant the row names. Generic over the rows: a row added or removed with its
contract change needs no edit here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from megatao.core import params
from megatao.node.toolchain import abi

ROOT = Path(__file__).resolve().parents[1]
LIBRARIES = ROOT / "contracts" / "libraries"
UNITS = {"e18": 10**18, "days": 86_400, "hours": 3_600, "minutes": 60}


#: Where governed bounds live: the protocol's libraries, and governance's own numbers (the upgrade delay's bounds).
SOURCES = [*LIBRARIES.glob("*.sol"), ROOT / "contracts" / "governance" / "GovernanceDefaults.sol"]


def solidity_constants() -> dict[str, int]:
    """`Library.NAME` -> value, for the `uint256 internal constant` lines of contracts/libraries/*.sol and
    GovernanceDefaults.sol; a constant defined as another library's (`= Constants.MIN_REFERENCE_PERIOD`) takes its
    value."""
    found, references = {}, {}
    for path in SOURCES:
        for name, expression in re.findall(r"uint256 internal constant (\w+) = ([^;]+);", path.read_text()):
            value = _evaluate(expression.strip())
            if value is not None:
                found[f"{path.stem}.{name}"] = value
            elif re.fullmatch(r"\w+\.\w+", expression.strip()):
                references[f"{path.stem}.{name}"] = expression.strip()
    for name, target in references.items():
        if target in found:
            found[name] = found[target]
    return found


def _evaluate(expression: str) -> int | None:
    if m := re.fullmatch(r"type\(uint(\d+)\)\.max", expression):
        return 2 ** int(m.group(1)) - 1
    if m := re.fullmatch(r"([0-9_.]+)(e18)?(?:\s+(days|hours|minutes))?", expression):
        number, exponent, unit = m.groups()
        from decimal import Decimal

        value = Decimal(number.replace("_", "")) * (UNITS["e18"] if exponent else 1) * UNITS.get(unit or "", 1)
        return int(value)
    return None


def protocol_inputs(contract: str = "IMegaTAOProtocol") -> dict[str, dict]:
    """Function name -> {argument name -> its ABI entry} of an interface (default: the protocol's whole interface)."""
    return {
        entry["name"]: {i["name"]: i for i in entry["inputs"]} for entry in abi(contract) if entry["type"] == "function"
    }


def resolve(field: str, contract: str = "IMegaTAOProtocol") -> dict | None:
    function, argument, *path = field.split(".")
    entry = protocol_inputs(contract).get(function, {}).get(argument)
    for part in path:
        if entry is None:
            return None
        entry = next((c for c in entry.get("components", []) if c["name"] == part), None)
    return entry


ROWS = [(name, p) for name, table in params.TABLES.items() for p in table]


@pytest.mark.parametrize(("table", "row"), ROWS, ids=[f"{t}.{p.key}" for t, p in ROWS])
def test_every_row_names_an_argument_of_the_compiled_interface(table, row):
    entry = resolve(row.field, row.contract)
    assert entry is not None, f"{table}.{row.key}: {row.field} is not in {row.contract}'s ABI"
    assert entry["type"].startswith("uint"), f"{row.field} is {entry['type']}"


def test_the_market_table_is_the_market_params_struct_field_for_field():
    components = protocol_inputs()["updateMarketParams"]["params"]["components"]
    assert [c["name"] for c in components] == [p.field.rsplit(".", 1)[1] for p in params.MARKET]
    listing = protocol_inputs()["listMarket"]["listing"]["components"]
    nested = next(c for c in listing if c["name"] == "params")
    assert nested["components"] == components


@pytest.mark.parametrize(("table", "row"), ROWS, ids=[f"{t}.{p.key}" for t, p in ROWS])
def test_every_bound_is_the_solidity_constant(table, row):
    constants = solidity_constants()
    for side, name in enumerate(row.solidity):
        if name is None:
            continue
        assert name in constants, f"{table}.{row.key}: no constant {name} in contracts/libraries"
        assert row.bounds is not None and row.bounds[side] == constants[name], f"{table}.{row.key}: {name}"


def test_keys_and_fields_are_unique_and_snake_case():
    for table in params.TABLES.values():
        keys = [p.key for p in table]
        assert len(keys) == len(set(keys))
        assert all(re.fullmatch(r"[a-z0-9_.]+", k) for k in keys)
        assert all(p.unit in params.UNITS for p in table)


def test_an_old_key_is_read_under_its_new_name_and_reported_as_renamed(tmp_path, monkeypatch):
    from dataclasses import replace

    from governance.proposals.validate import validate_file
    from megatao.clients import markets

    renamed = replace(params.MARKET_PARAMS["divergence_limit"], aliases=("max_spot_gap",))
    table = tuple(renamed if p.key == "divergence_limit" else p for p in params.MARKET)
    monkeypatch.setitem(params.TABLES, "market", table)

    listing = (ROOT / "proposals" / "examples" / "list-sn19.yaml").read_text()
    assert "  divergence_limit: 5%" in listing
    path = tmp_path / "old.yaml"
    path.write_text(listing.replace("  divergence_limit: 5%", "  max_spot_gap: 5%"))
    loaded = validate_file(path)
    assert loaded.ok and loaded.proposal.market.divergence_limit == 10**18 // 20
    (finding,) = loaded.findings
    assert (finding.rule, finding.severity, finding.path) == ("RENAMED", "warning", "market.max_spot_gap")
    assert finding.message == "'max_spot_gap' is renamed 'divergence_limit'" and finding.line > 1

    genesis = (ROOT / "proposals" / "genesis" / "markets.yaml").read_text()
    assert "  divergence_limit: 5%" in genesis
    old_genesis = tmp_path / "markets.yaml"
    old_genesis.write_text(genesis.replace("  divergence_limit: 5%", "  max_spot_gap: 7%"))
    assert [m.divergence_limit for m in markets.load_genesis(old_genesis).alpha] == [7 * 10**18 // 100] * 12


def test_constants_defined_by_reference_take_the_referenced_value():
    constants = solidity_constants()
    assert constants["MarketBounds.MIN_REFERENCE_PERIOD"] == constants["Constants.MIN_REFERENCE_PERIOD"] == 60
    assert constants["MarketBounds.MAX_DEPTH_FACTOR"] == constants["Constants.MAX_DEPTH_FACTOR"] == 100 * 10**18
    assert constants["GovernanceDefaults.MAX_UPGRADE_DELAY"] == 60 * 86_400
