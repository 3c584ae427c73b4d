"""Execution accuracy's comparison, as Spider's official scripts define it: two results match when
their rows are equal as multisets (as lists when the gold query orders them), allowing the predicted
columns to come in another order.

Example:
    >>> results_match([(1, "a"), (2, "b")], [("b", 2), ("a", 1)], ordered=False)
    True
    >>> results_match([(1,), (2,)], [(2,), (1,)], ordered=True)
    False
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

Row = tuple[Any, ...]
MAX_PERMUTATIONS = 5040
"""Column orders tried at most (7 columns); wider results must match column by column."""


def results_match(gold: Sequence[Row], predicted: Sequence[Row], *, ordered: bool) -> bool:
    """Whether ``predicted`` holds the same rows as ``gold`` (see the module docstring)."""
    if len(gold) != len(predicted):
        return False
    if not gold:
        return True
    width = len(gold[0])
    if any(len(row) != width for row in predicted):
        return False
    for order in _column_orders(gold, predicted, width):
        permuted = [tuple(row[i] for i in order) for row in predicted]
        if (permuted == list(gold)) if ordered else (Counter(permuted) == Counter(map(tuple, gold))):
            return True
    return False


def _column_orders(gold: Sequence[Row], predicted: Sequence[Row], width: int):
    """Orders of the predicted columns whose value multisets line up with the gold columns."""
    gold_columns = [Counter(row[i] for row in gold) for i in range(width)]
    predicted_columns = [Counter(row[i] for row in predicted) for i in range(width)]
    candidates = [[j for j in range(width) if predicted_columns[j] == gold_columns[i]] for i in range(width)]
    if any(not options for options in candidates):
        return
    tried = 0
    for order in itertools.product(*candidates):
        if len(set(order)) == width:
            yield order
            tried += 1
            if tried >= MAX_PERMUTATIONS:
                return


def orders_rows(sql: str, dialect: str = "sqlite") -> bool:
    """Whether the outermost query has an ORDER BY (then row order is part of the answer).

    Example:
        >>> orders_rows("SELECT a FROM t ORDER BY a")
        True
        >>> orders_rows("SELECT a FROM (SELECT a FROM t ORDER BY a)")
        False
    """
    try:
        tree = sqlglot.parse_one(sql, read=dialect)
    except SqlglotError:
        return "order by" in sql.lower()
    return tree.args.get("order") is not None if isinstance(tree, exp.Query) else False
