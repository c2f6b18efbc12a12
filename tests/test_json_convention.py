"""`--json` over the whole command tree: every command that prints data takes it, and every document it prints
keeps the one convention of cli/base.py (snake_case keys at every depth; amounts as decimal strings, so no integer
beyond 2**53 unquoted).

The checker is tested on synthetic documents first, so that it can fail; then one run of every JSON-capable command
(offline, or on the shared devnet, in one scenario that reaches each command's success: a liquidation, a settled
market, an LP claim, two proposals through governance, a referral reward claimed, an auto-deleveraging) is checked.
A command given --json that no run covers fails the test, so a new one must add its run here."""

from __future__ import annotations

import json
import math
import re
from typing import Any

import click
import pytest
from click.testing import CliRunner

from cli.main import cli as root
from megatao.node.accounts import dev_account
from tests.conftest import ROOT

#: The commands that take no --json, and why: each prints a document of its own format, not data.
JSON_FREE = {
    ("proposal", "new"): "prints a commented YAML template of a proposal file: the file itself",
    (
        "proposal",
        "schema",
    ): "prints the JSON Schema of proposal files, whose keywords ($defs, anyOf) the standard names",
    ("vote", "sign"): "prints the signed ballot, a file format (version 1) that `vote relay` reads, whose typedData "
    "EIP-712 names (chainId, verifyingContract)",
}

SAFE_INTEGER = 2**53 - 1
SNAKE_CASE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
#: A key whose last word names an amount never holds a JSON number (a small amount is a string too).
AMOUNT_WORDS = {
    "amount", "cap", "claimable", "ema", "equity", "fee", "impact", "leverage", "margin", "notional", "pnl", "price",
    "quorum", "rao", "received", "reserves", "rewards", "shares", "size", "spot", "tao", "value", "votes",
}  # fmt: skip


