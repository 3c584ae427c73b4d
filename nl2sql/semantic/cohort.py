"""A window on another date: "revenue this year from the customers we *signed up last year*",
"去年*注册*的客户今年贡献了多少营收", "phones *launched since 2025*".

A question may name two windows: the one its metric is counted in (this year's revenue) and one on a
date of something else (when the customers signed up). The second is told apart by where it stands:
right beside a word for a date of the model (a time dimension's name or synonym: "signed up",
"注册", "launched"), with nothing between them but a preposition ("signed up *in* 2025", "注册*于*").
That window becomes a ``during`` filter on that date, and the question's own window is read without it.

Example:
    >>> from nl2sql.demo.semantic import demo_semantic_model
    >>> from nl2sql.semantic.mapper import map_question
    >>> query = map_question("revenue this year from customers who signed up last year",
    ...                      demo_semantic_model()).query
    >>> query.time_range, query.filters
    ('this_year', (Filter(field='signup_date', op='during', values=('last_year',)),))
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nl2sql.semantic.model import Field
from nl2sql.semantic.time_words import TimeReading, read_time

BETWEEN = re.compile(r"\s*(?:(?:in|during|on|within|over|since|from|at|back in)\s+)?|\s*[于在是的]?\s*")
"""What may stand between a date's word and its window: a preposition, or nothing."""


@dataclass(frozen=True)
class DateWindow:
    """A window on ``field`` (a time dimension), read from the question's ``span``."""

    field: Field
    time_range: str
    span: tuple[int, int]


def read_date_windows(
    question: str, time: TimeReading, dates: list[tuple[Field, int, int]]
) -> list[DateWindow]:
    """The windows of ``time`` (read from ``question``) that stand beside one of ``dates`` (a time
    dimension and where the question names it), each once.

    Example:
        >>> from nl2sql.semantic.model import Field
        >>> signup = Field("signup_date", "signup_date", "customers", kind="time_dimension")
        >>> question = "customers who signed up in 2025"
        >>> windows = read_date_windows(question, read_time(question), [(signup, 14, 23)])
        >>> [(w.time_range, w.span) for w in windows]
        [('2025', (24, 31))]
    """
    found: list[DateWindow] = []
    for start, end in time.spans:
        for field, word_start, word_end in dates:
            after = word_end <= start and BETWEEN.fullmatch(question[word_end:start])
            before = end <= word_start and BETWEEN.fullmatch(question[end:word_start])
            if not (after or before):
                continue
            window = read_time(question[start:end])
            if window.time_range != "all" and window.grain == "none" and window.comparison == "none":
                found.append(DateWindow(field, window.time_range, (start, end)))
                break
    return found


def without_spans(question: str, spans: list[tuple[int, int]]) -> str:
    """``question`` with ``spans`` blanked (same length, so other positions still hold).

    Example:
        >>> without_spans("revenue this year", [(8, 12)])
        'revenue      year'
    """
    for start, end in spans:
        question = question[:start] + " " * (end - start) + question[end:]
    return question
