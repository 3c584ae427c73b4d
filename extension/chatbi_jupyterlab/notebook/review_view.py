"""The review queue in a notebook as a live ipywidgets view: each candidate correction waiting for a
reviewer, with its question, the SQL the model wrote against the corrected SQL as a diff, who vouched
for it and when, and the first rows it returns; Approve and Reject (with a reason) beside each.

A thin shell: what a candidate shows comes from :func:`feedback.review_items.review_items`, and the
buttons call :func:`feedback.review.approve` and :func:`feedback.review.reject`, as ``chatbi feedback
approve|reject`` does. An approval runs the SQL again and is refused when it fails; the candidate then
says why. A user who may not review in the store (:mod:`feedback.reviewers`) sees why at the top, and
every button is disabled; under four eyes, so is Approve on the reviewer's own corrections. Everything
from the log or the database is shown as text (output streams), never as HTML. Displayed where widgets
do not render (a saved or exported notebook), the view is its plain text.

Example:
    >>> import os, sqlite3, tempfile
    >>> from feedback.log import FeedbackLog
    >>> from feedback.outcome import record_outcome
    >>> folder = tempfile.mkdtemp()
    >>> with sqlite3.connect(os.path.join(folder, "shop.sqlite")) as con:
    ...     _ = con.execute("CREATE TABLE orders (id INTEGER, status TEXT)")
    >>> log = FeedbackLog(os.path.join(folder, "feedback.sqlite"), user="ann")
    >>> event = record_outcome(log, "edited", question="Open orders?", database="shop",
    ...     generated_sql="SELECT id FROM orders", final_sql="SELECT id FROM orders WHERE status = 'open'")
    >>> view = review_view(os.path.join(folder, "shop.sqlite"), log=log, reviewer="bo")
    >>> view.to_text().splitlines()[0]
    '1 candidate waiting for review on shop'
    >>> view.candidates[event].approve_button.click()
    >>> view.candidates[event].outcome_text
    "approved: #1 'Open orders?' now teaches (prompt examples, training)"
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from feedback.log import FeedbackLog
from feedback.review import ReviewError, approve, reject
from feedback.review_items import PREVIEW_ROWS, PREVIEW_TIMEOUT_S, ReviewItem, preview, review_items
from feedback.reviewers import ReviewerError, ReviewerPolicy, reviewer_policy

if TYPE_CHECKING:
    from nl2sql.connect import Database
    from nl2sql.schema import Schema

SHOWN = 20
"""Candidates a view lists at most (the oldest first); decide them and Refresh for the next."""


def review_view(
    db: str | Database,
    *,
    log: str | Path | FeedbackLog | None = None,
    reviewer: str | None = None,
    shown: int = SHOWN,
) -> ReviewView:
    """The review view of the candidates on ``db`` (``demo``, a URL, a file or an open database) in the
    feedback log ``log`` (a file, a URL or an open log; by default ``$CHATBI_FEEDBACK_URL``, else the
    data folder's). Verdicts are logged as ``reviewer`` (default: the log's user). Display it, or let
    it be a cell's last value."""
    from nl2sql.connect import Database, open_database
    from nl2sql.schema import load_schema

    database = db if isinstance(db, Database) else open_database(db)
    opened = log if isinstance(log, FeedbackLog) else FeedbackLog(log)
    return ReviewView(opened, database, load_schema(database), reviewer=reviewer, shown=shown)


