"""The static HTML of an answer: the pieces the answer widget shows, and the whole page that notebooks
show where the live widget cannot run (an exported notebook, GitHub; see
:mod:`chatbi_jupyterlab.notebook.answer_outputs`).

Every piece is a function of plain data (an answer, a review, a frame) returning an HTML fragment with
inline styles only, so the same text works in a widget, in a saved notebook and in an e-mail. User text
(questions, SQL, values) is always escaped.

Example:
    >>> print(diagnostics_html([], error="no such column: nme"))
    <div style="color: var(--jp-error-color1, #c62828)">✖ no such column: nme</div>
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd
from pygments.lexers import MySqlLexer, PostgresLexer, SqlLexer
from pygments.token import Token

from chatbi_jupyterlab.notebook.copy_sql import copy_sql_button
from explain import Diagnostic
from explain.column_labels import label_of
from explain.explanation import BULLET_KINDS, Explanation, Step
from explain.phrases import phrase
from nl2sql.answer import PATH_LABELS

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from explain.review import GlossaryTerm, Review
    from nl2sql.answer import Answer
    from nl2sql.semantic.route import Reading

# Colours are JupyterLab's theme variables, so they follow the light and the dark theme; the value after
# the comma is what a page without JupyterLab's stylesheet (an exported notebook) shows.
ERROR_COLOR = "var(--jp-error-color1, #c62828)"
"""Errors are red."""
WARNING_COLOR = "var(--jp-warn-color0, #b26a00)"
"""Warnings are amber (dark enough to read on white)."""
MUTED_COLOR = "var(--jp-ui-font-color2, #666666)"
"""Secondary text: the follow-up context, timings, read-only notes."""
OK_COLOR = "var(--jp-success-color1, #2e7d32)"
"""Messages about something that worked."""
SQL_BLOCK_STYLE = (
    "margin: 0; padding: 0.4em 0.6em; white-space: pre-wrap; border-radius: 3px;"
    " font-family: var(--jp-code-font-family, monospace); font-size: var(--jp-code-font-size, 0.9em);"
    " background: var(--jp-cell-editor-background, #f5f5f5); color: var(--jp-content-font-color1, #111111)"
)
"""The SQL block: the editor's own background and text colour in either theme."""
TOKEN_COLORS = {
    Token.Keyword: "var(--jp-mirror-editor-keyword-color, #008000)",
    Token.Name.Builtin: "var(--jp-mirror-editor-builtin-color, #7928a1)",
    Token.Literal.String: "var(--jp-mirror-editor-string-color, #ba2121)",
    Token.Literal.Number: "var(--jp-mirror-editor-number-color, #080)",
    Token.Comment: "var(--jp-mirror-editor-comment-color, #408080)",
    Token.Operator: "var(--jp-mirror-editor-operator-color, #aa22ff)",
    Token.Punctuation: "var(--jp-mirror-editor-punctuation-color, #05a)",
}
"""SQL token colours: JupyterLab's editor colours, which each theme sets."""

_LEXERS = {"mysql": MySqlLexer, "postgres": PostgresLexer}


def highlight_sql(sql: str, dialect: str = "sqlite") -> str:
    """``sql`` syntax-highlighted with JupyterLab's editor colours (inline styles, no stylesheet needed),
    readable in the light and the dark theme; names take the theme's text colour.

    Example:
        >>> html_ = highlight_sql("SELECT name FROM t WHERE x = 'a<b'")
        >>> html_.startswith("<pre"), "--jp-mirror-editor-keyword-color" in html_, "a&lt;b" in html_
        (True, True, True)
    """
    lexer = _LEXERS.get(dialect, SqlLexer)()
    pieces = []
    for token, text in lexer.get_tokens(sql or "(no SQL)"):
        color = next((c for kind, c in TOKEN_COLORS.items() if token in kind), None)
        escaped = _e(text)
        pieces.append(f'<span style="color: {color}">{escaped}</span>' if color and text.strip() else escaped)
    return f'<pre class="chatbi-sql" style="{SQL_BLOCK_STYLE}">{"".join(pieces).rstrip()}</pre>'


