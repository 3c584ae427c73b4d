"""Draw the chosen chart of a query result as a plotly figure.

Large results are made readable, and the title says how: repeated x values are summed (averaged for
rates and averages), bars are capped at the top 30, a pie at 7 slices and "Other", series at 10.

Plotly draws ``<b>``, ``<br>`` and ``<a href>`` in any text as markup, so every value and column name is
escaped (:func:`plain`) before it becomes a label, a name or a title: data is drawn as text, never as a
link or bold type.

Example:
    >>> import pandas as pd
    >>> from chatbi_jupyterlab.notebook.chart import choose_chart
    >>> frame = pd.DataFrame({"segment": ["SMB", "Consumer"], "customers": [2600, 4000]})
    >>> figure = build_figure(frame, choose_chart(frame))
    >>> list(figure.data[0].x), figure.data[0].y.tolist()
    (['Consumer', 'SMB'], [4000, 2600])
"""

from __future__ import annotations

import html
from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go

from chatbi_jupyterlab.notebook.chart import MAX_PIE_SLICES, ChartChoice, ChartError
from chatbi_jupyterlab.notebook.columns import as_ordinal, as_time, is_additive, is_percentage, prepare_frame

MAX_BARS = 30
"""Bars drawn at most; the rest are left out, and the title says so."""
MAX_SERIES = 10
"""Lines or bar groups drawn at most, the largest by total."""
WEBGL_POINTS = 5_000
"""Above this many points a scatter is drawn with WebGL."""
LONG_LABEL = 18
"""Bars whose longest label is longer run horizontally, so the labels stay readable."""

_Drawn = tuple[go.Figure, str | None, list[str | None]]


def build_figure(frame: pd.DataFrame, choice: ChartChoice, *, title: str | None = None) -> go.Figure | None:
    """The plotly figure for ``choice`` over ``frame``; None for a table.

    Args:
        frame: the query result.
        choice: from :func:`~chatbi_jupyterlab.notebook.chart.choose_chart` or
            :func:`~chatbi_jupyterlab.notebook.chart.choice_for`.
        title: the figure's title; by default one saying what is drawn. A note on what was summed or
            left out is appended either way.

    Raises:
        ChartError: the choice names a column the frame lacks, or a pie meets negative values.

    Example:
        >>> frame = pd.DataFrame({"month": ["2025-02", "2025-01"], "revenue": [5.0, 4.0]})
        >>> figure = build_figure(frame, ChartChoice("line", x="month", y=("revenue",), order="x"))
        >>> figure.data[0].mode, figure.data[0].y.tolist(), figure.layout.title.text
        ('lines+markers', [4.0, 5.0], 'revenue over month')
    """
    if choice.kind == "table":
        return None
    data = prepare_frame(frame)
    missing = [name for name in (choice.x, *choice.y, choice.color) if name and name not in data.columns]
    if missing:
        raise ChartError(f"the result has no column {missing[0]!r} to draw")
    if not choice.y or data.empty:
        raise ChartError(f"a {choice.kind} chart needs a measure and at least one row")
    figure, heading, notes = _DRAW[choice.kind](data, choice)
    text = heading if title is None else title
    said = "; ".join(note for note in notes if note)
    if said:
        text = f"{text} ({said})" if text else said
    layout = {
        "title": {"text": plain(text)},
        "template": "plotly_white",
        "margin": {"t": 60, "l": 50, "r": 20},
    }
    figure.update_layout(**layout)
    return figure


def plain(text: object) -> str:
    """``text`` as plotly draws it literally: its markup and entities escaped.

    Example:
        >>> plain('<a href="https://example.com">offer</a> & more')
        '&lt;a href="https://example.com"&gt;offer&lt;/a&gt; &amp; more'
    """
    return html.escape(str(text), quote=False)


