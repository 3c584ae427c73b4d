"""What a correction changed in a query, clause by clause, in words a person can read.

Both queries are split into the elements of their outermost SELECT (output columns, joins, each AND-ed
condition of WHERE and HAVING, grouping keys, ORDER BY, LIMIT, and the rest). Elements whose normalized
SQL is the same on both sides are unchanged; the others are paired (conditions on the same column, output
columns of the same name, joins of the same table, then the node matchings of sqlglot's tree diff,
``sqlglot.diff``) and each pair, or each element left over, becomes one :class:`Change`.

Example:
    >>> [c.description for c in diff("SELECT * FROM orders WHERE status = 'cancelled' LIMIT 10",
    ...                              "select * from ORDERS where status <> 'cancelled' limit 5")]
    ["status = 'cancelled' → status <> 'cancelled'", 'limit 10 → 5']
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

from sqlglot import exp
from sqlglot.diff import Keep, Move, Update
from sqlglot.diff import diff as tree_diff

from explain.parse import parse_statement
from explain.plan_conditions import read_condition, time_bounds
from explain.plan_read import aggregates, clause, conjuncts, joins, normalized, outermost_select

ChangeKind = Literal[
    "filter-value",
    "added-condition",
    "removed-condition",
    "join",
    "aggregate",
    "grouping",
    "ordering",
    "limit",
    "columns",
    "other",
]
CHANGE_KINDS: tuple[ChangeKind, ...] = ChangeKind.__args__  # type: ignore[attr-defined]
Links = dict[int, set[int]]
"""``id(node of the old tree)`` → ids of the nodes of the new tree sqlglot's diff matched it with."""


@dataclass(frozen=True)
class Change:
    """One change of a correction.

    Example:
        >>> Change("limit", "limit 10 → 5", "LIMIT 10", "LIMIT 5").to_dict()["kind"]
        'limit'
    """

    kind: ChangeKind
    description: str
    """Short English text: ``status = 'cancelled' → status <> 'cancelled'``, ``added limit 5``."""
    before: str | None = None
    """The changed part of the old query as SQL (None when it was added)."""
    after: str | None = None
    """The changed part of the new query as SQL (None when it was removed)."""

    def to_dict(self) -> dict[str, Any]:
        """Plain data, as the feedback log stores it."""
        return asdict(self)


def diff(before: str, after: str, dialect: str = "sqlite") -> list[Change]:
    """The changes from ``before`` to ``after``, in clause order; [] when they are the same query
    (also when they differ only in whitespace, keyword case or identifier case).

    Raises:
        UnparsableSQLError: one of them is not one statement that parses.

    Example:
        >>> diff("SELECT a FROM t", "select A  from T")
        []
        >>> [(c.kind, c.description) for c in diff("SELECT a, COUNT(*) FROM t GROUP BY a",
        ...                                        "SELECT a, b, COUNT(*) FROM t GROUP BY a, b")]
        [('columns', 'added column b'), ('grouping', 'added grouping by b')]
    """
    old, new = parse_statement(before, dialect), parse_statement(after, dialect)
    if normalized(old, dialect) == normalized(new, dialect):
        return []
    old_select, new_select = outermost_select(old), outermost_select(new)
    if old_select is None or new_select is None:
        return [Change("other", "the query changed", old.sql(dialect), new.sql(dialect))]
    links = _links(old, new)
    return [
        *_output(old_select, new_select, dialect, links),
        *_joins(old_select, new_select, dialect, links),
        *_conditions(old_select, new_select, exp.Where, dialect, links),
        *_grouping(old_select, new_select, dialect),
        *_conditions(old_select, new_select, exp.Having, dialect, links),
        *_whole(old_select, new_select, exp.Order, "ordering", "order by", dialect),
        *_whole(old_select, new_select, exp.Limit, "limit", "limit", dialect),
        *_whole(old_select, new_select, exp.Fetch, "limit", "fetch", dialect),
        *_whole(old_select, new_select, exp.Offset, "limit", "offset", dialect),
        *_rest(old_select, new_select, dialect),
    ]


def _links(old: exp.Expression, new: exp.Expression) -> Links:
    links: Links = {}
    for edit in tree_diff(old, new, delta_only=False):
        if isinstance(edit, Keep | Update | Move):
            links.setdefault(id(edit.source), set()).add(id(edit.target))
    return links


