"""What the user did with an answer: accepted it, edited it, rejected it, or ran it; one event each,
with the SQL the model wrote, the SQL the user ended with, and what the correction changed.

Example:
    >>> import os, tempfile
    >>> from feedback.log import FeedbackLog
    >>> log = FeedbackLog(os.path.join(tempfile.mkdtemp(), "feedback.sqlite"))
    >>> _ = record_outcome(log, "edited", question="Orders per status", database="shop",
    ...     generated_sql="SELECT status, COUNT(*) FROM orders GROUP BY status",
    ...     final_sql="SELECT status, COUNT(*) FROM orders GROUP BY status LIMIT 5")
    >>> event = log.events()[-1]
    >>> event["kind"], [change["kind"] for change in event["details"]["diff"]]
    ('edited', ['limit'])
    >>> _ = record_outcome(log, "edited", question="Orders", generated_sql="SELECT 'oops",
    ...     final_sql="SELECT COUNT(*) FROM orders")
    >>> log.events()[-1]["details"]["diff"][0]["description"]
    'the query was rewritten'
"""

from __future__ import annotations

from typing import Any

from feedback.log import FeedbackLog

OUTCOMES = ("accepted", "edited", "rejected", "executed", "explored")


def record_outcome(
    log: FeedbackLog,
    kind: str,
    *,
    question: str,
    generated_sql: str,
    final_sql: str | None = None,
    reason: str | None = None,
    dialect: str = "sqlite",
    **fields: Any,
) -> int:
    """Append one outcome event; the diff between ``generated_sql`` and ``final_sql`` goes with it.

    Args:
        log: the feedback log.
        kind: one of :data:`OUTCOMES`.
        question: the question asked.
        generated_sql: the SQL the model wrote.
        final_sql: the SQL the user ended with (the generated one when None).
        reason: why the user rejected the answer, in their words.
        dialect: the SQL dialect, to compare the two queries.
        fields: more columns or details (database, schema_fingerprint, model_id, adapter_hash, …).
    """
    if kind not in OUTCOMES:
        raise ValueError(f"unknown outcome {kind!r}; expected one of {', '.join(OUTCOMES)}")
    final = final_sql if final_sql is not None else generated_sql
    changes = sql_changes(generated_sql, final, dialect) if final != generated_sql else []
    if reason:
        fields["reason"] = reason
    fields.setdefault("dialect", dialect)  # to read the diff's conditions again (feedback.edit_kinds)
    return log.record(kind, question=question, sql=generated_sql, final_sql=final, diff=changes, **fields)


def sql_changes(before: str, after: str, dialect: str = "sqlite") -> list[dict[str, Any]]:
    """The diff of a correction (:func:`explain.diff.diff`, as dictionaries); a whole rewrite when either
    side does not parse (a broken answer fixed).

    Example:
        >>> [c["kind"] for c in sql_changes("SELECT a FROM t", "SELECT a FROM t LIMIT 5")]
        ['limit']
    """
    from explain.diff import diff
    from explain.errors import ExplainError

    try:
        return [change.to_dict() for change in diff(before, after, dialect)]
    except ExplainError:
        return [{"kind": "other", "description": "the query was rewritten", "before": before, "after": after}]
