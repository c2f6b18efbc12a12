"""`megatao lp` offline: share parsing and formatting, the status model, and every command's help (the `lp` group
is invoked directly: cli/main.py wires it in). The on-chain flow needs the LP module on the devnet."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cli.lp import lp
from megatao.clients.lp import NO_CAP, STATUS_FIELDS, LpStatus, format_cap, format_shares, parse_shares
from megatao.core.errors import InputError

E18 = 10**18


def _status(**overrides) -> LpStatus:
    values = dict.fromkeys(STATUS_FIELDS, 0)
    values.update(
        epoch=3,
        epoch_start=1_000,
        epoch_end=1_000 + 7 * 86_400,
        deposit_window_open=True,
        deposit_window_edge=1_000 + 2 * 86_400,
        withdrawal_window_open=False,
        withdrawal_window_edge=1_000 + 7 * 86_400,
        deposit_share_value=E18,
        withdrawal_share_value=E18,
        total_shares=1_000 * E18,
        shares=10 * E18,
        request_shares=4 * E18,
        request_epoch=3,
        request_status=1,
        request_value=4 * E18,
        account_deposit_cap=NO_CAP,
        global_deposit_cap=500 * E18,
    )
    values.update(overrides)
    return LpStatus.from_tuple("0xabc", 1_000 + 3_600, tuple(values[f] for f in STATUS_FIELDS))


def test_parse_shares_number_and_all():
    assert parse_shares("2.5", 10 * E18) == 25 * E18 // 10
    assert parse_shares("1_000", 2_000 * E18) == 1_000 * E18
    assert parse_shares("all", 7) == 7
    assert parse_shares("0.000000000000000001", 1) == 1


@pytest.mark.parametrize(
    ("text", "fragment"),
    [("x", "not a number"), ("0", "positive"), ("-1", "positive"), ("1e-19", "18 decimals"), ("11", "exceed")],
)
def test_parse_shares_rejects(text, fragment):
    with pytest.raises(InputError, match=fragment):
        parse_shares(text, 10 * E18)


def test_parse_shares_all_without_free_shares():
    with pytest.raises(InputError, match="holds none"):
        parse_shares("all", 0)


def test_format_shares_and_caps():
    assert format_shares(25 * E18 // 10) == "2.5"
    assert format_shares(0) == "0"
    assert format_shares(1) == "0.000000000000000001"
    assert format_cap(NO_CAP) == "none"
    assert format_cap(5 * E18) == "5.0000 TAO"


def test_status_windows_and_request_lines():
    s = _status()
    assert s.request_status == "pending"
    assert s.window_line("deposit") == f"open, closes in 1d23h (at {1_000 + 2 * 86_400})"
    assert s.window_line("withdrawal").startswith("closed, opens in 6d23h")
    assert "claimable in epoch 4's withdrawal window" in s.request_line()
    assert "claimable now" in _status(request_status=2).request_line()
    assert "void" in _status(request_status=3).request_line()
    assert _status(request_shares=0, request_status=0).request_line() == "none"


def test_status_json_names_every_figure():
    data = _status().to_json()
    assert data["deposit_window"] == {"open": True, "edge": 1_000 + 2 * 86_400}
    assert data["request"] == {"shares": str(4 * E18), "epoch": 3, "status": "pending", "value": str(4 * E18)}
    assert data["global_deposit_cap"] == str(500 * E18)


@pytest.mark.parametrize("command", [[], ["status"], ["deposit"], ["request-withdrawal"], ["claim"]])
def test_help_ends_with_an_example(command):
    result = CliRunner().invoke(lp, [*command, "--help"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert any(line.strip() == "Example:" for line in lines)
    assert lines[-1].strip().startswith("megatao lp")


def test_deposit_rejects_a_bad_amount_in_one_line():
    result = CliRunner().invoke(lp, ["deposit", "1.0000000001", "--account", "devnet:1"])
    assert result.exit_code == 2
    assert "more than 9 decimals" in result.output
    assert "Traceback" not in result.output


# ---------------------------------------------------------------- on the devnet


def _status_json(cli, address: str) -> dict:
    run = cli("lp", "status", "--address", address, "--json")
    assert run.code == 0, run.output
    return json.loads(run.stdout)


@pytest.mark.anvil
def test_an_lp_deposits_requests_and_claims_in_the_next_window(cli, shared_devnet):
    from megatao.node.accounts import dev_account
    from tests.conftest import assert_one_line_error

    lp_address = dev_account(1).address
    before = _status_json(cli, lp_address)
    assert before["epoch"] == 0 and before["deposit_window"]["open"]
    assert cli("lp", "deposit", "100", "--account", "devnet:1").code == 0
    after = _status_json(cli, lp_address)
    assert int(after["shares"]) == 100 * E18
    assert cli("lp", "request-withdrawal", "40", "--account", "devnet:1").code == 0
    assert _status_json(cli, lp_address)["request"]["status"] == "pending"
    assert_one_line_error(cli("lp", "claim", "--account", "devnet:1"), "not claimable yet")
    assert_one_line_error(cli("lp", "request-withdrawal", "1000", "--account", "devnet:1"), "exceed")

    assert cli("devnet", "advance", "7d").code == 0
    claimed = cli("lp", "claim", "--account", "devnet:1", "--json")
    assert claimed.code == 0, claimed.output
    assert int(json.loads(claimed.stdout)["amount"]) == 40 * E18
    assert int(_status_json(cli, lp_address)["shares"]) == 60 * E18

    assert cli("devnet", "advance", "3d").code == 0
    closed = cli("lp", "deposit", "1", "--account", "devnet:1")
    assert_one_line_error(closed, "deposit window is closed", "opens in")
