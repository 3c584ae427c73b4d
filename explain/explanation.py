"""Explain what a query does, step by step, in plain English or Chinese, from its sqlglot AST.

The steps follow the order a database logically runs a query in: where the rows come from and how
tables are matched, which rows are kept, how they are grouped and what is computed, which groups are
kept, then the result columns, duplicates, sort order and row limit. Subqueries, CTEs and the branches
of UNION/INTERSECT/EXCEPT are nested steps. Column descriptions from the schema are named where a
column is filtered or measured, and dates relative to today are named as the day they fall on, so a
user who does not read SQL can spot "the last 3 years" where they meant "the last 3 months".

Example:
    >>> import datetime
    >>> from nl2sql.schema import Column, Schema, Table
    >>> columns = (Column("status", "TEXT"), Column("order_date", "DATE"))
    >>> orders = Table("orders", columns, comment="One row per order.")
    >>> sql = "SELECT COUNT(*) FROM orders WHERE order_date >= DATE('now', '-3 months')"
    >>> print(explain(sql, Schema("sqlite", (orders,)), today=datetime.date(2026, 11, 23)))
    Counts the orders where order_date is in the last 3 months (since 2026-08-23).
    <BLANKLINE>
    1. Start from orders (one row per order).
    2. Keep only the orders where order_date is in the last 3 months (since 2026-08-23).
    3. Over all the orders, compute the number of orders.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from explain.describe_expression import Describer
from explain.errors import ExplainError
from explain.parse import parse_statement
from explain.phrases import LANGUAGES, has_cjk, phrase, sentence
from explain.query_parts import unwrap_query
from explain.steps import BULLET_KINDS, Step, StepBuilder
from explain.summary import summarize

if TYPE_CHECKING:
    from nl2sql.schema import Schema


@dataclass(frozen=True)
class Explanation:
    """What a query does: a one-sentence summary and the steps, in one language.

    Example:
        >>> explanation = Explanation("Lists the names.", (Step("source", "Start from the t table"),), "en")
        >>> print(explanation)
        Lists the names.
        <BLANKLINE>
        1. Start from the t table.
        >>> explanation.to_dict()["steps"][0]["kind"]
        'source'
    """

    summary: str
    steps: tuple[Step, ...]
    lang: str

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON and the UI.

        Example:
            >>> Explanation("Lists a.", (Step("output", "Show a"),), "en").to_dict()["steps"][0]["text"]
            'Show a'
        """
        return {"summary": self.summary, "lang": self.lang, "steps": [step.to_dict() for step in self.steps]}

    def to_text(self) -> str:
        """The summary, then the steps numbered and indented; conditions and subqueries as bullets.

        Example:
            >>> condition = Step("condition", "a is 1")
            >>> steps = (Step("filter", "Keep only the rows where all of these hold", (condition,)),)
            >>> print(Explanation("Lists a.", steps, "en").to_text())
            Lists a.
            <BLANKLINE>
            1. Keep only the rows where all of these hold:
               - a is 1
        """
        lines = [self.summary, ""]
        _render(self.steps, 0, self.lang, lines)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()


def explain(
    sql: str,
    schema: Schema,
    lang: str | None = None,
    *,
    question: str | None = None,
    today: datetime.date | None = None,
    dialect: str | None = None,
) -> Explanation:
    """Explain ``sql`` against ``schema`` in plain language.

    Args:
        sql: one SQL statement.
        schema: the database it runs on (for table and column descriptions, keys and types).
        lang: "en" or "zh"; by default the question's language (Chinese when it holds any CJK character).
        question: the question the query answers, to pick the language.
        today: the day relative dates are named from; today by default.
        dialect: the sqlglot dialect; the schema's by default.

    Raises:
        UnparsableSQLError: the text is not exactly one statement sqlglot can parse.
        ExplainError: an unsupported language, or a statement that is not a query.

    Example:
        >>> from nl2sql.schema import Column, Schema, Table
        >>> schema = Schema("sqlite", (Table("customers", (Column("segment", "TEXT"),)),))
        >>> sql = "SELECT segment, COUNT(*) AS n FROM customers GROUP BY segment ORDER BY n DESC LIMIT 3"
        >>> print(explain(sql, schema, question="每个客户分群有多少客户？"))
        按 segment 分组统计客户数，按 n 从高到低排列，取前 3 行。
        <BLANKLINE>
        1. 从 customers（客户表）开始。
        2. 按 segment 分组（每个 segment 一行）。
        3. 对每个分组计算 n = 客户数。
        4. 输出 segment 和 n。
        5. 按 n 从高到低排序。
        6. 只取前 3 行。
    """
    lang = _language(lang, question)
    dialect = dialect or schema.dialect
    tree = parse_statement(sql, dialect, schema.mapping())
    root = unwrap_query(tree)
    if not isinstance(root, exp.Query | exp.Values):
        raise ExplainError(f"only queries can be explained, not {type(root).__name__.upper()} statements")
    describer = Describer(tree, schema, lang, today or datetime.date.today(), dialect)
    builder = StepBuilder(describer)
    steps = builder.query(tree)
    summary = sentence(lang, summarize(tree, describer, builder.local))
    return Explanation(summary, tuple(steps), lang)


def _render(steps: tuple[Step, ...], depth: int, lang: str, lines: list[str]) -> None:
    number = 0
    for step in steps:
        if step.kind in BULLET_KINDS:
            marker = "- "
            text = step.text
        else:
            number += 1
            marker = f"{number}. "
            text = step.text + phrase(lang, "colon" if step.children else "stop")
        lines.append("   " * depth + marker + text)
        _render(step.children, depth + 1, lang, lines)


def _language(lang: str | None, question: str | None) -> str:
    if lang is None:
        return "zh" if has_cjk(question) else "en"
    normalized = lang.lower().replace("_", "-").split("-")[0]
    if normalized not in LANGUAGES:
        raise ExplainError(f"no explanations in {lang!r}; choose one of {', '.join(LANGUAGES)}")
    return normalized
