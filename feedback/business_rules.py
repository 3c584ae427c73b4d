"""Business rules: a condition that approved corrections keep adding is a rule of the business.

A condition of the corrected query's WHERE is *added* when the original query had no condition of the
same shape (the same columns and operators, whatever the values: a changed value is a value mapping,
:mod:`feedback.value_mappings`). An added condition on the columns of one table, with no subquery and
no time window, is read over that table's own columns (``status <> 'cancelled'``); the same condition
on the same table added by :data:`MIN_CORRECTIONS` or more approved corrections becomes a ``rule``
proposal: a named filter, named after what it says unless the reviewer names it.

Example:
    >>> added = added_conditions("SELECT COUNT(*) FROM orders AS o",
    ...                          "SELECT COUNT(*) FROM orders AS o WHERE o.status <> 'cancelled'")
    >>> added
    [('orders', "status <> 'cancelled'")]
    >>> (rule,) = business_rules({3: added, 8: added})
    >>> rule.payload["name"], rule.sources
    ('status not cancelled', (3, 8))
    >>> business_rules({3: added})
    []
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from sqlglot import exp
from sqlglot.errors import SqlglotError

from explain.plan_read import clause, conjuncts, normalized
from feedback.edit_kinds import is_time_window
from feedback.query_tables import QueryTables, read_select, unqualified
from feedback.suggestions import Proposal

if TYPE_CHECKING:  # nl2sql imports this package at load time
    from nl2sql.schema import Schema

MIN_CORRECTIONS = 2
"""How many approved corrections must add a condition before it is offered as a business rule."""
Added = tuple[str, str]
"""(table, condition as SQL over that table's own columns), lower-case table."""
_OPERATOR_WORDS = {
    exp.NEQ: "not",
    exp.GT: "over",
    exp.GTE: "at least",
    exp.LT: "under",
    exp.LTE: "at most",
}


def added_conditions(
    before_sql: str, after_sql: str, *, schema: Schema | None = None, dialect: str = "sqlite"
) -> list[Added]:
    """The conditions on one table each that the correction of ``before_sql`` into ``after_sql`` adds.

    Example:
        >>> added_conditions("SELECT * FROM t WHERE a = 1", "SELECT * FROM t WHERE a = 2 AND b IS NULL")
        [('t', 'b IS NULL')]
    """
    before, after = read_select(before_sql, dialect, schema), read_select(after_sql, dialect, schema)
    if before is None or after is None:
        return []
    shapes = {_shape(node, dialect) for node in _where(before)}
    tables = QueryTables.of(after, schema)
    added: list[Added] = []
    for node in _where(after):
        if _shape(node, dialect) in shapes or node.find(exp.Query) is not None:
            continue
        table = tables.single_table(node)
        if table is None or is_time_window(node.sql(dialect), dialect):
            continue
        condition = unqualified(node).sql(dialect)
        if (table, condition) not in added:
            added.append((table, condition))
    return added


def business_rules(
    added: Mapping[int, Sequence[Added]], *, dialect: str = "sqlite", least: int = MIN_CORRECTIONS
) -> list[Proposal]:
    """``rule`` proposals for the conditions that ``least`` or more corrections (``added``: correction
    id → the conditions it added) added on the same table.

    Example:
        >>> [p.payload["name"] for p in business_rules({1: [("t", "region IN ('N', 'S')")],
        ...                                             2: [("t", "REGION in ('N','S')")]})]
        ['region N or S']
    """
    seen: dict[tuple[str, str], tuple[str, list[int]]] = {}
    for source, conditions in added.items():
        for table, condition in conditions:
            try:
                key = (table, normalized(exp.maybe_parse(condition, dialect=dialect), dialect))
            except SqlglotError:  # a condition sqlglot cannot read again is no rule
                continue
            _, sources = seen.setdefault(key, (condition, []))
            if source not in sources:
                sources.append(source)
    proposals = []
    for (table, key), (condition, sources) in seen.items():
        if len(sources) >= least:
            payload = {"table": table, "condition": condition, "name": rule_name(condition, dialect)}
            proposals.append(Proposal("rule", f"{table}:{key}", payload, tuple(sorted(sources))))
    return proposals


def rule_name(condition: str, dialect: str = "sqlite") -> str:
    """A name for a rule, from what its condition says.

    Example:
        >>> rule_name("status <> 'cancelled'"), rule_name("deleted_at IS NULL"), rule_name("amount > 100")
        ('status not cancelled', 'deleted_at missing', 'amount over 100')
        >>> rule_name("is_test = 0"), rule_name("email IS NOT NULL"), rule_name("a + b > c")
        ('is_test 0', 'with email', 'a + b > c')
    """
    node = exp.maybe_parse(condition, dialect=dialect)
    while isinstance(node, exp.Paren):
        node = node.this
    negated = isinstance(node, exp.Not)
    inner = node.this if negated else node
    if isinstance(inner, exp.Is) and isinstance(inner.this, exp.Column):
        return f"with {inner.this.name}" if negated else f"{inner.this.name} missing"
    if isinstance(inner, exp.In) and isinstance(inner.this, exp.Column):
        values = " or ".join(_word(v) for v in inner.expressions)
        return f"{inner.this.name} {'not ' if negated else ''}{values}"
    if isinstance(inner, exp.EQ | exp.NEQ | exp.GT | exp.GTE | exp.LT | exp.LTE) and not negated:
        column, value = inner.this, inner.expression
        if isinstance(column, exp.Column) and isinstance(value, exp.Literal):
            word = _OPERATOR_WORDS.get(type(inner))
            return " ".join(p for p in (column.name, word, _word(value)) if p)
    return re.sub(r"\s+", " ", condition).strip()


def _where(select: exp.Select) -> list[exp.Expression]:
    found = []
    for node in conjuncts(clause(select, exp.Where)):
        while isinstance(node, exp.Paren):
            node = node.this
        found.append(node)
    return found


def _shape(node: exp.Expression, dialect: str) -> str:
    """``node`` with its qualifiers and literals left out: equal for the same condition on other values."""
    copy = unqualified(node)
    for literal in list(copy.find_all(exp.Literal)):
        literal.replace(exp.Placeholder())
    return normalized(copy, dialect)


def _word(node: exp.Expression) -> str:
    return node.this if isinstance(node, exp.Literal) else node.sql()