def header_html(
    answer: Answer,
    terms_used: Sequence[GlossaryTerm] = (),
    *,
    edited: bool = False,
    reading: Reading | None = None,
    sample: int = 0,
) -> str:
    """The question; how it was answered (semantic model, generated SQL or not at all), whether the
    model's answer is a regeneration (``sample``, its seed) and whether the SQL shown was changed from it
    (``edited``); what it was read as (``reading`` once the user changed the interpretation) and the
    other readings; the earlier questions a follow-up was sent with; the corrections shown as examples;
    the glossary terms sent and used.

    Example:
        >>> from nl2sql.answer import PATH_LABELS, Answer
        >>> from nl2sql.prompt import Example
        >>> answer = Answer("now only SMB", "SELECT 1", history=[Example("How many customers?", "SELECT 2")])
        >>> "Follow-up to" in header_html(answer), "How many customers?" in header_html(answer)
        (True, True)
        >>> again = header_html(answer, sample=2)
        >>> "Regenerated: sample 2" in again, "Changed" in again
        (True, False)
    """
    parts = [f'<div style="font-size: 1.15em; font-weight: 600">{_e(answer.question or "(SQL)")}</div>']
    if sample:
        parts.append(
            f'<div class="chatbi-regenerated" style="color: {MUTED_COLOR}">Regenerated: sample {sample}'
            " of the model, in place of its first answer</div>"
        )
    if edited:
        parts.append(
            f'<div class="chatbi-edited" style="color: {WARNING_COLOR}">Changed: the SQL below was edited'
            " from the answer's; the result and the explanation are of the SQL below</div>"
        )
    path = PATH_LABELS.get(answer.path, answer.path)
    parts.append(f'<div class="chatbi-path" style="color: {MUTED_COLOR}">{_e(path)}</div>')
    if reading is not None:
        parts.append(f'<div class="chatbi-reading">Read as: <b>{_e(reading.text)}</b></div>')
    elif answer.interpretation is not None:  # the SQL shown may have been changed since
        label = "First read as" if edited else "Read as"
        parts.append(f'<div class="chatbi-reading">{label}: <b>{_e(answer.interpretation.text)}</b></div>')
    for note in answer.notes:
        parts.append(f'<div class="chatbi-note" style="color: {WARNING_COLOR}">{_e(note)}</div>')
    if answer.readings:
        items = "".join(f'<li title="{_e(r.sql)}">{_e(r.text)}</li>' for r in answer.readings)
        parts.append(
            f'<div class="chatbi-readings">Other readings:<ol style="margin: 0.2em 0">{items}</ol></div>'
        )
    if answer.history:
        items = "".join(f'<li title="{_e(turn.sql)}">{_e(turn.question)}</li>' for turn in answer.history)
        parts.append(
            f'<div style="color: {MUTED_COLOR}">Follow-up to:<ol style="margin: 0.2em 0">{items}</ol></div>'
        )
    if answer.examples:
        items = "".join(f'<li title="{_e(turn.sql)}">{_e(turn.question)}</li>' for turn in answer.examples)
        parts.append(
            f'<div style="color: {MUTED_COLOR}">Learned from earlier corrections:'
            f'<ul style="margin: 0.2em 0">{items}</ul></div>'
        )
    for label, terms in (("Glossary terms sent", answer.terms), ("Glossary terms used", terms_used)):
        if terms:
            named = "; ".join(f"<b>{_e(t.name)}</b>: {_e(t.definition)}" for t in terms)
            parts.append(f'<div style="color: {MUTED_COLOR}">{label}: {named}</div>')
    return "\n".join(parts)


