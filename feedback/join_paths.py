"""Join paths: a correction that adds a join between two tables on key columns says how they relate.

A JOIN of the corrected query that the original query did not make, whose condition pairs columns of
the joined table with columns of one other table of the query (``ON a.x = b.y AND …`` or ``USING (x)``),
is a join path when one side is a key: the columns are that table's primary key or a foreign key to the
other (in the schema), or, without a schema, are named ``id`` or ``<table>_id``. The side holding the
key is the "one" side: the path is ``many → one``, as the semantic model's relationships are.

Example:
    >>> (path,) = join_paths(
    ...     "SELECT SUM(amount) FROM orders",
    ...     "SELECT c.city, SUM(o.amount) FROM orders AS o JOIN customers AS c ON c.id = o.customer_id"
    ...     " GROUP BY c.city")
    >>> path.payload["left_table"], path.payload["right_table"], path.payload["right_columns"]
    ('orders', 'customers', ['id'])
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from explain.plan_read import conjuncts, joins
from feedback.query_tables import QueryTables, read_select
from feedback.suggestions import Proposal

if TYPE_CHECKING:  # nl2sql imports this package at load time
    from nl2sql.schema import Schema

Side = tuple[str, tuple[str, ...]]
"""(table, its columns in the join), lower case."""


def join_paths(
    before_sql: str,
    after_sql: str,
    *,
    schema: Schema | None = None,
    dialect: str = "sqlite",
    source: int = 0,
) -> list[Proposal]:
    """The join paths the correction of ``before_sql`` into ``after_sql`` (approved correction
    ``source``) adds, as ``join`` proposals.

    Example:
        >>> join_paths("SELECT * FROM a", "SELECT * FROM a JOIN b ON a.label = b.label")  # no key
        []
    """
    before, after = read_select(before_sql, dialect, schema), read_select(after_sql, dialect, schema)
    if before is None or after is None:
        return []
    known = _paths(before, schema)
    return [
        _proposal(many, one, schema, source)
        for key, (many, one) in _paths(after, schema).items()
        if key not in known
    ]


def _paths(select: exp.Select, schema: Schema | None) -> dict[str, tuple[Side, Side]]:
    """The join paths ``select``'s joins follow, by key: (many side, one side)."""
    tables = QueryTables.of(select, schema)
    paths = {}
    for join in joins(select):
        table = join.this
        if not isinstance(table, exp.Table):
            continue
        sides = _sides(join, table.name.lower(), tables)
        oriented = _oriented(*sides, schema) if sides is not None else None
        if oriented is not None:
            paths[_key(*oriented)] = oriented
    return paths


def _sides(join: exp.Join, joined: str, tables: QueryTables) -> tuple[Side, Side] | None:
    """(the joined table's side, the other table's side) of ``join``'s condition, when it only pairs
    columns of ``joined`` with columns of one other table."""
    using = join.args.get("using") or []
    if using:
        names = tuple(identifier.name.lower() for identifier in using)
        others = [
            t
            for t in tables.tables - {joined}
            if not tables.columns or set(names) <= tables.columns.get(t, frozenset())
        ]
        return ((joined, names), (others[0], names)) if len(others) == 1 else None
    pairs = []
    for condition in conjuncts(join.args.get("on")):
        if not isinstance(condition, exp.EQ):
            return None
        left, right = condition.this, condition.expression
        if not isinstance(left, exp.Column) or not isinstance(right, exp.Column):
            return None
        owners = (tables.table_of(left), tables.table_of(right))
        if owners[1] == joined:
            left, right, owners = right, left, (owners[1], owners[0])
        if owners[0] != joined or owners[1] in (None, joined):
            return None
        pairs.append((left.name.lower(), right.name.lower(), owners[1]))
    others = {other for *_, other in pairs}
    if not pairs or len(others) != 1:
        return None
    other = others.pop()
    return (joined, tuple(p[0] for p in pairs)), (other, tuple(p[1] for p in pairs))


def _oriented(joined: Side, other: Side, schema: Schema | None) -> tuple[Side, Side] | None:
    """(many side, one side) of a join, or None when neither side is a key."""
    for many, one in ((other, joined), (joined, other)):
        if _foreign_key(many, one, schema):
            return many, one
    for many, one in ((other, joined), (joined, other)):
        if _is_key(one, schema):
            return many, one
    return None


def _is_key(side: Side, schema: Schema | None) -> bool:
    """Whether ``side``'s columns are its table's primary key (by the schema, else by their names)."""
    table, columns = side
    if schema is not None and schema.has_table(table):
        described = schema.table(table)
        key = {c.lower() for c in described.primary_key} or {
            c.name.lower() for c in described.columns if c.primary_key
        }
        return bool(key) and key == set(columns)
    singular = table[:-1] if table.endswith("s") else table
    return columns in (("id",), (f"{singular}_id",), (f"{table}_id",))


def _foreign_key(many: Side, one: Side, schema: Schema | None) -> bool:
    """Whether the schema declares ``many``'s columns a foreign key to ``one``'s."""
    if schema is None or not schema.has_table(many[0]):
        return False
    return any(
        key.ref_table.lower() == one[0]
        and tuple(c.lower() for c in key.columns) == many[1]
        and tuple(c.lower() for c in key.ref_columns) == one[1]
        for key in schema.table(many[0]).foreign_keys
    )


def _proposal(many: Side, one: Side, schema: Schema | None, source: int) -> Proposal:
    kind = "one_to_one" if _is_key(many, schema) else "many_to_one"
    payload = {
        "left_table": many[0],
        "left_columns": list(many[1]),
        "right_table": one[0],
        "right_columns": list(one[1]),
        "relationship_type": kind,
    }
    return Proposal("join", _key(many, one), payload, (source,))


def _key(many: Side, one: Side) -> str:
    return f"{many[0]}({','.join(many[1])})->{one[0]}({','.join(one[1])})"
