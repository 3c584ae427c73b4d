"""A plotly figure drawn as plain SVG, for places without plotly.js: saved notebooks, exported HTML,
benchmark pages (no script, nothing fetched). Bars (grouped, vertical or horizontal), lines and markers,
pies and single numbers.

Inline (the default) the drawing paints no background and its text takes the page's own colour, so it
reads in light and dark themes. On a :class:`Page` it stands alone, as an SVG file shown as an image
does (it can inherit no colour): it paints its own background and text, and has room for more of what
the figure says: axis titles, the y axis range, each line's own colour, the numbers of a numeric x axis
and a legend of whole names. Dashed and dotted lines are drawn either way.

Example:
    >>> import plotly.graph_objects as go
    >>> svg = figure_svg(go.Figure(go.Bar(x=["a", "b"], y=[3, 5]), layout={"title": {"text": "n by x"}}))
    >>> svg.startswith("<svg"), svg.count("<rect"), "n by x" in svg, "currentColor" in svg
    (True, 2, True, True)
    >>> line = go.Scatter(x=[0, 10], y=[0.5, 0.7], name="EX", line={"dash": "dot"})
    >>> page = figure_svg(go.Figure(line, layout={"xaxis_title": "corrections"}), Page())
    >>> 'fill="#ffffff"' in page, "currentColor" in page, "corrections" in page, "stroke-dasharray" in page
    (True, False, True, True)
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

WIDTH, HEIGHT = 640, 330
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 40, 60
PALETTE = ("#636efa", "#ef553b", "#00cc96", "#ab63fa", "#ffa15a", "#19d3f3", "#ff6692", "#b6e880")
"""Plotly's own colours, so the static chart looks like the live one."""
PAD = 16
"""Space inside the plot area before the first and after the last point of a line."""
MAX_LABELS = 12
"""At most this many x labels are written; the others are skipped evenly."""
DASHES = {"dash": "6,4", "dot": "2,3", "dashdot": "6,3,2,3", "longdash": "10,4", "longdashdot": "10,3,2,3"}
"""SVG dash patterns of plotly's named line dashes."""
Y_TITLE_ROOM, ROW, LEGEND_LEFT = 24, 16, 20
"""On a page: the width left of the drawing for the y axis title, the height of a legend row and where
each row starts."""
CHAR_WIDTH = 6.2
"""About how wide a character of the 11 px sans-serif text is, to lay the legend out in rows."""


@dataclass(frozen=True)
class Page:
    """A drawing that stands alone (an SVG file, an image on a Markdown page): its own colours."""

    background: str = "#ffffff"
    """Painted behind the whole drawing."""
    text: str = "#222222"
    """The colour of every title, label and legend name."""


def figure_svg(figure: Any, page: Page | None = None) -> str:
    """``figure`` (a plotly Figure) as an SVG element; empty when it has no trace this module draws.

    Inline by default; on ``page``, a drawing that stands alone (see the module docstring).
    """
    traces = list(figure.data)
    title = figure.layout.title.text or ""
    if not traces:
        return ""
    kind = traces[0].type
    if kind == "pie":
        body = _pie(traces[0])
    elif kind == "indicator":
        body = _indicator(traces[0])
    elif kind == "bar":
        body = _bars(traces, page, _y_range(figure) if page else None)
    elif kind in ("scatter", "scattergl"):
        body = _lines(traces, page, _y_range(figure) if page else None)
    else:
        return ""
    heading = f'<text x="{WIDTH / 2}" y="22" text-anchor="middle" font-size="14">{_e(title)}</text>'
    if page is not None:
        axes = kind in ("bar", "scatter", "scattergl")
        upright = kind != "bar" and _numeric_x([_as_text(list(t.x)) for t in traces])
        below = HEIGHT - BOTTOM + 20 if axes and upright else HEIGHT - 4 if axes else HEIGHT
        return _on_page(figure, traces, heading + body, page, legend=axes, below=below)
    return (
        f'<svg class="chatbi-static-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}"'
        f' width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{_e(title)}"'
        ' style="font-family: sans-serif; font-size: 11px; fill: currentColor; max-width: 100%">'
        f"{heading}{body}</svg>"
    )


