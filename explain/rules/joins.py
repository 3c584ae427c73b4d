"""Joins that multiply rows: tables joined with no condition at all (a cartesian product), and joins
on columns that are no foreign-key/primary-key pair (a fan-out that inflates sums).

Example:
    >>> from explain.rules import LintContext
    >>> from nl2sql.schema import Column, Schema, Table
    >>> schema = Schema("sqlite", (Table("a", (Column("x", "INT"),)), Table("b", (Column("y", "INT"),))))
    >>> print(*(d.message for d in cartesian_join(LintContext.of("SELECT x, y FROM a, b", schema))))
    ... # doctest: +NORMALIZE_WHITESPACE
    nothing joins b to a: every row of one pairs with every row of the other (a cartesian product);
    add a join condition
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlglot import exp

from explain.diagnostic import Diagnostic
from explain.rules.keys import Components, Equalities
from explain.rules.position import warning, written
from explain.rules.tree import (
    aggregates,
    base_table,
    join_conditions,
    local_nodes,
    source_columns,
    source_of,
)

if TYPE_CHECKING:
    from explain.rules import LintContext


def cartesian_join(context: LintContext) -> Iterator[Diagnostic]:
    """A FROM source that no ON, USING or WHERE condition links to the sources before it.

    A source that yields one row (a scalar aggregate subquery, say) pairs harmlessly and is left alone.

    Example:
        >>> from explain.rules import LintContext
        >>> from nl2sql.schema import Column, Schema, Table
        >>> schema = Schema("sqlite", (Table("a", (Column("x", "INT"),)), Table("b", (Column("y", "INT"),))))
        >>> list(cartesian_join(LintContext.of("SELECT x FROM a, b WHERE a.x = b.y", schema)))
        []
    """
    for select in context.find(exp.Select):
        joins = select.args.get("joins") or []
        start = select.args.get("from_")
        if not joins or start is None:
            continue
        items = [start.this, *(join.this for join in joins)]
        names = [item.alias_or_name.lower() for item in items]
        groups = Components(names)
        for index, join in enumerate(joins, start=1):
            if join.args.get("using") or join.args.get("method"):
                groups.link({names[index], *_using_partners(context, select, join, names[:index])})
        for predicate in join_conditions(select):
            columns = [c for c in local_nodes(predicate) if isinstance(c, exp.Column)]
            groups.link({source_of(context, c) for c in columns} & set(names))
        seen: dict[str, str] = {}
        for item, name in zip(items, names, strict=True):
            if _single_row(context, item):
                continue
            if seen and groups.root(name) not in {groups.root(n) for n in seen}:
                message = (
                    f"nothing joins {_display(item)} to {', '.join(seen.values())}: every row of one pairs "
                    "with every row of the other (a cartesian product); add a join condition"
                )
                yield warning(context, "cartesian-join", message, item)
            seen[name] = _display(item)


def _using_partners(
    context: LintContext, select: exp.Select, join: exp.Join, earlier: list[str]
) -> list[str]:
    wanted = {column.name.lower() for column in join.args.get("using") or []}
    found = [name for name in earlier if wanted & source_columns(context, select, name)]
    return found or earlier[-1:]


def _single_row(context: LintContext, item: exp.Expression) -> bool:
    if isinstance(item, exp.Table):
        cte = next((c for c in context.find(exp.CTE) if c.alias_or_name.lower() == item.name.lower()), None)
        return cte is not None and _one_row_query(cte.this)
    if isinstance(item, exp.Subquery):
        return _one_row_query(item.this)
    return True  # UNNEST, LATERAL, table functions: not a plain pairing of tables


def _one_row_query(query: exp.Expression) -> bool:
    if not isinstance(query, exp.Select):
        return False
    limit = query.args.get("limit")
    if limit is not None and isinstance(limit.expression, exp.Literal) and limit.expression.this == "1":
        return True
    return query.args.get("from_") is None or (not query.args.get("group") and bool(aggregates(query)))


def _display(item: exp.Expression) -> str:
    if isinstance(item, exp.Table) and item.alias and item.alias.lower() != item.name.lower():
        return f"{item.name} {item.alias}"
    return item.alias_or_name


def join_not_on_key(context: LintContext) -> Iterator[Diagnostic]:
    """Two tables joined on equalities that are neither a declared foreign key nor a primary key
    matched by a column of the same name. Tables that declare no keys at all (made with pandas, loaded
    from CSV) are left alone: nothing says such a join repeats rows.

    Example:
        >>> from explain.rules import LintContext
        >>> from nl2sql.schema import Column, Schema, Table
        >>> def table(name: str, key: str) -> Table:
        ...     columns = (Column(key, "INT", primary_key=True), Column("customer_id", "INT"))
        ...     return Table(name, columns, primary_key=(key,))
        >>> schema = Schema("sqlite", (table("orders", "order_id"), table("visits", "visit_id")))
        >>> sql = "SELECT * FROM orders o JOIN visits v ON v.customer_id = o.customer_id"
        >>> print(*(d.message for d in join_not_on_key(LintContext.of(sql, schema))))
        ... # doctest: +NORMALIZE_WHITESPACE
        possible fan-out: joining orders to visits on v.customer_id = o.customer_id is not a key pair;
        sums may be inflated
    """
    for select in context.find(exp.Select):
        if not select.args.get("joins") or _deduplicated(select):
            continue
        links = Equalities(context, select)
        for (a, b), predicates in links.direct.items():
            if links.keyed(a, b):
                continue
            table, other = links.tables[a], links.tables[b]
            if _keys_unknown(table) and _keys_unknown(other):
                continue  # tables made without keys (pandas, CSV): nothing says the join repeats rows
            condition = " AND ".join(written(context, p) for p in predicates)
            message = (
                f"possible fan-out: joining {table.name} to {other.name} on {condition} is not a key pair; "
                "sums may be inflated"
            )
            yield warning(context, "join-not-on-key", message, predicates[0])


def _keys_unknown(table: object) -> bool:
    """Whether a table declares neither a primary key nor a foreign key (so a join on it cannot be
    judged)."""
    return not getattr(table, "primary_key", ()) and not getattr(table, "foreign_keys", ())


def _deduplicated(select: exp.Select) -> bool:
    """Whether repeated rows cannot matter: SELECT DISTINCT, UNION/INTERSECT/EXCEPT, IN/EXISTS."""
    if select.args.get("distinct"):
        return True
    parent = select.parent
    while isinstance(parent, exp.Subquery | exp.Paren):
        parent = parent.parent
    if isinstance(parent, exp.SetOperation):
        return bool(parent.args.get("distinct"))
    return isinstance(parent, exp.In | exp.Exists)


def repeated_rows(context: LintContext) -> Iterator[Diagnostic]:
    """The outermost query lists columns of some tables only, and joins a table that refers to one of
    them through a foreign key that is not its whole primary key: each listed row comes back once per
    matching row of that table ("students who have a pet" lists a student once per pet).

    Left alone: DISTINCT, GROUP BY, aggregates, LIMIT, ``*``, and sources that are no schema table.
    Not one of :data:`explain.rules.RULES`: many right answers repeat rows on purpose (7 % of Spider's
    gold queries match), so the user is not warned; :mod:`explain.distinct_rows` uses it to add
    DISTINCT to the model's listings, and says so among the answer's fixes.

    Example:
        >>> from explain.rules import LintContext
        >>> from nl2sql.schema import Column, ForeignKey, Schema, Table
        >>> student = Table("student", (Column("id", "INT"), Column("name", "TEXT")), ("id",))
        >>> pet = Table("has_pet", (Column("student_id", "INT"), Column("pet_id", "INT")), ("pet_id",),
        ...     foreign_keys=(ForeignKey(("student_id",), "student", ("id",)),))
        >>> sql = "SELECT s.name FROM student s JOIN has_pet p ON p.student_id = s.id"
        >>> print(*(d.message for d in repeated_rows(LintContext.of(sql, Schema("sqlite", (student, pet))))))
        ... # doctest: +NORMALIZE_WHITESPACE
        each row comes back once per matching has_pet row (has_pet.student_id refers to student); add
        DISTINCT if each should appear once
    """
    select = context.tree
    if not isinstance(select, exp.Select) or not select.args.get("joins") or _summarised(select):
        return
    start = select.args.get("from_")
    items = [start.this, *(join.this for join in select.args["joins"])] if start else []
    tables = {item.alias_or_name.lower(): base_table(context, select, item.alias_or_name) for item in items}
    projected = _projected_sources(context, select)
    if not projected or any(table is None for table in tables.values()):
        return
    listed = {tables[alias].name.lower() for alias in projected if tables.get(alias)}
    for item in items:
        alias = item.alias_or_name.lower()
        table = tables[alias]
        if alias in projected or table is None:
            continue
        for key in table.foreign_keys:
            whole_key = {c.lower() for c in key.columns} == {c.lower() for c in table.primary_key}
            if key.ref_table.lower() in listed and not whole_key:
                reference = ", ".join(f"{table.name}.{c}" for c in key.columns)
                message = (
                    f"each row comes back once per matching {table.name} row ({reference} refers to "
                    f"{key.ref_table}); add DISTINCT if each should appear once"
                )
                yield warning(context, "repeated-rows", message, item)
                return


def _summarised(select: exp.Select) -> bool:
    keys = ("distinct", "group", "limit")
    return any(select.args.get(key) for key in keys) or bool(aggregates(select))


def _projected_sources(context: LintContext, select: exp.Select) -> set[str] | None:
    """The sources (aliases) the select list reads; None when one cannot be told or it has ``*``."""
    found: set[str] = set()
    for expression in select.expressions:
        for node in local_nodes(expression):
            if isinstance(node, exp.Star) or (
                isinstance(node, exp.Column) and isinstance(node.this, exp.Star)
            ):
                return None
            if isinstance(node, exp.Column):
                source = source_of(context, node)
                if source is None:
                    return None
                found.add(source)
    return found
