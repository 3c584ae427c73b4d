"""Measure the assistant on the business question set (:mod:`nl2sql.demo.business`), as a user meets it.

Every question goes through ``Assistant.ask`` on a demo database pinned to the set's day, so routing
(semantic layer, refusal, generated SQL) is part of what is measured. Reported:

* EX, overall, by tag, by language and by path; an answer is right when, for every gold column, it has
  a column with the same values row for row (extra columns are allowed: a ranking may show the value it
  ranks by), numbers compared to three decimals, rows in order when the gold query orders them;
* the valid-but-wrong rate: answers shown with no warning, no note and no other reading, that are wrong;
* refusals: how many out-of-scope questions were refused, and how many refusals were out of scope;
* the share of answers each path gave, and the latency per answer (warm p50/p95, the first one apart).

Example:
    >>> covers([("North China", 10.0)], [("North China", 10.0004, 3)], ordered=False)
    True
    >>> covers([("a",), ("b",)], [("b",), ("a",)], ordered=True)
    False
"""

from __future__ import annotations

import itertools
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from nl2sql.demo.build import build_demo_database, data_as_of
from nl2sql.evaluation.match import orders_rows
from nl2sql.limits import DEFAULT_TIMEOUT_S
from nl2sql.paths import data_dir

MAX_COLUMN_ORDERS = 5040
BUSINESS_HEADING = "## Business questions (demo database, through routing)"
BUSINESS_HEADER = (
    "| split | pipeline | n | EX | en | zh | valid-but-wrong | refusals (recall / precision) | semantic path"
    " | warm p50 s | p95 s | data to | date | command |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
)


@dataclass
class BusinessResult:
    id: str
    lang: str
    tags: list[str]
    path: str
    correct: bool
    warned: bool
    refused: bool
    error: str | None
    sql: str
    seconds: float
    model: str = ""
    """Who wrote the SQL: a model's id, or ``semantic layer``."""


@dataclass
class BusinessReport:
    results: list[BusinessResult] = field(default_factory=list)
    as_of: str = ""
    setup_seconds: float = 0.0

    def summary(self) -> dict[str, Any]:
        """Headline figures (see the module docstring)."""
        results = self.results
        in_scope = [r for r in results if "out_of_scope" not in r.tags]
        out_scope = [r for r in results if "out_of_scope" in r.tags]
        refused = [r for r in results if r.refused]
        silent_wrong = [r for r in in_scope if r.error is None and not r.warned and not r.correct]
        warm = sorted(r.seconds for r in results[1:]) or [0.0]
        return {
            "as_of": self.as_of,
            "questions": len(results),
            "ex": _share([r.correct for r in in_scope]),
            "ex_by_tag": {
                tag: _share([r.correct for r in in_scope if tag in r.tags]) for tag in _tags(in_scope)
            },
            "ex_by_lang": {
                lang: _share([r.correct for r in in_scope if r.lang == lang]) for lang in ("en", "zh")
            },
            "ex_by_path": {
                path: _share([r.correct for r in in_scope if r.path == path]) for path in _paths(in_scope)
            },
            "paths": {path: _share([r.path == path for r in results]) for path in _paths(results)},
            "answered_by": dict(Counter(r.model for r in results if r.model)),
            "answered": _share([r.error is None for r in in_scope]),
            "valid_but_wrong": _share([r in silent_wrong for r in in_scope]),
            "valid_but_wrong_count": len(silent_wrong),
            "refusal_recall": _share([r.refused for r in out_scope]),
            "refusal_precision": _share(["out_of_scope" in r.tags for r in refused]) if refused else None,
            "latency": {
                "first": round(results[0].seconds, 3) if results else None,
                "p50": round(statistics.median(warm), 3),
                "p95": round(warm[min(len(warm) - 1, int(0.95 * len(warm)))], 3),
                "max": round(warm[-1], 3),
            },
            "setup_seconds": round(self.setup_seconds, 2),
        }

    def to_dict(self) -> dict[str, Any]:
        return {**self.summary(), "results": [asdict(r) for r in self.results]}