def _indicator(data: pd.DataFrame, choice: ChartChoice) -> _Drawn:
    measure = choice.y[0]
    values = data[measure].dropna()
    if values.empty:
        raise ChartError(f"{measure} has no value to show")
    value = float(values.iloc[0])
    valueformat = ",d" if value.is_integer() and abs(value) < 1e15 else ",.2f" if abs(value) >= 1 else ".4~g"
    label = plain(measure)
    if choice.x:
        label += f"<br><sub>{plain(choice.x)}: {_labels(data.loc[[values.index[0]], choice.x])[0]}</sub>"
    figure = go.Figure(
        go.Indicator(mode="number", value=value, number={"valueformat": valueformat}, title={"text": label})
    )
    more = f"the first of {len(values)} values" if len(values) > 1 else None
    return figure, None, [more]


def _line(data: pd.DataFrame, choice: ChartChoice) -> _Drawn:
    x = str(choice.x)
    table, note = _aggregate(data, [x, choice.color], choice.y)
    key = _sort_key(table[x])
    table, key = table.loc[key.sort_values(kind="stable").index], key.sort_values(kind="stable")
    dates = pd.api.types.is_datetime64_any_dtype(key)
    table = table.assign(**{x: key if dates else _labels(table[x])})
    groups, more = _largest_series(table, choice, choice.y[0])
    figure = go.Figure()
    for name, part in groups:
        for measure in choice.y:
            mode = "lines+markers" if len(part) <= 60 else "lines"
            trace = name if name is not None else measure
            figure.add_trace(go.Scatter(x=part[x], y=part[measure], mode=mode, name=plain(trace)))
    axis: dict[str, object] = {"title": {"text": plain(x)}}
    if not dates:
        axis |= {"type": "category", "categoryorder": "array", "categoryarray": table[x].drop_duplicates()}
    figure.update_layout(xaxis=axis, yaxis_title=plain(", ".join(choice.y)), showlegend=len(figure.data) > 1)
    split = f" by {choice.color}" if choice.color else ""
    return figure, f"{', '.join(choice.y)} over {x}{split}", [note, more]


def _bar(data: pd.DataFrame, choice: ChartChoice) -> _Drawn:
    x, first = str(choice.x), choice.y[0]
    table, note = _aggregate(data, [x, choice.color], choice.y)
    totals = table.groupby(x, sort=False)[first].sum()
    if choice.order == "descending":
        totals = totals.sort_values(ascending=False, kind="stable")
    elif choice.order == "x":
        totals = totals.iloc[_sort_key(pd.Series(totals.index, name=x)).argsort(kind="stable").to_numpy()]
    cut, latest = None, choice.order == "x" and as_time(pd.Series(totals.index, name=x)) is not None
    if len(totals) > MAX_BARS:
        which = "top" if choice.order == "descending" else "latest" if latest else "first"
        cut = f"{which} {MAX_BARS} of {len(totals)} {x}"
        totals = totals.iloc[-MAX_BARS:] if latest else totals.iloc[:MAX_BARS]
    labels = _labels(pd.Series(totals.index))
    horizontal = choice.color is None and max(len(label) for label in labels) > LONG_LABEL
    groups, more = _largest_series(table, choice, first)
    figure = go.Figure()
    for name, part in groups:
        for measure in choice.y:
            values = part.set_index(x)[measure].reindex(totals.index).to_numpy()
            trace = plain(name if name is not None else measure)
            if horizontal:
                figure.add_trace(go.Bar(x=values, y=labels, name=trace, orientation="h"))
            else:
                figure.add_trace(go.Bar(x=labels, y=values, name=trace))
    measures = ", ".join(choice.y)
    figure.update_layout(barmode="group", showlegend=len(figure.data) > 1)
    if horizontal:
        figure.update_layout(
            xaxis_title=plain(measures), yaxis={"title": {"text": plain(x)}, "autorange": "reversed"}
        )
    else:
        figure.update_layout(
            xaxis={"title": {"text": plain(x)}, "type": "category"}, yaxis_title=plain(measures)
        )
    split = f" and {choice.color}" if choice.color else ""
    return figure, f"{measures} by {x}{split}", [note, cut, more]