def explanation_html(explanation: Explanation | None) -> str:
    """The one-sentence summary and the steps as nested lists (numbered, conditions as bullets).

    Example:
        >>> steps = (Step("filter", "Keep the rows", (Step("condition", "x is 1"),)),)
        >>> print(explanation_html(Explanation("Counts the rows.", steps, "en")))
        <p class="chatbi-summary" style="margin: 0.3em 0"><b>Counts the rows.</b></p>
        <ol class="chatbi-steps" style="margin: 0.2em 0"><li>Keep the rows:<ul style="margin: 0.2em 0"><li>x is 1</li></ul></li></ol>
    """  # noqa: E501
    if explanation is None:
        return f'<p style="color: {MUTED_COLOR}">No explanation: the SQL could not be read.</p>'
    summary = f'<p class="chatbi-summary" style="margin: 0.3em 0"><b>{_e(explanation.summary)}</b></p>'
    steps = _steps_html(explanation.steps, explanation.lang).replace("<ol ", '<ol class="chatbi-steps" ', 1)
    return f"{summary}\n{steps}"


def _steps_html(steps: Sequence[Step], lang: str) -> str:
    if not steps:
        return ""
    bullets = all(step.kind in BULLET_KINDS for step in steps)
    items = []
    for step in steps:
        text = step.text
        if step.kind not in BULLET_KINDS:
            text += phrase(lang, "colon" if step.children else "stop")
        title = f' title="{_e(step.sql)}"' if step.sql else ""
        items.append(f"<li{title}>{_e(text)}{_steps_html(step.children, lang)}</li>")
    tag = "ul" if bullets else "ol"
    return f'<{tag} style="margin: 0.2em 0">{"".join(items)}</{tag}>'


def diagnostics_html(diagnostics: Sequence[Diagnostic], error: str | None = None) -> str:
    """Errors in red, warnings in amber, one line each; ``error`` (the answer's) first when the
    diagnostics do not already say it. Empty when there is nothing to say.

    Example:
        >>> html_ = diagnostics_html([Diagnostic("null-comparison", "warning", "= NULL is never true")])
        >>> WARNING_COLOR in html_, "⚠ = NULL is never true <small>[null-comparison]</small>" in html_
        (True, True)
    """
    lines = []
    if error and not any(d.message in error for d in diagnostics):
        lines.append(f'<div style="color: {ERROR_COLOR}">✖ {_e(error)}</div>')
    for item in sorted(diagnostics, key=lambda d: not d.is_error):
        color, mark = (ERROR_COLOR, "✖") if item.is_error else (WARNING_COLOR, "⚠")
        lines.append(
            f'<div style="color: {color}">{mark} {_e(item.message)} <small>[{_e(item.code)}]</small></div>'
        )
    return "\n".join(lines)


