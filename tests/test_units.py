"""Durations and TAO amounts as people write them."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from megatao.core.errors import InputError
from megatao.core.units import format_duration, format_tao, parse_duration, parse_tao


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("3600", 3600),
        (3600, 3600),
        ("48h", 172800),
        ("7d", 604800),
        ("1d12h", 129600),
        ("90m", 5400),
        ("30s", 30),
        ("2w", 1209600),
        (" 2D ", 172800),
    ],
)
def test_parse_duration_accepts_seconds_and_units(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "2x", "h", "-5", "1.5h", "0", "0h", "48 hours"])
def test_parse_duration_rejects_with_the_value_and_the_forms(text):
    with pytest.raises(InputError, match="duration|zero"):
        parse_duration(text, "duration")


@given(st.integers(min_value=1, max_value=10**9))
def test_format_then_parse_duration_round_trips(seconds):
    assert parse_duration(format_duration(seconds)) == seconds


@pytest.mark.parametrize(
    ("text", "wei"),
    [("5000 TAO", 5000 * 10**18), ("0.000000001", 10**9), (12, 12 * 10**18), ("1_000", 1000 * 10**18)],
)
def test_parse_tao_gives_wei(text, wei):
    assert parse_tao(text) == wei


def test_parse_tao_rejects_sub_rao_precision():
    with pytest.raises(InputError, match="more than 9 decimals"):
        parse_tao("0.0000000001 TAO")


def test_parse_tao_rejects_words_and_negatives():
    with pytest.raises(InputError, match="not an amount of TAO"):
        parse_tao("five TAO")
    with pytest.raises(InputError, match="negative"):
        parse_tao("-1")


def test_format_tao():
    assert format_tao(12_345_678_900_000_000_000_000) == "12,345.6789 TAO"
