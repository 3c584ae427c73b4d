"""Follow-ups on a semantic answer, answered from the semantic model too: "now only for 2025", "and per
channel?", "同比呢？" change the previous semantic query slot by slot, and the result is compiled, never
written by the language model.

The previous answer counts only when its SQL is still the one its question compiles to (an answer the
user edited by hand has no semantic query any more). The follow-up is read by the rule mapper; it is
merged only when every content word is explained and it asks nothing the merge cannot say: a negation
("exclude SMB", "不含线上") or a removal ("drop the time filter") goes to the language model as before.

Example:
    >>> from datetime import date
    >>> from nl2sql.demo.semantic import demo_semantic_model
    >>> model, today = demo_semantic_model(), date(2026, 6, 30)
    >>> first = route_question("Revenue by region this year", model, "sqlite", today).reading
    >>> reading = follow_up_reading("Revenue by region this year", first.sql, "and per channel?",
    ...                             model, "sqlite", today)
    >>> reading.text
    'revenue by region, channel · this year (2026-01-01 to 2026-06-30)'
    >>> follow_up_reading("Revenue by region this year", first.sql, "exclude SMB customers", model, "sqlite",
    ...                   today) is None
    True
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from nl2sql.semantic.mapper import map_question
from nl2sql.semantic.query import Comparison, Ranking, SemanticQuery, SemanticQueryError
from nl2sql.semantic.route import Reading, question_language, reading_of, route_question

if TYPE_CHECKING:
    from datetime import date

    from nl2sql.semantic.model import SemanticModel

CANNOT_MERGE = re.compile(
    r"\b(?:exclud\w*|without|except|not|no longer|remove|drop|delete|undo|instead of|rather than)\b"
    r"|不含|不包括|除了|除去|去掉|排除|不要|不算|取消|删掉|而不是",
    re.IGNORECASE,
)
"""What a merge of slots cannot express: negations and removals."""
FOLLOW_UP_WORDS = frozenset(
    [
        "now",
        "only",
        "just",
        "also",
        "too",
        "and",
        "then",
        "same",
        "again",
        "instead",
        "what",
        "how",
        "about",
        "break",
        "split",
        "it",
        "down",
        "them",
        "those",
        "these",
        "that",
        "this",
        "one",
        "ones",
        "as",
        "well",
        "那",
        "只",
        "只看",
        "再",
        "换成",
        "改成",
        "其中",
        "这些",
        "它们",
        "呢",
        "也",
        "还有",
    ]
)
"""Words that say "change the last answer", not what to change."""


def follow_up_reading(
    previous_question: str,
    previous_sql: str,
    question: str,
    model: SemanticModel,
    dialect: str,
    today: date,
    *,
    lang: str | None = None,
) -> Reading | None:
    """The reading of ``question`` as a change of the previous semantic answer, compiled; None when the
    previous answer is not a semantic one as compiled, or the follow-up cannot be merged surely."""
    if CANNOT_MERGE.search(question):
        return None
    lang = lang or question_language(question)
    previous = route_question(
        previous_question, model, dialect, today, lang=question_language(previous_question)
    )
    reading = previous.reading
    if previous.path != "semantic" or reading is None or reading.query is None:
        return None
    if _squeezed(reading.sql) != _squeezed(previous_sql) or reading.query.intent != "metric":
        return None
    # read as a question about the previous metric, so that "by month" is a grain and "per channel" a
    # grouping (alone, "per channel" reads as a listing of channels)
    prefix = reading.query.metrics[0].replace("_", " ") + ", "
    mapping = map_question(prefix + question, model, today)
    if [word for word in mapping.unexplained if word.lower() not in FOLLOW_UP_WORDS]:
        return None
    named = [m.target.name for m in mapping.matches if m.kind == "metric" and m.start >= len(prefix)]
    change = replace(mapping.query, metrics=tuple(dict.fromkeys(named)))
    merged = merge(reading.query, change, metrics_named=bool(named))
    if merged == reading.query:
        return None
    try:
        return reading_of(merged, model, dialect=dialect, today=today, lang=lang)
    except SemanticQueryError:
        return None


def merge(previous: SemanticQuery, change: SemanticQuery, *, metrics_named: bool = True) -> SemanticQuery:
    """``previous`` with what ``change`` says: its metrics (when it names any), window, grain,
    comparison and ranking replace the previous ones; its groupings, named filters and conditions on
    related rows are added; its filters replace those on the same field and are added otherwise.

    Example:
        >>> from nl2sql.semantic.query import Filter
        >>> before = SemanticQuery(metrics=("revenue",), group_by=("region",), time_range="this_year",
        ...                        filters=(Filter("segment", "=", ("SMB",)),))
        >>> after = merge(before, SemanticQuery(time_range="2025", filters=(Filter("segment", "=", ("Enterprise",)),)),
        ...               metrics_named=False)
        >>> after.metrics, after.group_by, after.time_range, after.filters
        (('revenue',), ('region',), '2025', (Filter(field='segment', op='=', values=('Enterprise',)),))
    """  # noqa: E501
    changed_fields = {f.field for f in change.filters}
    kept = previous.ranking
    if metrics_named and change.metrics and kept.values_only:  # a metric named now is shown
        kept = replace(kept, values_only=False)
    return replace(
        previous,
        metrics=change.metrics if metrics_named and change.metrics else previous.metrics,
        group_by=tuple(dict.fromkeys([*previous.group_by, *change.group_by])),
        time_range=change.time_range if change.time_range != "all" else previous.time_range,
        time_grain=change.time_grain if change.time_grain != "none" else previous.time_grain,
        filters=tuple(f for f in previous.filters if f.field not in changed_fields) + change.filters,
        named_filters=tuple(dict.fromkeys([*previous.named_filters, *change.named_filters])),
        comparison=change.comparison if change.comparison != Comparison() else previous.comparison,
        ranking=change.ranking if change.ranking != Ranking() else kept,
        share=previous.share or change.share,
        related=(*previous.related, *(r for r in change.related if r not in previous.related)),
    )


def _squeezed(sql: str) -> str:
    return " ".join(sql.split())