class CandidateCard:
    """One candidate: what it is, its preview, Approve / Reject with a reason, and what came of it."""

    def __init__(self, item: ReviewItem, view: ReviewView) -> None:
        self.item, self.view = item, view
        self.outcome_text = ""
        """What the last button did, in one line (empty until one was clicked)."""
        self.about = _text_output(_about(item))
        self.sql = _text_output(_sql_text(item))
        self.preview = _text_output(
            preview(view.database, item.sql, rows=view.preview_rows, timeout_s=view.preview_timeout_s).text
        )
        self.reason_text = widgets.Text(placeholder="why (kept in the log)")
        self.approve_button = widgets.Button(
            description="Approve",
            tooltip="run the SQL again and, if it runs, let it teach",
            icon="check",
            button_style="success",
        )
        self.reject_button = widgets.Button(
            description="Reject",
            tooltip="never learn from it (the reason is kept in the log)",
            icon="times",
            button_style="warning",
        )
        self.approve_button.on_click(lambda _: self.approve())
        self.reject_button.on_click(lambda _: self.reject())
        self.outcome = widgets.Output()
        if view.refusal:
            self.approve_button.disabled = self.reject_button.disabled = self.reason_text.disabled = True
        elif refusal := view.policy.approval_refusal(view.reviewer, item.correction.user_name):
            self.approve_button.disabled = True
            self._say(refusal)
        self.widget = widgets.VBox(
            [
                self.about,
                self.sql,
                widgets.Label("first rows of the corrected SQL:"),
                self.preview,
                widgets.HBox([self.approve_button, self.reject_button, self.reason_text]),
                self.outcome,
            ],
            layout=widgets.Layout(
                border="1px solid var(--jp-border-color2, #ccc)", padding="4px", margin="4px 0"
            ),
        )

    def approve(self, reason: str | None = None) -> bool:
        """Approve it (:func:`feedback.review.approve`, which runs its SQL again); True when approved."""
        return self._decide(approve, reason)

    def reject(self, reason: str | None = None) -> bool:
        """Reject it (:func:`feedback.review.reject`), with ``reason`` or the reason box's text."""
        return self._decide(reject, reason)

    def _decide(self, verdict: Any, reason: str | None) -> bool:
        view, item = self.view, self.item
        reason = (reason if reason is not None else self.reason_text.value).strip() or None
        try:
            correction = verdict(
                view.log, item.event_id, view.database, view.schema, reviewer=view.reviewer, reason=reason
            )
        except (ReviewError, ReviewerError) as error:
            self._say(str(error))
            return False
        if correction.status == "approved":
            self._say(f"approved: #{item.event_id} {item.question!r} now teaches (prompt examples, training)")
        else:
            self._say(
                f"rejected: #{item.event_id} {item.question!r} is never shown to the model or trained on"
            )
        self.approve_button.disabled = self.reject_button.disabled = True
        return True

    def _say(self, message: str) -> None:
        self.outcome_text = message
        self.outcome.outputs = ()
        self.outcome.append_stdout(message + "\n")


