"""The gas of each user-facing operation, measured as real transactions on a devnet (bench/trading_gas.py): the
issues' goals hold, and the committed snapshot (bench/gas-snapshot.json) holds this build's figures."""

from __future__ import annotations

import importlib.util
import json

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.anvil


def _bench():
    spec = importlib.util.spec_from_file_location("trading_gas", ROOT / "bench" / "trading_gas.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_goal_holds_and_the_snapshot_is_current():
    bench = _bench()
    rows, _ = bench.measure()
    own = bench.snapshot_of(rows)
    for row in rows:
        if row["goal"] and row["operation"] not in bench.UNMET:
            assert row["own"] <= row["goal"], row
    assert own["open with a referrer"] - own["open"] <= bench.REFERRAL_PATH_GOAL
    assert own["open through a builder"] - own["open"] <= bench.REFERRAL_PATH_GOAL
    committed = json.loads(bench.SNAPSHOT.read_text())
    assert own == committed, "the build's gas changed: run `.venv/bin/python bench/trading_gas.py --write`"