def _on_page(
    figure: Any, traces: Sequence[Any], drawing: str, page: Page, *, legend: bool, below: float
) -> str:
    """``drawing`` on its own background, with the axis titles and a legend in rows below ``below``,
    where its x labels end (upright numbers end higher than slanted names)."""
    x_title, y_title = _axis_title(figure.layout.xaxis), _axis_title(figure.layout.yaxis)
    width = WIDTH + Y_TITLE_ROOM
    parts = [f'<g transform="translate({Y_TITLE_ROOM} 0)">{drawing}</g>']
    bottom = below
    if x_title:
        middle = Y_TITLE_ROOM + LEFT + (WIDTH - LEFT - RIGHT) / 2
        parts.append(f'<text x="{middle:.1f}" y="{bottom + 14}" text-anchor="middle">{_e(x_title)}</text>')
        bottom += 24
    if y_title:
        middle = (TOP + HEIGHT - BOTTOM) / 2
        parts.append(
            f'<text x="14" y="{middle:.1f}" text-anchor="middle" transform="rotate(-90 14 {middle:.1f})">'
            f"{_e(y_title)}</text>"
        )
    if legend:
        entries, bottom = _page_legend(traces, width, bottom, page)
        parts.append(entries)
    height = math.ceil(bottom + 8)
    title = _e(figure.layout.title.text or "")
    return (
        f'<svg class="chatbi-static-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}" role="img" aria-label="{title}"'
        f' style="font-family: sans-serif; font-size: 11px; fill: {_e(page.text)}">'
        f'<rect width="{width}" height="{height}" fill="{_e(page.background)}"/>{"".join(parts)}</svg>'
    )


def _page_legend(traces: Sequence[Any], width: float, top: float, page: Page) -> tuple[str, float]:
    """Every named trace with its whole name, in as many rows as they take; and where they end."""
    parts, x, y = [], LEGEND_LEFT, top + ROW / 2
    for index, trace in enumerate(traces):
        if not trace.name:
            continue
        name = str(trace.name)
        size = 30 + len(name) * CHAR_WIDTH
        if x + size > width - RIGHT and x > LEGEND_LEFT:
            x, y = LEGEND_LEFT, y + ROW
        color = _color(trace, index, page)
        if trace.type == "bar":
            parts.append(f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" fill="{color}"/>')
            shift = 14
        else:
            parts.append(
                f'<line x1="{x:.1f}" y1="{y - 4:.1f}" x2="{x + 22:.1f}" y2="{y - 4:.1f}" stroke="{color}"'
                f' stroke-width="2"{_dash(trace)}/>'
            )
            shift = 26
        parts.append(f'<text x="{x + shift:.1f}" y="{y:.1f}">{_e(name)}</text>')
        x += size + 16
    return "".join(parts), (y + ROW / 2 if parts else top)


def _axis_title(axis: Any) -> str:
    return str(getattr(getattr(axis, "title", None), "text", None) or "")


def _y_range(figure: Any) -> tuple[float, float] | None:
    """The figure's own y axis range, when it sets one (two different numbers)."""
    bounds = _numbers(getattr(figure.layout.yaxis, "range", None))
    if len(bounds) == 2 and bounds[0] is not None and bounds[1] is not None and bounds[0] != bounds[1]:
        return bounds[0], bounds[1]
    return None


def _color(trace: Any, index: int, page: Page | None) -> str:
    """The trace's own colour on a page (a line's, else its markers'), else plotly's palette in order."""
    if page is not None:
        for part in ("line", "marker"):
            color = getattr(getattr(trace, part, None), "color", None)
            if isinstance(color, str):
                return _e(color)
    return PALETTE[index % len(PALETTE)]


def _dash(trace: Any) -> str:
    """The ``stroke-dasharray`` attribute of a dashed or dotted line, else nothing."""
    dash = getattr(getattr(trace, "line", None), "dash", None)
    return f' stroke-dasharray="{DASHES[dash]}"' if dash in DASHES else ""


def _bars(traces: Sequence[Any], page: Page | None, y_range: tuple[float, float] | None) -> str:
    horizontal = getattr(traces[0], "orientation", None) == "h"
    labels = _categories([list(t.y if horizontal else t.x) for t in traces])
    values = [
        dict(zip(list(t.y if horizontal else t.x), _numbers(t.x if horizontal else t.y), strict=False))
        for t in traces
    ]
    low, high = _range([v for series in values for v in series.values()], zero=True)
    if y_range and not horizontal:
        low, high = y_range
    parts = [_axis(low, high, horizontal)]
    span = (HEIGHT - TOP - BOTTOM) if horizontal else (WIDTH - LEFT - RIGHT)
    step = span / max(1, len(labels))
    width = step * 0.8 / len(traces)
    for index, label in enumerate(labels):
        for series, row in enumerate(values):
            value = row.get(label)
            if value is None:
                continue
            start, end = sorted((_scale(0, low, high, horizontal), _scale(value, low, high, horizontal)))
            offset = index * step + step * 0.1 + series * width
            color = _color(traces[series], series, page)
            if horizontal:
                box = f'x="{start:.1f}" y="{TOP + offset:.1f}" width="{end - start:.1f}" height="{width:.1f}"'
            else:
                box = (
                    f'x="{LEFT + offset:.1f}" y="{start:.1f}" width="{width:.1f}" height="{end - start:.1f}"'
                )
            parts.append(f'<rect {box} fill="{color}"><title>{_e(label)}: {_number(value)}</title></rect>')
        parts.append(_category_label(label, index, len(labels), step, horizontal))
    return "".join(parts) + ("" if page else _legend(traces))


def _lines(traces: Sequence[Any], page: Page | None, y_range: tuple[float, float] | None) -> str:
    xs = [_as_text(list(t.x)) for t in traces]
    numeric = _numeric_x(xs)
    labels = [] if numeric else _categories(xs)
    all_x = [float(x) for series in xs for x in series] if numeric else []
    x_low, x_high = (min(all_x), max(all_x)) if all_x else (0.0, 1.0)
    low, high = y_range or _range([v for t in traces for v in _numbers(t.y)], zero=False)
    parts = [_axis(low, high, False)]
    inner = WIDTH - LEFT - RIGHT - 2 * PAD
    step = inner / max(1, len(labels) - 1) if labels else 0

    def across(x: Any) -> float:
        if numeric:
            return LEFT + PAD + (float(x) - x_low) / ((x_high - x_low) or 1) * inner
        return LEFT + PAD + labels.index(str(x)) * step

    for series, trace in enumerate(traces):
        points = [
            (across(x), _scale(y, low, high, False), x, y)
            for x, y in zip(xs[series], _numbers(trace.y), strict=False)
            if y is not None
        ]
        color = _color(trace, series, page)
        mode = getattr(trace, "mode", None) or "lines+markers"
        if "lines" in mode and len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py, _, _ in points)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"{_dash(trace)}/>'
            )
        for px, py, x, y in points:
            parts.append(
                f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{color}"><title>{_e(str(x))}: '
                f"{_number(y)}</title></circle>"
            )
    for index, label in enumerate(labels):
        parts.append(_category_label(label, index, len(labels), step, False, centred=False, shift=PAD))
    if page is None:
        return "".join(parts) + _legend(traces)
    values = sorted(set(all_x))
    every = max(1, math.ceil(len(values) / MAX_LABELS))
    for value in values[::every]:
        parts.append(
            f'<text x="{across(value):.1f}" y="{HEIGHT - BOTTOM + 14}" text-anchor="middle">'
            f"{_number(value)}</text>"
        )
    return "".join(parts)