class ReviewView:
    """The candidates waiting for review on one database, each a :class:`CandidateCard`.

    Args:
        log: the feedback log the candidates and the verdicts are in.
        database: the database they are about; approving runs their SQL there again.
        schema: its schema, which candidates must validate against (read from ``database`` when None).
        reviewer: who the verdicts are given as (default: the log's user); where the store names
            reviewers and this is not one, the view says why and its buttons are disabled.
        shown: candidates listed at most (the oldest first).
        preview_rows, preview_timeout_s: the bounds of each candidate's preview.

    Attributes:
        candidates: the cards listed, by event id.
        widget: the top VBox.
    """

    def __init__(
        self,
        log: FeedbackLog,
        database: Database,
        schema: Schema | None = None,
        *,
        reviewer: str | None = None,
        shown: int = SHOWN,
        preview_rows: int = PREVIEW_ROWS,
        preview_timeout_s: float = PREVIEW_TIMEOUT_S,
    ) -> None:
        if schema is None:
            from nl2sql.schema import load_schema

            schema = load_schema(database)
        self.log, self.database, self.schema = log, database, schema
        self.reviewer = reviewer or log.user
        self.policy = ReviewerPolicy()
        """The store's reviewers and four-eyes setting, as read by the last :meth:`refresh`."""
        self.refusal: str | None = None
        """Why :attr:`reviewer` may not review here, in one line (None when they may)."""
        self.shown, self.preview_rows, self.preview_timeout_s = max(1, shown), preview_rows, preview_timeout_s
        self.candidates: dict[int, CandidateCard] = {}
        self.waiting = 0
        """How many candidates were waiting when the list was last read."""
        self.summary = widgets.Output()
        self.refresh_button = widgets.Button(
            description="Refresh", tooltip="read the candidates waiting now", icon="refresh"
        )
        self.refresh_button.on_click(lambda _: self.refresh())
        self.list_box = widgets.VBox()
        self.widget = widgets.VBox([widgets.HBox([self.refresh_button, self.summary]), self.list_box])
        self.refresh()

    def refresh(self) -> None:
        """Read who may review and the candidates waiting now, and list the oldest :attr:`shown` of them."""
        self.policy = reviewer_policy(self.log)
        self.refusal = self.policy.review_refusal(self.reviewer)
        items = review_items(self.log, self.database, self.schema)
        self.waiting = len(items)
        self.candidates = {item.event_id: CandidateCard(item, self) for item in items[: self.shown]}
        self.list_box.children = [card.widget for card in self.candidates.values()]
        self.summary.outputs = ()
        self.summary.append_stdout(self._summary() + "\n")

    def approve(self, event_id: int, reason: str | None = None) -> bool:
        """Approve the candidate ``event_id`` listed here; True when approved, else its card says why."""
        return self._card(event_id).approve(reason)

    def reject(self, event_id: int, reason: str | None = None) -> bool:
        """Reject the candidate ``event_id`` listed here, saying why in ``reason``."""
        return self._card(event_id).reject(reason)

    def to_text(self) -> str:
        """The view as plain text: the summary, then each candidate and what came of it."""
        blocks = [self._summary()]
        for card in self.candidates.values():
            parts = [_about(card.item), _sql_text(card.item), "first rows of the corrected SQL:"]
            parts += [_outputs_text(card.preview), card.outcome_text]
            blocks.append("\n".join(part for part in parts if part))
        return "\n\n".join(blocks)

    def show(self) -> None:
        """Display the live view (its plain text where widgets do not render)."""
        from IPython.display import display

        display(self._repr_mimebundle_(), raw=True)

    def _ipython_display_(self) -> None:
        self.show()

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = dict(self.widget._repr_mimebundle_(**kwargs) or {})
        bundle["text/plain"] = self.to_text()
        return bundle

    def _card(self, event_id: int) -> CandidateCard:
        if event_id not in self.candidates:
            raise ReviewError(f"#{event_id} is not listed here: `view.refresh()` reads the candidates again")
        return self.candidates[event_id]

    def _summary(self) -> str:
        count, name = self.waiting, self.database.name
        text = f"{count} candidate{'s' * (count != 1)} waiting for review on {name}"
        if count > len(self.candidates):
            text += f" (the oldest {len(self.candidates)} listed: decide them, then Refresh)"
        if self.refusal:
            text += f"\n{self.refusal}: the buttons are disabled"
        return text


def _about(item: ReviewItem) -> str:
    correction = item.correction
    who = f" by {correction.user_name}" if correction.user_name else ""
    return f"#{item.event_id} {correction.kind}{who}, {correction.created_at}\n{item.question}"


def _sql_text(item: ReviewItem) -> str:
    if not item.diff:
        how = "accepted as the model wrote it" if item.answer_sql else "the SQL"
        return f"{how}:\n{item.sql}"
    changes = "".join(f"\n  {change}" for change in item.changes)
    return f"the model's SQL (-) and the corrected SQL (+):\n{item.diff}\nchanged:{changes}"


def _text_output(text: str) -> widgets.Output:
    """An output showing ``text`` as text (a stream), whatever it holds."""
    output = widgets.Output()
    output.append_stdout(text + "\n")
    return output


def _outputs_text(output: widgets.Output) -> str:
    return "".join(item.get("text", "") for item in output.outputs).rstrip("\n")
