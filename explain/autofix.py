"""Mend names a model got slightly wrong, deterministically, before asking the model again.

Small models write ``pet_type`` for ``PetType``, ``song_name`` on the wrong alias, ``singers`` for
``singer``. When the schema offers exactly one name that matches once case, underscores and a plural
``s`` are ignored, the reference is rewritten on the AST; anything less certain is left for the model's
repair round. A column that lives in a table one foreign key away gets that join
(:mod:`explain.join_completion`), a join condition that compares a table with itself gets the
foreign key it lacks (:mod:`explain.join_links`), and a listing that a join repeats gets DISTINCT
(:mod:`explain.distinct_rows`). Every change is reported, so the user sees what was mended.

Example:
    >>> from nl2sql.schema import Column, Schema, Table
    >>> pets = Table("Pets", (Column("PetID", "INT"), Column("PetType", "TEXT")))
    >>> fixed = fix_identifiers("SELECT pet_type FROM pets", Schema("sqlite", (pets,)))
    >>> fixed.sql, fixed.changes
    ('SELECT PetType FROM pets', ['pet_type → PetType'])
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from explain.check import check
from explain.distinct_rows import deduplicate
from explain.join_completion import complete_join
from explain.join_links import CODE as LINK_CODE
from explain.join_links import link_join
from explain.mending import FixResult, has_column, mend_in_rounds, own_columns
from explain.sqlite_dates import rewrite_sqlite_dates

if TYPE_CHECKING:
    from nl2sql.schema import Schema, Table

MAX_ROUNDS = 6


def mend(
    sql: str, schema: Schema, dialect: str | None = None, *, joins: bool = True, distinct: bool = True
) -> FixResult:
    """Every deterministic mend: dialect rewrites (MySQL date functions in SQLite), then, in the same
    rounds, names, the joins a bare column needs and join conditions that link nothing
    (:mod:`explain.join_completion`, :mod:`explain.join_links`; ``joins=False`` leaves both out), and
    the DISTINCT a listing needs when a join repeats its rows (:mod:`explain.distinct_rows`;
    ``distinct=False`` leaves it out). The result carries the diagnostics of the mended SQL.

    Example:
        >>> from nl2sql.schema import Column, Schema, Table
        >>> orders = Table("orders", (Column("order_date", "TEXT"),))
        >>> mend("SELECT YEAR(orderdate) FROM orders", Schema("sqlite", (orders,))).sql
        "SELECT CAST(STRFTIME('%Y', order_date) AS INTEGER) FROM orders"
    """
    dialect = dialect or schema.dialect
    changes: list[str] = []
    if dialect == "sqlite":
        rewritten = rewrite_sqlite_dates(sql)
        sql, changes = rewritten.sql, rewritten.changes
    if joins:
        fixed = mend_in_rounds(sql, schema, dialect, _fix_name_or_join, MAX_ROUNDS, warnings={LINK_CODE})
    else:
        fixed = mend_in_rounds(sql, schema, dialect, _fix_name, MAX_ROUNDS)
    fixed.changes = changes + fixed.changes
    if distinct and not any(d.is_error for d in fixed.diagnostics):
        deduplicated = deduplicate(fixed.sql, schema, dialect)
        if deduplicated.changes:
            fixed.sql, fixed.changes = deduplicated.sql, fixed.changes + deduplicated.changes
            fixed.diagnostics = check(fixed.sql, schema, dialect)
    return fixed


def _fix_name_or_join(tree: exp.Expression, schema: Schema, code: str) -> str | None:
    return _fix_name(tree, schema, code) or complete_join(tree, schema, code) or link_join(tree, schema, code)


def fix_identifiers(sql: str, schema: Schema, dialect: str | None = None) -> FixResult:
    """Rewrite unknown table and column names that have one unambiguous match in ``schema``."""
    return mend_in_rounds(sql, schema, dialect or schema.dialect, _fix_name, MAX_ROUNDS)


def _fix_name(tree: exp.Expression, schema: Schema, code: str) -> str | None:
    if code == "unknown-table":
        return _fix_table(tree, schema)
    if code == "unknown-column":
        return _fix_column(tree, schema)
    return None


def _key(name: str) -> str:
    key = name.lower().replace("_", "").replace(" ", "")
    return key[:-1] if key.endswith("s") and len(key) > 3 else key


def _fix_table(tree: exp.Expression, schema: Schema) -> str | None:
    local = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
    for table in tree.find_all(exp.Table):
        if not table.name or table.name.lower() in local or schema.has_table(table.name):
            continue
        matches = [t.name for t in schema.tables if _key(t.name) == _key(table.name)]
        if len(matches) != 1:
            return None
        old = table.name
        table.set("this", exp.to_identifier(matches[0]))
        return f"{old} → {matches[0]}"
    return None


def _fix_column(tree: exp.Expression, schema: Schema) -> str | None:
    for select in tree.find_all(exp.Select):
        sources = _sources(select, schema)
        if not sources:
            continue
        aliases = {a.alias.lower() for a in select.find_all(exp.Alias) if a.alias}
        for column in own_columns(select):
            name, qualifier = column.name, column.table.lower()
            if qualifier and qualifier in sources:
                table = sources[qualifier]
                if has_column(table, name):
                    continue
                change = _rename(column, table, name) or _move(column, sources, qualifier, name)
            elif qualifier or name.lower() in aliases or any(has_column(t, name) for t in sources.values()):
                continue
            else:
                candidates = {
                    (a, c) for a, t in sources.items() for c in t.columns if _key(c.name) == _key(name)
                }
                tables = {id(sources[a]) for a, _ in candidates}
                if len(tables) != 1 or len({c.name for _, c in candidates}) != 1:
                    return None
                new = next(iter(candidates))[1].name
                column.set("this", exp.to_identifier(new))
                change = f"{name} → {new}"
            if change:
                return change
    return None


def _sources(select: exp.Select, schema: Schema) -> dict[str, Table]:
    """alias (or table name) → schema table, for the tables this SELECT reads directly."""
    found: dict[str, Table] = {}
    for table in select.find_all(exp.Table):
        if table.find_ancestor(exp.Select) is not select or not schema.has_table(table.name):
            continue
        found[(table.alias or table.name).lower()] = schema.table(table.name)
    return found


def _rename(column: exp.Column, table: Table, name: str) -> str | None:
    matches = [c.name for c in table.columns if _key(c.name) == _key(name)]
    if len(matches) != 1:
        return None
    column.set("this", exp.to_identifier(matches[0]))
    return f"{column.table}.{name} → {column.table}.{matches[0]}"


def _move(column: exp.Column, sources: dict[str, Table], qualifier: str, name: str) -> str | None:
    """The column exists, under this spelling, in exactly one other table of the query: use that one."""
    owners = {
        alias: c.name
        for alias, table in sources.items()
        if alias != qualifier and sources[alias] is not sources[qualifier]
        for c in table.columns
        if _key(c.name) == _key(name)
    }
    by_table = {id(sources[a]): (a, n) for a, n in owners.items()}
    if len(by_table) != 1:
        return None
    alias, new = next(iter(by_table.values()))
    old = f"{column.table}.{name}"
    column.set("table", exp.to_identifier(alias))
    column.set("this", exp.to_identifier(new))
    return f"{old} → {alias}.{new}"
