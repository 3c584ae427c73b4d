"""Build the wire objects (:mod:`chatbi_jupyterlab.wire`) from the core's: an answer card with its review,
result table and chart, and a schema.

The table and the chart are those the notebook shows: readable headers from
:func:`explain.column_labels.column_labels`, the chart chosen by
:func:`chatbi_jupyterlab.notebook.chart.choose_chart` (or the kind the user picked), drawn by
:func:`chatbi_jupyterlab.notebook.figure.build_figure` and themed as the notebook's live chart
(:func:`chatbi_jupyterlab.notebook.answer_chart.plotly_bundle`).

Example:
    >>> import datetime, pandas as pd
    >>> frame = pd.DataFrame({"day": [datetime.date(2026, 6, 30)], "n": [float("nan")]})
    >>> table_wire(frame, truncated=False, labels={"n": "Orders"}).rows
    [['2026-06-30', None]]
    >>> [(c.name, c.label, c.type) for c in table_wire(frame, truncated=False).columns]
    [('day', 'day', 'datetime'), ('n', 'n', 'number')]
"""

from __future__ import annotations

import datetime
import decimal
import math
from typing import TYPE_CHECKING, Any

import pandas as pd

from chatbi_jupyterlab import wire
from chatbi_jupyterlab.notebook.chart import (
    ChartChoice,
    ChartError,
    available_kinds,
    choice_for,
    choose_chart,
)
from chatbi_jupyterlab.plan_choices import plan_choices
from explain.column_labels import column_labels
from nl2sql.answer import PATH_LABELS
from nl2sql.semantic.chips import query_chips
from nl2sql.semantic.choices import QueryChoices, query_choices
from nl2sql.semantic.route import question_language

if TYPE_CHECKING:
    from chatbi_jupyterlab.notebook.answer_card import AnswerCard
    from explain.plan import Plan
    from explain.plan_conditions import DateBound
    from explain.steps import Step
    from nl2sql.schema import Schema
    from nl2sql.semantic.model import SemanticModel
    from nl2sql.semantic.route import Reading

TABLE_ROWS = 1_000
"""Rows an answer carries by default; the rest are fetched by export."""


def answer_wire(card: AnswerCard, *, table_rows: int = TABLE_ROWS) -> wire.Answer:
    """The answer ``card`` shows, on the wire."""
    answer, generated, current, shown = card.answer, card.generated, card.current, card.review
    explanation = shown.explanation
    lang = explanation.lang if explanation else card.lang or question_language(answer.question)
    frame = card.frame
    table = result_table_wire(card, rows=table_rows)
    chart = None
    if frame is not None:
        chart = chart_wire(frame, answer.question, card.chart_kind, partial=card.partial)
    reading = card.reading_shown
    semantic, reading_lang, today = card.assistant.semantic, card.reading_lang, card.assistant.today
    return wire.Answer(
        id=card.id,
        connection=card.connection,
        question=answer.question,
        sql=card.sql,
        generated_sql=generated.sql,
        edited=card.edited,
        sample=card.sample,
        path=generated.path,  # type: ignore[arg-type]
        path_label=PATH_LABELS.get(generated.path, generated.path),
        error=current.error,
        status=card.status,
        summary=explanation.summary if explanation else None,
        lang=lang,
        steps=[step_wire(step) for step in explanation.steps] if explanation else [],
        diagnostics=[wire.Diagnostic(**d.to_dict()) for d in shown.diagnostics],
        plan=plan_wire(shown.plan, card.assistant.schema, today=today, lang=lang) if shown.plan else None,
        table=table,
        chart=chart,
        timings={stage: round(seconds, 4) for stage, seconds in current.timings.items()},
        model_id=current.model_id or generated.model_id,
        adapter_hash=current.adapter_hash or generated.adapter_hash,
        examples=[wire.Example(e.question, e.sql) for e in generated.examples],
        history=[wire.Example(e.question, e.sql) for e in answer.history],
        terms_used=[wire.GlossaryTerm(t.name, t.definition, t.sql) for t in shown.terms_used],
        notes=list(current.notes),
        fixes=list(current.fixes),
        repaired=current.repaired,
        interpretation=reading_wire(reading, semantic, lang=reading_lang, today=today) if reading else None,
        readings=[reading_wire(r, semantic, lang=reading_lang) for r in answer.readings],
    )