def business_row(summary: dict[str, Any], command: str) -> str:
    """One Markdown row of BENCHMARKS.md's business table."""
    from datetime import date

    def pct(value: float | None) -> str:
        return "–" if value is None else f"{value:.3f}"

    pipeline = ("semantic layer + " if summary["semantic"] else "") + str(summary["model_id"])
    if summary.get("escalate"):
        pipeline += f" → {summary['escalate']} where checks fail"
    cells = [
        summary["split"],
        pipeline,
        str(summary["questions"]),
        pct(summary["ex"]),
        pct(summary["ex_by_lang"].get("en")),
        pct(summary["ex_by_lang"].get("zh")),
        f"{pct(summary['valid_but_wrong'])} ({summary['valid_but_wrong_count']})",
        f"{pct(summary['refusal_recall'])} / {pct(summary['refusal_precision'])}",
        pct(summary["paths"].get("semantic", 0.0)),
        str(summary["latency"]["p50"]),
        str(summary["latency"]["p95"]),
        summary["as_of"],
        date.today().isoformat(),
        f"`{command}`",
    ]
    return "| " + " | ".join(cells) + " |"


def business_database() -> Path:
    """The demo database pinned to the business set's day (built once, in the data folder)."""
    from nl2sql.demo.business import BUSINESS_AS_OF

    path = data_dir() / "business" / "demo.sqlite"
    if data_as_of(path) != BUSINESS_AS_OF.isoformat():
        build_demo_database(path, as_of=BUSINESS_AS_OF, pinned=True)
    return path


@dataclass(frozen=True)
class BusinessExample:
    """A business question as a question on the demo database (:func:`business_examples`)."""

    id: str
    db_id: str
    question: str
    sql: str | None
    """Gold SQL; None when the data cannot answer the question (a refusal is the right answer)."""
    db_path: Path

    @property
    def available(self) -> bool:
        """Whether the database file is there."""
        return self.db_path.is_file()


def business_examples(split: str | None, database: Path | None = None) -> list[BusinessExample]:
    """The business questions of ``split`` (see :func:`nl2sql.demo.business.load_business_questions`) on
    ``database`` (default :func:`business_database`), named like it.

    Example:
        >>> dev = business_examples("dev", Path("demo.sqlite"))
        >>> {example.db_id for example in dev}, any(example.sql is None for example in dev)
        ({'demo'}, True)
    """
    from nl2sql.demo.business import load_business_questions

    path = business_database() if database is None else database
    return [
        BusinessExample(question.id, path.stem, question.question, question.sql, path)
        for question in load_business_questions(split)
    ]


def evaluate_business(
    questions: Sequence[Any], ask: Callable[[str], Any], *, run_gold: Callable[[str], tuple[list, bool]]
) -> BusinessReport:
    """Ask every question with ``ask`` (question → Answer) and score it against its gold SQL.

    ``run_gold``: gold SQL → (rows, whether they are ordered).
    """
    report = BusinessReport()
    for question in questions:
        started = time.perf_counter()
        answer = ask(question.question)
        seconds = time.perf_counter() - started
        refused = answer.path == "refused"
        correct = answered_right(question.sql, answer, run_gold)
        warned = bool(
            answer.readings or answer.notes or any(d.severity == "warning" for d in answer.diagnostics)
        )
        report.results.append(
            BusinessResult(
                id=question.id,
                lang=question.lang,
                tags=list(question.tags),
                path=answer.path,
                correct=correct,
                warned=warned,
                refused=refused,
                error=answer.error,
                sql=answer.sql,
                seconds=round(seconds, 4),
                model=answer.model_id,
            )
        )
    return report


