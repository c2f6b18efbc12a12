"""`megatao upgrade snapshot-layout` and `check`: the build against the committed reference, and fixture upgrades
(tests/contracts/fixtures/upgrades/, compiled by `forge build` with the tests) against the same reference."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from governance.upgrades import layout, solidity
from tests.conftest import ROOT, Run, assert_one_line_error

REFERENCE = ROOT / "contracts" / "upgrades" / "layout-reference.json"


def run_upgrade(*args: str) -> Run:
    """`megatao upgrade ARGS` (through the group's module until cli/main.py registers it)."""
    result = subprocess.run(
        [sys.executable, "-m", "cli.upgrade", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    return Run(result.returncode, result.stdout, result.stderr)


@pytest.fixture(scope="module")
def reference() -> dict:
    return layout.load_reference(REFERENCE)


def rules(problems: list[layout.Problem]) -> list[tuple[str, str, str | None]]:
    return [(p.rule, p.subject, p.field) for p in problems]


def test_erc7201_formula_matches_the_readme():
    assert layout.erc7201_slot("megatao.storage.router") == (
        "0xac77f1de9422ccdd97b473b262ea6860090cb5942a6f51e259147e0bdea5aa00"
    )


def test_the_build_matches_its_committed_reference(reference):
    assert layout.check(reference, layout.snapshot()) == []
    run = run_upgrade("check")
    assert run.code == 0, run.output
    assert "ok: 10 namespaces and 10 modules" in run.stdout


def test_snapshot_is_deterministic_and_equals_the_committed_reference(tmp_path):
    target = tmp_path / "layout.json"
    run = run_upgrade("snapshot-layout", "-o", str(target))
    assert run.code == 0, run.output
    assert target.read_text() == REFERENCE.read_text()
    data = json.loads(target.read_text())
    fee = data["namespaces"]["megatao.storage.fee"]
    assert fee["slot"] == layout.erc7201_slot("megatao.storage.fee")
    assert fee["fields"][0] == {"name": "tradingInsuranceShare", "type": "uint64", "slot": 0, "offset": 0, "size": 8}
    position = data["namespaces"]["megatao.storage.position"]
    assert position["fields"][0]["type"] == "mapping(bytes32 => struct PositionStorage.Position)"
    assert [f["name"] for f in position["structs"]["PositionStorage.Position"]][:2] == ["size", "entryPrice"]
    vault = data["modules"]["VaultModule"]
    assert vault["id"] == "vault" and vault["selectors"]["0x4e71d92d"] == "claim()"
    assert "initialize()" not in vault["selectors"].values()
    assert "setModule(bytes32,address,bytes4[],bytes)" in data["entry"]["selectors"].values()


def test_appending_a_field_passes(reference):
    release = layout.snapshot(probes={"FeeStorageLayout": "FeeAppendStorageLayout"})
    assert release.namespaces["megatao.storage.fee"].fields[-1]["name"] == "referralPaid"
    assert layout.check(reference, release) == []
    run = run_upgrade("check", "--probe", "FeeStorageLayout=FeeAppendStorageLayout")
    assert run.code == 0, run.output


def test_inserting_a_field_fails_naming_it(reference):
    problems = layout.check(reference, layout.snapshot(probes={"FeeStorageLayout": "FeeInsertStorageLayout"}))
    assert rules(problems) == [(layout.FIELD_INSERTED, "megatao.storage.fee", "tradingLpShare")]
    assert "before `tradingReferralShare`" in problems[0].message and problems[0].hint
    run = run_upgrade("check", "--probe", "FeeStorageLayout=FeeInsertStorageLayout")
    assert_one_line_error(run, "1 upgrade-safety problem", code=1)
    assert "[namespace-field-inserted] megatao.storage.fee.tradingLpShare" in run.stdout


def test_changing_a_field_type_fails(reference):
    problems = layout.check(reference, layout.snapshot(probes={"FeeStorageLayout": "FeeRetypeStorageLayout"}))
    assert rules(problems) == [(layout.FIELD_RETYPED, "megatao.storage.fee", "liquidationFee")]
    assert "uint64" in problems[0].message and "int64" in problems[0].message
    run = run_upgrade("check", "--json", "--probe", "FeeStorageLayout=FeeRetypeStorageLayout")
    assert run.code == 1, run.output
    report = json.loads(run.stdout)
    assert report["ok"] is False and report["problems"][0]["rule"] == "namespace-field-retyped"


def test_a_module_serving_another_modules_selector_fails(reference):
    problems = layout.check(reference, layout.snapshot(extra_modules=["UpgradeFixtureClashModule"]))
    assert rules(problems) == [(layout.SELECTOR_CLASH, "UpgradeFixtureClashModule", "claim()")]
    assert "VaultModule" in problems[0].message
    run = run_upgrade("check", "--module", "UpgradeFixtureClashModule")
    assert_one_line_error(run, "upgrade-safety problem", code=1)


def test_field_rules_on_synthetic_layouts():
    def f(name, type_="uint256", slot=0, offset=0, size=32):
        return {"name": name, "type": type_, "slot": slot, "offset": offset, "size": size}

    old = [f("a"), f("b", slot=1), f("c", slot=2)]
    assert layout.compare_fields("ns", "", old, [*old, f("d", slot=3)]) == []
    assert rules(layout.compare_fields("ns", "", old, old[:2])) == [(layout.FIELD_DELETED, "ns", "c")]
    renamed = [f("a"), f("bee", slot=1), f("c", slot=2)]
    assert rules(layout.compare_fields("ns", "", old, renamed)) == [(layout.FIELD_RENAMED, "ns", "b")]
    reordered = [f("b"), f("a", slot=1), f("c", slot=2)]
    assert rules(layout.compare_fields("ns", "", old, reordered))[0][0] == layout.FIELD_REORDERED
    moved = [f("a", size=32), f("b", slot=2), f("c", slot=3)]
    assert rules(layout.compare_fields("ns", "S.", old, moved))[0] == (layout.FIELD_MOVED, "ns", "S.b")


def test_namespace_deleted_and_bad_slot_are_reported(reference):
    release = layout.snapshot()
    doctored = json.loads(json.dumps(reference))
    doctored["namespaces"]["megatao.storage.gone"] = doctored["namespaces"]["megatao.storage.fee"]
    release.namespaces["megatao.storage.fee"].slot = "0x" + "00" * 32
    release.modules["VaultModule"].state = ["stray"]
    release.modules["VaultModule"].code_size = layout.MAX_CODE_SIZE + 1
    found = {p.rule for p in layout.check(doctored, release)}
    assert {layout.NAMESPACE_DELETED, layout.NAMESPACE_SLOT, layout.STATE_OUTSIDE, layout.CODE_SIZE} <= found


def test_usage_errors_exit_2(tmp_path):
    assert_one_line_error(run_upgrade("check", "--probe", "NoSuchLayout=FeeAppendStorageLayout"), "NoSuchLayout")
    assert_one_line_error(run_upgrade("check", "--against", str(tmp_path / "none.json")), "no layout reference")
    assert run_upgrade("check", "--probe", "missing-equals").code == 2


def test_lineage_by_name_is_the_compilers_linearization():
    """Lineages are resolved by name (node ids clash across the compilations of an incremental build); on a build
    from one compilation each agrees with the compiler's own `linearizedBaseContracts`."""
    contracts = solidity.build_ast().contracts
    names = {node["id"]: name for name, node in contracts.items()}
    compared = 0
    for name, node in contracts.items():
        ids = node["linearizedBaseContracts"]
        expected = [names.get(i) for i in ids]
        # Only where each id names the contract of that id (a build of one compilation: all of them).
        if all(n is not None and contracts[n]["id"] == i for n, i in zip(expected, ids, strict=True)):
            assert solidity._linearize(name, contracts) == expected, name
            compared += 1
    assert compared > 100
