"""A hand-written SVG chart of an MTSOS replay: the spot readings against the EMA, so a reader sees a spike filtered.

No plotting dependency: a fixed-size SVG with a title, both axes with ticks and labels, gridlines, a legend, a dot
per spot reading, the held reading as a thin step line (the oracle holds each reading until the next update, which
weighs it if it is nearer the EMA than the update's own reading), and the EMA after each update as a thick line.
Zero readings (rejected by the oracle: nothing changes) are marked on the time axis.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from megatao.clients.oracle import WAD, Outcome, ReplayRow
from megatao.core.errors import InputError
from megatao.core.paths import display

WIDTH, HEIGHT = 860, 480
LEFT, RIGHT, TOP, BOTTOM = 90, 30, 92, 70
SPOT_COLOUR = "#d95f02"
HELD_COLOUR = "#e6a06b"
EMA_COLOUR = "#1b5e9e"
ZERO_COLOUR = "#b00020"
#: Candidate spacings of time ticks, in seconds.
TIME_STEPS = (60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800, 2592000)
MAX_TICKS = 8
DESCRIPTION = (
    "{count} readings of the sum of alpha prices; the first initialises the 7-day time-weighted EMA (the oracle's "
    "deployment), each later one weighs, of the reading held since the one before and its own, the one nearer the "
    "EMA (at most the elapsed cap), then is held in turn"
)


def nice_step(span: float, max_ticks: int = MAX_TICKS) -> float:
    """The smallest 1, 2 or 5 x 10^k step that cuts `span` into at most `max_ticks` intervals."""
    raw = span / max_ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= raw:
            return factor * magnitude
    return 10 * magnitude  # pragma: no cover


def value_ticks(low: float, high: float) -> tuple[float, float, list[float], int]:
    """A padded range, its ticks, and the decimals their labels need."""
    if high <= low:
        pad = abs(low) * 0.01 or 0.01
        low, high = low - pad, high + pad
    pad = (high - low) * 0.08
    step = nice_step((high - low) + 2 * pad)
    start = math.floor((low - pad) / step) * step
    stop = math.ceil((high + pad) / step) * step
    count = round((stop - start) / step)
    ticks = [start + i * step for i in range(count + 1)]
    decimals = max(0, -math.floor(math.log10(step)))
    return start, stop, ticks, decimals


def time_ticks(start: int, stop: int) -> tuple[int, int, list[int], str]:
    """A padded time range, tick times on round UTC boundaries, and the strftime format of their labels."""
    if stop <= start:
        start, stop = start - 1800, stop + 1800
    pad = max(1, (stop - start) // 20)
    start, stop = start - pad, stop + pad
    step = next((s for s in TIME_STEPS if (stop - start) / s <= MAX_TICKS), TIME_STEPS[-1])
    first = -(-start // step) * step
    ticks = list(range(first, stop + 1, step))
    fmt = "%H:%M" if step < 86400 else "%m-%d"
    return start, stop, ticks, fmt


@dataclass(frozen=True)
class _Plot:
    """The plot area's scales: a time and a value to x and y (SVG units)."""

    t_low: float
    t_high: float
    y_low: float
    y_high: float
    width: float = WIDTH - LEFT - RIGHT
    height: float = HEIGHT - TOP - BOTTOM

    def x(self, t: float) -> float:
        return LEFT + (t - self.t_low) / (self.t_high - self.t_low) * self.width

    def y(self, v: float) -> float:
        return TOP + self.height - (v - self.y_low) / (self.y_high - self.y_low) * self.height

    def points(self, series: list[tuple[int, float]]) -> str:
        return " ".join(f"{self.x(t):.1f},{self.y(v):.1f}" for t, v in series)


