"""The MTSOS EMA in Python: the contract's formula and rounding, the held-reading rule, the elapsed cap, same-second
updates, replays of CSV series, their errors, and the chart."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from megatao.clients.chart import render_svg, write_svg
from megatao.clients.oracle import (
    GENESIS_MAX_ELAPSED,
    MAX_MAX_ELAPSED,
    MAX_SPOT_WEI,
    MIN_MAX_ELAPSED,
    PERIOD_SECONDS,
    WAD,
    EmaState,
    Outcome,
    Reading,
    check_max_elapsed,
    format_gap_percent,
    format_price,
    format_price_rao,
    gap_wad,
    nearer_reading,
    next_ema,
    parse_max_elapsed,
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
#: The EMA after each, to the wei, as tests/contracts/oracles/MtsosOracle.t.sol pins them for the contract: the
#: deployment reads 1.2993; 6360 s later the update weighs the held 1.2993 (capped at 3600 s: no move) and holds the
#: spike; 2700 s later the next one reads 1.2994, nearer the EMA than the spike, and weighs it for those 2700 s.
PUBLISHED_EMAS = [1_299_300_000_000_000_000, 1_299_300_000_000_000_000, 1_299_300_444_444_444_444]
#: docs/protocol.md section 4's check: from 1.2993, a 1.7579 reading held for one hour moves the EMA by 0.0027.
EMA_PUBLISHED, SPIKE_PUBLISHED, AFTER_SPIKE = (
    1_299_300_000_000_000_000,
    1_757_900_000_000_000_000,
    1_299_400_000_000_000_000,
)
AFTER_ONE_HOUR = 1_302_013_609_467_455_621


def write_csv(tmp_path: Path, body: str, name: str = "series.csv") -> Path:
    path = tmp_path / name
    path.write_text(body)
    return path


# ---------------------------------------------------------------------------------------------------- formula


def test_next_ema_published_example_moves_by_0_0027():
    ema = next_ema(EMA_PUBLISHED, SPIKE_PUBLISHED, 3600)
    assert abs(Fraction(ema - EMA_PUBLISHED, WAD) - Fraction("0.0027")) <= Fraction("0.0001")
    assert ema == AFTER_ONE_HOUR  # 0.4586 x 3600 / 608400, truncated


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
def test_replay_stays_between_the_smallest_and_largest_reading_it_weighed(steps):
    time, readings = 1_700_000_000, []
    for gap, spot in steps:
        time += gap
        readings.append(Reading(time, spot))
    seen = []
    for row in replay(readings):
        seen.append(row.reading.spot if row.outcome is Outcome.INITIALISED else row.weighed)
        seen = [spot for spot in seen if spot is not None]
        assert min(seen) <= row.ema <= max(seen)


@given(
    start=st.integers(1, 10 * WAD),
    level=st.integers(1, 10 * WAD),
    gaps=st.lists(st.integers(1, 30 * 86400), min_size=1, max_size=30),
)
def test_replay_approaches_a_sustained_level_monotonically(start, level, gaps):
    time = 1_700_000_000
    state = EmaState.deploy(time, start)
    previous = state.ema
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
    # 18:04 weighs the 1.2993 held since 16:18 (nearer the EMA than its own 1.7579); 18:49 reads 1.2994, nearer than
    # the 1.7579 held since 18:04: the spike did not hold to 18:49, and weighs nothing.
    assert [r.weighed for r in rows] == [None, EMA_PUBLISHED, AFTER_SPIKE], "of the two ends, the one nearer the EMA"
    assert [r.weighed_seconds for r in rows] == [0, 3600, 2700], "6360 s weigh as the 1-hour cap"
    assert [r.capped for r in rows] == [False, True, False]
    assert [r.held for r in rows] == [spot for _, spot in PUBLISHED]
    assert [r.reading.line for r in rows] == [8, 9, 10]
    # the held spike stands 35.3% above the EMA, which the spike has not moved yet
    assert format_gap_percent(rows[1].gap) == "+35.2959%"


def test_replay_with_a_wider_cap_weighs_the_whole_interval():
    rows = replay_csv(EXAMPLE, max_elapsed=2 * 3600)
    assert [r.weighed_seconds for r in rows] == [0, 6360, 2700]
    assert [r.ema for r in rows] == PUBLISHED_EMAS, "the first 6360 s weigh 1.2993, the EMA itself"


def test_the_example_series_documents_its_time_zone():
    text = EXAMPLE.read_text()
    assert "EDT" in text and "UTC-4" in text and "block" in text.splitlines()[6]


def test_the_published_check_a_reading_held_for_one_hour_moves_the_ema_by_0_0027(tmp_path):
    """docs/protocol.md section 4: from 1.2993, a 1.7579 reading held for one hour: read at t and still at t + 3600."""
    path = write_csv(tmp_path, "timestamp,spot\n1000,1.2993\n5000,1.7579\n8600,1.7579\n")
    rows = replay_csv(path)
    assert rows[1].ema == EMA_PUBLISHED, "its own reading weighs nothing when it is read"
    assert rows[2].ema == AFTER_ONE_HOUR == 1_302_013_609_467_455_621
    assert (rows[2].weighed, rows[2].weighed_seconds) == (SPIKE_PUBLISHED, 3600)
    assert format_price(rows[2].ema - rows[1].ema)[:6] == "0.0027"
    assert rows[2].held == SPIKE_PUBLISHED


def test_a_reading_that_did_not_hold_to_the_next_update_weighs_nothing(tmp_path):
    """A spike read once and undone by the next update: of the two ends of the hour, the one nearer the EMA counts."""
    path = write_csv(tmp_path, "timestamp,spot\n1000,1.2993\n5000,1.7579\n8600,1.2993\n")
    rows = replay_csv(path)
    assert rows[2].weighed == EMA_PUBLISHED and rows[2].ema == EMA_PUBLISHED


def test_an_update_weighs_of_the_held_reading_and_its_own_the_one_nearer_the_ema():
    state = EmaState.deploy(0, EMA_PUBLISHED)
    row = state.apply(Reading(86_400, 5 * WAD))
    assert row.ema == EMA_PUBLISHED and row.held == state.last_spot == 5 * WAD
    assert (row.weighed, row.elapsed, row.weighed_seconds) == (EMA_PUBLISHED, 86_400, GENESIS_MAX_ELAPSED)
    # the next one: of the 5 TAO held and its own 3 TAO, the 3 TAO is nearer; a caller's reading never weighs further
    # from the EMA than the held one
    assert state.apply(Reading(86_400 + 60, 3 * WAD)).weighed == 3 * WAD
    assert state.ema == next_ema(EMA_PUBLISHED, 3 * WAD, 60)
    # then the 3 TAO held, and a reading further away: the held one counts
    assert state.apply(Reading(86_400 + 120, 9 * WAD)).weighed == 3 * WAD


@pytest.mark.parametrize(
    ("held_for", "cap", "weighed"),
    [
        (3599, 3600, 3599),
        (3600, 3600, 3600),
        (3601, 3600, 3600),
        (86_400, 3600, 3600),
        (86_400, 60, 60),
        (10**9, 86_400, 86_400),
        (59, 60, 59),
    ],
)
def test_the_elapsed_cap(held_for, cap, weighed):
    state = EmaState.deploy(0, EMA_PUBLISHED, max_elapsed=cap)
    state.apply(Reading(1, SPIKE_PUBLISHED))
    row = state.apply(Reading(1 + held_for, SPIKE_PUBLISHED))  # it held to the end
    assert (row.elapsed, row.weighed_seconds, row.capped) == (held_for, weighed, held_for > cap)
    assert row.ema == next_ema(EMA_PUBLISHED, SPIKE_PUBLISHED, weighed)
    assert state.last_update == 1 + held_for, "the time moves to the update, not by the cap"


def test_the_elapsed_cap_is_governed_within_its_bounds():
    state = EmaState.deploy(0, WAD)
    assert state.max_elapsed == GENESIS_MAX_ELAPSED == 3600
    state.set_max_elapsed(2 * 3600)
    assert state.max_elapsed == 7200
    for bad in (0, MIN_MAX_ELAPSED - 1, MAX_MAX_ELAPSED + 1):
        with pytest.raises(ValueError, match="outside 1m..1d"):
            state.set_max_elapsed(bad)
        with pytest.raises(ValueError):
            EmaState.deploy(0, WAD, max_elapsed=bad)
    assert check_max_elapsed(MIN_MAX_ELAPSED) == 60 and check_max_elapsed(MAX_MAX_ELAPSED) == 86_400
    assert state.max_elapsed == 7200


@pytest.mark.parametrize(
    ("text", "seconds"), [("1h", 3600), ("3600", 3600), ("90m", 5400), ("1m", 60), ("1d", 86_400), ("2h", 7200)]
)
def test_parse_max_elapsed(text, seconds):
    assert parse_max_elapsed(text) == seconds


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("59s", ["'59s'", "(59 s)", "outside 1m..1d", "setMaxElapsed"]),
        ("1d1s", ["'1d1s'", "(86401 s)", "outside 1m..1d"]),
        ("2d", ["'2d'", "outside"]),
        ("0", ["longer than zero"]),
        ("soon", ["'soon' is not a duration"]),
        ("-5", ["not a duration"]),
    ],
)
def test_parse_max_elapsed_refuses_in_one_line(text, fragments):
    with pytest.raises(InputError) as raised:
        parse_max_elapsed(text)
    message = str(raised.value)
    assert message.startswith("--max-elapsed") and "\n" not in message
    for fragment in fragments:
        assert fragment in message, message


def test_the_deployment_initialises_and_refuses_what_update_refuses():
    state = EmaState.deploy(1234, EMA_PUBLISHED)
    assert (state.ema, state.last_spot, state.last_update, state.max_elapsed) == (EMA_PUBLISHED,) * 2 + (1234, 3600)
    with pytest.raises(ValueError, match="SumAlphaPriceZero"):
        EmaState.deploy(0, 0)
    with pytest.raises(ValueError, match="SumAlphaPriceOutOfRange"):
        EmaState.deploy(0, MAX_SPOT_WEI + 1)
    assert EmaState.deploy(0, MAX_SPOT_WEI).ema == MAX_SPOT_WEI
    with pytest.raises(ValueError, match="the first reading deploys the oracle"):
        replay([Reading(0, 0), Reading(1, WAD)])
    assert replay([]) == []


def test_same_second_updates_keep_the_ema_and_hold_the_nearer_reading():
    state = EmaState.deploy(100, 5 * WAD)
    state.apply(Reading(200, 6 * WAD))  # weighs 5 (= the EMA) for 100 s: the EMA stays 5, holds 6
    rows = [
        state.apply(Reading(200, 9 * WAD)),  # further than 6 from 5: 6 stays
        state.apply(Reading(200, 5 * WAD + WAD // 2)),  # nearer: held
        state.apply(Reading(200, 4 * WAD + WAD // 2)),  # a tie (0.5 either side): the held one stays
        state.apply(Reading(150, 5 * WAD)),  # a clock gone back counts as the same second: nearer, held
    ]
    assert all(r.outcome is Outcome.SAME_SECOND for r in rows)
    assert [r.held for r in rows] == [6 * WAD, 5 * WAD + WAD // 2, 5 * WAD + WAD // 2, 5 * WAD]
    assert all(r.ema == 5 * WAD and r.elapsed == r.weighed_seconds == 0 and r.weighed is None for r in rows)
    assert state.last_update == 200, "neither the EMA nor the time moves"
    later = state.apply(Reading(800, 7 * WAD))
    assert (later.weighed, later.elapsed) == (5 * WAD, 600), "the next second weighs the reading held, from 200"
    assert later.ema == 5 * WAD


def test_a_reading_set_and_undone_within_one_second_never_enters():
    """The attack the rule stops: push the pools, update, push them back, update, all in one block."""
    state = EmaState.deploy(0, EMA_PUBLISHED)
    state.apply(Reading(12, EMA_PUBLISHED))
    assert state.apply(Reading(24, 10 * WAD)).held == 10 * WAD
    assert state.apply(Reading(24, EMA_PUBLISHED)).held == EMA_PUBLISHED
    assert state.apply(Reading(36, EMA_PUBLISHED)).ema == EMA_PUBLISHED


def test_nearer_reading():
    assert nearer_reading(held=6, spot=4, ema=5) == 6, "a tie keeps the held one"
    assert nearer_reading(held=7, spot=4, ema=5) == 4
    assert nearer_reading(held=5, spot=5, ema=5) == 5


def test_a_zero_reading_never_enters_and_does_not_restart_the_clock():
    rows = replay([Reading(100, 5 * WAD), Reading(200, 6 * WAD), Reading(400, 0), Reading(700, 7 * WAD)])
    assert rows[2].outcome is Outcome.ZERO_REJECTED
    assert (rows[2].ema, rows[2].held, rows[2].elapsed) == (5 * WAD, 6 * WAD, 0)
    assert rows[2].gap == gap_wad(6 * WAD, 5 * WAD), "the contract's gap(): the held reading against the EMA"
    assert (rows[3].weighed, rows[3].elapsed) == (6 * WAD, 500), "the held 6 stands for the 500 s since the update"
    assert rows[3].ema == next_ema(5 * WAD, 6 * WAD, 500)


def test_preview_is_what_an_update_stores():
    state = EmaState.deploy(0, EMA_PUBLISHED)
    state.apply(Reading(10, SPIKE_PUBLISHED))
    assert state.preview(3610, 2 * WAD) == (AFTER_ONE_HOUR, 2 * WAD)
    assert state.preview(10, 3 * WAD) == (EMA_PUBLISHED, SPIKE_PUBLISHED), "same second: the nearer reading"
    assert state.preview(10, WAD) == (EMA_PUBLISHED, WAD)
    with pytest.raises(ValueError, match="SumAlphaPriceZero"):
        state.preview(3610, 0)
    assert (state.ema, state.last_spot, state.last_update) == (EMA_PUBLISHED, SPIKE_PUBLISHED, 10), "unchanged"
    row = state.apply(Reading(3610, 2 * WAD))
    assert (row.ema, row.held) == (AFTER_ONE_HOUR, 2 * WAD)


@given(
    first=st.integers(1, 10 * WAD),
    steps=st.lists(st.tuples(st.integers(0, 3 * 86400), st.integers(0, 10 * WAD)), min_size=1, max_size=30),
    cap=st.integers(MIN_MAX_ELAPSED, MAX_MAX_ELAPSED),
)
def test_replay_is_the_held_reading_rule(first, steps, cap):
    """Restated from the rule, step by step: each later second weighs, of what the previous row left held and its own
    reading, the one nearer the EMA."""
    time, readings = 1_700_000_000, [Reading(1_700_000_000, first)]
    for gap, spot in steps:
        time += gap
        readings.append(Reading(time, spot))
    rows = replay(readings, max_elapsed=cap)
    ema, held, last = first, first, readings[0].timestamp
    for reading, row in zip(readings[1:], rows[1:], strict=True):
        if reading.spot == 0:
            pass
        elif reading.timestamp == last:
            held = reading.spot if abs(reading.spot - ema) < abs(held - ema) else held
        else:
            weighed = reading.spot if abs(reading.spot - ema) < abs(held - ema) else held
            ema = next_ema(ema, weighed, min(reading.timestamp - last, cap))
            held, last = reading.spot, reading.timestamp
        assert (row.ema, row.held) == (ema, held)


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


@pytest.mark.parametrize(
    ("body", "fragments"),
    [
        ("timestamp,spot\n1,0\n2,1\n", [":2:", "column 'spot'", "first reading deploys the oracle", "cannot be zero"]),
        ("# c\ntimestamp,spot\n1,0.000\n", [":3:", "SumAlphaPriceZero"]),
    ],
)
def test_a_first_reading_the_deployment_cannot_take_is_an_input_error(tmp_path, body, fragments):
    path = write_csv(tmp_path, body, name="zero-first.csv")
    with pytest.raises(InputError) as raised:
        replay_csv(path)
    message = str(raised.value)
    assert "zero-first.csv:" in message
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message, message


def test_replay_csv_refuses_a_cap_outside_the_bounds(tmp_path):
    with pytest.raises(ValueError, match="outside 1m..1d"):
        replay_csv(EXAMPLE, max_elapsed=59)


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


def circles(element: ET.Element) -> list[tuple[float, float]]:
    return [(float(c.get("cx")), float(c.get("cy"))) for c in element.findall(f"{SVG}circle")]


def polyline(element: ET.Element) -> list[tuple[float, float]]:
    line = element.find(f"{SVG}polyline")
    assert line is not None
    return [tuple(map(float, p.split(","))) for p in line.get("points").split()]


def test_chart_is_valid_svg_with_both_series_axes_and_legend(tmp_path):
    rows = replay_csv(EXAMPLE)
    path = write_svg(rows, tmp_path / "mtsos.svg", "MTSOS index: spot against its 7-day EMA", "example")
    root = parse_svg(path.read_text())
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "MTSOS index: spot against its 7-day EMA" in texts
    assert root.find(f"{SVG}title").text == "MTSOS index: spot against its 7-day EMA"
    assert "of the reading held since the one before and its own, the one nearer" in root.find(f"{SVG}desc").text
    assert "time (UTC, 2026-03-09)" in texts and "TAO (sum of alpha prices)" in texts
    assert {"spot reading", "held reading", "7-day EMA (the index price)"} <= set(texts)

    spot_points = circles(group(root, "spot"))
    ema_points = polyline(group(root, "ema"))
    held_points = polyline(group(root, "held"))
    assert len(spot_points) == len(ema_points) == 3
    # The held reading is a step: each reading holds, level, until the next row.
    assert len(held_points) == 5
    assert [held_points[i][1] for i in (1, 2, 3)] == [spot_points[0][1], spot_points[1][1], spot_points[1][1]]
    # The spike: the spot jumps far up the chart (smaller y); the EMA does not move when it is read, nor when the
    # next row finds it gone (1.2994, nearer the EMA, is what that row weighs).
    spot_jump = spot_points[0][1] - spot_points[1][1]
    assert spot_jump > 200
    assert ema_points[0][1] == ema_points[1][1] and 0 <= ema_points[1][1] - ema_points[2][1] < 1
    assert len(group(root, "y-ticks").findall(f"{SVG}text")) >= 3
    assert len(group(root, "x-ticks").findall(f"{SVG}text")) >= 3


def test_chart_marks_zero_readings_and_draws_a_single_reading():
    rows = replay([Reading(1_700_000_000, WAD), Reading(1_700_003_600, 0), Reading(1_700_007_200, 2 * WAD)])
    root = parse_svg(render_svg(rows, "with <zero> & more"))
    assert root.find(f"{SVG}title").text == "with <zero> & more"
    assert len(group(root, "zero-readings").findall(f"{SVG}path")) == 1
    assert "zero reading (rejected)" in [t.text for t in root.iter(f"{SVG}text")]
    assert len(circles(group(root, "spot"))) == 2, "no dot for the zero reading"
    held = polyline(group(root, "held"))
    assert len({y for _, y in held[:4]}) == 1, "the held reading stays through the zero reading"
    single = parse_svg(render_svg(replay([Reading(1_700_000_000, WAD)]), "one"))
    assert len(group(single, "spot").findall(f"{SVG}circle")) == 1
    assert len(group(single, "ema").findall(f"{SVG}circle")) == 1


def test_chart_to_an_unwritable_path_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="cannot write the chart"):
        write_svg(replay_csv(EXAMPLE), tmp_path / "no-such-dir" / "x.svg", "t")
