"""Execution-guided selection among several candidate queries.

Candidates that do not validate, fail to run, or (when others return rows) return nothing are dropped;
the rest vote with their results, and the candidate whose result most candidates share wins. Ties go
to the earlier candidate, so the greedy answer, asked first, wins when nothing else agrees.

Example:
    >>> signature([(1, "a"), (2, "b")]) == signature([(2, "b"), (1, "a")])
    True
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from explain import check
from nl2sql.connect import Database
from nl2sql.errors import ChatBIError
from nl2sql.execute import QueryResult, run_query
from nl2sql.schema import Schema

FALLBACK_SAMPLES = 3
"""Queries sampled when the SQL is still invalid after the repair round (the valid ones vote)."""
CANDIDATE_TIMEOUT_S = 10.0
CANDIDATE_MAX_ROWS = 10_000


@dataclass
class Selection:
    sql: str
    """The chosen query ('' when no candidate survived)."""
    result: QueryResult | None
    votes: int = 0
    """How many candidates returned the same result as the chosen one."""
    dropped: dict[str, str] = field(default_factory=dict)
    """Candidate → why it was dropped."""


def signature(rows: Sequence[tuple[Any, ...]]) -> tuple:
    """A hashable summary of a result, equal for equal multisets of rows."""
    counts = Counter(tuple(str(v) for v in row) for row in rows)
    return tuple(sorted(counts.items()))


def select_by_execution(
    candidates: Sequence[str],
    database: Database,
    schema: Schema,
    *,
    max_rows: int = CANDIDATE_MAX_ROWS,
    timeout_s: float = CANDIDATE_TIMEOUT_S,
) -> Selection:
    """Run each distinct valid candidate and pick the one whose result wins the vote."""
    ran: list[tuple[str, QueryResult]] = []
    dropped: dict[str, str] = {}
    for sql in dict.fromkeys(c for c in candidates if c):
        error = next((d for d in check(sql, schema) if d.is_error), None)
        if error:
            dropped[sql] = error.message
            continue
        try:
            ran.append((sql, run_query(database, sql, max_rows=max_rows, timeout_s=timeout_s)))
        except ChatBIError as failure:
            dropped[sql] = str(failure)
    if any(result.rows for _, result in ran):
        for sql, result in ran:
            if not result.rows:
                dropped[sql] = "returned no rows while other candidates did"
        ran = [(sql, result) for sql, result in ran if result.rows]
    if not ran:
        return Selection(sql="", result=None, dropped=dropped)
    weights = Counter()
    for sql in candidates:  # duplicates of a query count as votes too
        for kept, result in ran:
            if sql == kept:
                weights[signature(result.rows)] += 1
    best = max(ran, key=lambda item: (weights[signature(item[1].rows)], -ran.index(item)))
    return Selection(sql=best[0], result=best[1], votes=weights[signature(best[1].rows)], dropped=dropped)