def convention_problems(document: Any, where: str = "$") -> list[str]:
    """Where `document` (parsed JSON) breaks the convention: a key not snake_case, an integer beyond 2**53 - 1 not
    written as a string, a number under a key that names an amount, a float that is not finite."""
    problems = []
    if isinstance(document, dict):
        for key, value in document.items():
            if not isinstance(key, str) or not SNAKE_CASE.fullmatch(key):
                problems.append(f"{where}: key {key!r} is not snake_case")
            elif key.rpartition("_")[2] in AMOUNT_WORDS and _is_number(value):
                problems.append(f"{where}.{key}: the amount {value!r} is a number, not a decimal string")
            problems += convention_problems(value, f"{where}.{key}")
    elif isinstance(document, list):
        for index, value in enumerate(document):
            problems += convention_problems(value, f"{where}[{index}]")
    elif isinstance(document, int) and not isinstance(document, bool) and abs(document) > SAFE_INTEGER:
        problems.append(f"{where}: the integer {document} is beyond 2**53 - 1 and not a decimal string")
    elif isinstance(document, float) and not math.isfinite(document):
        problems.append(f"{where}: {document} is not a finite number")
    return problems


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def leaf_commands(group: click.Group, path: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from leaf_commands(command, (*path, name))
        else:
            yield (*path, name), command


def takes_json(command: click.Command) -> bool:
    return any(param.name == "as_json" and "--json" in getattr(param, "opts", ()) for param in command.params)


COMMANDS = dict(leaf_commands(root))
JSON_COMMANDS = sorted(path for path, command in COMMANDS.items() if takes_json(command))


# ------------------------------------------------------------------------------------------------------- the checker


def test_the_checker_finds_every_kind_of_problem_in_a_bad_document():
    bad = {
        "fillPrice": "1",
        "nested": [{"ok_key": 1, "gas used": 2}, {"deep": {"Upper": None, "_lead": 0, "trail_": 0}}],
        "wei": 2**53,
        "negative": [-(2**64)],
        "fee": 0,
        "reference_price": 10**15,
        "ratio": float("nan"),
        "tao_in_pool_rao": 1.5,
    }
    problems = convention_problems(bad)
    expected = [
        "$: key 'fillPrice' is not snake_case",
        "$.nested[0]: key 'gas used' is not snake_case",
        "$.nested[1].deep: key 'Upper' is not snake_case",
        "$.nested[1].deep: key '_lead' is not snake_case",
        "$.nested[1].deep: key 'trail_' is not snake_case",
        "$.wei: the integer 9007199254740992 is beyond 2**53 - 1 and not a decimal string",
        "$.negative[0]: the integer -18446744073709551616 is beyond 2**53 - 1 and not a decimal string",
        "$.fee: the amount 0 is a number, not a decimal string",
        "$.reference_price: the amount 1000000000000000 is a number, not a decimal string",
        "$.ratio: nan is not a finite number",
        "$.tao_in_pool_rao: the amount 1.5 is a number, not a decimal string",
    ]
    assert sorted(problems) == sorted(expected), problems
    assert convention_problems(json.loads(json.dumps(bad))) == problems


def test_the_checker_passes_a_good_document():
    good = {
        "reference_price": str(10**17),
        "funding_rate_8h": "-7500000000000000",
        "block": 12,
        "timestamp": 1_796_605_344,
        "gap_percent": -1.25,
        "price_broken": False,
        "open_interest": {"long": "0", "short": str(2**70)},
        "votes": {"for": str(3 * 1_500_000 * 10**18)},
        "rows": [{"accrued_funding": "1,000 -> 1,002"}],
        "max_elapsed": 3600,
        "code": None,
        "counted": True,
    }
    assert convention_problems(good) == []


# ----------------------------------------------------------------------------------------------- the command tree


def test_every_command_that_prints_data_takes_json():
    without = {path for path, command in COMMANDS.items() if not takes_json(command)}
    assert without == set(JSON_FREE), f"commands without --json: {sorted(without)}; exempt: {sorted(JSON_FREE)}"


def test_json_is_the_shared_option():
    """Each --json is cli.options.json_option's: the same flag, the same help, the same parameter name."""
    for path in JSON_COMMANDS:
        (option,) = [p for p in COMMANDS[path].params if p.name == "as_json"]
        assert option.is_flag and option.opts == ["--json"], path
        assert option.help == "Print machine-readable JSON instead of text.", path


# ------------------------------------------------------------------------------------------- one run of each command


class Runner:
    """`megatao ARGS` in this process (as tests/test_attacks.py runs it); a run with --json must print one document
    that keeps the convention, which it returns."""

    def __init__(self):
        self.covered: set[tuple[str, ...]] = set()

    def __call__(self, *args: str, codes: tuple[int, ...] = (0,), env: dict | None = None):
        result = CliRunner().invoke(root, list(args), prog_name="megatao", env=env)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        shown = " ".join(args)
        assert result.exit_code in codes, f"megatao {shown}: exit {result.exit_code}\n{result.output}"
        if "--json" not in args:
            return result
        document = json.loads(result.stdout)  # exactly one document, nothing else on stdout
        problems = convention_problems(document)
        assert not problems, f"megatao {shown}:\n" + "\n".join(problems)
        self.covered.add(command_path(args))
        return document


def command_path(args: tuple[str, ...]) -> tuple[str, ...]:
    path, command = [], root
    for arg in args:
        if not isinstance(command, click.Group) or arg not in command.commands:
            break
        path.append(arg)
        command = command.commands[arg]
    return tuple(path)


def account(index: int) -> tuple[str, str]:
    return ("--account", f"devnet:{index}")


def next_epoch(megatao: Runner, within_windows: bool = False) -> bool:
    """Into the next epoch's windows, 12 s in (`devnet advance`); with `within_windows`, only say whether the deposit
    and withdrawal windows are open now."""
    status = megatao("lp", "status", *account(1), "--json")
    if within_windows:
        return status["deposit_window"]["open"] and status["withdrawal_window"]["open"]
    megatao("devnet", "advance", str(status["epoch_end"] - status["now"] + 12), "--json")
    return True


EXAMPLES = ROOT / "proposals" / "examples"
REFERRAL = EXAMPLES / "referral-launch.yaml"
PNL_CAP = """version: 1
kind: protocol-params
title: A tight profit cap
description: |
  Cap the traders' unrealized profit at 1% of the reserves, so that auto-deleveraging starts early.
max_pnl_factor: 1%
"""


@pytest.mark.anvil
def test_every_json_document_keeps_the_convention(shared_devnet, tmp_path, monkeypatch):
    monkeypatch.setenv("MEGATAO_KEYSTORE_DIR", str(tmp_path / "keystores"))
    megatao = Runner()
    password = tmp_path / "password"
    password.write_text("correct horse battery staple\n")
    key = tmp_path / "key"
    key.write_text("0x" + "42" * 32)

    _reads(megatao, tmp_path, password, key)
    _lp_epoch_and_a_position(megatao)
    _a_liquidation_and_a_settlement(megatao)
    _two_proposals(megatao, tmp_path)
    _a_referral_and_an_adl(megatao)
    assert megatao.covered == set(JSON_COMMANDS), sorted(set(JSON_COMMANDS) ^ megatao.covered)


def _reads(megatao, tmp_path, password, key) -> None:
    """Offline commands, reads and reports."""
    megatao("account", "new", "alice", "--password-file", str(password), "--json")
    megatao("account", "import", "bob", "--private-key-file", str(key), "--password-file", str(password), "--json")
    megatao("account", "list", "--json")
    megatao("account", "address", "alice", "--password-file", str(password), "--json")
    megatao("network", "list", "--json")
    megatao("network", "check", "--json")
    megatao("devnet", "up", "--json")  # the shared devnet runs: reported, nothing changes
    megatao("devnet", "status", "--json")
    megatao("devnet", "down", "--json", env={"MEGATAO_STATE_DIR": str(tmp_path / "no-devnet")})  # none runs there
    megatao("oracle", "replay", str(EXAMPLES / "mtsos-march-2026.csv"), "--json")
    megatao("oracle", "show", "--json")
    megatao("oracle", "update", "--json")
    megatao("pool", "list", "--json")
    megatao("market", "list", "--json")
    megatao("market", "show", "CHUTES", "--json")
    megatao("market", "show", "MTSOS", "--json")
    megatao("lp", "status", "--address", dev_account(1).address, "--json")
    megatao("upgrade", "check", "--json")
    megatao("upgrade", "snapshot-layout", "-o", str(tmp_path / "layout.json"), "--json")
    examples = sorted(str(path) for path in EXAMPLES.glob("*.yaml"))
    megatao("proposal", "validate", *examples, "--network", "devnet", "--json", codes=(0, 1))
    megatao("proposal", "encode", str(REFERRAL), "--json")
    reports = tmp_path / "reports"
    megatao("proposal", "simulate", str(EXAMPLES / "list-sn19.yaml"), "--network", "devnet", "--report-dir",
            str(reports / "simulation"), "--json", codes=(0, 1))  # fmt: skip
    megatao("upgrade", "rehearse", str(EXAMPLES / "oracle-module-v2.yaml"), "--network", "devnet", "--report-dir",
            str(reports / "rehearsal"), "--json", codes=(0, 1))  # fmt: skip
    for report in reports.glob("*/report.json"):
        assert convention_problems(json.loads(report.read_text())) == [], report


def _lp_epoch_and_a_position(megatao) -> None:
    """An LP's epoch, and a position's life on TEMPLAR."""
    # An LP's epoch: deposit, request the withdrawal, claim it in the next epoch's withdrawal window.
    if not next_epoch(megatao, within_windows=True):
        next_epoch(megatao)
    megatao("lp", "deposit", "100", *account(1), "--json")
    megatao("lp", "request-withdrawal", "all", *account(1), "--json")
    next_epoch(megatao)
    assert megatao("lp", "claim", *account(1), "--json")["outcome"] == "claimed"

    # A position's life on TEMPLAR.
    trader = dev_account(3).address
    megatao("trade", "open", "TEMPLAR", "long", "--margin", "5", "--leverage", "2x", *account(3), "--json")
    megatao("devnet", "advance", "12")
    megatao("trade", "increase", "TEMPLAR", "--margin", "2", "--leverage", "2x", *account(3), "--json")
    megatao("devnet", "advance", "12")
    megatao("trade", "reduce", "TEMPLAR", "--fraction", "50%", *account(3), "--json")
    megatao("trade", "add-margin", "TEMPLAR", "1", *account(3), "--json")
    megatao("trade", "remove-margin", "TEMPLAR", "0.5", *account(3), "--json")
    assert [p["ticker"] for p in megatao("trade", "positions", trader, "--json")] == ["TEMPLAR"]
    megatao("devnet", "advance", "12")
    megatao("trade", "close", "TEMPLAR", *account(3), "--json")


def _a_liquidation_and_a_settlement(megatao) -> None:
    """A liquidation on LIUM and a settled TARGON."""
    # A liquidation on LIUM: its price halves, and keepers' pokes bring the reference down to it.
    victim = dev_account(4).address
    megatao("trade", "open", "LIUM", "long", "--margin", "3", "--leverage", "3x", *account(4), "--json")
    megatao("pool", "set", "51", "--tao", "60000", "--alpha", "2400000", "--json")
    megatao("market", "poke", "LIUM", *account(0), "--json")
    for _ in range(3):
        megatao("devnet", "advance", "10m")
        megatao("market", "poke", "LIUM", *account(0))
    megatao("trade", "liquidate", victim, "LIUM", *account(0), "--json")

    # TARGON's price source fails (no alpha in its pool); after the settle-after time anyone settles it.
    megatao("pool", "set", "4", "--tao", "70000", "--alpha", "0")
    megatao("market", "poke", "TARGON", *account(0))
    megatao("devnet", "advance", "1h1m")
    megatao("market", "settle", "TARGON", *account(5), "--json")


def _two_proposals(megatao, tmp_path) -> None:
    """Two proposals through governance, voted directly and by relayed ballots."""
    # Two proposals through governance: the referral tiers, and a 1% cap on the traders' profit.
    pnl = tmp_path / "pnl-cap.yaml"
    pnl.write_text(PNL_CAP)
    megatao("proposal", "submit", str(REFERRAL), *account(1), "--json")
    megatao("proposal", "submit", str(pnl), *account(1), "--json")
    megatao("devnet", "advance", "1d1s")
    megatao("vote", "cast", str(REFERRAL), "for", *account(2), "--json")
    ballots = []
    for voter in (3, 4):
        ballots.append(str(tmp_path / f"voter{voter}.ballot.json"))
        megatao("vote", "sign", str(REFERRAL), "for", *account(voter), "-o", ballots[-1])
        megatao("vote", "cast", str(pnl), "for", *account(voter))
    megatao("vote", "cast", str(pnl), "for", *account(2))
    assert all(r["counted"] for r in megatao("vote", "relay", *ballots, *account(0), "--json"))
    megatao("devnet", "advance", "5d")
    megatao("proposal", "queue", str(REFERRAL), *account(1), "--json")
    megatao("proposal", "queue", str(pnl), *account(1))
    megatao("devnet", "advance", "2d1m")
    megatao("proposal", "execute", str(REFERRAL), *account(1), "--json")
    megatao("proposal", "execute", str(pnl), *account(1))
    assert megatao("proposal", "status", str(pnl), "--json")["state"] == "Executed"


def _a_referral_and_an_adl(megatao) -> None:
    """A referral's reward claimed, and an auto-deleveraging."""
    # A referral: a code, a referee's trade, the referrer's reward claimed.
    megatao("referral", "register", "ALICE_2026", *account(7), "--json")
    megatao("referral", "bind", "ALICE_2026", *account(8), "--json")
    megatao("trade", "open", "IOTA", "long", "--margin", "10", "--leverage", "2x", *account(8), "--json")
    assert int(megatao("referral", "show", "ALICE_2026", "--json")["claimable"]) > 0
    megatao("referral", "claim", *account(7), "--json")

    # CHUTES rallies 50% under a long: the traders' profit passes its 1% cap, and a keeper auto-deleverages it.
    megatao("trade", "open", "CHUTES", "long", "--margin", "600", "--leverage", "3x", *account(6), "--json")
    megatao("pool", "set", "64", "--tao", "183712", "--alpha", "1530931")  # price x1.5, at the same depth
    for _ in range(4):
        megatao("market", "poke", "CHUTES", *account(0))
        megatao("devnet", "advance", "10m")
    profit = megatao("market", "show", "CHUTES", "--json")["trader_profit"]
    assert int(profit["now"]) > int(profit["cap"]), profit
    megatao("trade", "adl", dev_account(6).address, "CHUTES", *account(0), "--json")
