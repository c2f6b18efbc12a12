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
    # 5 TAO at 2x: notional 10 TAO, the 0.025 TAO open fee and the skew impact come out of the margin. The impact
    # moves the skew from 0 to 10 TAO on CHUTES's 150,000 TAO pool: 10^2 / (2 x 150,000) = 0.000333 TAO.
    assert int(opened["fee"]) == 25 * 10**15
    assert abs(int(opened["impact"]) - 10**20 // 300_000) < 10**13
    assert int(opened["margin"]) == 4_975 * 10**15 - int(opened["impact"])
    assert int(opened["fill_price"]) <= int(opened["acceptable_price"])
    assert int(opened["entry_notional"]) >= 10 * WAD - 10**9 and opened["side"] == "long"
    shown = json.loads(ok(cli("market", "show", "CHUTES", "--json")).stdout)
    # Open interest is measured at the mark (the reference price), not at the fill: 0.1% less than the 10 TAO here.
    at_mark = int(opened["size"]) * int(shown["reference_price"]) // WAD
    assert abs(int(shown["open_interest"]["long"]) - at_mark) <= 10**9
    listed = json.loads(ok(cli("trade", "positions", trader, "--json")).stdout)
    assert [p["ticker"] for p in listed] == ["CHUTES"]

    ok(cli("devnet", "advance", "12"))  # no open and close in the same block
    closed = json.loads(ok(cli("trade", "close", "CHUTES", "--account", "devnet:3", "--json")).stdout)
    # Back: the margin less the close fee (on the close's own notional, about 0.025 TAO), the tier paid both ways and
    # a few seconds of interest; closing the only position shrinks the skew, so it pays no impact.
    received = int(closed["received"])
    assert int(closed["impact"]) == 0 and 24 * 10**15 < int(closed["fee"]) < 26 * 10**15
    assert 4_90 * 10**16 < received < int(opened["margin"]) - int(closed["fee"])
    assert json.loads(ok(cli("trade", "positions", trader, "--json")).stdout) == []


def test_a_price_move_against_a_position_gets_it_liquidated(cli, shared_devnet):
    victim = dev_account(4).address
    ok(cli("trade", "open", "LIUM", "long", "--margin", "3", "--leverage", "3x", "--account", "devnet:4"))
    # LIUM 60,000 TAO / 1,200,000 alpha = 0.05; a 3x long liquidates after a ~21% fall. The price halves and stays
    # there: the reference (a 10-minute EMA) follows as keepers poke, halving its distance to the spot each period.
    ok(cli("pool", "set", "51", "--tao", "60000", "--alpha", "2400000"))
    ok(cli("market", "poke", "LIUM", "--account", "devnet:0"))
    position = json.loads(ok(cli("trade", "positions", victim, "--json")).stdout)[0]
    assert position["liquidation_status"] == "healthy", "the reference has not moved yet"
    for _ in range(3):
        ok(cli("devnet", "advance", "10m"))
        ok(cli("market", "poke", "LIUM", "--account", "devnet:0"))  # as a keeper does
    shown = json.loads(ok(cli("market", "show", "LIUM", "--json")).stdout)
    position = json.loads(ok(cli("trade", "positions", victim, "--json")).stdout)[0]
    assert position["liquidation_status"] == "full", (shown, position)
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
    assert_one_line_error(cli("trade", "close", "CHUTES", "--account", "devnet:5"), "no open position in CHUTES")


def test_a_fill_beyond_its_bounds_is_refused_before_sending(cli, shared_devnet):
    shown = json.loads(ok(cli("market", "show", "TARGON", "--json")).stdout)
    below_reference = str(int(shown["reference_price"]) * 99 // 100 / 10**18)
    refused = cli(
        "trade", "open", "TARGON", "long", "--margin", "1", "--leverage", "2x",
        "--acceptable-price", below_reference, "--account", "devnet:5",
    )  # fmt: skip
    assert_one_line_error(refused, "openPosition would revert: PriceNotAcceptable")
    bad = cli(
        "trade",
        "open",
        "TARGON",
        "long",
        "--margin",
        "1",
        "--leverage",
        "2x",
        "--deadline",
        "soon",
        "--account",
        "devnet:5",
    )
    assert_one_line_error(bad, "--deadline")
    assert json.loads(ok(cli("trade", "positions", dev_account(5).address, "--json")).stdout) == []


def test_increase_reduce_and_remove_margin(cli, shared_devnet):
    account = dev_account(6).address
    opened = json.loads(
        ok(
            cli(
                "trade",
                "open",
                "TEMPLAR",
                "short",
                "--margin",
                "4",
                "--leverage",
                "2x",
                "--account",
                "devnet:6",
                "--json",
            )
        ).stdout
    )
    ok(cli("devnet", "advance", "12"))
    grown = json.loads(
        ok(
            cli("trade", "increase", "TEMPLAR", "--margin", "2", "--leverage", "2x", "--account", "devnet:6", "--json")
        ).stdout
    )
    # The increase sells (a short grows): its fill is at most the reference, its fee 0.25% of the added 4 TAO.
    assert int(grown["fill_price"]) <= int(grown["reference_price"]) and int(grown["fee"]) == 10**16
    assert abs(int(grown["size"])) > abs(int(opened["size"])) and grown["side"] == "short"
    ok(cli("devnet", "advance", "12"))
    reduced = json.loads(
        ok(cli("trade", "reduce", "TEMPLAR", "--fraction", "50%", "--account", "devnet:6", "--json")).stdout
    )
    assert int(reduced["size"]) == abs(int(grown["size"])) // 2 and int(reduced["received"]) > 0
    position = json.loads(ok(cli("trade", "positions", account, "--json")).stdout)[0]
    assert abs(int(position["size"])) == abs(int(grown["size"])) - int(reduced["size"])
    ok(cli("trade", "remove-margin", "TEMPLAR", "0.5", "--account", "devnet:6"))
    after = json.loads(ok(cli("trade", "positions", account, "--json")).stdout)[0]
    # Less the 0.5 TAO, and the funding and interest of the seconds since, which removing margin settles.
    settled = int(position["margin"]) - 5 * 10**17 - int(after["margin"])
    assert 0 <= settled < 10**13
    assert_one_line_error(
        cli("trade", "reduce", "TEMPLAR", "--size", "1", "--fraction", "10%", "--account", "devnet:6"),
        "give one of --size and --fraction",
    )
    assert_one_line_error(
        cli("trade", "reduce", "TEMPLAR", "--size", "10000000", "--account", "devnet:6"), "close to close it all"
    )
    assert_one_line_error(
        cli("trade", "remove-margin", "TEMPLAR", "100", "--account", "devnet:6"), "removeMargin would revert"
    )
