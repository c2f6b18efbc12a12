"""The MTSOS EMA in Python: the contract's formula and rounding, replays of CSV series, their errors, and the chart."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from megatao.clients.chart import render_svg, write_svg
from megatao.clients.oracle import (
    MAX_SPOT_WEI,
    PERIOD_SECONDS,
    WAD,
    EmaState,
    Outcome,
    Reading,
    format_gap_percent,
    format_price,
    format_price_rao,
    gap_wad,
    next_ema,
    read_readings_csv,
    replay,
    replay_csv,
)
from megatao.core.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "proposals" / "examples" / "mtsos-march-2026.csv"
SVG = "{http://www.w3.org/2000/svg}"

#: The published readings: blocks 7710300, 7710784, 7710986 on 2026-03-09 (16:18, 18:04, 18:49 US Eastern).
PUBLISHED = [
    (1773087480, 1_299_300_000_000_000_000),
    (1773093840, 1_757_900_000_000_000_000),
    (1773096540, 1_299_400_000_000_000_000),
]
#: The EMA after each, to the wei, as tests/contracts/oracles/MtsosOracle.t.sol pins them for the contract.
PUBLISHED_EMAS = [1_299_300_000_000_000_000, 1_304_072_393_481_248_772, 1_304_051_627_287_998_778]


def write_csv(tmp_path: Path, body: str, name: str = "series.csv") -> Path:
    path = tmp_path / name
    path.write_text(body)
    return path


# ---------------------------------------------------------------------------------------------------- formula


def test_next_ema_published_example_moves_by_0_0027():
    ema = next_ema(1_299_300_000_000_000_000, 1_757_900_000_000_000_000, 3600)
    assert abs(Fraction(ema - 1_299_300_000_000_000_000, WAD) - Fraction("0.0027")) <= Fraction("0.0001")
    assert ema == 1_302_013_609_467_455_621  # 0.4586 x 3600 / 608400, truncated


def test_next_ema_rounds_toward_the_previous_value():
    assert next_ema(10, 15, 1, period=2) == 11  # exact 11.67: down while rising
    assert next_ema(10, 5, 1, period=2) == 9  # exact 8.33: up while falling
    assert next_ema(10, 10, 5, period=2) == 10


def test_next_ema_zero_elapsed_keeps_the_previous_value():
    assert next_ema(1_299_300_000_000_000_000, 1_757_900_000_000_000_000, 0) == 1_299_300_000_000_000_000


def test_next_ema_refuses_negative_time():
    with pytest.raises(ValueError):
        next_ema(1, 2, -1)


@given(
    prev=st.integers(1, MAX_SPOT_WEI),
    spot=st.integers(1, MAX_SPOT_WEI),
    elapsed=st.integers(0, 2**64 - 1),
)
def test_next_ema_is_the_formula_rounded_toward_the_previous_value(prev, spot, elapsed):
    exact = Fraction(spot * elapsed + prev * PERIOD_SECONDS, elapsed + PERIOD_SECONDS)
    ema = next_ema(prev, spot, elapsed)
    assert abs(ema - exact) < 1
    assert min(prev, spot) <= ema <= max(prev, spot)
    # never further from prev than the exact value
    assert abs(ema - prev) <= abs(exact - prev)


@given(
    st.lists(
        st.tuples(st.integers(0, 60 * 86400), st.integers(1, 10 * WAD)),
        min_size=1,
        max_size=30,
    )
)
def test_replay_stays_between_the_smallest_and_largest_reading(steps):
    time, readings = 1_700_000_000, []
    for gap, spot in steps:
        time += gap
        readings.append(Reading(time, spot))
    seen = []
    for row in replay(readings):
        if row.outcome in (Outcome.INITIALISED, Outcome.UPDATED):
            seen.append(row.reading.spot)
        assert min(seen) <= row.ema <= max(seen)


@given(
    start=st.integers(1, 10 * WAD),
    level=st.integers(1, 10 * WAD),
    gaps=st.lists(st.integers(1, 30 * 86400), min_size=1, max_size=30),
)
def test_replay_approaches_a_sustained_level_monotonically(start, level, gaps):
    state, time = EmaState(), 1_700_000_000
    previous = state.apply(Reading(time, start)).ema
    for gap in gaps:
        time += gap
        ema = state.apply(Reading(time, level)).ema
        assert abs(level - ema) <= abs(level - previous)
        assert (ema - previous) * (level - start) >= 0, "moves toward the level only"
        previous = ema


def test_gap_is_signed_wad_truncated_toward_zero():
    assert gap_wad(3, 2) == WAD // 2
    assert gap_wad(1, 3) == -(2 * WAD // 3)  # -0.666...: truncated toward zero, as Solidity does
    assert gap_wad(2, 2) == 0


# ---------------------------------------------------------------------------------------------------- replay


def test_replay_of_the_published_series():
    rows = replay_csv(EXAMPLE)
    assert [(r.reading.timestamp, r.reading.spot) for r in rows] == PUBLISHED
    assert [r.ema for r in rows] == PUBLISHED_EMAS
    assert [r.outcome for r in rows] == [Outcome.INITIALISED, Outcome.UPDATED, Outcome.UPDATED]
    assert [r.elapsed for r in rows] == [0, 6360, 2700]
    assert [r.reading.line for r in rows] == [8, 9, 10]
    # the spike stands 34.8% above the EMA, which moved 0.37%
    assert format_gap_percent(rows[1].gap) == "+34.8007%"


def test_the_example_series_documents_its_time_zone():
    text = EXAMPLE.read_text()
    assert "EDT" in text and "UTC-4" in text and "block" in text.splitlines()[6]


def test_replay_same_second_changes_nothing():
    rows = replay([Reading(100, 5 * WAD), Reading(100, 9 * WAD), Reading(50, 9 * WAD), Reading(700, 6 * WAD)])
    assert [r.outcome for r in rows] == [Outcome.INITIALISED, Outcome.SAME_SECOND, Outcome.SAME_SECOND, Outcome.UPDATED]
    assert rows[1].ema == rows[2].ema == 5 * WAD
    assert rows[3].ema == next_ema(5 * WAD, 6 * WAD, 600)


def test_replay_a_zero_reading_never_enters_and_does_not_restart_the_clock():
    rows = replay([Reading(0, 0), Reading(100, 5 * WAD), Reading(400, 0), Reading(700, 6 * WAD)])
    assert rows[0].outcome is Outcome.ZERO_REJECTED and rows[0].ema is None and rows[0].gap is None
    assert rows[1].outcome is Outcome.INITIALISED and rows[1].ema == 5 * WAD
    assert rows[2].outcome is Outcome.ZERO_REJECTED and rows[2].ema == 5 * WAD and rows[2].gap is None
    assert rows[3].ema == next_ema(5 * WAD, 6 * WAD, 600), "the reading stands for the 600 s since the last one"


def test_csv_extra_columns_comments_and_column_order(tmp_path):
    path = write_csv(
        tmp_path,
        "# a comment\n\nBlock, Spot ,TIMESTAMP,note\n7710300,1.2993,1773087480,x\n"
        "  # another\n7710784,1.7579,1773093840,\n",
    )
    readings = read_readings_csv(path)
    assert [(r.timestamp, r.spot, r.line) for r in readings] == [
        (1773087480, 1_299_300_000_000_000_000, 4),
        (1773093840, 1_757_900_000_000_000_000, 6),
    ]


def test_csv_spot_keeps_18_decimals(tmp_path):
    path = write_csv(tmp_path, "timestamp,spot\n1,0.000000000000000001\n2,12\n")
    assert [r.spot for r in read_readings_csv(path)] == [1, 12 * WAD]


@pytest.mark.parametrize(
    ("body", "fragments"),
    [
        ("timestamp,spto\n1,2\n", [":1:", "no 'spot' column", "did you mean 'spto'"]),
        ("time,spot\n1,2\n", [":1:", "no 'timestamp' column"]),
        ("timestamp,spot,spot\n1,2,3\n", [":1:", "column 'spot' twice"]),
        ("timestamp,spot\n1,2\n2\n", [":3:", "expected 2 fields", "found 1"]),
        ("timestamp,spot\n1,2\n2,3,4\n", [":3:", "expected 2 fields", "found 3"]),
        ("timestamp,spot\n1.5,2\n", [":2:", "column 'timestamp'", "'1.5'", "whole seconds"]),
        ("timestamp,spot\n-1,2\n", [":2:", "column 'timestamp'", "'-1'"]),
        ("timestamp,spot\n,2\n", [":2:", "column 'timestamp'", "''"]),
        ("timestamp,spot\n1,abc\n", [":2:", "column 'spot'", "'abc'", "not a decimal number"]),
        ("timestamp,spot\n1,-1.2\n", [":2:", "column 'spot'", "negative"]),
        ("timestamp,spot\n1,NaN\n", [":2:", "column 'spot'", "not a finite number"]),
        ("timestamp,spot\n1,inf\n", [":2:", "column 'spot'", "not a finite number"]),
        ("timestamp,spot\n1,0.0000000000000000001\n", [":2:", "column 'spot'", "more than 18 decimals"]),
        ("timestamp,spot\n1,1e12\n", [":2:", "column 'spot'", "above the largest price"]),
        ("timestamp,spot\n\n# c\n5,1\n4,1\n", [":5:", "column 'timestamp'", "earlier than 5 on line 4", "time order"]),
        ("", ["empty", "header"]),
        ("# only a comment\n", ["empty", "header"]),
        ("timestamp,spot\n", ["no readings after the header"]),
    ],
)
def test_a_bad_csv_names_the_file_line_and_column(tmp_path, body, fragments):
    path = write_csv(tmp_path, body, name="bad-series.csv")
    with pytest.raises(InputError) as raised:
        read_readings_csv(path)
    message = str(raised.value)
    assert "bad-series.csv" in message
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message, message


def test_an_unreadable_csv_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="missing.csv: cannot read"):
        read_readings_csv(tmp_path / "missing.csv")
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00timestamp")
    with pytest.raises(InputError, match="binary.csv: not a UTF-8 text file"):
        read_readings_csv(binary)


def test_formatting_of_prices_and_gaps():
    assert format_price(1_304_072_393_481_248_772) == "1.304072393481248772"
    assert format_price(1_299_300_000_000_000_000) == "1.2993"
    assert format_price(2 * WAD) == "2.0000"
    assert format_price_rao(1_304_072_393_481_248_772) == "1.304072393"
    assert format_gap_percent(-3_567_057_615_404_876) == "-0.3567%"
    assert format_gap_percent(348_007_985_436_490_113, decimals=2) == "+34.80%"


# ---------------------------------------------------------------------------------------------------- chart


def parse_svg(text: str) -> ET.Element:
    root = ET.fromstring(text)
    assert root.tag == f"{SVG}svg"
    return root


def group(root: ET.Element, name: str) -> ET.Element:
    found = root.find(f".//{SVG}g[@id='{name}']")
    assert found is not None, f"no <g id='{name}'>"
    return found


def test_chart_is_valid_svg_with_both_series_axes_and_legend(tmp_path):
    rows = replay_csv(EXAMPLE)
    path = write_svg(rows, tmp_path / "mtsos.svg", "MTSOS index: spot against its 7-day EMA", "example")
    root = parse_svg(path.read_text())
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "MTSOS index: spot against its 7-day EMA" in texts
    assert root.find(f"{SVG}title").text == "MTSOS index: spot against its 7-day EMA"
    assert "time (UTC, 2026-03-09)" in texts and "TAO (sum of alpha prices)" in texts
    assert {"spot reading", "7-day EMA (the index price)"} <= set(texts)

    spot_line = group(root, "spot").find(f"{SVG}polyline")
    ema_line = group(root, "ema").find(f"{SVG}polyline")
    spot_points = [tuple(map(float, p.split(","))) for p in spot_line.get("points").split()]
    ema_points = [tuple(map(float, p.split(","))) for p in ema_line.get("points").split()]
    assert len(spot_points) == len(ema_points) == 3
    # The spike: the spot jumps far up the chart (smaller y), the EMA barely moves.
    spot_jump = spot_points[0][1] - spot_points[1][1]
    ema_jump = ema_points[0][1] - ema_points[1][1]
    assert spot_jump > 200 and 0 < ema_jump < 10
    assert len(group(root, "y-ticks").findall(f"{SVG}text")) >= 3
    assert len(group(root, "x-ticks").findall(f"{SVG}text")) >= 3


def test_chart_marks_zero_readings_and_draws_a_single_reading():
    rows = replay([Reading(1_700_000_000, 0), Reading(1_700_003_600, WAD), Reading(1_700_007_200, 2 * WAD)])
    root = parse_svg(render_svg(rows, "with <zero> & more"))
    assert root.find(f"{SVG}title").text == "with <zero> & more"
    assert len(group(root, "zero-readings").findall(f"{SVG}path")) == 1
    assert "zero reading (rejected)" in [t.text for t in root.iter(f"{SVG}text")]
    single = parse_svg(render_svg(replay([Reading(1_700_000_000, WAD)]), "one"))
    assert len(group(single, "spot").findall(f"{SVG}circle")) == 1
    assert len(group(single, "ema").findall(f"{SVG}circle")) == 1


def test_chart_to_an_unwritable_path_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="cannot write the chart"):
        write_svg(replay_csv(EXAMPLE), tmp_path / "no-such-dir" / "x.svg", "t")
