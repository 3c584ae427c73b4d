"""Typical model mistakes, injected into correct queries, to measure how many the diagnostics flag.

Three kinds, each made on the AST of a correct query when the query allows it:

- ``hallucinated-column``: a column renamed to a plausible name the table does not have
  (``name`` → ``name_text``, ``customer_id`` → ``customer_number``), as models invent them;
- ``dropped-join-condition``: the ON/USING of a join removed (a cartesian product);
- ``wrong-table``: a table replaced by another table of the same schema, preferring one that shares
  a column name with it (``orders`` for ``order_items``), the confusion models make; when the other
  table has every column the query reads, no schema check can tell;
- ``wrong-join-key``: one side of a join condition moved to another column of the same table
  (``o.customer_id = c.customer_id`` → ``o.channel_id = c.customer_id``).

Example:
    >>> from nl2sql.schema import Column, Schema, Table
    >>> schema = Schema("sqlite", (
    ...     Table("customers", (Column("customer_id", "INTEGER"), Column("name", "TEXT"))),
    ...     Table("orders", (Column("order_id", "INTEGER"), Column("customer_id", "INTEGER"))),
    ... ))
    >>> sql = "SELECT c.name FROM customers c JOIN orders o USING (customer_id)"
    >>> for mistake in seed_mistakes(sql, schema):
    ...     print(mistake.kind, "|", mistake.sql)
    hallucinated-column | SELECT c.name_text FROM customers AS c JOIN orders AS o USING (customer_id)
    dropped-join-condition | SELECT c.name FROM customers AS c, orders AS o
    wrong-table | SELECT c.name FROM orders AS c JOIN orders AS o USING (customer_id)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from sqlglot import exp

from explain.errors import ExplainError
from explain.parse import parse_statement
from explain.resolve import Bindings

if TYPE_CHECKING:
    from nl2sql.schema import Schema

MistakeKind = Literal["hallucinated-column", "dropped-join-condition", "wrong-table", "wrong-join-key"]
MISTAKE_KINDS: tuple[MistakeKind, ...] = (
    "hallucinated-column",
    "dropped-join-condition",
    "wrong-table",
    "wrong-join-key",
)

_INVENTED_SUFFIXES = {"_id": "_number", "name": "_text", "date": "_time"}


@dataclass(frozen=True)
class SeededMistake:
    kind: MistakeKind
    sql: str
    """The query with the mistake in it."""


def seed_mistakes(sql: str, schema: Schema, dialect: str | None = None) -> list[SeededMistake]:
    """One mutated query per mistake kind that ``sql`` allows (none when it does not parse)."""
    dialect = dialect or schema.dialect
    try:
        tree = parse_statement(sql, dialect, schema.mapping())
    except ExplainError:
        return []
    makers = (_hallucinate_column, _drop_join_condition, _swap_table, _move_join_key)
    mistakes = []
    for kind, make in zip(MISTAKE_KINDS, makers, strict=True):
        mutated = make(tree.copy(), schema)
        if mutated is not None:
            mistakes.append(SeededMistake(kind, mutated.sql(dialect)))
    return mistakes


def _hallucinate_column(tree: exp.Expression, schema: Schema) -> exp.Expression | None:
    bindings = Bindings(tree, schema)
    for column in tree.find_all(exp.Column):
        binding = bindings.of(column)
        if binding is None:
            continue
        invented = _invented_name(binding.column.name)
        if any(c.name.lower() == invented.lower() for c in binding.table.columns):
            continue
        column.set("this", exp.to_identifier(invented))
        return tree
    return None


def _invented_name(name: str) -> str:
    for ending, replacement in _INVENTED_SUFFIXES.items():
        if name.lower().endswith(ending):
            return name[: -len(ending)] + replacement if ending == "_id" else name + replacement
    return name + "_value"


def _drop_join_condition(tree: exp.Expression, schema: Schema) -> exp.Expression | None:
    for join in tree.find_all(exp.Join):
        if join.args.get("on") is not None or join.args.get("using"):
            join.set("on", None)
            join.set("using", None)
            return tree
    return None


def _swap_table(tree: exp.Expression, schema: Schema) -> exp.Expression | None:
    for table in tree.find_all(exp.Table):
        if not schema.has_table(table.name):
            continue
        own = {c.name.lower() for c in schema.table(table.name).columns}
        others = [t for t in schema.tables if t.name.lower() != table.name.lower()]
        others.sort(key=lambda t: -len(own & {c.name.lower() for c in t.columns}))
        if others:
            table.set("this", exp.to_identifier(others[0].name))
            return tree
    return None


def _move_join_key(tree: exp.Expression, schema: Schema) -> exp.Expression | None:
    bindings = Bindings(tree, schema)
    for join in tree.find_all(exp.Join):
        condition = join.args.get("on")
        equality = condition.find(exp.EQ) if condition is not None else None
        if equality is None or not isinstance(equality.this, exp.Column):
            continue
        binding = bindings.of(equality.this)
        if binding is None:
            continue
        other = next(
            (c for c in binding.table.columns if c.name.lower() != binding.column.name.lower()), None
        )
        if other is not None:
            equality.this.set("this", exp.to_identifier(other.name))
            return tree
    return None