def _pie(data: pd.DataFrame, choice: ChartChoice) -> _Drawn:
    x, measure = str(choice.x), choice.y[0]
    table, note = _aggregate(data, [x], (measure,))
    values = table.set_index(x)[measure].dropna().sort_values(ascending=False, kind="stable")
    if (values < 0).any():
        raise ChartError(f"a pie cannot show the negative values of {measure}")
    labels, cut = _labels(pd.Series(values.index)), None
    if len(values) > MAX_PIE_SLICES:
        kept = MAX_PIE_SLICES - 1
        cut = f"top {kept} of {len(values)} {x}, the rest as Other"
        labels = [*labels[:kept], "Other"]
        values = pd.concat([values.iloc[:kept], pd.Series([values.iloc[kept:].sum()])])
    pie = go.Pie(
        labels=labels, values=values.to_numpy(), sort=False, direction="clockwise", textinfo="label+percent"
    )
    heading = f"{measure} by {x}" if is_percentage(measure) else f"share of {measure} by {x}"
    return go.Figure(pie), heading, [note, cut]


def _scatter(data: pd.DataFrame, choice: ChartChoice) -> _Drawn:
    x, measure = str(choice.x), choice.y[0]
    table = data.dropna(subset=[x, measure])
    label = choice.color or next((name for name in data.columns if name not in (x, measure)), None)
    groups, more = _largest_series(table, choice, measure)
    kind = go.Scattergl if len(table) > WEBGL_POINTS else go.Scatter
    figure = go.Figure()
    for name, part in groups:
        text = _labels(part[label]) if label else None
        trace = plain(name if name is not None else measure)
        figure.add_trace(kind(x=part[x], y=part[measure], mode="markers", text=text, name=trace))
    figure.update_layout(xaxis_title=plain(x), yaxis_title=plain(measure), showlegend=len(figure.data) > 1)
    return figure, f"{measure} against {x}", [more]


_DRAW: dict[str, Callable[[pd.DataFrame, ChartChoice], _Drawn]] = {
    "indicator": _indicator,
    "line": _line,
    "bar": _bar,
    "pie": _pie,
    "scatter": _scatter,
}


def _aggregate(
    data: pd.DataFrame, keys: list[str | None], measures: tuple[str, ...]
) -> tuple[pd.DataFrame, str | None]:
    """One row per key: repeated keys summed (averaged for rates and averages); missing labels named."""
    by = [key for key in dict.fromkeys(keys) if key is not None]
    table = data[[*by, *(name for name in measures if name not in by)]].reset_index(drop=True)
    for key in by:
        column = table[key]
        if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column):
            table = table[column.notna()]
        elif column.isna().any():
            table = table.assign(**{key: column.astype("string").fillna("(none)")})
    if not table.duplicated(subset=by).any():
        return table, None
    how = {name: "sum" if is_additive(name) else "mean" for name in measures}
    grouped = table.groupby(by, sort=False, observed=True).agg(how).reset_index()
    verbs = " and ".join(sorted({"summed" if way == "sum" else "averaged" for way in how.values()}))
    return grouped, f"{verbs} per {' and '.join(by)}"


def _largest_series(
    table: pd.DataFrame, choice: ChartChoice, measure: str
) -> tuple[list[tuple[object, pd.DataFrame]], str | None]:
    """The rows split by ``choice.color``, the largest ``MAX_SERIES`` series by total; or all as one."""
    if not choice.color:
        return [(None, table)], None
    totals = table.groupby(choice.color, sort=False)[measure].sum().abs().sort_values(ascending=False)
    kept = totals.index[:MAX_SERIES]
    groups = dict(list(table.groupby(choice.color, sort=False)))
    more = f"top {MAX_SERIES} of {len(totals)} {choice.color}" if len(totals) > MAX_SERIES else None
    return [(name, groups[name]) for name in kept], more


def _sort_key(values: pd.Series) -> pd.Series:
    """Time, then category order, then the values themselves if numeric; else the order given."""
    for read in (as_time, as_ordinal):
        key = read(values)
        if key is not None:
            return key
    if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(values):
        return values
    return pd.Series(range(len(values)), index=values.index)


def _labels(values: pd.Series) -> list[str]:
    """Axis labels: whole numbers without ``.0``, dates without midnight, missing ones named; escaped."""
    if pd.api.types.is_float_dtype(values) and (values.dropna() % 1 == 0).all():
        values = values.astype("Int64")
    return [plain(label) for label in values.astype("string").fillna("(none)").tolist()]