def _numeric_x(xs: Sequence[Sequence[Any]]) -> bool:
    return all(isinstance(x, int | float) for series in xs for x in series)


def _as_text(values: list[Any]) -> list[Any]:
    """Dates as the day (or the month, when every one is a month's first day); other values as they are."""
    days = [_day(v) for v in values]
    if not values or None in days:
        return values
    monthly = all(day.endswith("-01") for day in days if day)
    return [day[:7] if monthly else day for day in days if day]


def _day(value: Any) -> str | None:
    """``YYYY-MM-DD`` of a date or a midnight timestamp (as plotly keeps them), else None."""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    text = str(value)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}(?:[T ]00:00(?::00(?:\.0+)?)?)?", text):
        return text[:10]
    return None


def _pie(trace: Any) -> str:
    labels, values = [str(v) for v in trace.labels], [v or 0 for v in _numbers(trace.values)]
    total = sum(values) or 1
    cx, cy, radius = WIDTH * 0.35, (HEIGHT + TOP) / 2, min(WIDTH, HEIGHT - TOP) * 0.38
    angle, parts = -math.pi / 2, []
    for index, (label, value) in enumerate(zip(labels, values, strict=False)):
        sweep = 2 * math.pi * value / total
        end = angle + sweep
        x1, y1 = cx + radius * math.cos(angle), cy + radius * math.sin(angle)
        x2, y2 = cx + radius * math.cos(end), cy + radius * math.sin(end)
        large = 1 if sweep > math.pi else 0
        color = PALETTE[index % len(PALETTE)]
        share = f"{100 * value / total:.1f} %"
        parts.append(
            f'<path d="M{cx:.1f},{cy:.1f} L{x1:.1f},{y1:.1f} A{radius:.1f},{radius:.1f} 0 {large} 1 '
            f'{x2:.1f},{y2:.1f} Z" fill="{color}">'
            f"<title>{_e(label)}: {_number(value)} ({share})</title></path>"
        )
        y = TOP + 16 * index + 10
        parts.append(f'<rect x="{WIDTH * 0.7:.0f}" y="{y - 9}" width="10" height="10" fill="{color}"/>')
        parts.append(f'<text x="{WIDTH * 0.7 + 16:.0f}" y="{y}">{_e(label)} · {share}</text>')
        angle = end
    return "".join(parts)


