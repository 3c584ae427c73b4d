"""Everything a user needs to trust or fix one query, in one call: diagnostics, the plain-language
explanation, the editable plan, and the business terms it uses.

The CLI (``chatbi explain``), the notebook answer and the panel all show a :class:`Review`.

Example:
    >>> import datetime
    >>> from nl2sql.schema import Column, Schema, Table
    >>> orders = Table("orders", (Column("status", "TEXT"), Column("amount", "REAL")))
    >>> review_ = review("SELECT SUM(amount) FROM orders WHERE status = NULL", Schema("sqlite", (orders,)),
    ...                  today=datetime.date(2026, 11, 23))
    >>> [d.code for d in review_.diagnostics], review_.plan.filters[0].column
    (['null-comparison'], 'status')
    >>> review_.explanation.summary.startswith("Computes the total of amount")
    True
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from explain.check import check
from explain.diagnostic import Diagnostic
from explain.errors import ExplainError
from explain.explanation import Explanation, explain
from explain.plan import Plan, plan

if TYPE_CHECKING:
    from nl2sql.schema import Schema


class GlossaryTerm(Protocol):
    """What a review needs of a business term (:class:`nl2sql.glossary.Term` is one)."""

    name: str
    definition: str
    sql: str | None


@dataclass
class Review:
    sql: str
    diagnostics: list[Diagnostic]
    explanation: Explanation | None
    """None when the SQL cannot be parsed or is not a query (the diagnostics say why)."""
    plan: Plan | None
    terms_used: list[GlossaryTerm] = field(default_factory=list)
    """Glossary terms whose SQL the query contains."""

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if not d.is_error]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON, the widgets and the panel."""
        return {
            "sql": self.sql,
            "diagnostics": [d.to_dict() for d in self.diagnostics],
            "explanation": self.explanation.to_dict() if self.explanation else None,
            "plan": self.plan.to_dict() if self.plan else None,
            "terms_used": [
                {"name": t.name, "definition": t.definition, "sql": t.sql} for t in self.terms_used
            ],
        }

    def to_text(self) -> str:
        """Diagnostics, explanation, terms and plan as readable text (what ``chatbi explain`` prints)."""
        parts = [self.sql, ""]
        parts += [f"  {d}" for d in self.diagnostics] or ["  no problems found"]
        if self.explanation:
            parts += ["", self.explanation.to_text()]
        if self.terms_used:
            parts += ["", "Business terms used:"]
            parts += [f"  {t.name}: {t.definition}" for t in self.terms_used]
        if self.plan:
            parts += ["", render_plan(self.plan)]
        return "\n".join(parts)


def review(
    sql: str,
    schema: Schema,
    *,
    lang: str | None = None,
    question: str | None = None,
    today: datetime.date | None = None,
    terms: Sequence[GlossaryTerm] = (),
) -> Review:
    """Check, explain and plan ``sql`` against ``schema``.

    Args:
        sql: one SQL statement.
        schema: the database it is meant for.
        lang: "en" or "zh" for the explanation; by default the question's language.
        question: the question the query answers.
        today: the day relative dates are named from (today by default).
        terms: the database's glossary terms; those whose SQL the query contains are named.
    """
    diagnostics = check(sql, schema)
    try:
        explanation = explain(sql, schema, lang, question=question, today=today)
    except ExplainError:  # unparsable, or not a query: the diagnostics say so
        return Review(sql, diagnostics, None, None)
    editable = plan(sql, schema)
    return Review(sql, diagnostics, explanation, editable, terms_used(sql, terms, schema.dialect))


def terms_used(sql: str, terms: Sequence[GlossaryTerm], dialect: str) -> list[GlossaryTerm]:
    """The terms whose SQL (an expression or a condition) appears in ``sql``, ignoring table qualifiers.

    Example:
        >>> from nl2sql.glossary import Term
        >>> online = Term("online", "Online channels.", "channels.channel_type = 'online'")
        >>> [t.name for t in terms_used("SELECT COUNT(*) FROM channels c WHERE c.channel_type = 'online'",
        ...                            [online], "sqlite")]
        ['online']
    """
    try:
        tree = sqlglot.parse_one(sql, read=dialect)
    except SqlglotError:
        return []
    wanted: dict[str, list[GlossaryTerm]] = {}
    for term in terms:
        shape = _term_shape(term.sql, dialect) if term.sql else None
        if shape is not None:
            wanted.setdefault(shape, []).append(term)
    if not wanted:
        return []
    found: dict[str, GlossaryTerm] = {}
    for node in tree.walk():
        if isinstance(node, exp.Column | exp.Literal | exp.Identifier | exp.Table):
            continue
        for term in wanted.get(_shape(node), []):
            found.setdefault(term.name, term)
    return list(found.values())


@functools.lru_cache(maxsize=1024)
def _term_shape(sql: str, dialect: str) -> str | None:
    """A glossary term's SQL in comparable form, parsed once per process (terms repeat every answer)."""
    try:
        return _shape(sqlglot.parse_one(sql, read=dialect))
    except SqlglotError:
        return None


def _shape(node: exp.Expression) -> str:
    """The node's SQL without table qualifiers or aliases, lower-cased: what "the same SQL" means here."""
    bare = node.copy()
    for column in bare.find_all(exp.Column):
        column.set("table", None)
    return bare.unalias().sql("sqlite").lower() if isinstance(bare, exp.Alias) else bare.sql("sqlite").lower()


def render_plan(editable: Plan) -> str:
    """The editable parts of a plan, one per line, with the ids edits refer to."""
    lines = ["What can be changed:"]
    for item in editable.filters:
        marker = "" if item.editable else " (read-only)"
        lines.append(f"  filter {item.id} [{item.clause}]: {item.sql}{marker}")
    lines += [f"  time range on {window.column}: {window.label}" for window in editable.time_range]
    if editable.group_by:
        lines.append(f"  grouped by: {', '.join(editable.group_by)}")
    for measure in editable.measures:
        lines.append(f"  measure {measure.id}: {measure.sql}")
    for order in editable.order_by:
        lines.append(f"  order: {order.expression} {'descending' if order.descending else 'ascending'}")
    if editable.limit is not None:
        lines.append(f"  limit: {editable.limit}")
    lines += [f"  read-only: {note}" for note in editable.read_only]
    return "\n".join(lines) if len(lines) > 1 else "Nothing in this query can be edited through the plan."
