"""The comparison, ranking and share a reader may choose for a semantic query
(:mod:`nl2sql.semantic.choices`): what is offered, in English and Chinese, what a change makes of the
query, and the SQL compiled from it on the demo database against hand-written SQL. The notebook's
interpretation chips offer the same choices (the panel's come from the same function, on the wire)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from nl2sql.connect import open_database
from nl2sql.execute import run_query
from nl2sql.semantic.choices import query_choices, with_slots, within_choices
from nl2sql.semantic.locate import database_semantic_model, database_today
from nl2sql.semantic.query import Comparison, Ranking, SemanticQuery, SemanticQueryError, Threshold
from nl2sql.semantic.route import reading_of
from nl2sql.semantic.timerange import resolve

TODAY = date(2026, 6, 30)
SEGMENTS = SemanticQuery(metrics=("customer_count",), group_by=("segment",))


@pytest.fixture(scope="module")
def demo() -> Any:
    database = open_database("demo")
    return database, database_semantic_model(database, None), database_today(database)


def rows(database: Any, sql: str) -> list[tuple]:
    return [tuple(row) for row in run_query(database, sql).rows]


# What is offered ------------------------------------------------------------------------------------------


def test_comparisons_rankings_and_the_share_are_offered_in_the_readers_language(demo: Any) -> None:
    _, model, _ = demo
    english = query_choices(SEGMENTS, model, today=TODAY)
    assert [(c.value, c.text) for c in english.comparisons] == [
        ("none", "no comparison"),
        ("previous_period", "with the previous period"),
        ("same_period_last_year", "with the same period last year"),
    ]
    assert [c.value for c in english.shows] == ["value", "delta", "percent"]
    assert [c.value for c in english.directions] == ["none", "top", "bottom"]
    assert english.share is True
    chinese = query_choices(SEGMENTS, model, today=TODAY, lang="zh")
    assert [c.text for c in chinese.comparisons] == ["不对比", "环比上一周期", "同比去年同期"]
    assert [c.text for c in chinese.directions] == ["全部", "前", "后"]
    assert chinese.within[0].text == "整体" and chinese.shows[2].text == "变化百分比"


def test_a_ratio_or_a_bound_cannot_be_compared_and_a_ratio_has_no_share(demo: Any) -> None:
    _, model, _ = demo
    ratio = SemanticQuery(metrics=("refund_amount", "revenue"), ratio=True)
    bounded = SemanticQuery(
        metrics=("units_sold",), group_by=("product",), having=(Threshold("units_sold", ">=", 50),)
    )
    for query in (ratio, bounded):
        assert [c.value for c in query_choices(query, model, today=TODAY).comparisons] == ["none"]
    assert query_choices(ratio, model, today=TODAY).share is False
    assert query_choices(bounded, model, today=TODAY).share is True


def test_a_ranking_is_within_the_groupings_and_grains_the_query_has(demo: Any) -> None:
    _, model, _ = demo
    choices = query_choices(SEGMENTS, model, today=TODAY)
    assert [c.value for c in within_choices(choices, ["segment"], "none")] == ["", "segment"]
    assert [c.value for c in within_choices(choices, ["segment", "region"], "month")] == [
        "",
        "segment",
        "region",
        "month",
        "quarter",
        "year",
    ]
    assert [c.value for c in within_choices(choices, [], "year")] == ["", "year"]


# What a change makes of the query ----------------------------------------------------------------------


def test_a_comparison_is_set_shown_otherwise_and_dropped() -> None:
    query = SemanticQuery(
        metrics=("revenue",),
        time_range="this_year",
        comparison=Comparison("previous_period", "delta", "last_year"),
    )
    assert with_slots(query, show="percent").comparison == Comparison(
        "previous_period", "percent", "last_year"
    )
    # another kind compares with the period it derives, not the one the question named
    assert with_slots(query, comparison="same_period_last_year").comparison == Comparison(
        "same_period_last_year", "delta", None
    )
    assert with_slots(query, comparison="none", show="value").comparison == Comparison()
    with pytest.raises(SemanticQueryError, match="comparison kind must be one of"):
        with_slots(query, comparison="yesterday")
    with pytest.raises(SemanticQueryError, match="comparison show must be one of"):
        with_slots(query, show="ratio")


def test_a_ranking_keeps_what_it_is_by_while_the_result_has_it() -> None:
    query = SemanticQuery(
        metrics=("revenue", "order_count"),
        group_by=("region",),
        ranking=Ranking("top", 3, None, "order_count"),
    )
    assert with_slots(query, n=5).ranking == Ranking("top", 5, None, "order_count")
    assert with_slots(query, metrics=["revenue"], direction="bottom").ranking == Ranking(
        "bottom", 3, None, None
    )
    assert with_slots(query, within="region").ranking.within == "region"
    assert with_slots(with_slots(query, within="region"), within="").ranking.within is None
    assert with_slots(query, direction="none", n=4).ranking == Ranking()
    assert with_slots(SEGMENTS, direction="top").ranking == Ranking("top", 10)
    changed = Ranking("top", 3, None, "revenue_change_pct")
    compared = SemanticQuery(metrics=("revenue",), time_range="last_year", ranking=changed,
                             comparison=Comparison("previous_period"))  # fmt: skip
    assert with_slots(compared, n=2).ranking.by == "revenue_change_pct"
    assert with_slots(compared, comparison="none", n=2).ranking.by is None
    with pytest.raises(SemanticQueryError, match="needs a number of rows"):
        with_slots(SEGMENTS, direction="top", n=0)
    with pytest.raises(SemanticQueryError, match="ranking direction must be one of"):
        with_slots(SEGMENTS, direction="middle")


def test_a_compared_share_cannot_also_be_broken_down_by_time() -> None:
    assert with_slots(SEGMENTS, share=True).share is True
    compared = SemanticQuery(
        metrics=("revenue",), time_range="last_year", comparison=Comparison("previous_period")
    )
    assert with_slots(compared, share=True).share is True  # the share within each period
    with pytest.raises(SemanticQueryError, match="cannot also be broken down by time"):
        with_slots(compared, share=True, time_grain="month")
    assert with_slots(compared, share=True, time_grain="month", comparison="none").share is True


# The SQL compiled from a change, on the demo database ----------------------------------------------------


def test_the_top_segments_are_those_of_hand_written_sql(demo: Any) -> None:
    database, model, today = demo
    query = with_slots(SEGMENTS, direction="top", n=2)
    reading = reading_of(query, model, dialect=database.dialect, today=today)
    expected = "SELECT segment, COUNT(*) AS n FROM customers GROUP BY segment ORDER BY n DESC LIMIT 2"
    assert rows(database, reading.sql) == rows(database, expected)
    assert "top 2" in reading.text


def test_the_same_period_last_year_is_that_of_hand_written_sql(demo: Any) -> None:
    database, model, today = demo
    query = with_slots(SEGMENTS, time_range="last_year", comparison="same_period_last_year", show="delta")
    reading = reading_of(query, model, dialect=database.dialect, today=today)
    now, before = resolve("last_year", today), resolve("last_year", date(today.year - 1, today.month, 1))
    counts = (
        "SELECT segment, COUNT(*) AS n FROM customers "
        "WHERE signup_date >= '{}' AND signup_date < '{}' GROUP BY segment"
    )
    current = dict(rows(database, counts.format(now.start, now.end)))
    previous = dict(rows(database, counts.format(before.start, before.end)))
    got = {
        segment: (count, earlier, change) for segment, count, earlier, change in rows(database, reading.sql)
    }
    assert got == {
        s: (n, previous.get(s), n - previous[s] if s in previous else None) for s, n in current.items()
    }
    assert len(got) > 1


def test_the_top_segment_within_each_year_is_that_of_hand_written_sql(demo: Any) -> None:
    database, model, today = demo
    query = SemanticQuery(
        metrics=("customer_count",), group_by=("segment",), time_grain="year", time_range="all"
    )
    query = with_slots(query, group_by=["segment"], direction="top", n=1, within="year")
    reading = reading_of(query, model, dialect=database.dialect, today=today)
    years = (
        "SELECT STRFTIME('%Y', signup_date) AS y, segment, COUNT(*) AS n FROM customers GROUP BY y, segment"
    )
    best: dict[str, tuple[str, int]] = {}
    for year, segment, count in rows(database, years):
        if year not in best or count > best[year][1]:
            best[year] = (segment, count)
    got = {year: (segment, count) for year, segment, count, rank in rows(database, reading.sql) if rank == 1}
    assert got == best and len(got) > 1


def test_the_share_of_each_segment_adds_up_to_the_whole(demo: Any) -> None:
    database, model, today = demo
    reading = reading_of(with_slots(SEGMENTS, share=True), model, dialect=database.dialect, today=today)
    result = rows(database, reading.sql)
    total = rows(database, "SELECT COUNT(*) FROM customers WHERE segment IS NOT NULL")[0][0]
    assert [round(share, 6) for _, count, share in result] == [
        round(100 * count / total, 6) for _, count, _ in result
    ]
    assert abs(sum(share for *_, share in result) - 100) < 1e-6


# The notebook offers the same ------------------------------------------------------------------------------


def test_the_notebooks_chips_offer_and_apply_the_same_choices(demo: Any) -> None:
    from chatbi_jupyterlab.notebook.semantic_controls import InterpretationControls

    database, model, today = demo
    query = SemanticQuery(metrics=("customer_count",), group_by=("segment",), time_grain="quarter")
    first = reading_of(query, model, dialect=database.dialect, today=today)
    chips = InterpretationControls(first, model, dialect=database.dialect, today=today, lang="zh")
    offered = query_choices(query, model, today=today, lang="zh")
    assert chips.comparison.options == tuple((c.text, c.value) for c in offered.comparisons)
    assert chips.show.options == tuple((c.text, c.value) for c in offered.shows)
    assert chips.direction.options == tuple((c.text, c.value) for c in offered.directions)
    assert [value for _, value in chips.within.options] == ["", "segment", "quarter", "year"]
    chips.grain.value = "none"
    assert [value for _, value in chips.within.options] == ["", "segment"]
    chips.direction.value, chips.n.value, chips.within.value = "bottom", 1, "segment"
    assert chips.changed_query() == with_slots(
        query, time_grain="none", direction="bottom", n=1, within="segment", comparison="none", share=False
    )
