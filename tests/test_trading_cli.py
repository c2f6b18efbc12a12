"""Trading through the CLI on the devnet: the published fee example, positions, a liquidation, and the reverts."""

from __future__ import annotations

import json

import pytest

from megatao.node.accounts import dev_account
from tests.conftest import assert_one_line_error

pytestmark = pytest.mark.anvil
WAD = 10**18


def ok(run):
    assert run.code == 0, run.output
    return run


def test_open_and_close_pay_the_published_fees(cli, shared_devnet):
    trader = dev_account(3).address
    opened = json.loads(
        ok(
            cli(
                "trade",
                "open",
                "CHUTES",
                "long",
                "--margin",
                "5",
                "--leverage",
                "2x",
                "--account",
                "devnet:3",
                "--json",
            )
        ).stdout
    )
    # 5 TAO at 2x: notional 10 TAO, the 0.025 TAO open fee comes out of the margin.
    assert int(opened["margin"]) == 4_975 * 10**15
    assert int(opened["entry_notional"]) >= 10 * WAD - 10**9 and opened["side"] == "long"
    shown = json.loads(ok(cli("market", "show", "CHUTES", "--json")).stdout)
    assert shown["openInterest"]["long"] == int(opened["entry_notional"])
    listed = json.loads(ok(cli("trade", "positions", trader, "--json")).stdout)
    assert [p["ticker"] for p in listed] == ["CHUTES"]

    ok(cli("devnet", "advance", "12"))  # no open and close in the same block
    closed = json.loads(ok(cli("trade", "close", "CHUTES", "--account", "devnet:3", "--json")).stdout)
    # Back: the margin, less the 0.025 TAO close fee, the slippage paid both ways and a few seconds of interest.
    received = int(closed["received"])
    assert 4_90 * 10**16 < received < 4_950 * 10**15
    assert json.loads(ok(cli("trade", "positions", trader, "--json")).stdout) == []


def test_a_price_move_against_a_position_gets_it_liquidated(cli, shared_devnet):
    victim = dev_account(4).address
    ok(cli("trade", "open", "LIUM", "long", "--margin", "3", "--leverage", "3x", "--account", "devnet:4"))
    # LIUM 60,000 TAO / 1,200,000 alpha = 0.05; a 3x long liquidates after a ~23% fall. Halve the price over
    # several blocks (the oracle follows a move at most one 20% band per block).
    for alpha in (1_400_000, 1_700_000, 2_100_000, 2_400_000):
        ok(cli("pool", "set", "51", "--tao", "60000", "--alpha", str(alpha)))
        ok(cli("market", "update-price", "LIUM", "--account", "devnet:0"))  # as a keeper does each block
        ok(cli("devnet", "advance", "12"))
    position = json.loads(ok(cli("trade", "positions", victim, "--json")).stdout)[0]
    assert position["liquidation_status"] == "full"
    run = ok(cli("trade", "liquidate", victim, "LIUM", "--account", "devnet:0"))
    assert f"liquidated {victim}'s LIUM position" in run.stdout
    assert json.loads(ok(cli("trade", "positions", victim, "--json")).stdout) == []


def test_reverts_are_named(cli, shared_devnet):
    over = cli("trade", "open", "CHUTES", "long", "--margin", "1", "--leverage", "4x", "--account", "devnet:5")
    assert_one_line_error(over, "openPosition would revert: LeverageOutOfBounds")
    assert_one_line_error(
        cli("trade", "open", "NOPE", "long", "--margin", "1", "--leverage", "2", "--account", "devnet:5"),
        "no market 'NOPE'",
    )
    assert_one_line_error(cli("trade", "close", "CHUTES", "--account", "devnet:5"), "closePosition would revert")
