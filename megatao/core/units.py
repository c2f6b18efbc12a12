"""Parsing of the units people write: durations ("48h", "7d", seconds) and TAO amounts."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from megatao.core.errors import InputError

WEI_PER_TAO = 10**18
WEI_PER_RAO = 10**9
SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION_PART = re.compile(r"(\d+)([smhdw])")


def parse_duration(text: str | int, what: str = "duration") -> int:
    """Seconds in a duration written as seconds (`3600`) or as units (`48h`, `7d`, `1d12h`, `90m`, `30s`, `2w`)."""
    if isinstance(text, int) and not isinstance(text, bool):
        seconds = text
    else:
        raw = str(text).strip().lower().replace(" ", "")
        if raw.isdigit():
            seconds = int(raw)
        elif raw and _DURATION_PART.sub("", raw) == "":
            seconds = sum(int(n) * SECONDS[unit] for n, unit in _DURATION_PART.findall(raw))
        else:
            raise InputError(f"{what} '{text}' is not a duration: write seconds (3600) or units such as 48h, 7d, 1d12h")
    if seconds <= 0:
        raise InputError(f"{what} '{text}' must be longer than zero seconds")
    return seconds


def format_duration(seconds: int) -> str:
    """The shortest exact writing of a duration: 172800 -> '2d', 5400 -> '1h30m'."""
    if seconds == 0:
        return "0s"
    parts = []
    for unit in ("d", "h", "m", "s"):
        count, seconds = divmod(seconds, SECONDS[unit])
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)


def parse_tao(text: str | int | float, what: str = "amount") -> int:
    """Wei in an amount of TAO written as a number or as '5000 TAO'; the chain keeps 9 decimals (rao)."""
    raw = str(text).strip()
    if raw.upper().endswith("TAO"):
        raw = raw[:-3].strip()
    try:
        value = Decimal(raw.replace("_", "").replace(",", ""))
    except InvalidOperation:
        raise InputError(
            f"{what} '{text}' is not an amount of TAO: write a number such as 5000 or '5000 TAO'"
        ) from None
    if value < 0:
        raise InputError(f"{what} '{text}' must not be negative")
    wei = value * WEI_PER_TAO
    if wei % WEI_PER_RAO:
        raise InputError(f"{what} '{text}' has more than 9 decimals; the chain keeps amounts in rao (1e-9 TAO)")
    return int(wei)


def format_tao(wei: int, decimals: int = 4) -> str:
    """'12,345.6789 TAO' for an amount in wei."""
    return f"{Decimal(wei) / WEI_PER_TAO:,.{decimals}f} TAO"


WAD = 10**18


def _decimal(text: str, what: str, expected: str) -> Decimal:
    try:
        value = Decimal(text.replace("_", ""))
    except InvalidOperation:
        raise InputError(f"{what} '{text}' is not {expected}") from None
    if not value.is_finite():
        raise InputError(f"{what} '{text}' is not {expected}")
    return value


def parse_fraction(text: str | int | float, what: str = "fraction") -> int:
    """WAD (1e18 = 100%) of a fraction written as '10%' or as a decimal such as 0.10."""
    raw = str(text).strip()
    expected = "a fraction: write a percentage such as '10%' or a decimal such as 0.10"
    value = _decimal(raw[:-1].strip(), what, expected) / 100 if raw.endswith("%") else _decimal(raw, what, expected)
    if value < 0:
        raise InputError(f"{what} '{text}' must not be negative")
    wad = value * WAD
    if wad != wad.to_integral_value():
        raise InputError(f"{what} '{text}' has more precision than 18 decimals")
    return int(wad)


def parse_price(text: str | int | float, what: str = "price") -> int:
    """TAO per unit x 1e18 (the chain's price scale) of a price written as a decimal such as 0.0412 or '0.0412 TAO'."""
    raw = str(text).strip()
    if raw.upper().endswith("TAO"):
        raw = raw[:-3].strip()
    value = _decimal(raw, what, "a price: write TAO per unit such as 0.0412")
    if value <= 0:
        raise InputError(f"{what} '{text}' must be above zero")
    wad = value * WAD
    if wad != wad.to_integral_value():
        raise InputError(f"{what} '{text}' has more precision than 18 decimals")
    return int(wad)


def parse_size(text: str | int | float, what: str = "size") -> int:
    """A position size in units of its asset x 1e18, written as a decimal such as 12.5."""
    value = _decimal(str(text).strip(), what, "a size: write units of the asset such as 12.5")
    if value <= 0:
        raise InputError(f"{what} '{text}' must be above zero")
    wad = value * WAD
    if wad != wad.to_integral_value():
        raise InputError(f"{what} '{text}' has more precision than 18 decimals")
    return int(wad)


def parse_leverage(text: str | int | float, what: str = "leverage") -> int:
    """WAD (1e18 = 1x) of a leverage written as 3, 2.5 or '3x'."""
    raw = str(text).strip().lower()
    value = _decimal(raw.removesuffix("x").strip(), what, "a leverage: write a multiple such as 3 or '3x'")
    if value <= 0:
        raise InputError(f"{what} '{text}' must be above zero")
    return int(value * WAD)


def format_fraction(wad: int) -> str:
    """'0.25%' for 0.0025e18."""
    return f"{(Decimal(wad) * 100 / WAD).normalize():f}%"


def format_leverage(wad: int) -> str:
    return f"{(Decimal(wad) / WAD).normalize():f}x"