def table_html(
    frame: pd.DataFrame | None, shown: int, *, truncated: bool = False, labels: dict[str, str] | None = None
) -> str:
    """The first ``shown`` rows of ``frame`` as an HTML table, and how many rows there are. Cells are
    padded; numbers are right-aligned with thousands separators (not years, months or ids); computed
    columns are headed by ``labels`` (:func:`explain.column_labels.column_labels`), with their own
    name as a tooltip. The frame itself is not changed.

    Example:
        >>> frame = pd.DataFrame({"segment": ["Consumer", "SMB", "Enterprise"], "n": [40000, 26, 9]})
        >>> "40,000" in table_html(frame, 2), table_html(frame, 2).splitlines()[-1]
        (True, '<div style="color: var(--jp-ui-font-color2, #666666)">3 rows, the first 2 shown</div>')
        >>> table_html(frame, 10, truncated=True).splitlines()[-1]
        '<div style="color: var(--jp-ui-font-color2, #666666)">more than 3 rows: limited to the first 3</div>'
    """
    if frame is None:
        return ""
    count = len(frame)
    head = ["<tr>"]
    for name in frame.columns:
        label = label_of(str(name), labels or {})
        tip = f' title="{_e(str(name))}"' if label != str(name) else ""
        align = "right" if _is_measure(frame[name]) else "left"
        head.append(f'<th style="{_CELL}; text-align: {align}"{tip}>{_e(label)}</th>')
    head.append("</tr>")
    body = []
    fractional = {name: _has_fractions(frame[name]) for name in frame.columns}
    for row in frame.head(shown).itertuples(index=False, name=None):
        cells = []
        for name, value in zip(frame.columns, row, strict=True):
            measure = _is_measure(frame[name])
            separators = measure and not _is_time_or_key(str(name), frame[name])
            text = _cell_text(value, separators, fractional=fractional[name])
            cells.append(f'<td style="{_CELL}; text-align: {"right" if measure else "left"}">{_e(text)}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    table = (
        f'<table class="chatbi-table" style="{_TABLE_STYLE}"><thead>{"".join(head)}</thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )
    if truncated:
        note = f"more than {count} rows: limited to the first {count}"
    else:
        note = f"{count} row{'s' if count != 1 else ''}"
        if shown < count:
            note += f", the first {shown} shown"
    return f'{table}\n<div style="color: {MUTED_COLOR}">{note}</div>'


_CELL = "padding: 0.15em 0.8em; border-bottom: 1px solid var(--jp-border-color2, #e0e0e0)"


def _is_measure(column: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


def _is_time_or_key(name: str, column: pd.Series) -> bool:
    """Years, months, days and ids read without separators ("2026", not "2,026")."""
    if re.search(r"(?:^|_)(?:id|year|month|quarter|week|day|date|code|no)$|^id$|年|月", name.lower()):
        return True
    values = column.dropna()
    return bool(len(values)) and bool(((values >= 1900) & (values <= 2100) & (values % 1 == 0)).all())


def _has_fractions(column: pd.Series) -> bool:
    """Whether a number column holds amounts with cents (then every value shows two decimals: "10.00"
    beside "200.50", not "10")."""
    if not pd.api.types.is_float_dtype(column):
        return False
    values = column.dropna()
    return bool(((values % 1 != 0) & (values.abs() >= 1)).any())


def _cell_text(value: Any, separators: bool, *, fractional: bool = False) -> str:
    """How a cell reads: numbers with thousands separators where ``separators``, two decimals in a column
    of amounts with cents (``fractional``), four significant digits for small fractions.

    Example:
        >>> _cell_text(10.0, True, fractional=True), _cell_text(1234.5, True), _cell_text(0.0312, True)
        ('10.00', '1,234.50', '0.0312')
    """
    if value is None or (isinstance(value, float) and value != value):
        return "NULL"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if not separators:
        return str(int(value)) if float(value).is_integer() else str(value)
    if float(value).is_integer() and not fractional:
        return f"{int(value):,}"
    return f"{value:,.2f}" if abs(value) >= 1 or value == 0 else f"{value:.4g}"


_TABLE_STYLE = "border-collapse: collapse; font-size: 0.9em; margin: 0.3em 0"


def footer_html(answer: Answer, rerun: Answer | None = None) -> str:
    """Seconds per stage, the model and its adapter; ``rerun``: the answer of the SQL as last run.

    Example:
        >>> from nl2sql.answer import PATH_LABELS, Answer
        >>> answer = Answer("q", "SELECT 1", timings={"generate": 1.25, "total": 1.5}, model_id="qwen",
        ...                 adapter_hash="0123456789abcdef")
        >>> print(footer_html(answer))
        <div style="color: var(--jp-ui-font-color2, #666666); font-size: 0.85em">generate 1.25 s · total 1.50 s · model qwen · adapter 0123456789ab</div>
    """  # noqa: E501
    parts = [f"{stage} {seconds:.2f} s" for stage, seconds in answer.timings.items()]
    if rerun is not None and rerun is not answer:
        parts.append(f"last run {rerun.timings.get('total', 0.0):.2f} s")
    if answer.model_id:
        parts.append(f"model {answer.model_id}")
    if answer.adapter_hash:
        parts.append(f"adapter {answer.adapter_hash[:12]}")
    return f'<div style="color: {MUTED_COLOR}; font-size: 0.85em">{_e(" · ".join(parts))}</div>'


def read_only_html(notes: Sequence[str]) -> str:
    """The parts of the query the plan controls cannot change.

    Example:
        >>> print(read_only_html(["the joins are kept as is"]))
        <div style="color: var(--jp-ui-font-color2, #666666)">read-only: the joins are kept as is</div>
    """
    return "\n".join(f'<div style="color: {MUTED_COLOR}">read-only: {_e(note)}</div>' for note in notes)


def status_html(message: str, severity: str = "info") -> str:
    """One status line: ``error`` red, ``warning`` amber, ``ok`` green, else muted.

    Example:
        >>> status_html("a limit must be at least 1", "error")
        '<div style="color: var(--jp-error-color1, #c62828)">a limit must be at least 1</div>'
    """
    if not message:
        return ""
    color = {"error": ERROR_COLOR, "warning": WARNING_COLOR, "ok": OK_COLOR}.get(severity, MUTED_COLOR)
    return f'<div style="color: {color}">{_e(message)}</div>'


def figure_html(figure: go.Figure | None) -> str:
    """The figure as an inline SVG drawing (:mod:`explain.figure_svg`): it shows in
    saved and exported notebooks with nothing to fetch (no plotly.js, no CDN); empty for no figure.

    Example:
        >>> import plotly.graph_objects as go
        >>> chart = figure_html(go.Figure(go.Bar(x=["a"], y=[1])))
        >>> "<svg" in chart, "cdn" in chart, figure_html(None)
        (True, False, '')
    """
    if figure is None:
        return ""
    from explain.figure_svg import figure_svg

    drawing = figure_svg(figure) or f'<div style="color: {MUTED_COLOR}">(this chart has no static form)</div>'
    return f'<div class="chatbi-chart">{drawing}</div>'


def answer_html(
    answer: Answer,
    review: Review,
    *,
    sql: str,
    dialect: str,
    frame: pd.DataFrame | None,
    shown_rows: int,
    truncated: bool = False,
    error: str | None = None,
    figure: go.Figure | None = None,
    rerun: Answer | None = None,
    labels: dict[str, str] | None = None,
    reading: Reading | None = None,
    generated: Answer | None = None,
    sample: int = 0,
) -> str:
    """The whole answer as one self-contained HTML fragment: what a notebook without the widget shows.
    It has no script; its "Copy SQL" button (:mod:`chatbi_jupyterlab.notebook.copy_sql`) works where the
    page runs inline handlers (an exported notebook, a trusted one). ``generated`` is the model's answer
    on screen when it is regeneration ``sample`` of ``answer``: the SQL shown is compared with it.

    Example:
        >>> from explain.review import Review
        >>> from nl2sql.answer import PATH_LABELS, Answer
        >>> answer = Answer("How many?", "SELECT 1 AS n")
        >>> page = answer_html(answer, Review("SELECT 1 AS n", [], None, None), sql=answer.sql,
        ...                    dialect="sqlite", frame=pd.DataFrame({"n": [1]}), shown_rows=10)
        >>> page.startswith('<div class="chatbi-answer"'), "1 row" in page
        (True, True)
    """
    model = generated or answer
    edited = sql.strip() != model.sql.strip()
    parts: list[Any] = [
        header_html(answer, review.terms_used, edited=edited, reading=reading, sample=sample),
        highlight_sql(sql, dialect),
        f'<div class="chatbi-copy">{copy_sql_button()}</div>' if sql.strip() else "",
        explanation_html(review.explanation),
        diagnostics_html(review.diagnostics, error),
        table_html(frame, shown_rows, truncated=truncated, labels=labels),
        figure_html(figure),
        footer_html(model, rerun),
    ]
    body = "\n".join(part for part in parts if part)
    return f'<div class="chatbi-answer" style="font-family: sans-serif; line-height: 1.4">\n{body}\n</div>'


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)