def _pair(
    olds: Sequence[exp.Expression],
    news: Sequence[exp.Expression],
    dialect: str,
    links: Links,
    key: Callable[[exp.Expression], Any] | None = None,
    linkable: Callable[[exp.Expression, exp.Expression], bool] = lambda a, b: True,
) -> tuple[list[tuple[exp.Expression, exp.Expression]], list[exp.Expression], list[exp.Expression]]:
    """``(changed pairs, removed, added)``: equal elements drop out, then pairs by ``key``, then by links."""
    left, right = list(olds), list(news)
    for node in list(left):
        match = next((n for n in right if normalized(n, dialect) == normalized(node, dialect)), None)
        if match is not None:
            left.remove(node)
            right.remove(match)
    pairs = []
    if key is not None:
        for node in list(left):
            wanted = key(node)
            match = next((n for n in right if wanted is not None and key(n) == wanted), None)
            if match is not None:
                pairs.append((node, match))
                left.remove(node)
                right.remove(match)
    scored = sorted(
        (
            (_linked(a, b, links), i, j)
            for i, a in enumerate(left)
            for j, b in enumerate(right)
            if linkable(a, b)
        ),
        key=lambda s: (-s[0], s[1], s[2]),
    )
    used_left, used_right = set(), set()
    for score, i, j in scored:
        if score and i not in used_left and j not in used_right:
            pairs.append((left[i], right[j]))
            used_left.add(i)
            used_right.add(j)
    removed = [n for i, n in enumerate(left) if i not in used_left]
    added = [n for j, n in enumerate(right) if j not in used_right]
    return pairs, removed, added


def _linked(a: exp.Expression, b: exp.Expression, links: Links) -> int:
    targets = {id(n) for n in b.walk()}
    return sum(len(links.get(id(n), set()) & targets) for n in a.walk())


def _masked(node: exp.Expression, dialect: str) -> str:
    """``node``'s normalized SQL with every literal replaced by ``?``: equal when only values differ."""
    copy = node.copy()
    for literal in list(copy.find_all(exp.Literal)):
        literal.replace(exp.Placeholder())
    return normalized(copy, dialect)


def _output(old: exp.Select, new: exp.Select, dialect: str, links: Links) -> list[Change]:
    def name(item: exp.Expression) -> str | None:
        named = item.alias or (item.name if isinstance(item, exp.Column) else "")
        return named.lower() or None

    pairs, removed, added = _pair(old.expressions, new.expressions, dialect, links, key=name)
    for measure in (True, False):  # what is left: a replaced measure, a replaced column, in order
        gone = [i for i in removed if bool(aggregates(i)) == measure]
        come = [i for i in added if bool(aggregates(i)) == measure]
        for before, after in zip(gone, come, strict=False):
            pairs.append((before, after))
            removed.remove(before)
            added.remove(after)
    changes = []
    for before, after in pairs:
        same_value = normalized(before.unalias(), dialect) == normalized(after.unalias(), dialect)
        kind = "aggregate" if not same_value and (aggregates(before) or aggregates(after)) else "columns"
        changes.append(
            Change(kind, f"{before.sql(dialect)} → {after.sql(dialect)}", *_sql(before, after, dialect))
        )
    for item in removed:
        measure = bool(aggregates(item))
        text = f"removed {'measure' if measure else 'column'} {item.sql(dialect)}"
        changes.append(Change("aggregate" if measure else "columns", text, item.sql(dialect), None))
    for item in added:
        measure = bool(aggregates(item))
        text = f"added {'measure' if measure else 'column'} {item.sql(dialect)}"
        changes.append(Change("aggregate" if measure else "columns", text, None, item.sql(dialect)))
    if not changes:
        names = (
            [normalized(i, dialect) for i in old.expressions],
            [normalized(i, dialect) for i in new.expressions],
        )
        if names[0] != names[1]:
            listed = [", ".join(i.sql(dialect) for i in s.expressions) for s in (old, new)]
            changes.append(Change("columns", f"reordered columns: {listed[0]} → {listed[1]}", *listed))
    return changes


def _joins(old: exp.Select, new: exp.Select, dialect: str, links: Links) -> list[Change]:
    def table(join: exp.Expression) -> str:
        return join.this.alias_or_name.lower()

    pairs, removed, added = _pair(joins(old), joins(new), dialect, links, key=table)
    changes = [Change("join", f"{a.sql(dialect)} → {b.sql(dialect)}", *_sql(a, b, dialect)) for a, b in pairs]
    changes += [Change("join", f"removed {j.sql(dialect)}", j.sql(dialect), None) for j in removed]
    changes += [Change("join", f"added {j.sql(dialect)}", None, j.sql(dialect)) for j in added]
    return changes


def _conditions(
    old: exp.Select, new: exp.Select, kind: type[exp.Expression], dialect: str, links: Links
) -> list[Change]:
    def subject(node: exp.Expression) -> str | None:
        condition = read_condition(node)
        if condition.subject is None:
            return None
        time = time_bounds(condition, dialect)
        return normalized(time[0] if time else condition.subject, dialect)

    def same_shape(a: exp.Expression, b: exp.Expression) -> bool:
        return _masked(a, dialect) == _masked(b, dialect)

    olds, news = ([_bare(c) for c in conjuncts(clause(s, kind))] for s in (old, new))
    pairs, removed, added = _pair(olds, news, dialect, links, key=subject, linkable=same_shape)
    where = " (HAVING)" if kind is exp.Having else ""
    changes = [
        Change("filter-value", f"{a.sql(dialect)} → {b.sql(dialect)}{where}", *_sql(a, b, dialect))
        for a, b in pairs
    ]
    changes += [
        Change("removed-condition", f"removed condition {c.sql(dialect)}{where}", c.sql(dialect))
        for c in removed
    ]
    changes += [
        Change("added-condition", f"added condition {c.sql(dialect)}{where}", None, c.sql(dialect))
        for c in added
    ]
    return changes