def answered_right(gold_sql: str | None, answer: Any, run_gold: Callable[[str], tuple[list, bool]]) -> bool:
    """Whether ``answer`` (an Answer) is right: a refusal of a question the data cannot answer (``gold_sql``
    None), else a result that :func:`covers` the gold one.

    Example:
        >>> from nl2sql.answer import Answer
        >>> answered_right(None, Answer("Who will win?", "", path="refused"), run_gold=print)
        True
        >>> answered_right("SELECT 1", Answer("How many?", "", path="refused"), run_gold=print)
        False
    """
    if gold_sql is None:
        return answer.path == "refused"
    if answer.error is not None or answer.data is None:
        return False
    gold, ordered = run_gold(gold_sql)
    predicted = [tuple(row) for row in answer.data.itertuples(index=False, name=None)]
    return covers(gold, predicted, ordered=ordered)


def gold_runner(
    database: Any, *, max_rows: int = 100_000, timeout_s: float = DEFAULT_TIMEOUT_S
) -> Callable[[str], tuple[list, bool]]:
    """Runs gold SQL on ``database`` (read-only, within ``max_rows`` and ``timeout_s``), remembering
    each query's rows and whether it orders them, or the error it failed with.

    Example:
        >>> import os, sqlite3, tempfile
        >>> from nl2sql.connect import open_database
        >>> path = os.path.join(tempfile.mkdtemp(), "t.sqlite")
        >>> sqlite3.connect(path).execute("CREATE TABLE t (x INTEGER)").connection.close()
        >>> run_gold = gold_runner(open_database(path))
        >>> run_gold("SELECT COUNT(*) FROM t ORDER BY 1")
        ([(0,)], True)
    """
    from nl2sql.errors import ChatBIError
    from nl2sql.execute import run_query

    cache: dict[str, tuple[list, bool] | ChatBIError] = {}

    def run(sql: str) -> tuple[list, bool]:
        if sql not in cache:
            try:
                rows = run_query(database, sql, max_rows=max_rows, timeout_s=timeout_s).rows
                cache[sql] = (rows, orders_rows(sql))
            except ChatBIError as error:
                cache[sql] = error
        found = cache[sql]
        if isinstance(found, ChatBIError):
            raise found
        return found

    return run


def covers(gold: Sequence[tuple], predicted: Sequence[tuple], *, ordered: bool) -> bool:
    """Whether ``predicted`` holds every gold column (values row for row, numbers to 3 decimals), maybe
    beside others; row order counts when ``ordered``."""
    if len(gold) != len(predicted):
        return False
    if not gold:
        return True
    gold_rows = [tuple(_norm(v) for v in row) for row in gold]
    rows = [tuple(_norm(v) for v in row) for row in predicted]
    width, wide = len(gold_rows[0]), len(rows[0])
    if wide < width:
        return False
    gold_columns = [Counter(row[i] for row in gold_rows) for i in range(width)]
    columns = [Counter(row[j] for row in rows) for j in range(wide)]
    options = [[j for j in range(wide) if columns[j] == gold_columns[i]] for i in range(width)]
    if any(not found for found in options):
        return False
    for tried, order in enumerate(itertools.product(*options)):
        if tried >= MAX_COLUMN_ORDERS:
            return False
        if len(set(order)) != width:
            continue
        projected = [tuple(row[j] for j in order) for row in rows]
        if projected == gold_rows if ordered else Counter(projected) == Counter(gold_rows):
            return True
    return False


def _norm(value: Any) -> Any:
    if hasattr(value, "item"):
        value = value.item()
    if value is None or (isinstance(value, float) and value != value):
        return None  # pandas shows SQL NULL in a number column as NaN
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal):
        number = round(float(value), 3)
        return 0.0 if number == 0 else number
    return value


def _share(flags: Sequence[bool]) -> float | None:
    return round(sum(flags) / len(flags), 3) if flags else None


def _tags(results: Sequence[BusinessResult]) -> list[str]:
    return sorted({tag for r in results for tag in r.tags})


def _paths(results: Sequence[BusinessResult]) -> list[str]:
    return sorted({r.path for r in results})
