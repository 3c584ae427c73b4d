"""Spider's difficulty classes (easy, medium, hard, extra), computed from the parsed ``sql`` field of
Spider's JSON the way the official evaluation script does, so per-class numbers compare with papers.

Example:
    >>> simple = {"select": [False, [[3, [0, [0, 0, False], None]]]],
    ...     "from": {"table_units": [["table_unit", 0]], "conds": []}, "where": [], "groupBy": [],
    ...     "having": [], "orderBy": [], "limit": None, "intersect": None, "union": None, "except": None}
    >>> spider_hardness(simple)
    'easy'
"""

from __future__ import annotations

from typing import Any

LIKE_OPERATOR = 9
"""Index of ``like`` in Spider's WHERE_OPS."""


def spider_hardness(sql: dict[str, Any]) -> str:
    """The official class of one parsed Spider query."""
    component1 = _count_component1(sql)
    component2 = len(_nested(sql))
    others = _count_others(sql)
    if component1 <= 1 and others == 0 and component2 == 0:
        return "easy"
    if (others <= 2 and component1 <= 1 and component2 == 0) or (
        component1 <= 2 and others < 2 and component2 == 0
    ):
        return "medium"
    if (
        (others > 2 and component1 <= 2 and component2 == 0)
        or (2 < component1 <= 3 and others <= 2 and component2 == 0)
        or (component1 <= 1 and others == 0 and component2 <= 1)
    ):
        return "hard"
    return "extra"


def _conditions(sql: dict[str, Any]) -> list[Any]:
    return sql["from"]["conds"][::2] + sql["where"][::2] + sql["having"][::2]


def _nested(sql: dict[str, Any]) -> list[Any]:
    nested = []
    for unit in _conditions(sql):
        nested += [value for value in (unit[3], unit[4]) if isinstance(value, dict)]
    nested += [sql[key] for key in ("intersect", "except", "union") if sql.get(key)]
    return nested


def _count_component1(sql: dict[str, Any]) -> int:
    count = sum(1 for key in ("where", "groupBy", "orderBy") if sql[key])
    count += sql["limit"] is not None
    if sql["from"]["table_units"]:
        count += len(sql["from"]["table_units"]) - 1
    connectors = sql["from"]["conds"][1::2] + sql["where"][1::2] + sql["having"][1::2]
    count += sum(1 for c in connectors if c == "or")
    count += sum(1 for unit in _conditions(sql) if unit[1] == LIKE_OPERATOR)
    return count


def _count_aggregates(units: list[Any]) -> int:
    return sum(1 for unit in units if unit[0] != 0)


def _count_others(sql: dict[str, Any]) -> int:
    aggregates = _count_aggregates(sql["select"][1]) + _count_aggregates(sql["where"][::2])
    aggregates += _count_aggregates(sql["groupBy"])
    if sql["orderBy"]:
        units = [u[1] for u in sql["orderBy"][1] if u[1]] + [u[2] for u in sql["orderBy"][1] if u[2]]
        aggregates += _count_aggregates(units)
    aggregates += _count_aggregates(sql["having"])
    count = int(aggregates > 1)
    count += len(sql["select"][1]) > 1
    count += len(sql["where"]) > 1
    count += len(sql["groupBy"]) > 1
    return count