def render_svg(rows: Sequence[ReplayRow], title: str, subtitle: str = "") -> str:
    """The chart of a replay as an SVG document."""
    spots = [(r.reading.timestamp, r.reading.spot / WAD) for r in rows if r.outcome is not Outcome.ZERO_REJECTED]
    emas = [(r.reading.timestamp, r.ema / WAD) for r in rows]
    held: list[tuple[int, float]] = []
    for r in rows:
        if held:
            held.append((r.reading.timestamp, held[-1][1]))
        held.append((r.reading.timestamp, r.held / WAD))
    zeros = [r.reading.timestamp for r in rows if r.outcome is Outcome.ZERO_REJECTED]
    times = [r.reading.timestamp for r in rows]
    if not times:
        raise InputError("nothing to chart: the series has no readings")
    values = [v for _, v in spots + emas + held] or [0.0]
    y_low, y_high, y_ticks, decimals = value_ticks(min(values), max(values))
    t_low, t_high, t_ticks, t_format = time_ticks(min(times), max(times))
    plot = _Plot(t_low, t_high, y_low, y_high)
    dates = sorted({datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d") for t in times})
    time_label = f"time (UTC, {dates[0]})" if len(dates) == 1 and t_format == "%H:%M" else "time (UTC)"
    out = _heading(title, subtitle, len(rows))
    out += _grid_and_axes(plot, y_ticks, t_ticks)
    out += _ticks_and_labels(plot, y_ticks, decimals, t_ticks, t_format, time_label)
    out += _series(plot, spots, emas, held, zeros)
    out += _legend(bool(zeros))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _heading(title: str, subtitle: str, count: int) -> list[str]:
    """The document's opening, its title, description and background, and the title and subtitle shown."""
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        f"<desc>{escape(DESCRIPTION.format(count=count))}</desc>",
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
        f'<text x="{WIDTH / 2:.0f}" y="26" text-anchor="middle" font-size="17" font-weight="bold">'
        f"{escape(title)}</text>",
    ]
    if subtitle:
        out.append(f'<text x="{WIDTH / 2:.0f}" y="46" text-anchor="middle" fill="#555">{escape(subtitle)}</text>')
    return out


def _grid_and_axes(plot: _Plot, y_ticks: list[float], t_ticks: list[int]) -> list[str]:
    x, y, plot_w, plot_h = plot.x, plot.y, plot.width, plot.height
    out = ['<g id="grid" stroke="#e3e3e3" stroke-width="1">']
    out += [f'<line x1="{LEFT}" y1="{y(v):.1f}" x2="{LEFT + plot_w}" y2="{y(v):.1f}"/>' for v in y_ticks]
    out += [f'<line x1="{x(t):.1f}" y1="{TOP}" x2="{x(t):.1f}" y2="{TOP + plot_h}"/>' for t in t_ticks]
    out.append("</g>")

    out.append('<g id="axes" stroke="#333" stroke-width="1.2">')
    out.append(f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}"/>')
    out.append(f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}"/>')
    out.append("</g>")
    return out


def _ticks_and_labels(
    plot: _Plot, y_ticks: list[float], decimals: int, t_ticks: list[int], t_format: str, time_label: str
) -> list[str]:
    x, y, plot_w, plot_h = plot.x, plot.y, plot.width, plot.height
    out = ['<g id="y-ticks" text-anchor="end">']
    for v in y_ticks:
        label = f"{Decimal(repr(v)).quantize(Decimal(1).scaleb(-decimals)):f}"
        out.append(f'<line x1="{LEFT - 5}" y1="{y(v):.1f}" x2="{LEFT}" y2="{y(v):.1f}" stroke="#333"/>')
        out.append(f'<text x="{LEFT - 8}" y="{y(v) + 4:.1f}">{label}</text>')
    out.append("</g>")
    out.append('<g id="x-ticks" text-anchor="middle">')
    for t in t_ticks:
        label = datetime.fromtimestamp(t, UTC).strftime(t_format)
        out.append(f'<line x1="{x(t):.1f}" y1="{TOP + plot_h}" x2="{x(t):.1f}" y2="{TOP + plot_h + 5}" stroke="#333"/>')
        out.append(f'<text x="{x(t):.1f}" y="{TOP + plot_h + 20}">{label}</text>')
    out.append("</g>")
    out.append(
        f'<text id="x-label" x="{LEFT + plot_w / 2:.0f}" y="{HEIGHT - 18}" text-anchor="middle">'
        f"{escape(time_label)}</text>"
    )
    out.append(
        f'<text id="y-label" transform="translate(22 {TOP + plot_h / 2:.0f}) rotate(-90)" text-anchor="middle">'
        "TAO (sum of alpha prices)</text>"
    )
    return out


def _series(
    plot: _Plot,
    spots: list[tuple[int, float]],
    emas: list[tuple[int, float]],
    held: list[tuple[int, float]],
    zeros: list[int],
) -> list[str]:
    """The held reading as a thin step line, a dot per spot reading, the EMA as a thick line with a dot per update,
    and a cross on the time axis per zero reading."""
    x, y = plot.x, plot.y
    out = [f'<g id="held" fill="none" stroke="{HELD_COLOUR}" stroke-width="1.5">']
    if len(held) > 1:
        out.append(f'<polyline points="{plot.points(held)}"/>')
    out.append("</g>")
    out.append(f'<g id="spot" fill="{SPOT_COLOUR}">')
    out += [f'<circle cx="{x(t):.1f}" cy="{y(v):.1f}" r="3.5"/>' for t, v in spots]
    out.append("</g>")
    out.append(f'<g id="ema" fill="{EMA_COLOUR}">')
    if len(emas) > 1:
        out.append(f'<polyline points="{plot.points(emas)}" fill="none" stroke="{EMA_COLOUR}" stroke-width="3"/>')
    out += [f'<circle cx="{x(t):.1f}" cy="{y(v):.1f}" r="2.5"/>' for t, v in emas]
    out.append("</g>")
    if zeros:
        out.append(f'<g id="zero-readings" stroke="{ZERO_COLOUR}" stroke-width="2">')
        for t in zeros:
            cx, cy = x(t), TOP + plot.height
            out.append(f'<path d="M{cx - 4:.1f},{cy - 4:.1f} l8,8 m0,-8 l-8,8"/>')
        out.append("</g>")
    return out


def _legend(zeros: bool) -> list[str]:
    """One row above the plot, so the legend never hides a reading; a dot for the readings, a line for the series."""
    legend = [
        ("spot reading", SPOT_COLOUR, 0),
        ("held reading", HELD_COLOUR, 1.5),
        ("7-day EMA (the index price)", EMA_COLOUR, 3),
    ]
    if zeros:
        legend.append(("zero reading (rejected)", ZERO_COLOUR, 2))
    out = ['<g id="legend">']
    lx, row_y = LEFT, TOP - 16
    for label, colour, width in legend:
        if width:
            out.append(
                f'<line x1="{lx}" y1="{row_y}" x2="{lx + 26}" y2="{row_y}" stroke="{colour}" stroke-width="{width}"/>'
            )
        else:
            out.append(f'<circle cx="{lx + 13}" cy="{row_y}" r="3.5" fill="{colour}"/>')
        out.append(f'<text x="{lx + 32}" y="{row_y + 4}">{escape(label)}</text>')
        lx += 32 + 7 * len(label) + 24
    out.append("</g>")
    return out


def write_svg(rows: Sequence[ReplayRow], path: Path, title: str, subtitle: str = "") -> Path:
    """Write the chart of a replay to `path`; InputError naming the path when it cannot be written."""
    try:
        path.write_text(render_svg(rows, title, subtitle), encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{display(path)}: cannot write the chart ({exc.strerror or exc})") from None
    return path
