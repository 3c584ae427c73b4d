"""Joins a semantic query may make: only along declared relationships, from the many side to the one
side (or either way for one-to-one), so a join never repeats the rows a metric aggregates.

Example:
    >>> from nl2sql.semantic.load import parse_model
    >>> model = parse_model('''
    ... tables: [{name: orders}, {name: customers}, {name: regions}]
    ... relationships:
    ...   - {left_table: orders, right_table: customers,
    ...      relationship_columns: [{left_column: customer_id, right_column: customer_id}]}
    ...   - {left_table: customers, right_table: regions,
    ...      relationship_columns: [{left_column: region_id, right_column: region_id}]}
    ... ''')
    >>> [(s.left, s.right) for s in join_path(model, "orders", {"regions"})]
    [('orders', 'customers'), ('customers', 'regions')]
    >>> join_path(model, "regions", {"orders"})
    Traceback (most recent call last):
    ...
    nl2sql.semantic.paths.UnreachableTableError: orders cannot be reached from regions without repeating \
its rows (no many-to-one path)
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from nl2sql.errors import ChatBIError
from nl2sql.semantic.model import SemanticModel


class UnreachableTableError(ChatBIError):
    """A table the query needs is not on a many-to-one path from the metric's table."""


@dataclass(frozen=True)
class JoinStep:
    """Join ``right`` to the query, where ``left`` is already in it."""

    left: str
    right: str
    columns: tuple[tuple[str, str], ...]
    """(column of left, column of right) pairs."""
    inner: bool = False


def reachable(model: SemanticModel, home: str) -> dict[str, JoinStep | None]:
    """Every table reachable from ``home`` without fan-out, with the step that reaches it first."""
    edges: dict[str, list[JoinStep]] = {}
    for r in model.relationships:
        inner = r.join_type == "inner"
        edges.setdefault(r.left_table.lower(), []).append(
            JoinStep(r.left_table, r.right_table, r.columns, inner)
        )
        if r.relationship_type == "one_to_one":
            back = tuple((right, left) for left, right in r.columns)
            edges.setdefault(r.right_table.lower(), []).append(
                JoinStep(r.right_table, r.left_table, back, inner)
            )
    found: dict[str, JoinStep | None] = {home.lower(): None}
    queue = deque([home.lower()])
    while queue:
        table = queue.popleft()
        for step in edges.get(table, []):
            if step.right.lower() not in found:
                found[step.right.lower()] = step
                queue.append(step.right.lower())
    return found


def join_path(model: SemanticModel, home: str, needed: set[str]) -> list[JoinStep]:
    """The joins that bring every table in ``needed`` into a query over ``home``, in join order.

    Raises:
        UnreachableTableError: a needed table is not on a many-to-one path from ``home``.
    """
    found = reachable(model, home)
    steps: list[JoinStep] = []
    for table in sorted(needed, key=str.lower):
        if table.lower() not in found:
            raise UnreachableTableError(
                f"{table} cannot be reached from {home} without repeating its rows (no many-to-one path)"
            )
        chain = []
        step = found[table.lower()]
        while step is not None:
            chain.append(step)
            step = found[step.left.lower()]
        for link in reversed(chain):
            if link not in steps:
                steps.append(link)
    return steps
