"""The demo questions: English and Chinese questions about the demo database, each with gold SQL.

Example:
    >>> questions = load_demo_questions()
    >>> questions[0].question, questions[0].sql
    ('How many customers are there?', 'SELECT COUNT(*) FROM customers')
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Literal


@dataclass(frozen=True)
class DemoQuestion:
    """One question about the demo database and the SQLite query that answers it."""

    id: str
    """Stable identifier: ``demo-001``, ``demo-002``, …"""
    lang: Literal["en", "zh"]
    question: str
    sql: str
    """Gold SQL in the SQLite dialect; relative dates are written with ``date('now', …)``."""
    difficulty: Literal["easy", "medium", "hard"]

    @property
    def counts_from_today(self) -> bool:
        """True when the gold SQL reads the clock (``date('now', …)``): its answer depends on the day
        it runs, and it needs data up to that day.

        Example:
            >>> DemoQuestion("demo-999", "en", "Orders lately?", "SELECT COUNT(*) FROM orders"
            ...              " WHERE order_date >= date('now', '-30 days')", "medium").counts_from_today
            True
        """
        import sqlglot
        from sqlglot import exp

        tree = sqlglot.parse_one(self.sql, read="sqlite")
        return any(
            literal.is_string and literal.this.lower() == "now" for literal in tree.find_all(exp.Literal)
        )


def load_demo_questions() -> list[DemoQuestion]:
    """All demo questions, in file order, read from the packaged ``questions.jsonl``.

    Example:
        >>> questions = load_demo_questions()
        >>> sorted({question.lang for question in questions})
        ['en', 'zh']
        >>> next(q.question for q in questions if q.lang == "zh")
        '一共有多少个产品？'
    """
    text = resources.files("nl2sql.demo").joinpath("questions.jsonl").read_text(encoding="utf-8")
    return [DemoQuestion(**json.loads(line)) for line in text.splitlines() if line.strip()]