def _bare(node: exp.Expression) -> exp.Expression:
    """``node`` without the parentheses around it: ``(a = 1 OR b = 2)`` reads as ``a = 1 OR b = 2``."""
    while isinstance(node, exp.Paren):
        node = node.this
    return node


def _grouping(old: exp.Select, new: exp.Select, dialect: str) -> list[Change]:
    keys = [list(g.expressions) if g else [] for g in (clause(old, exp.Group), clause(new, exp.Group))]
    _, removed, added = _pair(keys[0], keys[1], dialect, {})
    changes = []
    for before, after in zip(removed, added, strict=False):
        text = f"grouping by {before.sql(dialect)} → {after.sql(dialect)}"
        changes.append(Change("grouping", text, *_sql(before, after, dialect)))
    for key in removed[len(added) :]:
        changes.append(Change("grouping", f"removed grouping by {key.sql(dialect)}", key.sql(dialect), None))
    for key in added[len(removed) :]:
        changes.append(Change("grouping", f"added grouping by {key.sql(dialect)}", None, key.sql(dialect)))
    if not changes and [normalized(k, dialect) for k in keys[0]] != [normalized(k, dialect) for k in keys[1]]:
        listed = [", ".join(k.sql(dialect) for k in side) for side in keys]
        changes.append(Change("grouping", f"reordered grouping: {listed[0]} → {listed[1]}", *listed))
    return changes


def _whole(
    old: exp.Select, new: exp.Select, kind: type[exp.Expression], change: ChangeKind, word: str, dialect: str
) -> list[Change]:
    before, after = clause(old, kind), clause(new, kind)
    text = [_clause_text(n, dialect) if n is not None else None for n in (before, after)]
    if text[0] == text[1] or (
        before is not None and after is not None and normalized(before, dialect) == normalized(after, dialect)
    ):
        return []
    sql = [n.sql(dialect) if n is not None else None for n in (before, after)]
    if text[0] is None:
        return [Change(change, f"added {word} {text[1]}", None, sql[1])]
    if text[1] is None:
        return [Change(change, f"removed {word} {text[0]}", sql[0], None)]
    return [Change(change, f"{word} {text[0]} → {text[1]}", sql[0], sql[1])]


def _clause_text(node: exp.Expression, dialect: str) -> str:
    if isinstance(node, exp.Order):
        return ", ".join(o.sql(dialect) for o in node.expressions)
    if isinstance(node, exp.Fetch):
        return node.args["count"].sql(dialect) if node.args.get("count") else node.sql(dialect)
    return node.expression.sql(dialect) if node.expression is not None else node.sql(dialect)


_ELEMENTS = (exp.Join, exp.Where, exp.Having, exp.Group, exp.Order, exp.Limit, exp.Fetch, exp.Offset)


def _rest(old: exp.Select, new: exp.Select, dialect: str) -> list[Change]:
    """Changes outside the elements above: FROM, DISTINCT, WITH, window definitions…"""
    skeletons = []
    for select in (old, new):
        copy = select.copy()
        copy.set("expressions", [exp.Star()])
        for child in [c for c in copy.iter_expressions() if isinstance(c, _ELEMENTS)]:
            child.pop()
        skeletons.append(copy)
    if normalized(skeletons[0], dialect) == normalized(skeletons[1], dialect):
        return []
    changes = []
    for kind, word in ((exp.With, "the WITH clause"), (exp.From, "FROM")):
        parts = [clause(s, kind) for s in (old, new)]
        keys = [normalized(p, dialect) if p is not None else "" for p in parts]
        if keys[0] == keys[1]:
            continue
        sql = [p.sql(dialect) if p is not None else None for p in parts]
        if sql[0] is None:
            text = f"added {sql[1]}"
        elif sql[1] is None:
            text = f"removed {sql[0]}"
        else:
            text = f"{sql[0]} → {sql[1]}" if kind is exp.From else f"changed {word}"
        changes.append(Change("other", text, *sql))
    distinct = [bool(s.args.get("distinct")) for s in (old, new)]
    if distinct[0] != distinct[1]:
        changes.append(Change("other", "added DISTINCT" if distinct[1] else "removed DISTINCT"))
    if not changes:
        sql = [s.sql(dialect) for s in skeletons]
        changes.append(Change("other", "changed another part of the query", *sql))
    return changes


def _sql(before: exp.Expression, after: exp.Expression, dialect: str) -> tuple[str, str]:
    return before.sql(dialect), after.sql(dialect)
