"""What routing through a bootstrapped semantic layer does to a SQL data set such as Spider.

Every database gets a semantic model bootstrapped from its schema (:mod:`nl2sql.semantic.bootstrap`),
and each question is routed (:mod:`nl2sql.semantic.route`). A question routed to generated SQL takes
exactly the path it takes without a semantic layer, so only the questions routed elsewhere can change
the score: for those, both answers are run and compared with the gold result. The change in EX over
the whole set is exact: (semantic right − generated right) / questions.

Example:
    >>> RoutingReport(questions=10, routed=2, semantic_right=2, sql_right=1, refused=0).ex_change
    0.1
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from tqdm import tqdm

from nl2sql.errors import ChatBIError
from nl2sql.evaluation.match import orders_rows, results_match
from nl2sql.execute import run_query
from nl2sql.models.base import Generator
from nl2sql.schema import DatabaseCache
from nl2sql.semantic.bootstrap import bootstrap_model
from nl2sql.semantic.route import route_question

ROUTING_HEADING = "## Routing on SQL data sets (semantic models bootstrapped from the schema)"
ROUTING_HEADER = (
    "| data | questions | routed | semantic right | generated SQL right on those | refused | EX change | date"
    " | command |\n|---|---|---|---|---|---|---|---|---|"
)


def routing_row(summary: dict[str, Any], command: str) -> str:
    """One Markdown row of BENCHMARKS.md's routing table."""
    cells = [
        summary["data"],
        str(summary["questions"]),
        str(summary["routed"]),
        str(summary["semantic_right"]),
        str(summary["sql_right"]),
        str(summary["refused"]),
        f"{summary['ex_change']:+.4f}",
        date.today().isoformat(),
        f"`{command}`",
    ]
    return "| " + " | ".join(cells) + " |"


@dataclass
class RoutingReport:
    questions: int = 0
    routed: int = 0
    """Questions the semantic layer answered or refused (the others take the generated-SQL path)."""
    semantic_right: int = 0
    sql_right: int = 0
    """Of the routed questions, how many generated SQL answers right (what routing replaced)."""
    refused: int = 0
    details: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ex_change(self) -> float:
        return round((self.semantic_right - self.sql_right) / self.questions, 4) if self.questions else 0.0

    def summary(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("details")
        return {**data, "ex_change": self.ex_change}


def evaluate_routing(
    examples: Sequence[Any], generator: Generator, *, progress: bool = True
) -> RoutingReport:
    """Route ``examples`` (TextToSQLExample) through bootstrapped semantic models (see the module)."""
    from nl2sql.assistant import Assistant

    cache = DatabaseCache()
    models: dict[str, Any] = {}
    plain: dict[str, Assistant] = {}
    report = RoutingReport()
    for example in tqdm(examples, desc="routing", unit="q", disable=not progress):
        if not example.available:
            continue
        report.questions += 1
        database, schema = cache.database(example.db_path), cache.schema(example.db_path)
        key = str(example.db_path)
        if key not in models:
            models[key] = bootstrap_model(database, schema)
        route = route_question(example.question, models[key], database.dialect, date.today())
        if route.path == "sql":
            continue
        report.routed += 1
        gold, ordered = run_query(database, example.sql, max_rows=100_000).rows, orders_rows(example.sql)
        semantic_right = False
        if route.path == "refused":
            report.refused += 1
        else:
            assert route.reading is not None
            semantic_right = _matches(database, route.reading.sql, gold, ordered)
        if key not in plain:
            plain[key] = Assistant(database, generator=generator, semantic=False, log=None)
        answer = plain[key].ask(example.question)
        sql_right = answer.data is not None and results_match(
            gold, [tuple(r) for r in answer.data.itertuples(index=False, name=None)], ordered=ordered
        )
        report.semantic_right += semantic_right
        report.sql_right += sql_right
        report.details.append(
            {
                "db": example.db_id,
                "question": example.question,
                "path": route.path,
                "reading": route.reading.text if route.reading else route.message,
                "semantic_right": semantic_right,
                "sql_right": bool(sql_right),
            }
        )
    return report


def _matches(database: Any, sql: str, gold: list, ordered: bool) -> bool:
    try:
        rows = run_query(database, sql, max_rows=100_000).rows
    except ChatBIError:
        return False
    return results_match(gold, rows, ordered=ordered)
