"""What a reviewer sees of each candidate correction (:func:`feedback.review.review_queue`): the question,
the SQL the model wrote and the SQL the user settled on, what the correction changed (in words and as a
line diff of the two queries, each laid out one clause a line), who vouched for it and when, and, when it
is cheap, the first rows the corrected SQL returns.

The notebook's review view (:mod:`chatbi_jupyterlab.notebook.review_view`) and ``chatbi feedback review`` show
these; approving and rejecting stay :func:`feedback.review.approve` and :func:`feedback.review.reject`.

Example:
    >>> import os, sqlite3, tempfile
    >>> from feedback.log import FeedbackLog
    >>> from feedback.outcome import record_outcome
    >>> from nl2sql.connect import open_database
    >>> folder = tempfile.mkdtemp()
    >>> with sqlite3.connect(os.path.join(folder, "shop.sqlite")) as con:
    ...     _ = con.execute("CREATE TABLE orders (id INTEGER, status TEXT)")
    ...     _ = con.execute("INSERT INTO orders VALUES (1, 'open'), (2, 'shipped')")
    >>> shop = open_database(os.path.join(folder, "shop.sqlite"))
    >>> log = FeedbackLog(os.path.join(folder, "feedback.sqlite"), user="ann")
    >>> _ = record_outcome(log, "edited", question="Open orders?", database="shop",
    ...     generated_sql="SELECT id FROM orders", final_sql="SELECT id FROM orders WHERE status = 'open'")
    >>> (item,) = review_items(log, shop)
    >>> item.question, item.answer_sql, item.changes
    ('Open orders?', 'SELECT id FROM orders', ["added condition status = 'open'"])
    >>> print(item.diff)
      SELECT
        id
      FROM orders
    + WHERE
    +   status = 'open'
    >>> print(preview(shop, item.sql).text)
     id
      1
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from feedback.corrections import Correction, sql_key
from feedback.log import FeedbackLog
from feedback.outcome import sql_changes
from feedback.review import review_queue

if TYPE_CHECKING:  # nl2sql imports this package at load time
    import pandas as pd

    from nl2sql.connect import Database
    from nl2sql.schema import Schema

PREVIEW_ROWS = 5
"""Rows a preview shows, at most."""
PREVIEW_TIMEOUT_S = 2.0
"""Seconds a preview's query may take; a slower one is shown without rows (approving runs it in full)."""


@dataclass(frozen=True)
class ReviewItem:
    """One candidate as a reviewer sees it."""

    correction: Correction
    answer_sql: str
    """The SQL the model wrote for the question; empty when the log does not hold it."""
    changes: list[str]
    """What the correction changed in the model's SQL, one description each; empty when accepted as is."""
    diff: str
    """A line diff of the model's SQL and the corrected SQL, each laid out a clause a line (``- `` a line
    taken out, ``+ `` one put in, two spaces one kept); empty when they are the same query."""

    @property
    def event_id(self) -> int:
        return self.correction.event_id

    @property
    def question(self) -> str:
        return self.correction.question

    @property
    def sql(self) -> str:
        """The corrected SQL: what approving teaches."""
        return self.correction.sql


@dataclass(frozen=True)
class Preview:
    """The first rows a query returns, or why there are none."""

    frame: pd.DataFrame | None
    truncated: bool = False
    """Whether the query returns more rows than the preview shows."""
    problem: str | None = None
    """Why there is no preview (an error, a timeout)."""

    @property
    def text(self) -> str:
        """The rows as plain text (a note when there are none or more).

        Example:
            >>> Preview(None, problem="no such table: t").text
            'no preview: no such table: t'
        """
        if self.frame is None:
            return f"no preview: {self.problem}"
        if self.frame.empty:
            return "no rows"
        text = self.frame.to_string(index=False, max_colwidth=60)
        return text + (f"\n… (the first {len(self.frame)} rows)" if self.truncated else "")


def review_items(log: FeedbackLog, database: Database, schema: Schema | None = None) -> list[ReviewItem]:
    """The candidates waiting for review on ``database``, oldest first, as a reviewer sees them."""
    dialect = schema.dialect if schema is not None else database.dialect
    return [review_item(log, candidate, dialect) for candidate in review_queue(log, database, schema)]


def review_item(log: FeedbackLog, correction: Correction, dialect: str = "sqlite") -> ReviewItem:
    """``correction`` with the SQL the model wrote (from its event in ``log``) and what was changed."""
    event = log.event(correction.event_id) or {}
    answer_sql = (event.get("sql") or "").strip()
    if not answer_sql or sql_key(answer_sql) == sql_key(correction.sql):
        return ReviewItem(correction, answer_sql, [], "")
    changes = [
        change.get("description") or change["kind"]
        for change in sql_changes(answer_sql, correction.sql, dialect)
    ]
    return ReviewItem(correction, answer_sql, changes, sql_diff(answer_sql, correction.sql, dialect))


def sql_diff(before: str, after: str, dialect: str = "sqlite") -> str:
    """A line diff of two queries, each laid out a clause a line (as written when it does not parse).

    Example:
        >>> print(sql_diff("SELECT a FROM t", "SELECT a FROM t LIMIT 5"))
          SELECT
            a
          FROM t
        + LIMIT 5
    """
    lines = difflib.ndiff(_laid_out(before, dialect), _laid_out(after, dialect))
    return "\n".join(line for line in lines if not line.startswith("? "))


def preview(
    database: Database, sql: str, *, rows: int = PREVIEW_ROWS, timeout_s: float = PREVIEW_TIMEOUT_S
) -> Preview:
    """The first ``rows`` rows ``sql`` returns on ``database`` (read-only, as every query runs), if it
    returns them within ``timeout_s`` seconds."""
    from nl2sql.errors import ChatBIError
    from nl2sql.execute import run_query

    try:
        result = run_query(database, sql, max_rows=rows, timeout_s=timeout_s)
    except ChatBIError as error:
        return Preview(None, problem=str(error))
    return Preview(result.to_frame(), truncated=result.truncated)


def _laid_out(sql: str, dialect: str) -> list[str]:
    import sqlglot
    from sqlglot.errors import SqlglotError

    try:
        trees = sqlglot.parse(sql, read=dialect)
    except SqlglotError:
        trees = []
    if len(trees) != 1 or trees[0] is None:
        return sql.strip().splitlines()
    return trees[0].sql(dialect=dialect, pretty=True).splitlines()