def result_table_wire(card: AnswerCard, *, rows: int | None = None) -> wire.Table | None:
    """The result ``card`` shows, its first ``rows`` rows (all the rows fetched when None), with the
    headers the notebook shows; None when the query did not run.

    Example:
        >>> import os, sqlite3, tempfile
        >>> from chatbi_jupyterlab.notebook.answer_card import AnswerCard
        >>> from chatbi_jupyterlab.notebook.session import NotebookSession
        >>> path = os.path.join(tempfile.mkdtemp(), "shop.sqlite")
        >>> with sqlite3.connect(path) as setup:
        ...     _ = setup.execute("CREATE TABLE orders (id INTEGER)")
        ...     _ = setup.executemany("INSERT INTO orders VALUES (?)", [(1,), (2,), (3,)])
        >>> session = NotebookSession(log=None)
        >>> answer = session.connect(path, name="shop").run("SELECT id FROM orders")
        >>> card = AnswerCard(answer, session, "shop")
        >>> first, whole = result_table_wire(card, rows=2), result_table_wire(card)
        >>> first.rows, first.row_count, whole.rows
        ([[1], [2]], 3, [[1], [2], [3]])
    """
    frame = card.frame
    if frame is None:
        return None
    labels = column_labels(card.sql, card.assistant.schema, card.lang or "en") if card.sql else {}
    shown = len(frame) if rows is None else rows
    return table_wire(frame, truncated=card.current.truncated, labels=labels, rows=shown)


def table_wire(
    frame: pd.DataFrame, *, truncated: bool, labels: dict[str, str] | None = None, rows: int = TABLE_ROWS
) -> wire.Table:
    """The first ``rows`` rows of ``frame`` as JSON values, with typed, labelled columns."""
    labels = labels or {}
    columns = [
        wire.Column(str(name), labels.get(str(name), str(name)), column_type(frame[name]))
        for name in frame.columns
    ]
    body = [[cell(value) for value in row] for row in frame.head(rows).itertuples(index=False, name=None)]
    return wire.Table(columns, body, len(frame), truncated)


def column_type(series: pd.Series) -> Any:
    """``number``, ``boolean``, ``datetime`` or ``string``: how the panel aligns and formats a column.

    Example:
        >>> column_type(pd.Series([1.5, None])), column_type(pd.Series(["a"])), column_type(pd.Series([True]))
        ('number', 'string', 'boolean')
    """
    if pd.api.types.is_bool_dtype(series):
        return "boolean"
    if pd.api.types.is_numeric_dtype(series):
        return "number"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "datetime"
    sample = series.dropna().head(1).tolist()
    if sample and isinstance(sample[0], datetime.date | datetime.time):
        return "datetime"
    if sample and isinstance(sample[0], decimal.Decimal):
        return "number"
    return "string"


def cell(value: Any) -> wire.JSONScalar:
    """One result value as JSON: NaN, NaT and NA as null, dates and times as ISO strings, decimals as
    numbers, numpy scalars as Python's.

    Example:
        >>> import numpy as np
        >>> cell(np.int64(3)), cell(float("inf")), cell(pd.NaT), cell(pd.Timestamp("2026-06-30 12:00"))
        (3, None, None, '2026-06-30T12:00:00')
        >>> cell(decimal.Decimal("1.50")), cell(b"\\x00\\xff")
        (1.5, '00ff')
    """
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, datetime.date | datetime.time):  # pandas Timestamps are datetimes
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return cell(float(value))
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if hasattr(value, "item"):  # numpy scalars
        return cell(value.item())
    return str(value)


def chart_wire(frame: pd.DataFrame, question: str, wanted: str | None, *, partial: bool) -> wire.Chart:
    """The chart of ``frame``: the kind ``wanted`` when it fits it, else the one the rules choose."""
    from chatbi_jupyterlab.notebook.answer_chart import PLOTLY_MIMETYPE, plotly_bundle
    from chatbi_jupyterlab.notebook.figure import build_figure

    note, choice = None, None
    if wanted:
        try:
            choice = choice_for(frame, wanted, question, partial=partial)
        except ChartError as error:
            note = f"{error}; drawn as chosen instead"
    try:
        choice = choice or choose_chart(frame, question, partial=partial)
        figure = build_figure(frame, choice)
    except ChartError as error:
        choice, figure = ChartChoice("table", reason=str(error)), None
    kinds = list(available_kinds(frame, partial=partial))
    if choice.kind not in kinds:
        kinds.append(choice.kind)
    data = plotly_bundle(figure)[PLOTLY_MIMETYPE] if figure is not None else None
    return wire.Chart(choice.kind, kinds, choice.reason, note, data)


def step_wire(step: Step) -> wire.Step:
    return wire.Step(
        step.kind,
        step.text,
        step.sql,
        [wire.StepTerm(term.name, term.description) for term in step.terms],
        [step_wire(child) for child in step.children],
    )


