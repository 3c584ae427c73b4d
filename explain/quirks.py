"""Dialect quirks that real queries rely on, resolved on the AST before checking.

SQLite (and MySQL in its default mode) read a double-quoted word that names no column as a string
literal: ``WHERE country = "France"``. Spider's gold queries and models trained on them write that
all the time; sqlglot reads it as a column. :func:`resolve_double_quoted_strings` turns such
columns back into the string literals the database sees.

Example:
    >>> import sqlglot
    >>> tree = sqlglot.parse_one('SELECT name FROM singer WHERE country = "France"', read="sqlite")
    >>> resolve_double_quoted_strings(tree, {"singer": {"name": "TEXT", "country": "TEXT"}}).sql("sqlite")
    "SELECT name FROM singer WHERE country = 'France'"
"""

from __future__ import annotations

from sqlglot import exp

DIALECTS_WITH_DOUBLE_QUOTED_STRINGS = frozenset({"sqlite", "mysql"})


def resolve_double_quoted_strings(tree: exp.Expression, mapping: dict[str, dict[str, str]]) -> exp.Expression:
    """Replace unqualified, double-quoted "columns" that name no column of ``mapping`` by strings.

    Args:
        tree: a parsed statement (changed in place and returned).
        mapping: ``{table: {column: type}}`` of the database.
    """
    known = {column.lower() for columns in mapping.values() for column in columns}
    aliases = {alias.name.lower() for alias in tree.find_all(exp.Alias)}
    for column in list(tree.find_all(exp.Column)):
        identifier = column.this
        if (
            isinstance(identifier, exp.Identifier)
            and identifier.quoted
            and not column.table
            and identifier.name.lower() not in known
            and identifier.name.lower() not in aliases
        ):
            column.replace(exp.Literal.string(identifier.name))
    return tree