def _indicator(trace: Any) -> str:
    value = trace.value
    caption = getattr(getattr(trace, "title", None), "text", "") or ""
    return (
        f'<text x="{WIDTH / 2}" y="{HEIGHT / 2 + 10}" text-anchor="middle" font-size="44">'
        f"{_number(value)}</text>"
        f'<text x="{WIDTH / 2}" y="{HEIGHT / 2 + 40}" text-anchor="middle">{_e(caption)}</text>'
    )


def _axis(low: float, high: float, horizontal: bool) -> str:
    parts = []
    for tick in range(5):
        value = low + (high - low) * tick / 4
        at = _scale(value, low, high, horizontal)
        if horizontal:
            parts.append(
                f'<line x1="{at:.1f}" y1="{TOP}" x2="{at:.1f}" y2="{HEIGHT - BOTTOM}" stroke="#8884"/>'
            )
            parts.append(
                f'<text x="{at:.1f}" y="{HEIGHT - BOTTOM + 14}" text-anchor="middle">{_number(value)}</text>'
            )
        else:
            parts.append(
                f'<line x1="{LEFT}" y1="{at:.1f}" x2="{WIDTH - RIGHT}" y2="{at:.1f}" stroke="#8884"/>'
            )
            parts.append(f'<text x="{LEFT - 6}" y="{at + 4:.1f}" text-anchor="end">{_number(value)}</text>')
    return "".join(parts)


def _category_label(
    label: str,
    index: int,
    count: int,
    step: float,
    horizontal: bool,
    *,
    centred: bool = True,
    shift: float = 0,
) -> str:
    every = max(1, math.ceil(count / MAX_LABELS))
    if index % every:
        return ""
    text = label if len(label) <= 14 else label[:13] + "…"
    middle = shift + index * step + (step / 2 if centred else 0)
    if horizontal:
        return f'<text x="{LEFT - 6}" y="{TOP + middle + 4:.1f}" text-anchor="end">{_e(text)}</text>'
    x, y = LEFT + middle, HEIGHT - BOTTOM + 14
    return (
        f'<text x="{x:.1f}" y="{y}" text-anchor="end" transform="rotate(-30 {x:.1f} {y})">{_e(text)}</text>'
    )


def _legend(traces: Sequence[Any]) -> str:
    named = [(i, t.name) for i, t in enumerate(traces) if t.name and len(traces) > 1]
    parts = []
    for place, (index, name) in enumerate(named[:8]):
        x = LEFT + place * 110
        parts.append(
            f'<rect x="{x}" y="{HEIGHT - 14}" width="10" height="10" fill="{PALETTE[index % len(PALETTE)]}"/>'
        )
        parts.append(f'<text x="{x + 14}" y="{HEIGHT - 5}">{_e(str(name))[:16]}</text>')
    return "".join(parts)


def _categories(series: Sequence[Sequence[Any]]) -> list[str]:
    seen: dict[str, None] = {}
    for values in series:
        for value in values:
            seen.setdefault(str(value), None)
    return list(seen)


def _numbers(values: Any) -> list[float | None]:
    out: list[float | None] = []
    for value in list(values) if values is not None else []:
        try:
            number = float(value)
        except (TypeError, ValueError):
            out.append(None)
            continue
        out.append(None if math.isnan(number) else number)
    return out


def _range(values: Sequence[float | None], *, zero: bool) -> tuple[float, float]:
    present = [v for v in values if v is not None]
    if not present:
        return 0.0, 1.0
    low, high = min(present), max(present)
    if zero:
        low, high = min(low, 0.0), max(high, 0.0)
    if low == high:
        low, high = low - 1, high + 1
    return low, high


def _scale(value: float, low: float, high: float, horizontal: bool) -> float:
    share = (value - low) / (high - low)
    if horizontal:
        return LEFT + share * (WIDTH - LEFT - RIGHT)
    return HEIGHT - BOTTOM - share * (HEIGHT - TOP - BOTTOM)


def _number(value: float | None) -> str:
    if value is None:
        return ""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}" if abs(value) >= 1 else f"{value:.3g}"


def _e(text: str) -> str:
    return html.escape(str(text), quote=True)
