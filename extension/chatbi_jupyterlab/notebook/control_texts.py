"""What the answer view's controls say, in words a non-programmer reads, in English and Chinese.

Example:
    >>> texts("zh")["operators"]["not in"], texts("fr")["apply"]
    ('不属于', 'Apply changes')
"""

from __future__ import annotations

from typing import Any

AGGREGATES = ("count", "sum", "avg", "min", "max")
"""What a measure's dropdown offers (for a number column; other columns: count, min and max)."""
TEXTS = {
    "en": {
        "change": "Change the query",
        "apply": "Apply changes",
        "after grouping": " (after grouping)",
        "in the last": "in the last",
        "from": "from",
        "to": "to",
        "grouped by": "grouped by",
        "sort by": "sort by",
        "rows": "rows to show (0 = all)",
        "buttons": {
            "edit": ("Edit SQL", "edit the SQL by hand"),
            "run": ("Run", "run the SQL (as edited)"),
            "accept": ("Accept", "this answer is right: log it (and learn from it once reviewed)"),
            "reject": ("Reject", "this answer is wrong: log it, with the reason beside"),
            "reason": ("what is wrong? (optional)", ""),
            "regenerate": ("Regenerate", "ask the model for another query"),
            "more": ("Show more rows", "show more of the result"),
        },
        "add condition": "only rows where",
        "sort instead": "sort instead by",
        "choose": "(choose a column)",
        "operators": {
            "=": "is",
            "<>": "is not",
            ">": "is more than",
            ">=": "is at least",
            "<": "is less than",
            "<=": "is at most",
            "in": "is one of",
            "not in": "is none of",
            "between": "is between",
            "like": "matches",
            "not like": "does not match",
            "is null": "is empty",
            "is not null": "is not empty",
        },
        "aggregates": {
            "count": "number of",
            "sum": "total",
            "avg": "average",
            "min": "lowest",
            "max": "highest",
        },
        "units": (("days", "day"), ("weeks", "week"), ("months", "month"), ("years", "year")),
        "directions": (("low to high", False), ("high to low", True)),
    },
    "zh": {
        "change": "修改查询",
        "apply": "应用修改",
        "after grouping": "（分组后）",
        "in the last": "最近",
        "from": "从",
        "to": "到",
        "grouped by": "分组依据",
        "sort by": "排序：",
        "rows": "显示行数（0 = 全部）",
        "buttons": {
            "edit": ("编辑 SQL", "手动修改 SQL"),
            "run": ("运行", "运行（修改后的）SQL"),
            "accept": ("正确", "这个回答是对的：记录下来（审核后用于学习）"),
            "reject": ("错误", "这个回答不对：记录下来，并在旁边写明原因"),
            "reason": ("哪里不对？（可选）", ""),
            "regenerate": ("重新生成", "让模型换一个查询"),
            "more": ("显示更多行", "显示更多结果"),
        },
        "add condition": "只看",
        "sort instead": "改为排序：",
        "choose": "（选择列）",
        "operators": {
            "=": "等于",
            "<>": "不等于",
            ">": "大于",
            ">=": "不小于",
            "<": "小于",
            "<=": "不大于",
            "in": "属于",
            "not in": "不属于",
            "between": "介于",
            "like": "匹配",
            "not like": "不匹配",
            "is null": "为空",
            "is not null": "不为空",
        },
        "aggregates": {"count": "个数", "sum": "总和", "avg": "平均", "min": "最小", "max": "最大"},
        "units": (("天", "day"), ("周", "week"), ("个月", "month"), ("年", "year")),
        "directions": (("从小到大", False), ("从大到小", True)),
    },
}
"""What the controls say, in words a non-programmer reads, in English and Chinese."""
UNITS = TEXTS["en"]["units"]
"""The time window units, as (label, value)."""
DIRECTIONS = TEXTS["en"]["directions"]


def texts(lang: str) -> dict[str, Any]:
    """The words of the controls in ``lang`` (``en`` or ``zh``; English for any other)."""
    return TEXTS.get(lang, TEXTS["en"])


def operator_options(lang: str) -> list[tuple[str, str]]:
    """(words, operator) for a filter's operator dropdown, in the order of
    :data:`explain.plan_conditions.OPERATORS`.

    Example:
        >>> operator_options("en")[:2]
        [('is', '='), ('is not', '<>')]
    """
    from explain.plan_conditions import OPERATORS

    words = texts(lang)["operators"]
    return [(words.get(operator, operator), operator) for operator in OPERATORS]
