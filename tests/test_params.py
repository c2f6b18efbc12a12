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


def solidity_constants() -> dict[str, int]:
    """`Library.NAME` -> value, for the `uint256 internal constant` lines of contracts/libraries/*.sol."""
    found = {}
    for path in LIBRARIES.glob("*.sol"):
        for name, expression in re.findall(r"uint256 internal constant (\w+) = ([^;]+);", path.read_text()):
            value = _evaluate(expression.strip())
            if value is not None:
                found[f"{path.stem}.{name}"] = value
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


def protocol_inputs() -> dict[str, dict]:
    """Function name -> {argument name -> its ABI entry} of the protocol's whole interface."""
    return {
        entry["name"]: {i["name"]: i for i in entry["inputs"]}
        for entry in abi("IMegaTAOProtocol")
        if entry["type"] == "function"
    }


def resolve(field: str) -> dict | None:
    function, argument, *path = field.split(".")
    entry = protocol_inputs().get(function, {}).get(argument)
    for part in path:
        if entry is None:
            return None
        entry = next((c for c in entry.get("components", []) if c["name"] == part), None)
    return entry


ROWS = [(name, p) for name, table in params.TABLES.items() for p in table]


@pytest.mark.parametrize(("table", "row"), ROWS, ids=[f"{t}.{p.key}" for t, p in ROWS])
def test_every_row_names_an_argument_of_the_compiled_interface(table, row):
    entry = resolve(row.field)
    assert entry is not None, f"{table}.{row.key}: {row.field} is not in IMegaTAOProtocol's ABI"
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

    renamed = replace(params.MARKET_PARAMS["price_band"], aliases=("max_oracle_move",))
    table = tuple(renamed if p.key == "price_band" else p for p in params.MARKET)
    monkeypatch.setitem(params.TABLES, "market", table)

    listing = (ROOT / "proposals" / "examples" / "list-sn19.yaml").read_text()
    path = tmp_path / "old.yaml"
    path.write_text(listing.replace("price_band: 20%", "max_oracle_move: 20%"))
    loaded = validate_file(path)
    assert loaded.ok and loaded.proposal.market.price_band == 10**18 // 5
    (finding,) = loaded.findings
    assert (finding.rule, finding.severity, finding.path) == ("RENAMED", "warning", "market.max_oracle_move")
    assert finding.message == "'max_oracle_move' is renamed 'price_band'" and finding.line > 1

    genesis = (ROOT / "proposals" / "genesis" / "markets.yaml").read_text()
    old_genesis = tmp_path / "markets.yaml"
    old_genesis.write_text(genesis.replace("  price_band: 20%", "  max_oracle_move: 20%"))
    assert [m.price_band for m in markets.load_genesis(old_genesis).alpha] == [10**18 // 5] * 12
