"""Whether a join follows a key: column equalities checked against the schema's primary and foreign
keys, directly or through other equalities, with the columns pinned to constants.

Example:
    >>> groups = Components()
    >>> groups.link({("o", "customer_id"), ("c", "customer_id")})
    >>> groups.root(("o", "customer_id")) == groups.root(("c", "customer_id"))
    True
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import TYPE_CHECKING

from sqlglot import exp

from explain.rules.tree import base_table, join_conditions, source_of
from explain.rules.types import column_kind

if TYPE_CHECKING:
    from explain.rules import LintContext
    from nl2sql.schema import Table


class Components:
    """Which things the conditions link together (union-find): FROM sources, or columns.

    Example:
        >>> groups = Components(["a", "b", "c"])
        >>> groups.link({"a", "c"})
        >>> groups.root("a") == groups.root("c") != groups.root("b")
        True
    """

    def __init__(self, members: Iterable[Hashable] = ()) -> None:
        self._parent: dict[Hashable, Hashable] = {member: member for member in members}

    def root(self, member: Hashable) -> Hashable:
        while self._parent.get(member, member) != member:
            member = self._parent[member]
        return member

    def members(self) -> list[Hashable]:
        return list(self._parent)

    def link(self, members: set[Hashable]) -> None:
        for member in members:
            self._parent.setdefault(member, member)
        roots = sorted({self.root(m) for m in members}, key=repr)
        for other in roots[1:]:
            self._parent[other] = roots[0]


class Equalities:
    """The column equalities of one SELECT's ON and WHERE conditions: those between two base tables
    as written, the columns pinned to a constant, and which columns are equal through others.

    Example:
        >>> from explain.rules import LintContext
        >>> from nl2sql.schema import Column, Schema, Table
        >>> schema = Schema("sqlite", (
        ...     Table("a", (Column("id", "INT"), Column("x", "INT")), primary_key=("id",)),
        ...     Table("b", (Column("id", "INT"), Column("x", "INT")), primary_key=("id",))))
        >>> context = LintContext.of("SELECT 1 FROM a JOIN b ON a.x = b.x WHERE b.id = 3", schema)
        >>> links = Equalities(context, context.tree)
        >>> list(links.direct), links.pinned, links.keyed("a", "b")
        ([('a', 'b')], {'b': {'id'}}, True)
    """

    def __init__(self, context: LintContext, select: exp.Select) -> None:
        self.direct: dict[tuple[str, str], list[exp.Expression]] = {}
        self.pinned: dict[str, set[str]] = {}
        self.tables: dict[str, Table] = {}
        self._equal = Components()
        for predicate in join_conditions(select):
            if isinstance(predicate, exp.EQ):
                self._add(context, select, predicate)

    def _add(self, context: LintContext, select: exp.Select, predicate: exp.EQ) -> None:
        left, right = predicate.this, predicate.expression
        if isinstance(right, exp.Column) and not isinstance(left, exp.Column):
            left, right = right, left
        if not isinstance(left, exp.Column) or not isinstance(right, exp.Column | exp.Literal):
            return
        source = source_of(context, left)
        if isinstance(right, exp.Literal):
            if source:
                self.pinned.setdefault(source, set()).add(left.name.lower())
            return
        other = source_of(context, right)
        if source is None or other is None or source == other:
            return
        for alias in (source, other):
            table = base_table(context, select, alias)
            if table is not None:
                self.tables[alias] = table
        self._equal.link({(source, left.name.lower()), (other, right.name.lower())})
        if source in self.tables and other in self.tables:
            a, b = sorted((source, other))
            self.direct.setdefault((a, b), []).append(predicate)

    def keyed(self, a: str, b: str) -> bool:
        """Whether sources ``a`` and ``b`` are joined along a key, in either direction."""
        columns = self.implied(a, b)
        table, other = self.tables[a], self.tables[b]
        if _keyed(table, other, columns, self.pinned.get(a, set())):
            return True
        return _keyed(other, table, [(y, x) for x, y in columns], self.pinned.get(b, set()))

    def implied(self, a: str, b: str) -> list[tuple[str, str]]:
        """Every (column of a, column of b) pair the conditions make equal, directly or through others."""
        members = self._equal.members()
        ours = [m for m in members if m[0] == a]
        theirs = [m for m in members if m[0] == b]
        return [(x[1], y[1]) for x in ours for y in theirs if self._equal.root(x) == self._equal.root(y)]


def _keyed(table: Table, other: Table, columns: list[tuple[str, str]], pinned: set[str]) -> bool:
    """Whether the equalities ``(column of table, column of other)`` match at most one row of ``table``
    for each row of ``other`` along a key: a declared foreign key (either way), or ``table``'s primary
    key met by same-named columns, by a plain column that may reference it, or by constants."""
    if any(_foreign_key(table, x, other, y) or _foreign_key(other, y, table, x) for x, y in columns):
        return True
    key = {k.lower() for k in table.primary_key}
    met = {
        x for x, y in columns if x == y or (x in key and len(key) == 1 and _may_reference(other, y, table))
    }
    return bool(key) and key <= met | pinned


def _may_reference(owner: Table, column: str, table: Table) -> bool:
    """Whether ``owner.column`` may be an undeclared reference to ``table``'s single-column key: it has
    no foreign key of its own, holds the same kind of value (no text column pointing at an integer key),
    and either is named after ``table`` (start_station_id → station) or ``owner`` declares no foreign
    keys at all and the column is not ``owner``'s own primary key (two tables' ids never match)."""
    if any(column in {c.lower() for c in key.columns} for key in owner.foreign_keys):
        return False
    if not _same_kind(owner, column, table, table.primary_key[0]):
        return False
    name = table.name.lower()
    if any(stem in column for stem in {name, name.removesuffix("s")} if stem):
        return True
    own_key = [k.lower() for k in owner.primary_key]
    return not owner.foreign_keys and own_key != [column]


def _same_kind(owner: Table, column: str, table: Table, key: str) -> bool:
    try:
        kinds = {column_kind(owner.column(column)), column_kind(table.column(key))}
    except KeyError:
        return True
    numeric = {"integer", "real"}
    return not (kinds & numeric and "text" in kinds)


def _foreign_key(table: Table, column: str, target: Table, target_column: str) -> bool:
    return any(
        key.ref_table.lower() == target.name.lower()
        and (column, target_column)
        in zip([c.lower() for c in key.columns], [c.lower() for c in key.ref_columns], strict=False)
        for key in table.foreign_keys
    )
