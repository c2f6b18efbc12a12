"""Pydantic field types for values written with units ("3x", "10%", "5000 TAO", "48h"), converted to the integers
the contracts take (WAD, wei, seconds). Each carries the JSON Schema of what is written, for editors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema

from megatao.core.errors import InputError
from megatao.core.units import parse_duration, parse_fraction, parse_leverage, parse_tao


def _unit(parser: Callable[[Any, str], int], what: str) -> BeforeValidator:
    """Turns a written amount into its on-chain integer; the parser's message becomes the validation message."""

    def convert(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ValueError(f"expected {what}, found a {type(value).__name__}")
        try:
            return parser(value, what)
        except InputError as exc:
            raise ValueError(str(exc)) from None

    return BeforeValidator(convert)


def _schema(description: str, pattern: str) -> WithJsonSchema:
    return WithJsonSchema(
        {
            "anyOf": [{"type": "string", "pattern": pattern}, {"type": "number", "minimum": 0}],
            "description": description,
        }
    )


Leverage = Annotated[
    int, _unit(parse_leverage, "leverage"), _schema("A multiple: 3 or '3x'", r"^\s*[0-9.]+\s*[xX]?\s*$")
]
Fraction = Annotated[
    int,
    _unit(parse_fraction, "fraction"),
    _schema("A percentage such as '10%' or a decimal such as 0.10", r"^\s*[0-9.]+\s*%?\s*$"),
]
TaoAmount = Annotated[
    int, _unit(parse_tao, "amount"), _schema("TAO: a number or '5000 TAO'", r"^\s*[0-9_.,]+\s*(TAO)?\s*$")
]
Duration = Annotated[
    int,
    _unit(parse_duration, "duration"),
    _schema("Seconds, or units such as '48h', '7d', '1d12h'", r"^\s*([0-9]+|([0-9]+[smhdwSMHDW])+)\s*$"),
]