def plan_wire(
    plan: Plan, schema: Schema | None = None, *, today: datetime.date | None = None, lang: str = "en"
) -> wire.Plan:
    """The editable plan on the wire (its parse tree and schema left out), with what its controls offer on
    ``schema`` (:func:`chatbi_jupyterlab.plan_choices.plan_choices`)."""
    return wire.Plan(
        sql=plan.sql,
        dialect=plan.dialect,
        editable=plan.editable,
        columns=[wire.OutputColumn(c.name, c.sql, c.role) for c in plan.columns],
        filters=[
            wire.Filter(
                f.id,
                f.clause,
                f.kind,
                f.sql,
                f.column,
                f.operator,
                [cell(v) for v in f.values],
                f.editable,
                _bound(f.start),
                _bound(f.end),
            )
            for f in plan.filters
        ],
        time_range=[
            wire.TimeRange(
                t.column, t.clause, list(t.filter_ids), _bound(t.start), _bound(t.end), t.editable, t.label
            )
            for t in plan.time_range
        ],
        group_by=list(plan.group_by),
        measures=list(plan.measures),
        order_by=[wire.OrderItem(o.expression, o.descending) for o in plan.order_by],
        limit=plan.limit,
        read_only=list(plan.read_only),
        choices=plan_choices(plan, schema, today=today, lang=lang) if plan.editable else None,
    )


def _bound(bound: DateBound | None) -> wire.DateBound | None:
    if bound is None:
        return None
    shift = bound.relative
    relative = wire.RelativeDate(shift.amount, shift.unit, shift.start_of) if shift else None
    return wire.DateBound(bound.date, relative, bound.inclusive, bound.sql)


def reading_wire(
    reading: Reading, model: SemanticModel | None, *, lang: str = "en", today: datetime.date | None = None
) -> wire.Reading:
    """``reading`` on the wire, with the chips of its ratio and bounds (none without ``model``), and,
    given ``today`` (the day its windows count back from), what its slots can be changed to.

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> from nl2sql.semantic.query import SemanticQuery, Threshold
        >>> from nl2sql.semantic.route import Reading
        >>> query = SemanticQuery(metrics=("units_sold",), group_by=("product",),
        ...                       having=(Threshold("units_sold", ">=", 50),))
        >>> shown = reading_wire(Reading(query, "units sold by product", "SELECT …"), demo_semantic_model(),
        ...                      today=datetime.date(2026, 6, 30))
        >>> shown.chips
        [ReadingChip(id='bound:0', kind='bound', text='units sold ≥ 50')]
        >>> shown.choices.time_ranges[4]
        ReadingChoice(value='last_quarter', text='last quarter (2026-01-01 to 2026-03-31)')
    """
    query = reading.query.to_dict() if reading.query else None
    chips = (
        [wire.ReadingChip(c.id, c.kind, c.text) for c in query_chips(reading.query, model, lang=lang)]  # type: ignore[arg-type]
        if reading.query is not None and model is not None
        else []
    )
    choices = None
    if reading.query is not None and reading.query.intent == "metric" and model is not None and today:
        choices = choices_wire(query_choices(reading.query, model, today=today, lang=lang))
    return wire.Reading(reading.text, reading.sql, list(reading.notes), query, chips, choices)


def choices_wire(choices: QueryChoices) -> wire.ReadingChoices:
    """The choices of a reading's slots on the wire."""
    return wire.ReadingChoices(
        metrics=[wire.MetricChoice(m.value, m.text, list(m.group_by)) for m in choices.metrics],
        group_by=[wire.ReadingChoice(c.value, c.text) for c in choices.group_by],
        time_ranges=[wire.ReadingChoice(c.value, c.text) for c in choices.time_ranges],
        grains=[wire.ReadingChoice(c.value, c.text) for c in choices.grains],
        comparisons=[wire.ReadingChoice(c.value, c.text) for c in choices.comparisons],
        shows=[wire.ReadingChoice(c.value, c.text) for c in choices.shows],
        directions=[wire.ReadingChoice(c.value, c.text) for c in choices.directions],
        within=[wire.ReadingChoice(c.value, c.text) for c in choices.within],
        share=choices.share,
    )


def schema_wire(connection: str, schema: Schema) -> wire.SchemaSummary:
    """The tables, columns, types and keys of ``schema`` (no sample values)."""
    return wire.SchemaSummary(
        connection,
        schema.dialect,
        [
            wire.SchemaTable(
                t.name,
                t.comment,
                t.row_count,
                [wire.SchemaColumn(c.name, c.type, c.nullable, c.primary_key, c.comment) for c in t.columns],
                list(t.primary_key),
                [wire.ForeignKey(list(k.columns), k.ref_table, list(k.ref_columns)) for k in t.foreign_keys],
            )
            for t in schema.tables
        ],
    )
