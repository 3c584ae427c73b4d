"""Value matching: a text literal the column never holds is replaced by the one value it does hold
that differs only in case, the literal's own spacing or a small misspelling (``'asia'`` → ``'Asia'``,
``'united  states'`` → ``'United States'``). Values stored with stray spaces are not matched: a query for
``'APG'`` does not mean ``' APG'``, and silently matching it would change what the query asks.

Small models copy values from the question as the user typed them; SQLite compares text exactly, so
``WHERE continent = 'asia'`` quietly returns nothing. Known values come from the schema's samples
(complete for columns with few distinct values); for other text columns the database is asked, with
read-only queries of at most two rows. Only an unambiguous match is taken, and every change is listed.

Example:
    >>> import sqlite3, tempfile, os
    >>> from nl2sql.connect import open_database
    >>> from nl2sql.schema import load_schema
    >>> path = os.path.join(tempfile.mkdtemp(), "geo.sqlite")
    >>> with sqlite3.connect(path) as con:
    ...     _ = con.executescript("CREATE TABLE country (name TEXT, continent TEXT);"
    ...         "INSERT INTO country VALUES ('China', 'Asia'), ('France', 'Europe'), ('Peru', 'Americas');")
    >>> database = open_database(path)
    >>> matched = match_values("SELECT name FROM country WHERE continent = 'asia'", database,
    ...                        load_schema(database))
    >>> matched.sql, matched.changes
    ("SELECT name FROM country WHERE continent = 'Asia'", ["'asia' → 'Asia' (country.continent)"])
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlglot import exp

from explain.errors import ExplainError
from explain.parse import parse_statement
from explain.resolve import Bindings
from explain.rules.types import column_kind
from nl2sql.errors import ChatBIError
from nl2sql.execute import run_query

if TYPE_CHECKING:
    from nl2sql.connect import Database
    from nl2sql.schema import Column, Schema, Table

MAX_LITERALS = 8
"""At most this many literals of one query are looked up in the database."""
LOOKUP_TIMEOUT_S = 2.0
_WORDY = re.compile(r"[^\W\d_]", re.UNICODE)


@dataclass
class ValueMatch:
    sql: str
    changes: list[str] = field(default_factory=list)


def match_values(sql: str, database: Database, schema: Schema) -> ValueMatch:
    """``sql`` with text literals matched to the values their columns hold (unchanged when all match)."""
    try:
        tree = parse_statement(sql, database.dialect, schema.mapping())
    except ExplainError:
        return ValueMatch(sql)
    bindings = Bindings(tree, schema)
    changes: list[str] = []
    looked_up = 0
    for column, literal in _compared_literals(tree):
        binding = bindings.of(column)
        value = literal.name
        if binding is None or not _WORDY.search(value) or not _is_text(binding.column):
            continue
        if binding.column.samples:
            match = _closest(value, binding.column.samples)
        elif looked_up < MAX_LITERALS:
            looked_up += 1
            match = _look_up(database, binding.table, binding.column, value)
        else:
            match = None
        if match is not None and match != value:
            literal.replace(exp.Literal.string(match))
            changes.append(f"'{value}' → '{match}' ({binding.table.name}.{binding.column.name})")
    return ValueMatch(tree.sql(database.dialect), changes) if changes else ValueMatch(sql)


def _compared_literals(tree: exp.Expression) -> list[tuple[exp.Column, exp.Literal]]:
    pairs = []
    for node in tree.find_all(exp.EQ, exp.NEQ, exp.In):
        if isinstance(node, exp.In):
            column, literals = node.this, node.expressions
        else:
            column, other = node.this, node.expression
            if isinstance(other, exp.Column) and isinstance(column, exp.Literal):
                column, other = other, column
            literals = [other]
        if isinstance(column, exp.Column):
            pairs += [(column, lit) for lit in literals if isinstance(lit, exp.Literal) and lit.is_string]
    return pairs


def _is_text(column: Column) -> bool:
    """Text columns (and untyped ones, as SQLite allows); dates kept as text are not matched."""
    return bool(column.samples) or column_kind(column) in ("text", None)


def _closest(value: str, known: tuple[str, ...]) -> str | None:
    """The one known value equal to ``value`` ignoring case and spacing, else the one close spelling."""
    if value in known:
        return value
    wanted = _fold(value)
    folded = [k for k in known if k.casefold() == wanted]
    if len(folded) == 1:
        return folded[0]
    close = difflib.get_close_matches(wanted, [k.casefold() for k in known], n=2, cutoff=0.8)
    if len(close) == 1:
        return next(k for k in known if k.casefold() == close[0])
    return None


def _fold(text: str) -> str:
    """The literal as the user meant it: spacing tidied, case ignored. Stored values are only
    case-folded: a value stored with stray spaces (``' APG'``) is not what a query for ``'APG'`` means."""
    return " ".join(text.split()).casefold()


def _look_up(database: Database, table: Table, column: Column, value: str) -> str | None:
    """Ask the database: is ``value`` there as written; if not, is exactly one value equal to it when
    case is ignored?"""
    source = exp.to_table(table.name, quoted=True)
    target = exp.column(column.name, quoted=True)
    exact = (
        exp.select(exp.Literal.number(1)).from_(source).where(target.eq(exp.Literal.string(value))).limit(1)
    )
    folded = exp.func("LOWER", target.copy())
    loose = (
        exp.select(target.copy())
        .distinct()
        .from_(source.copy())
        .where(folded.eq(exp.Literal.string(" ".join(value.split()).lower())))
        .limit(2)
    )
    try:
        if run_query(database, exact.sql(database.dialect), max_rows=1, timeout_s=LOOKUP_TIMEOUT_S).rows:
            return value
        rows = run_query(database, loose.sql(database.dialect), max_rows=2, timeout_s=LOOKUP_TIMEOUT_S).rows
    except ChatBIError:
        return None
    return str(rows[0][0]) if len(rows) == 1 and rows[0][0] is not None else None
