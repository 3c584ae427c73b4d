"""The business question set: well-formed, balanced, split with care, and every gold query answers on the
demo data pinned to the set's day."""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from collections.abc import Iterator
from datetime import date

import pytest
import sqlglot
from conftest import DEMO_AS_OF
from sqlglot import exp

from nl2sql.connect import open_database
from nl2sql.demo.build import data_as_of
from nl2sql.demo.business import BUSINESS_AS_OF, TAGS, BusinessQuestion, load_business_questions

QUESTIONS = load_business_questions()
GOLD = [question for question in QUESTIONS if question.sql is not None]
MINIMUM_PER_TAG = {
    "out_of_scope": 20,
    "detail_listing": 25,
    "period_comparison": 35,
    "ranking_within_group": 15,
    "ratio": 30,
    "jargon": 35,
    "time_window": 50,
}
CHINESE = re.compile(r"[\u3400-\u9fff]")
CLOCK_OR_ROUNDING = re.compile(r"\bnow\b|current_date|current_timestamp|\bround\s*\(", re.IGNORECASE)
DATE_LITERAL = re.compile(r"'(\d{4}-\d{2}-\d{2})'")


def _with_sort_keys(sql: str) -> tuple[str, int, int] | None:
    """The query with its outer sort keys appended as columns and LIMIT n + 1, with n and the number of
    keys; None when the outer query has no ORDER BY with a LIMIT."""
    tree = sqlglot.parse_one(sql, read="sqlite")
    order, limit = tree.args.get("order"), tree.args.get("limit")
    if not isinstance(tree, exp.Select) or order is None or limit is None:
        return None
    n = int(limit.expression.name)
    aliased = {e.alias: e.this for e in tree.expressions if isinstance(e, exp.Alias)}
    keys = []
    for ordered in order.expressions:
        key = ordered.this
        if isinstance(key, exp.Column) and not key.table and key.name in aliased:
            key = aliased[key.name]
        keys.append(key.copy())
    probe = tree.copy()
    probe.set(
        "expressions", [*probe.expressions, *(exp.alias_(k, f"sort_key_{i}") for i, k in enumerate(keys))]
    )
    probe.set("limit", exp.Limit(expression=exp.Literal.number(n + 1)))
    return probe.sql(dialect="sqlite"), n, len(keys)


LIMITED = [question for question in GOLD if _with_sort_keys(question.sql) is not None]
"""The gold queries whose outer query has ORDER BY … LIMIT."""


@pytest.fixture(scope="module")
def demo() -> Iterator[sqlite3.Connection]:
    """The demo database of the test session (pinned to DEMO_AS_OF), opened read-only."""
    database = open_database("demo")
    assert database.file is not None and data_as_of(database.file) == BUSINESS_AS_OF.isoformat()
    connection = sqlite3.connect(f"file:{database.file.as_posix()}?mode=ro", uri=True)
    yield connection
    connection.close()


def test_the_test_session_pins_the_demo_data_to_the_day_of_the_questions() -> None:
    assert BUSINESS_AS_OF.isoformat() == DEMO_AS_OF


def test_ids_are_unique_and_in_file_order() -> None:
    assert [question.id for question in QUESTIONS] == [f"biz-{n:03d}" for n in range(1, len(QUESTIONS) + 1)]


def test_there_are_enough_questions_in_both_languages() -> None:
    languages = Counter(question.lang for question in QUESTIONS)
    assert len(QUESTIONS) >= 220 and languages["zh"] >= 90 and set(languages) == {"en", "zh"}


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_the_language_matches_the_text(question: BusinessQuestion) -> None:
    assert bool(CHINESE.search(question.question)) == (question.lang == "zh")


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_tags_are_known_and_not_repeated(question: BusinessQuestion) -> None:
    assert question.tags and set(question.tags) <= set(TAGS)
    assert len(set(question.tags)) == len(question.tags)


def test_each_tag_has_its_minimum_number_of_questions() -> None:
    counts = Counter(tag for question in QUESTIONS for tag in question.tags)
    assert {tag: counts[tag] for tag in MINIMUM_PER_TAG if counts[tag] < MINIMUM_PER_TAG[tag]} == {}
    assert set(counts) == set(TAGS)


def test_about_a_quarter_is_held_out_and_both_splits_hold_every_tag_and_language() -> None:
    held_out = load_business_questions("test")
    assert 0.2 <= len(held_out) / len(QUESTIONS) <= 0.3
    assert {question.split for question in QUESTIONS} == {"dev", "test"}
    for split in ("dev", "test"):
        questions = load_business_questions(split)
        assert {question.split for question in questions} == {split}
        assert {question.lang for question in questions} == {"en", "zh"}, split
        assert {tag for question in questions for tag in question.tags} == set(TAGS), split


def test_an_unknown_split_is_refused() -> None:
    with pytest.raises(ValueError, match="split"):
        load_business_questions("train")


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_only_out_of_scope_questions_have_no_sql(question: BusinessQuestion) -> None:
    assert ("out_of_scope" in question.tags) == (question.sql is None)


@pytest.mark.parametrize("question", GOLD, ids=lambda q: q.id)
def test_gold_sql_neither_reads_the_clock_nor_rounds(question: BusinessQuestion) -> None:
    assert not CLOCK_OR_ROUNDING.search(question.sql)
    for text in DATE_LITERAL.findall(question.sql):
        assert date.fromisoformat(text) <= date(2026, 7, 1), text


@pytest.mark.parametrize("question", GOLD, ids=lambda q: q.id)
def test_gold_sql_answers_on_the_pinned_demo_data(
    demo: sqlite3.Connection, question: BusinessQuestion
) -> None:
    rows = demo.execute(question.sql).fetchall()
    assert any(value is not None for row in rows for value in row), question.question


def test_every_ranking_question_cuts_its_ranking_with_a_limit() -> None:
    assert [q.id for q in QUESTIONS if "ranking" in q.tags and q not in LIMITED] == []


@pytest.mark.parametrize("question", LIMITED, ids=lambda q: q.id)
def test_a_ranking_is_not_cut_inside_a_tie(demo: sqlite3.Connection, question: BusinessQuestion) -> None:
    """With an outer ORDER BY … LIMIT n, row n+1 (if any) differs from row n in its sort keys."""
    sql, n, key_count = _with_sort_keys(question.sql)
    rows = demo.execute(sql).fetchall()
    assert [row[:-key_count] for row in rows[:n]] == demo.execute(question.sql).fetchall()
    assert len(rows) >= n
    if len(rows) > n:
        assert rows[n - 1][-key_count:] != rows[n][-key_count:], f"tie at row {n}: {rows[n - 1]} / {rows[n]}"


@pytest.mark.parametrize(
    "question", [q for q in GOLD if "ranking_within_group" in q.tags], ids=lambda q: q.id
)
def test_a_ranking_within_groups_is_not_cut_inside_a_tie(
    demo: sqlite3.Connection, question: BusinessQuestion
) -> None:
    """Ranked with RANK() instead of ROW_NUMBER(), the same rows come back: no group is cut in a tie."""
    assert "ROW_NUMBER()" in question.sql
    rows = demo.execute(question.sql).fetchall()
    ranked = demo.execute(question.sql.replace("ROW_NUMBER()", "RANK()")).fetchall()
    assert sorted(ranked, key=repr) == sorted(rows, key=repr)
