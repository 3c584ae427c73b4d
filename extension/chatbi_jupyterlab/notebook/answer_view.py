"""One answer in the notebook as a live ipywidgets view: the question, the SQL (highlighted, editable),
what it does in plain language, its diagnostics, the plan as controls, the result table, a chart, and
buttons to run, accept, reject or regenerate it.

A thin shell: the SQL is checked and explained by :func:`explain.review.review`, changed by
:meth:`explain.plan.Plan.apply`, run by :meth:`nl2sql.assistant.Assistant.run`, drawn by
:mod:`chatbi_jupyterlab.notebook.chart`, and what the user did is logged by :meth:`Assistant.record`. A
change that fails (an edit that does not fit, SQL the database rejects) is shown in the status line and loses
nothing: the SQL and the result shown stay those of the last run that worked.

Displayed (``display(view)``, or :meth:`AnswerView.show`), the view is two outputs: the answer as static
HTML (:meth:`AnswerView.to_html`: no script, the chart as SVG), updated after every change, and the live
widget, which hides that static copy wherever it renders (:mod:`chatbi_jupyterlab.notebook.answer_outputs`). A
notebook exported offline or shown on GitHub shows the static copy; JupyterLab shows the widget alone.

Example:
    >>> import os, sqlite3, tempfile
    >>> from chatbi_jupyterlab.notebook.session import NotebookSession
    >>> path = os.path.join(tempfile.mkdtemp(), "shop.sqlite")
    >>> con = sqlite3.connect(path)
    >>> _ = con.executescript("CREATE TABLE customers (name TEXT, segment TEXT);"
    ...     "INSERT INTO customers VALUES ('Ann', 'SMB'), ('Bo', 'SMB'), ('Cy', 'Consumer');")
    >>> con.commit(); con.close()
    >>> session = NotebookSession(log=None)
    >>> assistant = session.connect(path, name="shop")
    >>> answer = assistant.run("SELECT segment, COUNT(*) AS n FROM customers GROUP BY segment",
    ...                        question="How many customers per segment?")
    >>> view = AnswerView(answer, session, db="shop")
    >>> view.chart_kind, view.frame["n"].tolist()
    ('bar', [1, 2])
    >>> "m1" in view.measure_controls  # COUNT(*) can only count: no choice is offered
    False
    >>> view.run_sql("SELECT segment, COUNT(*) AS n FROM nowhere GROUP BY segment")
    False
    >>> view.status.value
    '<div style="color: var(--jp-error-color1, #c62828)">not run: no table nowhere</div>'
    >>> view.limit_control.value = 1
    >>> view.apply_button.click()
    >>> view.sql
    'SELECT segment, COUNT(*) AS n FROM customers GROUP BY segment LIMIT 1'
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import pandas as pd

from chatbi_jupyterlab.notebook.answer_card import AnswerCard, CardError
from chatbi_jupyterlab.notebook.answer_chart import ChartPanel
from chatbi_jupyterlab.notebook.answer_controls import FilterControl, PlanControls, TimeControl
from chatbi_jupyterlab.notebook.answer_html import (
    MUTED_COLOR,
    answer_html,
    diagnostics_html,
    explanation_html,
    footer_html,
    header_html,
    highlight_sql,
    status_html,
    table_html,
)
from chatbi_jupyterlab.notebook.answer_outputs import display_id, live_style, static_bundle
from chatbi_jupyterlab.notebook.control_texts import texts
from chatbi_jupyterlab.notebook.copy_sql import ANSWER_CLASS, copy_sql_button
from chatbi_jupyterlab.notebook.semantic_controls import InterpretationControls
from chatbi_jupyterlab.notebook.spreadsheet import csv_text
from explain.column_labels import column_labels
from explain.errors import ExplainError
from explain.review import Review
from nl2sql.errors import ChatBIError
from nl2sql.semantic.route import Reading, question_language

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from chatbi_jupyterlab.notebook.session import NotebookSession
    from explain.edits import Edit
    from nl2sql.answer import Answer

MORE_ROWS_FACTOR = 5
""""Show more rows" shows this many times as many rows as before."""
MAX_EXCEL_LINK_ROWS = 5_000
"""Larger results are saved to Excel from Python (``view.to_excel``), not built for a link each time."""

_HIDDEN, _SHOWN = "none", ""


class AnswerView:
    """The live view of one answer; display it (``display(view)``) or use its methods from code.

    Args:
        answer: what the assistant answered (or :meth:`Assistant.run` returned for user SQL).
        session: the notebook session: its connection ``db`` runs the SQL and logs feedback, and its
            conversation on ``db`` learns the SQL the user ended with.
        db: the connection's name in ``session``.
        chart: the chart kind to draw (see :data:`chatbi_jupyterlab.notebook.chart.CHART_KINDS`); chosen by
            rules when None.
        lang: the explanation's language, "en" or "zh"; the question's when None.
        shown_rows: table rows shown at first; "Show more rows" multiplies them by
            :data:`MORE_ROWS_FACTOR`.

    Attributes:
        answer_id: names this answer's outputs (the static copy's wrapper and display id).
        answer: the question's first answer, as generated (after a Regenerate, the model's answer on
            screen is ``card.generated``, the "generated" side of feedback from then on).
        current: the answer of the SQL shown (the last run that worked).
        widget: the top VBox.
        review: the diagnostics, explanation and plan of the SQL shown.
        chart: the chart and its switcher (:class:`~chatbi_jupyterlab.notebook.answer_chart.ChartPanel`).
        status: the status line (an HTML widget).
    """

    def __init__(
        self,
        answer: Answer,
        session: NotebookSession,
        *,
        db: str | None,
        chart: str | None = None,
        lang: str | None = None,
        shown_rows: int = 10,
        on_result: Callable[[pd.DataFrame | None], None] | None = None,
    ) -> None:
        self.session, self.db, self.lang = session, db, lang
        self.card = AnswerCard(answer, session, db, lang=lang)
        """The answer and what the user did to it: the logic the panel's server shares."""
        self.on_result = on_result
        """Told the result each time the view shows another one (an edit, a run, a regenerate), so
        that a notebook variable always holds the rows on screen."""
        self.answer_id = uuid.uuid4().hex
        self.display_handle: Any = None
        """The display of the static copy, once shown (:meth:`show`): each change republishes the static
        answer there, so what a saved or exported notebook keeps is the answer on screen."""
        self.assistant = session.assistant(db)
        self.shown_rows = self._first_rows = max(1, shown_rows)
        self.chart = ChartPanel(answer.question, chart)
        self.controls: PlanControls | None = None
        self.chips: InterpretationControls | None = None
        self._build()
        self._refresh()

    # What the user sees ------------------------------------------------------------------------------

    @property
    def answer(self) -> Answer:
        """The question's first answer, as generated; the model's answer on screen, the "generated" side
        of feedback, is ``card.generated`` (a regeneration after Regenerate)."""
        return self.card.answer

    @property
    def current(self) -> Answer:
        """The answer of the SQL shown (the last run that worked)."""
        return self.card.current

    @property
    def review(self) -> Review:
        """The diagnostics, explanation and plan of the SQL shown."""
        return self.card.review

    @property
    def column_labels(self) -> dict[str, str]:
        """Readable headers for the computed columns of the SQL shown (the frame keeps real names)."""
        return column_labels(self.sql, self.assistant.schema, self.lang or "en") if self.sql else {}

    sql = property(lambda self: self.card.sql, doc="The SQL shown (see :class:`AnswerCard`).")
    frame = property(lambda self: self.card.frame, doc="The result shown, None when the SQL did not run.")

    @property
    def chart_kind(self) -> str | None:
        """The chart shown: ``bar``, ``line``, …, ``table``; None when there is no result."""
        return self.chart.kind

    @property
    def figure(self) -> go.Figure | None:
        """The plotly figure shown; None for a table or no result."""
        return self.chart.figure

    @property
    def chart_switch(self) -> widgets.ToggleButtons:
        return self.chart.switch

    @property
    def chart_output(self) -> widgets.Output:
        return self.chart.output

    @property
    def chart_note(self) -> widgets.HTML:
        return self.chart.note

    @property
    def filter_controls(self) -> dict[str, FilterControl]:
        """The value filters' controls by filter id (``f1``), from :class:`PlanControls`."""
        return self.controls.filter_controls if self.controls else {}

    @property
    def time_controls(self) -> dict[str, TimeControl]:
        """The time ranges' controls by date column (``o.order_date``)."""
        return self.controls.time_controls if self.controls else {}

    @property
    def group_control(self) -> widgets.TagsInput | None:
        return self.controls.group_control if self.controls else None

    @property
    def measure_controls(self) -> dict[str, widgets.Dropdown]:
        return self.controls.measure_controls if self.controls else {}

    @property
    def order_controls(self) -> dict[str, widgets.Dropdown]:
        return self.controls.order_controls if self.controls else {}

    @property
    def limit_control(self) -> widgets.IntText | None:
        return self.controls.limit_control if self.controls else None

    @property
    def apply_button(self) -> widgets.Button | None:
        return self.controls.apply_button if self.controls else None

    # What the user does ------------------------------------------------------------------------------

    def apply_reading(self, reading: Reading) -> bool:
        """Run a changed interpretation of a semantic answer (SQL compiled from the semantic model, no
        language model); True when it ran. On an error nothing changes."""
        self._say("running…")
        return self._change(self.card.apply_reading, reading)

    def apply_reading_chips(self) -> bool:
        """Apply what the user changed in the interpretation chips (their Apply button)."""
        if self.chips is None:
            return self._fail("this answer has no interpretation to change")
        try:
            reading = self.chips.reading()
        except ChatBIError as error:
            return self._fail(f"cannot apply: {error}")
        return self.apply_reading(reading)

    def apply_edit_controls(self) -> bool:
        """Apply what the user changed in the plan controls (the Apply button); True when it ran."""
        if self.controls is None:
            return self._fail("this query has no plan to change; edit the SQL instead")
        try:
            edits = self.controls.edits()
        except ExplainError as error:
            return self._fail(f"cannot apply: {error}")
        if not edits:
            return self._fail("nothing to apply: change a control first", "warning")
        return self.apply_edits(edits)

    def apply_edit(self, edit: Edit) -> bool:
        """Change the SQL by one :mod:`explain.edits` edit and run it; True when it ran."""
        return self.apply_edits([edit])

    def apply_edits(self, edits: Sequence[Edit]) -> bool:
        """Apply ``edits`` one after the other (each to the plan of the SQL before it), then run the
        result once. On an error the status line says why and the SQL and result shown stay."""
        self._say("running…")
        return self._change(self.card.apply_edits, edits)

    def run_sql(self, sql: str) -> bool:
        """Run ``sql`` (read-only, validated) in place of the SQL shown; True when it ran. Logs an
        "explored" event when it differs from the generated SQL (exploring is not learned from: Accept
        says the SQL shown answers the question), else "executed"."""
        self._say("running…")
        return self._change(self.card.run_sql, sql)

    def accept(self) -> bool:
        """Log that the SQL shown answers the question; False (nothing logged) when it did not run."""
        if not self.current.error and self.sql:
            self._say("saving…")  # the first one loads the embedding model that finds similar corrections
        try:
            self._say(self.card.accept(), "ok")
        except CardError as error:
            return self._fail(str(error))
        return True

    def reject(self, reason: str = "") -> None:
        """Log that the answer is wrong; ``reason`` (or the reason box) says why, in the user's words."""
        self._say(self.card.reject(reason.strip() or self.reason_text.value.strip()), "ok")

    def regenerate(self) -> bool:
        """Ask the model again (sampling with seed 1, 2, 3, … on each call, with the same context); True
        when the new query ran, else the status line says why and the view stays as it was. A query
        rejected for this question (here or earlier) is never offered again (see
        :meth:`AnswerCard.regenerate <chatbi_jupyterlab.notebook.answer_card.AnswerCard.regenerate>`)."""

        def trying(seed: int) -> None:
            self._say(f"asking the model again (sample {seed})…")

        return self._change(self.card.regenerate, trying)

    def show_more(self) -> None:
        """Show :data:`MORE_ROWS_FACTOR` times as many rows, up to the rows fetched."""
        total = len(self.frame) if self.frame is not None else 0
        self.shown_rows = min(max(total, self._first_rows), self.shown_rows * MORE_ROWS_FACTOR)
        self._draw_table()

    def to_csv(self) -> str:
        """The rows on screen (all fetched, not only those shown) as CSV text, with the real column names;
        text a spreadsheet would read as a formula starts with ``'`` (:mod:`.spreadsheet`).

        Example: ``Path("answer.csv").write_text(view.to_csv())``."""
        return csv_text(self.frame) if self.frame is not None else ""

    def to_excel(self, path: str | Path) -> Path:
        """Write the rows on screen to an Excel workbook at ``path``, with the SQL on a second sheet."""
        path = Path(path)
        path.write_bytes(self.card.workbook())
        return path

    def switch_chart(self, kind: str) -> bool:
        """Draw the result as a ``kind`` chart; False (and the chart note says why) when it does not fit."""
        if self.frame is None:
            return self._fail("there is no result to draw")
        drawn = self.chart.draw(kind)
        if drawn:
            self._republish()
        return drawn

    # Static output -----------------------------------------------------------------------------------

    def to_html(self) -> str:
        """The answer as self-contained static HTML (what nbconvert and GitHub show)."""
        return answer_html(
            self.answer,
            self.review,
            sql=self.sql,
            dialect=self.assistant.database.dialect,
            frame=self.frame,
            shown_rows=self.shown_rows,
            truncated=self.current.truncated,
            error=self.current.error,
            figure=self.figure,
            rerun=self.current,
            labels=self.column_labels,
            reading=self.card.reading_shown,
            generated=self.card.generated,
            sample=self.card.sample,
        )

    def static_bundle(self) -> dict[str, str]:
        """The static copy's output: :meth:`to_html` in a wrapper the live widget hides, and
        :meth:`to_text`."""
        return static_bundle(self.answer_id, self.to_html(), self.to_text())

    def to_text(self) -> str:
        """The summary and the SQL (and the error, when there is one) as plain text."""
        summary = self.review.explanation.summary if self.review.explanation else ""
        lines = [self.answer.question, summary, self.sql]
        if self.current.error:
            lines.append(f"error: {self.current.error}")
        elif self.frame is not None:
            lines.append(self.card.rows_text())
        return "\n".join(line for line in lines if line)

    def show(self) -> None:
        """Display the answer: its static copy (kept as :attr:`display_handle` and updated after every
        change; shown again, every copy follows), then the live widget, which hides the static copy
        wherever it renders. ``display(view)`` does the same."""
        from IPython.display import display

        self.display_handle = display(self.static_bundle(), raw=True, display_id=display_id(self.answer_id))
        display(self._repr_mimebundle_(), raw=True)

    def _ipython_display_(self) -> None:
        self.show()

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        """The live widget, with an empty ``text/plain``: no fallback that would show the answer a second
        time beside its static copy where the widget cannot render (GitHub, nbconvert)."""
        bundle = dict(self.widget._repr_mimebundle_(**kwargs) or {})
        bundle["text/plain"] = ""
        return bundle

    # Inside ------------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.live_style = widgets.HTML(live_style(self.answer_id), layout=widgets.Layout(display=_HIDDEN))
        self.header = widgets.HTML()
        self.sql_html = widgets.HTML()
        words = texts(self.lang or question_language(self.answer.question))["buttons"]
        self.edit_toggle = widgets.ToggleButton(
            description=words["edit"][0], tooltip=words["edit"][1], icon="pencil"
        )
        self.copy_sql_button = widgets.HTML(copy_sql_button())
        self.sql_editor = widgets.Textarea(layout=widgets.Layout(width="100%", height="8em"))
        self.sql_editor.layout.display = _HIDDEN
        self.edit_toggle.observe(self._toggle_editor, names="value")
        self.explanation = widgets.HTML()
        self.diagnostics = widgets.HTML()
        self.controls_box = widgets.VBox()
        self.reading_box = widgets.VBox()
        self.status = widgets.HTML()
        self.run_button = widgets.Button(description=words["run"][0], tooltip=words["run"][1], icon="play")
        # text and a bundled icon font: no emoji, which some systems cannot draw
        self.accept_button = widgets.Button(
            description=words["accept"][0],
            tooltip=words["accept"][1],
            icon="thumbs-up",
            button_style="success",
        )
        self.reject_button = widgets.Button(
            description=words["reject"][0],
            tooltip=words["reject"][1],
            icon="thumbs-down",
            button_style="warning",
        )
        self.reason_text = widgets.Text(placeholder=words["reason"][0])
        self.regenerate_button = widgets.Button(
            description=words["regenerate"][0], tooltip=words["regenerate"][1], icon="refresh"
        )
        self.run_button.on_click(lambda _: self.run_sql(self.sql_editor.value))
        self.accept_button.on_click(lambda _: self.accept())
        self.reject_button.on_click(lambda _: self.reject())
        self.regenerate_button.on_click(lambda _: self.regenerate())
        buttons = [self.run_button, self.accept_button, self.reject_button, self.reason_text]
        self.table = widgets.HTML()
        self.show_more_button = widgets.Button(
            description=words["more"][0], tooltip=words["more"][1], icon="angle-double-down"
        )
        self.show_more_button.on_click(lambda _: self.show_more())
        self.downloads = widgets.HTML()
        self.footer = widgets.HTML()
        self.widget = widgets.VBox(
            [
                self.live_style,
                self.header,
                self.sql_html,
                widgets.HBox([self.edit_toggle, self.copy_sql_button]),
                self.sql_editor,
                self.explanation,
                self.diagnostics,
                self.reading_box,
                self.controls_box,
                widgets.HBox([*buttons, self.regenerate_button]),
                self.status,
                self.table,
                self.show_more_button,
                self.downloads,
                self.chart.widget,
                self.footer,
            ]
        )
        self.widget.add_class(ANSWER_CLASS)  # where "Copy SQL" looks for the SQL block

    def _chips(self, lang: str) -> InterpretationControls | None:
        reading, semantic = self.card.reading_shown, self.assistant.semantic
        if reading is None or reading.query is None or semantic is None:
            return None
        chips = InterpretationControls(
            reading, semantic, dialect=self.assistant.database.dialect, today=self.assistant.today, lang=lang
        )
        chips.apply_button.on_click(lambda _: self.apply_reading_chips())
        return chips

    def _change(self, change: Callable[..., Any], *args: Any) -> bool:
        """Make a change through the card; show the result, or say why not and keep what is shown."""
        try:
            change(*args)
        except CardError as error:
            return self._fail(str(error))
        self._show()
        self._say(self.card.status, "ok")
        return True

    def _show(self) -> None:
        """Show the card's current answer from its first rows, and tell whoever keeps the result."""
        self.shown_rows = self._first_rows
        self._refresh()
        if self.on_result is not None:
            self.on_result(self.current.data)
        self._republish()

    def _refresh(self) -> None:
        dialect = self.assistant.database.dialect
        self.header.value = header_html(
            self.answer,
            self.review.terms_used,
            edited=self.card.edited,
            reading=self.card.reading_shown,
            sample=self.card.sample,
        )
        self.sql_html.value = highlight_sql(self.sql, dialect)
        self.sql_editor.value = self.sql
        self.copy_sql_button.layout.display = _SHOWN if self.sql.strip() else _HIDDEN
        self.explanation.value = explanation_html(self.review.explanation)
        self.diagnostics.value = diagnostics_html(self.review.diagnostics, self.current.error)
        plan = self.review.plan
        lang = self.lang or question_language(self.answer.question)
        self.controls = (
            PlanControls(plan, self.assistant.schema, today=self.assistant.today, lang=lang)
            if plan is not None
            else None
        )
        if self.controls is not None:
            self.controls.apply_button.on_click(lambda _: self.apply_edit_controls())
        self.controls_box.children = [self.controls.widget] if self.controls else []
        self.chips = self._chips(lang)
        self.reading_box.children = [self.chips.widget] if self.chips else []
        self.footer.value = footer_html(self.answer, self.current)
        self.downloads.value = self._download_links()
        self.accept_button.disabled = bool(self.current.error) or not self.sql
        self._draw_table()
        self.chart.show(self.frame, partial=self.card.partial)

    def _draw_table(self) -> None:
        frame = self.frame
        self.table.value = table_html(
            frame, self.shown_rows, truncated=self.current.truncated, labels=self.column_labels
        )
        more = frame is not None and self.shown_rows < len(frame)
        self.show_more_button.layout.display = _SHOWN if more else _HIDDEN

    def _download_links(self) -> str:
        """Links that save the rows on screen as CSV or Excel, carried in the page (nothing fetched)."""
        if self.frame is None or self.frame.empty:
            return ""
        csv_data = base64.b64encode(self.to_csv().encode("utf-8")).decode("ascii")
        links = f'<a download="answer.csv" href="data:text/csv;base64,{csv_data}">Download CSV</a>'
        if len(self.frame) > MAX_EXCEL_LINK_ROWS:
            return links + f' <span style="color: {MUTED_COLOR}">(Excel: view.to_excel("answer.xlsx"))</span>'
        excel_data = base64.b64encode(self.card.workbook()).decode("ascii")
        excel_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return (
            links
            + f' · <a download="answer.xlsx" href="data:{excel_type};base64,{excel_data}">Download Excel</a>'
        )

    def _toggle_editor(self, change: dict[str, Any]) -> None:
        self.sql_editor.layout.display = _SHOWN if change["new"] else _HIDDEN

    def _republish(self) -> None:
        """Replace the static copy (every output shown with its display id) with the answer as it is
        now; nothing when it was not shown. The live widget updates itself."""
        if self.display_handle is not None:
            self.display_handle.update(self.static_bundle(), raw=True)

    def _say(self, message: str, severity: str = "info") -> None:
        self.status.value = status_html(message, severity)

    def _fail(self, message: str, severity: str = "error") -> bool:
        self._say(message, severity)
        return False
