"""`megatao proposal simulate` against the devnet: every example proposal, proposals wrong in ways offline validation
cannot see (each fails the check that should catch it), determinism, errors, and the HTML report in a real browser.

Until the command is registered under `megatao proposal`, it runs as `python -m cli.simulate simulate ...`, through
the same error boundary (cli.base.Group)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, Run, assert_one_line_error

pytestmark = pytest.mark.anvil
EXAMPLES = ROOT / "proposals/examples"
LISTING = EXAMPLES / "list-sn19.yaml"
CHROMIUM = Path("/usr/bin/chromium")
LP_WINDOW = EXAMPLES / "lp-window-q1.yaml"
REFERRAL = EXAMPLES / "referral-launch.yaml"
#: The warnings each example legitimately gets on the devnet, by check:
#: - 7, every example: the devnet's LP epoch 0 starts at deployment, and propose + vote + the 2-day timelock delay take
#:   8 days, so the execution lands 1 day into epoch 1's 48-hour deposit and withdrawal windows (LPs act in a window
#:   whose terms change under them); `test_check_7_passes_when_the_execution_misses_the_windows` shows the pass;
#: - 6, liquidation-split: no user flow covers its keys (fee splits), so check 6 is skipped;
#: - 2, lp-window-q1: its schedule (7d epochs, 48 h windows) is the genesis schedule, so its three schedule keys change
#:   nothing on the devnet (its caps do); `test_an_lp_window_that_changes_the_schedule...` shows the pass.
WARNINGS = {"liquidation-split.yaml": {6}, "lp-window-q1.yaml": {2}}
#: The LP epoch each example's execution lands in: epoch 1 after a vote and the 2-day timelock delay; epoch 2 for the
#: proposals with an upgrade call (a module upgrade, a new upgrade delay), which wait the 9-day upgrade delay.
EXECUTION_EPOCH = {"oracle-module-v2.yaml": 2, "upgrade-delay.yaml": 2}
GUARDIANS = EXAMPLES / "rotate-guardians.yaml"


def simulate(*args: str, timeout: float = 180) -> Run:
    result = subprocess.run(
        [sys.executable, "-m", "cli", "proposal", "simulate", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=dict(os.environ),
    )
    return Run(result.returncode, result.stdout, result.stderr)


def report_of(run: Run) -> dict:
    assert "Traceback" not in run.output, run.output
    return json.loads(run.stdout)


def checks(report: dict) -> dict[int, dict]:
    return {c["number"]: c for c in report["checks"]}


def ok(run: Run) -> Run:
    assert run.code == 0, run.output
    return run


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_every_example_simulates_against_the_devnet(shared_devnet, tmp_path, example):
    run = simulate(str(EXAMPLES / example), "--json", "--report-dir", str(tmp_path))
    report = report_of(run)
    assert run.code == 0, run.output  # nothing fails; skipped checks are warnings
    assert report["schema_version"] == 2 and report["result"] == "warn"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "report.json", "report.md"]
    by_number = checks(report)
    assert sorted(by_number) == list(range(1, 9))
    # Every kind is simulated in full: nothing is skipped.
    assert report["lifecycle"]["status"] == "pass" and report["lifecycle"]["delegated_today"]["would_pass"]
    expected = {n: "warn" if n == 7 or n in WARNINGS.get(example, ()) else "pass" for n in range(1, 9)}
    assert {n: c["status"] for n, c in by_number.items()} == expected
    skipped = {n for n, c in by_number.items() if c["skipped"]}
    assert skipped == ({6} if example == "liquidation-split.yaml" else set())  # no flow for its keys
    epoch = EXECUTION_EPOCH.get(example, 1)
    assert f"lands inside epoch {epoch}'s open deposit window" in by_number[7]["summary"]
    assert [s["step"] for s in report["lifecycle"]["steps"]][-2:] == ["queue", "execute"]


def test_a_listing_maps_every_key_and_runs_the_user_flows(shared_devnet, tmp_path):
    report = report_of(ok(simulate(str(LISTING), "--json", "--report-dir", str(tmp_path))))
    by_number = checks(report)
    mapped = {row["key"]: row for row in by_number[2]["rows"]}
    assert mapped["market.max_open_interest"]["after"] == "1,500.0000 TAO"
    assert mapped["market.reference_period"]["after"] == "10m (600 s)"
    assert mapped["market.oi_depth_ratio"]["after"] == "5%" and mapped["market.depth_factor"]["after"] == "1x"
    assert (
        mapped["market.maintenance_margin"]["before"] == "(none)"
        and mapped["market.maintenance_margin"]["after"] == "10%"
    )
    assert all(row["verdict"] == "ok" for row in by_number[2]["rows"])
    storage = by_number[3]["rows"]
    assert any("megatao.storage.market: markets[NINETEEN]" in row["attribution"] for row in storage)
    assert any("megatao.storage.oracle: prices[NINETEEN]" in row["attribution"] for row in storage)
    assert "MarketListed" in by_number[4]["summary"]
    flows = {row["flow"]: row for row in by_number[6]["rows"]}
    assert set(flows) == {
        "open long", "open short", "close long", "close short", "open interest cap", "funding", "liquidation",
    }  # fmt: skip
    assert "liquidated" in flows["liquidation"]["detail"]
    assert flows["open interest cap"]["detail"] == (
        "a long took the long side to 1,484 TAO of its 1,500 TAO cap; the depth cap is 1,600 TAO (5% of the pool's "
        "32,000 TAO)"
    )
    assert report["lifecycle"]["execution_lands_at"] == report["lifecycle"]["queued_at"] + 172_800


def test_a_pool_that_thinned_after_validation_fails_at_execution(cli, shared_devnet, tmp_path):
    ok(cli("proposal", "validate", str(LISTING), "--network", "devnet"))
    ok(cli("pool", "set", "19", "--tao", "5000", "--alpha", "185185"))  # the pool thins during the vote
    run = simulate(str(LISTING), "--json", "--report-dir", str(tmp_path))
    assert run.code == 1, run.output
    report = report_of(run)
    assert report["result"] == "fail" and report["lifecycle"]["status"] == "fail"
    assert "PoolBelowLiquidityThreshold" in report["lifecycle"]["revert_reason"]
    by_number = checks(report)
    assert by_number[1]["status"] == "pass"  # the calls are right; the chain changed under them
    assert by_number[2]["status"] == "fail" and "execution reverted" in by_number[2]["summary"]
    assert all(by_number[n]["skipped"] for n in (3, 4, 5, 6))
    assert by_number[8]["status"] == "pass"


def test_a_market_update_that_changes_nothing_warns_per_key(cli, shared_devnet, tmp_path):
    current = json.loads(ok(cli("market", "show", "CHUTES", "--json")).stdout)["params"]
    noop = tmp_path / "noop.yaml"
    noop.write_text(
        "version: 1\nkind: market-update\ntitle: Restate CHUTES\ndescription: Values equal to today's.\n"
        f'market:\n  ticker: CHUTES\n  max_open_interest: "{int(current["max_open_interest"]) // 10**18} TAO"\n'
        f"  taker_fee: {int(current['taker_fee']) / 10**18}\n"
    )
    run = ok(simulate(str(noop), "--json", "--report-dir", str(tmp_path / "report")))
    check = checks(report_of(run))[2]
    assert check["status"] == "warn"
    verdicts = {row["key"]: row["verdict"] for row in check["rows"]}
    assert verdicts == {
        "market.max_open_interest": "WARN: changes nothing",
        "market.taker_fee": "WARN: changes nothing",
    }


def test_a_listing_whose_depth_cap_is_below_its_open_interest_cap_warns_in_the_user_flows(shared_devnet, tmp_path):
    # The registry accepts a 1% depth cap ratio (its bound is 0.1%), and validation has nothing against it; but the
    # depth cap is then 1% of the pool's 32,000 TAO, 320 TAO, so the file's 1,500 TAO cap per side can never be
    # reached at this depth: opens past 320 TAO revert DepthCapExceeded.
    # Like a key that changes nothing, a cap that cannot bind is a warning: the pool may deepen.
    shallow = tmp_path / "shallow.yaml"
    shallow.write_text(LISTING.read_text().replace("  oi_depth_ratio: 5% ", "  oi_depth_ratio: 1% "))
    report = report_of(ok(simulate(str(shallow), "--json", "--report-dir", str(tmp_path / "report"))))
    by_number = checks(report)
    assert by_number[6]["status"] == "warn" and not by_number[6]["skipped"]
    assert by_number[6]["summary"] == (
        "open interest cap: the long side cannot reach the max open interest of 1,500 TAO: a long taking it to "
        "1,485 TAO (99%) reverts DepthCapExceeded: the depth cap is 320 TAO (1% of the pool's 32,000 TAO), below the "
        "cap"
    )
    assert by_number[6]["action"] == (
        "the depth cap binds first at this pool: raise oi_depth_ratio to at least 4.69% or lower max_open_interest to "
        "320 TAO"
    )
    flows = {row["flow"]: row["result"] for row in by_number[6]["rows"]}
    assert flows == {
        "open long": "ok", "open short": "ok", "close long": "ok", "close short": "ok", "open interest cap": "WARN",
        "funding": "ok", "liquidation": "ok",
    }  # fmt: skip
    assert all(by_number[n]["status"] == "pass" for n in (1, 2, 3, 4, 5, 8))


def test_an_update_that_raises_the_cap_above_the_depth_cap_warns_in_the_user_flows(shared_devnet, tmp_path):
    # The example raises CHUTES's cap to 20,000 TAO and its depth cap ratio to 15% of the 150,000 TAO pool (22,500
    # TAO). Without the ratio, the genesis 5% leaves a depth cap of 7,500 TAO: the new cap cannot be reached.
    example = EXAMPLES / "raise-chutes-oi.yaml"
    alone = tmp_path / "alone.yaml"
    alone.write_text(example.read_text().replace("  oi_depth_ratio: 15% ", "  # oi_depth_ratio: 15% "))
    check = checks(report_of(ok(simulate(str(alone), "--json", "--report-dir", str(tmp_path / "report")))))[6]
    assert check["status"] == "warn" and "reverts DepthCapExceeded" in check["summary"]
    assert "the depth cap is 7,500 TAO (5% of the pool's 150,000 TAO)" in check["summary"]
    assert "raise oi_depth_ratio to at least 13.34% or lower max_open_interest to 7,500 TAO" in check["action"]


def test_guardians_are_replaced_and_each_can_do_only_what_it_is_for(shared_devnet, tmp_path):
    report = report_of(ok(simulate(str(GUARDIANS), "--json", "--report-dir", str(tmp_path))))
    by_number = checks(report)
    calls = {(row["call"], row["key"]): row["match"] for row in by_number[1]["rows"]}
    assert calls == {
        ("setGuardian", "pause_guardian"): "ok", ("MegaTAOGovernor.setProposalGuardian", "proposal_guardian"): "ok",
    }  # fmt: skip
    mapped = {row["key"]: (row["state"], row["after"], row["verdict"]) for row in by_number[2]["rows"]}
    assert mapped == {
        "pause_guardian": ("megatao.guardian", "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955", "ok"),
        "proposal_guardian": ("governor.proposalGuardian", "0x976EA74026E726554dB657fA54763abd0C3a0aa9", "ok"),
    }
    assert {row["role"]: row["verdict"] for row in by_number[5]["rows"]} == {
        "governor.proposalGuardian": "ok: proposal_guardian", "megatao.guardian": "ok: pause_guardian",
    }  # fmt: skip
    assert by_number[5]["status"] == "pass" and by_number[5]["summary"].startswith("2 role change(s), each one")
    flows = {row["flow"]: row["result"] for row in by_number[6]["rows"]}
    assert flows == dict.fromkeys(
        [
            "guardian-proof", "replaced pause guardian", "pause guardian",
            "replaced proposal guardian vs a cancellable proposal", "proposal guardian vs a cancellable proposal",
            "proposal guardian vs a guardian-proof proposal",
        ],
        "ok",
    )  # fmt: skip
    assert report["lifecycle"]["execution_lands_at"] == report["lifecycle"]["queued_at"] + 172_800


def test_guardians_that_would_be_one_key_revert_at_execution(shared_devnet, tmp_path):
    # Offline the file is fine (one guardian named); the current proposal guardian, devnet account 8, is the key it
    # appoints as pause guardian: the Governor reverts the execution.
    clash = tmp_path / "clash.yaml"
    clash.write_text(
        "version: 1\nkind: guardians\ntitle: One key for both\ndescription: d\n"
        'pause_guardian: "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f"\n'
    )
    run = simulate(str(clash), "--json", "--report-dir", str(tmp_path / "report"))
    assert run.code == 1, run.output
    report = report_of(run)
    assert "GuardiansNotDistinct(0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f)" in report["lifecycle"]["revert_reason"]
    assert checks(report)[2]["status"] == "fail"


def test_protocol_params_reach_the_oracle_and_the_timelock(shared_devnet, tmp_path):
    risk = report_of(ok(simulate(str(EXAMPLES / "risk-limits.yaml"), "--json", "--report-dir", str(tmp_path / "r"))))
    by_number = checks(risk)
    targets = {a["call"].split("(")[0]: a["target"] for a in risk["proposal"]["actions"]}
    oracle = next(row for row in by_number[3]["rows"] if row["contract"] == "MtsosOracle")
    assert targets["setMaxElapsed"] == oracle["address"] != targets["setRiskParams"]
    assert oracle["attribution"] == "MtsosOracle: _state (ema, lastSpot, lastUpdate, maxElapsed)"
    mapped = {row["key"]: (row["before"], row["after"]) for row in by_number[2]["rows"]}
    assert mapped["mtsos_max_elapsed"] == ("1h (3,600 s)", "2h (7,200 s)")
    assert mapped["min_keeper_fee"] == ("0.0100 TAO", "0.0200 TAO") and mapped["max_pause"][1] == "5d (432,000 s)"
    # What users meet after the execution: each new value measured on the fork.
    flows = {row["flow"]: row for row in by_number[6]["rows"]}
    assert {name: row["result"] for name, row in flows.items()} == dict.fromkeys(
        ["min margin", "MTSOS max elapsed", "max pause"], "ok"
    )
    assert "refused (MarginBelowMinimum, min 0.200000000 TAO); 0.204000000 TAO opens" in flows["min margin"]["detail"]
    assert flows["MTSOS max elapsed"]["detail"].startswith("a reading held 4h is weighed for 2h: the next EMA is")
    assert flows["max pause"]["detail"].endswith(", 5d later")
    delay = report_of(ok(simulate(str(EXAMPLES / "upgrade-delay.yaml"), "--json", "--report-dir", str(tmp_path))))
    # An upgrade call: the timelock holds the proposal for the upgrade delay (9 days), not the 2-day minimum.
    assert delay["lifecycle"]["execution_lands_at"] == delay["lifecycle"]["queued_at"] + 9 * 86_400
    (row,) = checks(delay)[2]["rows"]
    assert (row["state"], row["before"], row["after"]) == (
        "protocol.upgrade_delay",
        "9d (777,600 s)",
        "12d (1,036,800 s)",
    )
    (flow,) = checks(delay)[6]["rows"]
    assert (flow["flow"], flow["detail"]) == (
        "upgrade delay",
        "a module upgrade scheduled now waits 12d in the timelock",
    )


def test_an_lp_window_sets_the_next_epochs_schedule_and_deposits_follow_its_window(shared_devnet, tmp_path):
    report = report_of(ok(simulate(str(LP_WINDOW), "--json", "--report-dir", str(tmp_path))))
    by_number = checks(report)
    assert [row["key"] for row in by_number[1]["rows"]] == [
        "epoch_length", "deposit_window", "withdraw_window", "deposit_cap_per_account", "deposit_cap_total",
    ]  # fmt: skip
    assert all(row["match"] == "ok" for row in by_number[1]["rows"])
    # The example restates the genesis schedule: each schedule key warns; the caps change at once.
    verdicts = {row["key"]: (row["state"], row["verdict"]) for row in by_number[2]["rows"]}
    assert verdicts == {
        "epoch_length": ("lp.next_epoch.epoch_length", "WARN: changes nothing"),
        "deposit_window": ("lp.next_epoch.deposit_window", "WARN: changes nothing"),
        "withdraw_window": ("lp.next_epoch.withdrawal_window", "WARN: changes nothing"),
        "deposit_cap_per_account": ("lp.deposit_cap_per_account", "ok"),
        "deposit_cap_total": ("lp.deposit_cap_total", "ok"),
    }
    caps = {row["key"]: (row["before"], row["after"]) for row in by_number[2]["rows"]}
    assert caps["deposit_cap_total"] == ("no cap", "100,000.0000 TAO")
    attributions = sorted(row["attribution"] for row in by_number[3]["rows"] if row["contract"] == "MegaTAO")
    assert attributions == [
        "megatao.storage.lp: accountDepositCap, globalDepositCap",
        "megatao.storage.lp: nextSchedule",
    ]
    assert {"EpochScheduleSet", "DepositCapsSet"} <= {row["event"] for row in by_number[4]["rows"]}
    flows = {row["flow"]: row["detail"] for row in by_number[6]["rows"] if row["result"] == "ok"}
    assert "epoch 2 began at" in flows["schedule"]
    assert "deposit inside the window (its first second)" in flows
    assert "deposit inside the window (its last second)" in flows
    assert "DepositWindowClosed" in flows["deposit outside the window (the second it closes)"]
    assert any("After the execution: epoch 7d, deposits 2d, withdrawals 2d from epoch 2" in note
               for note in by_number[7]["notes"])  # fmt: skip


def test_an_lp_window_that_changes_the_schedule_passes_and_check_7_passes_outside_the_windows(shared_devnet, tmp_path):
    from megatao.node.anvil import AnvilRpc

    # Two days later the vote and the delay end 3 days into epoch 1, after its 48-hour windows closed.
    node = AnvilRpc(shared_devnet.rpc_url)
    node.increase_time(2 * 86400)
    node.mine(1)
    changed = tmp_path / "changed.yaml"
    changed.write_text(
        LP_WINDOW.read_text()
        .replace("epoch_length: 7d", "epoch_length: 8d")  # the longest LP exit, 9d - 1s, below the upgrade delay
        .replace("deposit_window: 48h", "deposit_window: 72h")
        .replace("withdraw_window: 48h", "withdraw_window: 24h")
    )
    report = report_of(ok(simulate(str(changed), "--json", "--report-dir", str(tmp_path / "report"))))
    by_number = checks(report)
    assert {n: c["status"] for n, c in by_number.items()} == {n: "pass" for n in range(1, 9)}
    assert report["result"] == "pass"
    rows = {row["key"]: (row["before"], row["after"]) for row in by_number[2]["rows"]}
    assert rows["deposit_window"] == ("2d (172,800 s)", "3d (259,200 s)")
    # The 72-hour window is the one in force: a deposit at its last second succeeds, at 72 h it reverts.
    flows = {row["flow"]: row["detail"] for row in by_number[6]["rows"]}
    assert "2d23h59m59s after the window opened" in flows["deposit inside the window (its last second)"]
    assert "lands outside the LP windows" in by_number[7]["summary"]
    windows = {row["what"]: row["detail"] for row in by_number[7]["rows"]}
    assert windows["epoch 1 deposit window"] == "closed at the execution"


def test_an_lp_window_whose_total_cap_is_below_the_lps_equity_fails_the_deposit_flow(cli, shared_devnet, tmp_path):
    # Validation checks the caps' bounds and order, not the LPs' equity on chain (50,000 TAO on the devnet): a total
    # cap of 10,000 TAO executes, and then no deposit fits.
    low = tmp_path / "low-cap.yaml"
    low.write_text(LP_WINDOW.read_text().replace('deposit_cap_total: "100000 TAO"', 'deposit_cap_total: "10000 TAO"'))
    ok(cli("proposal", "validate", str(low), "--network", "devnet"))
    run = simulate(str(low), "--json", "--report-dir", str(tmp_path / "report"))
    assert run.code == 1, run.output
    by_number = checks(report_of(run))
    assert by_number[6]["status"] == "fail"
    assert "GlobalDepositCapExceeded" in by_number[6]["summary"]
    assert "the total cap of 10,000.0000 TAO is below the LPs' equity" in by_number[6]["summary"]
    assert all(by_number[n]["status"] == "pass" for n in (1, 3, 4, 5, 8))


def test_a_referral_config_pays_each_tier_exactly_to_the_wei(shared_devnet, tmp_path):
    two = tmp_path / "two-tiers.yaml"
    two.write_text(
        REFERRAL.read_text().replace(
            "builder_fee_share:",
            "  - name: gold\n    referrer_share: 20%\n    referee_discount: 10%\n    discount_days: 90\n"
            "builder_fee_share:",
        )
    )
    report = report_of(ok(simulate(str(two), "--json", "--report-dir", str(tmp_path / "report"))))
    by_number = checks(report)
    assert {n: c["status"] for n, c in by_number.items() if n != 7} == {n: "pass" for n in (1, 2, 3, 4, 5, 6, 8)}
    decoded = {row["key"]: (row["file"], row["calldata"]) for row in by_number[1]["rows"]}
    assert decoded["tiers[1].referrer_share"] == (str(2 * 10**17), str(2 * 10**17))
    assert decoded["tiers[1].name"][1] == "0x" + b"gold".ljust(32, b"\0").hex()
    mapped = {row["state"]: (row["after"], row["verdict"]) for row in by_number[2]["rows"]}
    assert mapped["referral.tiers[1].referee_discount"] == ("10%", "ok")
    # The referral share of the fee split follows: the largest tier's 20% + 10%, plus the 5% builder share.
    assert mapped["protocol.referral_fee_share"] == ("35%", "ok")
    assert {row["attribution"].split(":")[0] for row in by_number[3]["rows"] if row["contract"] == "MegaTAO"} == {
        "megatao.storage.referral",
        "megatao.storage.fee",
    }
    shares = {"base": (10, 5), "gold": (20, 10)}
    parts = re.compile(r"(F =|discount|referrer|builder|insurance|vault|charged) (\d+)")
    for row in by_number[6]["rows"]:
        tier = row["flow"].split("(")[1].rstrip(")")
        numbers = {name: int(value) for name, value in parts.findall(row["detail"])}
        fee = numbers["F ="]
        referrer, discount = shares[tier]
        assert numbers["discount"] == fee * discount // 100  # floor(F x share), share a whole percent
        assert numbers["referrer"] == fee * referrer // 100
        assert numbers["builder"] == fee * 5 // 100
        assert numbers["charged"] == fee - numbers["discount"]
        assert fee % 20 != 0  # the floors drop wei: the check is to the wei, not on round numbers


def test_a_referral_tier_whose_discount_never_starts_fails_the_referred_trade(cli, shared_devnet, tmp_path):
    # discount_days may be 0 (validation accepts 0..3650), but the discount lasts `discount_days` from the referee's
    # first trade: with 0 it ends as it starts, and no referee ever gets the 5% the file configures. Only a trade
    # shows it.
    never = tmp_path / "never.yaml"
    never.write_text(REFERRAL.read_text().replace("discount_days: 30", "discount_days: 0"))
    ok(cli("proposal", "validate", str(never), "--network", "devnet"))
    run = simulate(str(never), "--json", "--report-dir", str(tmp_path / "report"))
    assert run.code == 1, run.output
    by_number = checks(report_of(run))
    assert by_number[6]["status"] == "fail"
    assert "discount 0 wei, expected" in by_number[6]["summary"]
    assert "discount_days is 0" in by_number[6]["summary"]
    assert all(by_number[n]["status"] == "pass" for n in (1, 2, 3, 4, 5, 8))


def test_the_same_inputs_and_fork_block_give_the_same_report(shared_devnet, tmp_path):
    from megatao.node.anvil import AnvilRpc

    block = str(int(AnvilRpc(shared_devnet.rpc_url).block()["number"], 16))
    example = str(EXAMPLES / "raise-chutes-oi.yaml")
    ok(simulate(example, "--fork-block", block, "--report-dir", str(tmp_path / "a")))
    ok(simulate(example, "--fork-block", block, "--report-dir", str(tmp_path / "b")))
    for name in ("report.json", "report.md", "report.html"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    text = (tmp_path / "a" / "report.json").read_text()
    assert shared_devnet.rpc_url.rsplit(":", 1)[1] not in text  # no port of the source or the fork
    # No fork is left running.
    leftovers = subprocess.run(["pgrep", "-f", f"fork-url {shared_devnet.rpc_url}"], capture_output=True, text=True)
    assert leftovers.stdout.strip() == ""


def test_text_output_and_exit_codes(shared_devnet, tmp_path):
    run = ok(simulate(str(EXAMPLES / "raise-chutes-oi.yaml"), "--report-dir", str(tmp_path)))
    assert "PASS 2 Semantic diff of protocol state" in run.stdout
    assert "WARN 7 Execution time and the LP window calendar: the execution at " in run.stdout
    assert_one_line_error(simulate(str(tmp_path / "missing.yaml")), "missing.yaml: no such file")
    assert_one_line_error(simulate(str(LISTING), "--fork-block", "99999999"), "--fork-block 99999999 is not a block")
    assert_one_line_error(simulate(str(LISTING), "--proposer", "nobody"), "--proposer 'nobody' is not an address")
    bad = tmp_path / "bad.yaml"
    bad.write_text(LISTING.read_text().replace("maker_fee: 0%", "maker_fee: 1%"))
    assert_one_line_error(simulate(str(bad)), "[MAKER-AT-MOST-TAKER]", "fix the file first", code=1)
    poor = simulate(str(LISTING), "--json", "--proposer", "0x" + "11" * 20, "--report-dir", str(tmp_path / "p"))
    assert poor.code == 1 and "below the proposal threshold" in report_of(poor)["lifecycle"]["message"]


def test_unreachable_source_is_an_environment_error(tmp_path):
    run = simulate(str(LISTING), "--rpc-url", "http://127.0.0.1:9")
    assert_one_line_error(run, "cannot reach RPC URL http://127.0.0.1:9")


@pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)"
)
def test_the_html_report_renders_in_headless_chromium(shared_devnet, tmp_path):
    ok(simulate(str(LISTING), "--report-dir", str(tmp_path)))
    profile = tmp_path / "profile"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}"]  # fmt: skip
    page = (tmp_path / "report.html").as_uri()
    dom = subprocess.run([str(CHROMIUM), *flags, "--dump-dom", page], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr
    assert '<span class="warn" id="result">WARN</span>' in dom.stdout
    assert dom.stdout.count('<a href="#check-') == 8 and "Semantic diff of protocol state" in dom.stdout
    shot = tmp_path / "report.png"
    subprocess.run([str(CHROMIUM), *flags, f"--screenshot={shot}", "--window-size=1280,2000", page],
                   capture_output=True, timeout=120, check=True)  # fmt: skip
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
    shutil.rmtree(profile, ignore_errors=True)


def test_a_source_without_the_emulator_gets_it_seeded_from_its_own_answers(shared_devnet, tmp_path, monkeypatch):
    """On Bittensor the precompile is native: the fork gets the emulator's code, seeded with what the source's
    precompile answered at the fork block for every subnet involved. Here the devnet plays the source, and the fork
    is told it has no emulator."""
    from governance.simulation.simulate import simulate as run
    from megatao.clients.pools import AlphaPrecompile
    from megatao.node.chain import Chain
    from megatao.node.networks import resolve_endpoint

    source = AlphaPrecompile(Chain(resolve_endpoint("devnet")))
    monkeypatch.setattr(AlphaPrecompile, "is_emulator", lambda self: False)
    report = run(LISTING, resolve_endpoint("devnet")).as_json()
    emulator = report["source"]["emulator"]
    assert emulator["mode"] == "placed" and 19 in emulator["netuids"] and 64 in emulator["netuids"]
    seeded = {row["netuid"]: row for row in emulator["pools"]}
    reading = source.read(19)
    assert int(seeded[19]["tao_in_pool_rao"]) == reading.tao_in_rao and int(seeded[19]["source_price"]) == reading.price
    assert report["result"] == "warn" and checks(report)[6]["status"] == "pass"


def test_ctrl_c_stops_the_fork(shared_devnet):
    import signal
    import time

    def forks() -> list[str]:
        found = subprocess.run(["pgrep", "-f", f"fork-url {shared_devnet.rpc_url}"], capture_output=True, text=True)
        return found.stdout.split()

    process = subprocess.Popen(
        [sys.executable, "-m", "cli", "proposal", "simulate", str(LISTING), "--report-dir", "/dev/null/never"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # a shell's background job ignores it
    )
    deadline = time.monotonic() + 60
    while not forks() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert forks(), "the fork never started"
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130 and stderr.strip().endswith("interrupted"), stderr
    assert forks() == []
