"""How the learning benchmark judges an answer: as the evaluation of its data judges it.

``results`` judges as ``chatbi eval`` does on Spider: the answer's SQL runs again and its rows must
match the gold query's (:func:`nl2sql.evaluation.match.results_match`). ``business`` judges as ``chatbi
eval --data business`` does: the answer's rows must hold every gold column
(:func:`nl2sql.evaluation.business.answered_right`), and a question the data cannot answer (no gold
SQL) is answered right only by a refusal. Either way each gold query runs once per database.

Example:
    >>> import os, sqlite3, tempfile
    >>> from nl2sql.connect import open_database
    >>> path = os.path.join(tempfile.mkdtemp(), "shop.sqlite")
    >>> sqlite3.connect(path).execute("CREATE TABLE t (x INTEGER)").connection.close()
    >>> judge = JUDGES["business"](open_database(path))
    >>> judge.right(None, Answer("Who will win the cup?", "", path="refused"))
    True
    >>> judge.right("SELECT COUNT(*) FROM t", Answer("How many?", "", path="refused"))
    False
    >>> JUDGES["results"](open_database(path)).right("SELECT COUNT(*) FROM t",
    ...     Answer("How many?", "SELECT COUNT(x) AS n FROM t"))
    True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from nl2sql.answer import Answer
from nl2sql.connect import Database
from nl2sql.errors import ChatBIError
from nl2sql.evaluation.business import answered_right, gold_runner
from nl2sql.evaluation.harness import EVAL_MAX_ROWS, EVAL_TIMEOUT_S
from nl2sql.evaluation.match import results_match
from nl2sql.execute import run_query


class Judge(Protocol):
    """Whether an answer on one database is right."""

    def right(self, gold_sql: str | None, answer: Answer) -> bool:
        """Whether ``answer`` answers the question whose gold query is ``gold_sql`` (None: the data
        cannot answer it)."""
        ...


class ResultsJudge:
    """Judges as ``chatbi eval`` does: the answer's rows, run again, match the gold query's."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._run_gold = gold_runner(database, max_rows=EVAL_MAX_ROWS, timeout_s=EVAL_TIMEOUT_S)

    def right(self, gold_sql: str | None, answer: Answer) -> bool:
        """Whether the answer's SQL gives the gold query's rows (in its order when it orders them)."""
        if gold_sql is None or answer.error or not answer.sql:
            return False
        try:
            expected, ordered = self._run_gold(gold_sql)
            predicted = run_query(self.database, answer.sql, max_rows=EVAL_MAX_ROWS, timeout_s=EVAL_TIMEOUT_S)
        except ChatBIError:
            return False
        return results_match(expected, predicted.rows, ordered=ordered)


class BusinessJudge:
    """Judges as ``chatbi eval --data business`` does: gold columns covered, refusals of what the data
    cannot answer right."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._run_gold = gold_runner(database)

    def right(self, gold_sql: str | None, answer: Answer) -> bool:
        """Whether ``answer`` is right by :func:`nl2sql.evaluation.business.answered_right` (a gold query
        that fails makes every answer wrong)."""
        try:
            return answered_right(gold_sql, answer, self._run_gold)
        except ChatBIError:
            return False


JUDGES: dict[str, Callable[[Database], Judge]] = {"results": ResultsJudge, "business": BusinessJudge}
"""The judges by name: ``results`` for Spider and other data sets, ``business`` for the business set."""
