"""`megatao upgrade rehearse` against the devnet: a good upgrade (the trading modules redeployed) passes with positions
the rehearsal opens itself; a deliberately broken one (tests/contracts/fixtures/upgrades/ShiftedPositionView.sol, a
views module reading the position namespace one slot off) fails the positions check though the layout check passes;
an unguarded initializer fails the layout and direct-call checks; positions already on the chain are carried rather
than opened; reports are deterministic; bad input is one line with exit code 2. Then the across-the-upgrade checks on
made-up readings, each shown able to fail."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from governance.simulation.report import CheckResult
from governance.upgrades.across import (
    Accrual,
    Book,
    Held,
    Reading,
    check_positions,
    check_totals,
    funding_delta,
    interest_delta,
)
from tests.conftest import ROOT, Run, assert_one_line_error

#: `devnet:5`, the account `trade open --account devnet:5` trades from.
DEVNET_5 = "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc"
EXAMPLE = ROOT / "proposals/examples/oracle-module-v2.yaml"
HEADER = "version: 1\nkind: upgrade\ntitle: {title}\ndescription: Rehearsed by the tests.\nmodules:\n"
#: The good upgrade: every module that reads or writes positions, the vault and the indices, redeployed from the build.
TRADING = {"position": "PositionModule", "positionView": "PositionViewModule", "liquidation": "LiquidationModule",
           "vault": "VaultModule"}  # fmt: skip


def upgrade_file(tmp_path, title: str, modules: dict[str, str]):
    path = tmp_path / f"{title.lower().replace(' ', '-')}.yaml"
    lines = "".join(f"  - module: {module}\n    contract: {contract}\n" for module, contract in modules.items())
    path.write_text(HEADER.format(title=title) + lines)
    return path


def rehearse(*args: str) -> Run:
    result = subprocess.run(
        [sys.executable, "-m", "cli", "upgrade", "rehearse", *args], cwd=ROOT, capture_output=True, text=True,
        timeout=180,
    )  # fmt: skip
    return Run(result.returncode, result.stdout, result.stderr)


def report_of(run: Run) -> dict:
    assert "Traceback" not in run.output, run.output
    return json.loads(run.stdout)


def statuses(report: dict) -> dict[int, str]:
    return {c["number"]: c["status"] for c in report["checks"]}


def check(report: dict, number: int) -> dict:
    return next(c for c in report["checks"] if c["number"] == number)


@pytest.mark.anvil
def test_the_good_upgrade_passes_with_positions_the_rehearsal_opens(shared_devnet, tmp_path):
    path = upgrade_file(tmp_path, "Trading modules redeployed", TRADING)
    run = rehearse(str(path), "--json", "--report-dir", str(tmp_path / "report"))
    assert run.code == 0, run.output
    report = report_of(run)
    assert report["kind"] == "megatao-upgrade-rehearsal-report" and report["result"] == "pass"
    assert statuses(report) == {n: "pass" for n in range(1, 13)}
    assert sorted(p.name for p in (tmp_path / "report").iterdir()) == ["report.html", "report.json", "report.md"]
    # The devnet has no open position: the rehearsal opened a long and a short on an alpha market and on MTSOS.
    positions = report["source"]["positions"]
    assert positions["origin"] == "rehearsal" and positions["watched"] == 4
    assert "the rehearsal opened 4" in positions["detail"] and "MTSOS" in positions["detail"]
    kept = check(report, 7)["rows"]
    assert {(r["market"], r["side"]) for r in kept} == {("AFFINE", "long"), ("AFFINE", "short"), ("MTSOS", "long"),
                                                        ("MTSOS", "short")}  # fmt: skip
    assert all(r["verdict"] == "ok" and r["kept"].endswith("equal") for r in kept)
    # Funding: the index at the upgrade block is the touch's plus rate x elapsed, to the wei, on both markets.
    at_upgrade = [r for r in check(report, 9)["rows"] if r["block"].startswith("E (")]
    assert {r["index"] for r in at_upgrade} == {"AFFINE funding", "MTSOS funding", "interest"}
    assert all(r["index_value"] == r["predicted"] for r in at_upgrade)
    assert "0.28125% per 8 h" in at_upgrade[0]["rate"]  # (11 - 5) / 16 x 0.75%: the touch's 1 TAO long included
    trials = {(r["market"], r["side"], r["action"]): r for r in check(report, 10)["rows"]}
    assert len(trials) == 12
    assert all(r["verdict"] == "ok" for k, r in trials.items() if k[0] == "AFFINE")
    # A keeper liquidates as soon as the reference, poked after the pool moved past the liquidation price, takes the
    # position out of health: within the partial band or past it, depending on the step the EMA takes.
    liquidated = trials[("AFFINE", "short", "liquidate")]["after_the_upgrade"]
    assert re.search(r"liquidated \((full|partial)\) after \d+ poke", liquidated), liquidated
    assert trials[("MTSOS", "long", "liquidate")]["verdict"] == "skipped"
    direct = {r["function"]: r for r in check(report, 11)["rows"]}
    assert direct["initialize()"]["verdict"] == "ok" and "NotDelegateCall" in direct["initialize()"]["direct_call"]
    assert "openPosition(bytes32,bool,uint256,uint256,uint256)" in direct and "liquidate(address,bytes32)" in direct
    assert "megatao.storage.router" in check(report, 4)["summary"]  # only the module table was written


@pytest.mark.anvil
def test_a_broken_upgrade_fails_the_positions_check(shared_devnet, tmp_path):
    path = upgrade_file(tmp_path, "Position views v2", {"positionView": "UpgradeFixtureShiftedPositionViewModule"})
    run = rehearse(str(path), "--json", "--report-dir", str(tmp_path / "report"))
    assert run.code == 1, run.output
    report = report_of(run)
    assert report["result"] == "fail" and (tmp_path / "report" / "report.md").is_file()
    # The layout check cannot see a namespace a module redeclares; reading the positions across the swap does.
    assert statuses(report) == {n: "fail" if n == 7 else "pass" for n in range(1, 13)}
    positions = check(report, 7)
    assert positions["summary"].startswith("4 of 4 position(s) read back differently after the upgrade")
    assert all(r["verdict"] == "FAIL" and "size " in r["kept"] and "-> 0" in r["kept"] for r in positions["rows"])
    assert "namespace" in positions["action"]
    # The trading modules themselves still work: the trials read their own events, not the broken views.
    assert check(report, 10)["status"] == "pass"
    markdown = (tmp_path / "report" / "report.md").read_text()
    assert markdown.startswith("# Upgrade rehearsal of `position-views-v2.yaml`: FAIL")
    assert "## 7. Positions keep their size, entry, margin and accruals: fail" in markdown


@pytest.mark.anvil
def test_an_unguarded_initializer_fails_the_layout_and_direct_call_checks(shared_devnet, tmp_path):
    path = upgrade_file(tmp_path, "Oracle with initializer", {"oracle": "UpgradeFixtureUnguardedOracleModule"})
    run = rehearse(str(path), "--report-dir", str(tmp_path / "report"))
    assert run.code == 1, run.output
    assert "FAIL 1 Storage layout and selectors against the reference: 1 upgrade-safety problem" in run.stdout
    assert "[implementation-unguarded] UpgradeFixtureUnguardedOracleModule.initialize()" in run.stdout
    direct = "FAIL 11 Implementations cannot be initialized or changed directly: 1 function(s) run on the"
    assert direct in run.stdout and "initialize() succeeded on the implementation itself" in run.stdout
    assert "PASS 7 Positions keep their size" in run.stdout and "PASS 10 Positions can still be" in run.stdout
    assert run.stdout.count("FAIL ") == 2


@pytest.mark.anvil
def test_positions_on_the_chain_are_carried_across_not_opened(cli, shared_devnet, tmp_path):
    opened = cli("trade", "open", "CHUTES", "long", "--margin", "5", "--leverage", "2x", "--account", "devnet:5")
    assert opened.code == 0, opened.output
    report = report_of(rehearse(str(EXAMPLE), "--json", "--report-dir", str(tmp_path)))
    assert report["result"] == "pass", statuses(report)
    positions = report["source"]["positions"]
    assert positions["origin"] == "source" and positions["found"] == 1 and positions["watched"] == 1
    (row,) = check(report, 7)["rows"]
    assert (row["market"], row["side"], row["account"]) == ("CHUTES", "long", DEVNET_5)
    # A lone long: funding runs at the market's maximum rate, and the long's accrued funding grew by it.
    assert [r["rate"] for r in check(report, 9)["rows"] if r["index"] == "CHUTES funding"][-1] == "0.75% per 8 h"
    assert {r["action"]: r["verdict"] for r in check(report, 10)["rows"]} == {
        "increase": "ok",
        "close": "ok",
        "liquidate": "ok",
    }


@pytest.mark.anvil
def test_the_same_inputs_and_fork_block_give_the_same_report(shared_devnet, tmp_path):
    from megatao.node.anvil import AnvilRpc

    block = str(int(AnvilRpc(shared_devnet.rpc_url).block()["number"], 16))
    for name in ("a", "b"):
        run = rehearse(str(EXAMPLE), "--fork-block", block, "--report-dir", str(tmp_path / name))
        assert run.code == 0, run.output
    for name in ("report.json", "report.md", "report.html"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    text = (tmp_path / "a" / "report.json").read_text()
    assert shared_devnet.rpc_url.rsplit(":", 1)[1] not in text and str(tmp_path) not in text
    assert "PASS 9 Funding and interest accrue without a jump" in run.stdout
    leftovers = subprocess.run(["pgrep", "-f", f"fork-url {shared_devnet.rpc_url}"], capture_output=True, text=True)
    assert leftovers.stdout.strip() == ""


@pytest.mark.anvil
def test_bad_input_is_one_line_with_exit_code_2(shared_devnet, tmp_path):
    listing = ROOT / "proposals/examples/list-sn19.yaml"
    assert_one_line_error(rehearse(str(listing)), "list-sn19.yaml is a market-listing proposal", "takes kind upgrade")
    typo = upgrade_file(tmp_path, "Typo", {"oracle": "OracleModul"})
    assert_one_line_error(
        rehearse(str(typo)), "typo.yaml: modules[0].contract: no contract 'OracleModul'", "did you mean 'OracleModule'"
    )
    token = upgrade_file(tmp_path, "Token", {"oracle": "MegaTAOToken"})
    assert_one_line_error(rehearse(str(token)), "MegaTAOToken is not a module")
    other = upgrade_file(tmp_path, "Other", {"oracle": "VaultModule"})
    assert_one_line_error(rehearse(str(other)), "modules[0].contract: VaultModule serves module 'vault', not 'oracle'")
    unknown = upgrade_file(tmp_path, "Unknown", {"oracel": "OracleModule"})
    assert_one_line_error(
        rehearse(str(unknown)), "modules[0].module: the deployment has no module 'oracel'", "did you mean 'oracle'"
    )
    assert_one_line_error(rehearse(str(tmp_path / "none.yaml")), "none.yaml: no such file")
    assert_one_line_error(rehearse(str(EXAMPLE), "--against", str(tmp_path / "none.json")), "no layout reference")
    assert_one_line_error(rehearse(str(EXAMPLE), "--rpc-url", "http://127.0.0.1:9"), "cannot reach RPC URL")
    assert rehearse("--help").stdout.rstrip().endswith("--fork-block 1200 --json")


# ---------------------------------------------------------------- the checks on made-up readings


def test_the_index_predictions_round_as_the_contracts_do():
    assert funding_delta(7_500_000_000_000_000, 12) == 3_125_000_000_000  # 0.75% per 8 h over 12 s
    assert funding_delta(-1, 28_799) == 0 and funding_delta(-1, 28_800) == -1  # truncated toward zero
    assert funding_delta(-3, 12_000) == -1  # -1.25 -> -1
    assert interest_delta(1, 1) == 1 and interest_delta(365 * 86400, 1) == 1  # rounded up
    assert interest_delta(0, 10**6) == 0


def _reading(block: int, timestamp: int, positions=None, vault=None, markets=None, balance: int = 0) -> Reading:
    return Reading(block, timestamp, positions or {}, vault or {}, markets or {}, balance)


def test_a_jump_at_the_upgrade_block_fails_and_the_contracts_rounding_passes():
    # 0.28125% per 8 h from an index of 10 at the touch: +1,171,875,000,000 per 12 s.
    rate, step = 2_812_500_000_000_000, 1_171_875_000_000
    path = Accrual("AFFINE funding", "the touch", (1000, 10, rate), exact=True)
    for label, t, index in (("E-1", 1012, 10 + step), ("E", 1024, 10 + 2 * step), ("E+1", 1036, 10 + 3 * step)):
        path.points.append((label, _reading(0, t), rate, index))
    assert path.problems() == []
    path.points[1] = ("E", _reading(0, 1024), rate, 10 + 2 * step + 1)  # one unit more at the upgrade block
    jumped = f"AFFINE funding at E: index {10 + 2 * step + 1}, rate x elapsed predicts {10 + 2 * step}"
    assert path.problems() == [jumped]
    path.points[1] = ("E", _reading(0, 1024), rate + 1, 10 + 2 * step)  # the rate itself moved
    assert "the rate is" in path.problems()[0]
    loose = Accrual("interest", "E-1", (1000, 10, 10**16), exact=False)  # no touch: 1 unit of slack
    loose.points.append(("E", _reading(0, 1012), 10**16, 10 + interest_delta(10**16, 12) - 1))
    assert loose.problems() == []


def test_a_position_that_changes_or_accrues_more_than_predicted_fails():
    held = Held("AFFINE", b"\x01" * 32, False, "0x" + "ab" * 20, "long")
    book = Book([held], opened=True, found=0)
    base = {"size": 10**20, "entryPrice": 3 * 10**16, "entryNotional": 3 * 10**18, "margin": 15 * 10**17,
            "lastIncreaseBlock": 64, "accruedFunding": 1000, "accruedInterest": 10}  # fmt: skip
    funding = Accrual("AFFINE funding", "the touch", (1000, 0, 2_812_500_000_000_000), exact=True)
    interest = Accrual("interest", "the touch", (1000, 0, 0), exact=True)
    moved = funding.predicted(1024) - funding.predicted(1012)  # 12 s of index
    grown = {**base, "accruedFunding": 1000 + moved * 3 * 10**18 // 10**18}
    before, good = _reading(77, 1012, {held: base}), _reading(78, 1024, {held: grown})

    def run(after: Reading) -> CheckResult:
        return check_positions(7, "positions", book, before, after, [funding, interest])

    assert run(good).status == "pass"
    assert run(_reading(78, 1024, {held: {**grown, "accruedFunding": grown["accruedFunding"] + 1}})).status == "pass"
    off = run(_reading(78, 1024, {held: {**grown, "accruedFunding": grown["accruedFunding"] + 2}}))
    assert off.status == "fail" and "accrued funding" in off.summary
    shrunk = run(_reading(78, 1024, {held: {**grown, "margin": base["margin"] - 1}}))
    assert shrunk.status == "fail" and f"margin {base['margin']} -> {base['margin'] - 1}" in shrunk.summary
    reverts = run(_reading(78, 1024, {held: "reverts: UnknownSelector(0x...)"}))
    assert reverts.status == "fail" and "UnknownSelector" in reverts.summary


def test_a_vault_or_market_total_that_moves_at_the_upgrade_fails():
    vault = {"reserves": 5 * 10**22, "insuranceFund": 8 * 10**15, "interestIndex": 1}
    market = {"longOpenInterest": 11 * 10**18, "fundingRate8h": 1, "fundingIndex": 5}
    before = _reading(77, 1012, vault=vault, markets={"AFFINE": market}, balance=7)
    same = _reading(78, 1024, vault={**vault, "interestIndex": 2}, markets={"AFFINE": {**market, "fundingIndex": 6}},
                    balance=7)  # fmt: skip
    assert check_totals(8, "totals", before, same).status == "pass"  # the indices move with time: check 9's
    drained = _reading(78, 1024, vault={**vault, "insuranceFund": 0}, markets={"AFFINE": market}, balance=7)
    result = check_totals(8, "totals", before, drained)
    assert result.status == "fail" and "vaultTotals.insuranceFund 8000000000000000 -> 0" in result.summary
    moved = _reading(78, 1024, vault=vault, markets={"AFFINE": {**market, "longOpenInterest": 0}}, balance=6)
    assert len(check_totals(8, "totals", before, moved).summary.split(";")) == 2
