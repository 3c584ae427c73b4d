"""What a user changes in a panel's answer card, on a real Jupyter Server and the demo database: the SQL
as edited in the card's editor (``POST run`` with the answer's id: checked again, run read-only, the
card "Edited"), and a semantic answer's reading (``POST reading`` with its time window, grain, grouping
or measures: the changed query checked on the server and compiled from the semantic model, without the
language model). The choices the panel offers are those of the notebook's interpretation chips.
"""

from __future__ import annotations

import asyncio
import datetime
import json
from typing import Any

import pytest

pytest.importorskip("chatbi_jupyterlab", reason="the extension is not installed: pip install -e extension")
pytest.importorskip("pytest_jupyter", reason="pytest-jupyter is not installed: pip install -e '.[dev]'")

from chatbi_jupyterlab import wire
from panel_api import Api, answer_of, assert_error

# pytest-jupyter's server fixtures for this module only (as in tests/test_server_extension.py)
from pytest_jupyter.jupyter_server import *  # noqa: F403
from traitlets.config import Config

from nl2sql.connect import open_database
from nl2sql.execute import run_query
from nl2sql.semantic.choices import query_choices
from nl2sql.semantic.locate import database_semantic_model, database_today
from nl2sql.semantic.query import SemanticQuery
from nl2sql.semantic.timerange import resolve

SEGMENTS = "How many customers are in each segment?"
"""Read as customer count by segment, all time: compiled from the semantic model."""


@pytest.fixture
def jp_server_config() -> Config:
    return Config(
        {
            "ServerApp": {"jpserver_extensions": {"chatbi_jupyterlab": True}},
            "ChatBI": {"connections": {"demo": "demo", "second": "demo"}, "feedback_log": ""},
        }
    )


@pytest.fixture
def api(jp_fetch: Any, jp_asyncio_loop: asyncio.AbstractEventLoop) -> Api:
    return Api(jp_fetch, jp_asyncio_loop)


@pytest.fixture(scope="module")
def demo() -> Any:
    database = open_database("demo")
    return database, database_semantic_model(database, None), database_today(database)


def rows(database: Any, sql: str) -> list[list[Any]]:
    return sorted([list(row) for row in run_query(database, sql).rows], key=str)


def segments(api: Api) -> wire.Answer:
    answer = answer_of(api("POST", "ask", {"question": SEGMENTS, "connection": "demo", "new": True}))
    assert answer.path == "semantic" and answer.interpretation is not None, answer.status
    return answer


# The SQL as edited in the card ------------------------------------------------------------------------


def test_the_sql_edited_in_the_card_runs_in_place_of_the_answer(api: Api, demo: Any) -> None:
    database, _, _ = demo
    first = segments(api)
    edited_sql = (
        "SELECT segment, COUNT(*) AS customers FROM customers WHERE segment <> 'SMB' GROUP BY segment"
    )
    run = {"sql": edited_sql, "connection": "demo", "question": SEGMENTS, "answer_id": first.id}
    edited = answer_of(api("POST", "run", run))
    assert edited.id == first.id and edited.edited and edited.sql == edited_sql
    assert edited.generated_sql == first.sql and edited.status.startswith("ran the edited query: 2 rows")
    assert edited.table is not None
    assert sorted(edited.table.rows, key=str) == rows(database, edited_sql)
    assert edited.interpretation is None  # the SQL is no longer the reading's: no "Read as" to change

    # checked again on the server: a write, another table and an unknown column are refused, and the
    # answer keeps the SQL and rows it had
    assert_error(api("POST", "run", {**run, "sql": "DELETE FROM customers"}), 400, "not run")
    assert_error(api("POST", "run", {**run, "sql": "SELECT nope FROM customers"}), 400, "no column nope")
    assert_error(api("POST", "run", {**run, "sql": "   "}), 400, "no SQL to run")
    assert_error(api("POST", "run", {**run, "connection": "second"}), 400, "belongs to connection demo")
    kept = answer_of(api("POST", "chart", {"answer_id": first.id, "kind": "table"}))
    assert kept.sql == edited_sql and kept.table is not None and kept.table.row_count == 2

    # the SQL back as the model's answer: no longer edited
    back = answer_of(api("POST", "run", {**run, "sql": first.sql}))
    assert not back.edited and back.status.startswith("ran the generated query: 3 rows")


# The reading's slots -------------------------------------------------------------------------------------


def test_a_reading_carries_the_choices_of_the_notebooks_chips(api: Api, demo: Any) -> None:
    _, model, today = demo
    reading = segments(api).interpretation
    assert reading is not None and reading.choices is not None and reading.query is not None
    query = SemanticQuery.from_dict(reading.query)
    assert (query.metrics, query.group_by, query.time_range) == (("customer_count",), ("segment",), "all")
    shared = query_choices(query, model, today=today)  # the function the notebook's chips use
    assert [(c.value, c.text) for c in reading.choices.time_ranges] == [
        (c.value, c.text) for c in shared.time_ranges
    ]
    last_day = resolve("last_year", today).end - datetime.timedelta(days=1)
    assert (today.year, last_day.year) == (2026, 2025)  # the demo data's today, whatever the clock says
    last_year = wire.ReadingChoice("last_year", "last year (2025-01-01 to 2025-12-31)")
    assert last_year in reading.choices.time_ranges
    assert [c.value for c in reading.choices.grains] == ["none", "day", "week", "month", "quarter", "year"]
    reach = {m.value: set(m.group_by) for m in reading.choices.metrics}
    assert "category" not in reach["customer_count"] and "region" in reach["customer_count"]
    assert "category" in reach["revenue"]  # revenue reaches categories through its finer metric
    assert {c.value for c in reading.choices.group_by} >= reach["revenue"] | reach["customer_count"]


def test_changing_the_window_the_grain_the_grouping_and_the_measures_compiles_again(
    api: Api, demo: Any
) -> None:
    database, _, today = demo
    first = segments(api)
    window = resolve("last_year", today)
    before = answer_of(api("POST", "reading", {"answer_id": first.id, "time_range": "last_year"}))
    assert before.id == first.id and before.interpretation is not None
    assert before.interpretation.query is not None
    assert before.interpretation.query["time_range"] == "last_year"
    assert "last year" in before.interpretation.text and before.sql == before.interpretation.sql
    expected = (
        "SELECT segment, COUNT(*) FROM customers "
        f"WHERE signup_date >= '{window.start}' AND signup_date < '{window.end}' GROUP BY segment"
    )
    assert before.table is not None and first.table is not None
    assert sorted(before.table.rows, key=str) == rows(database, expected)
    assert before.table.rows != first.table.rows

    changed = answer_of(
        api(
            "POST",
            "reading",
            {
                "answer_id": first.id,
                "connection": "demo",
                "metrics": ["new_customers"],
                "group_by": ["region"],
                "time_grain": "quarter",
            },
        )
    )
    query = changed.interpretation.query if changed.interpretation else None
    assert query is not None and (query["metrics"], query["group_by"], query["time_grain"]) == (
        ["new_customers"],
        ["region"],
        "quarter",
    )
    assert query["time_range"] == "last_year"  # a slot left out stays as it was
    assert changed.table is not None
    assert [c.name for c in changed.table.columns] == ["quarter", "region", "new_customers"]
    quarters, regions = {row[0] for row in changed.table.rows}, {row[1] for row in changed.table.rows}
    assert quarters == {"2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"} and len(regions) == 7
    assert len(changed.table.rows) == 7 * 4
    assert sum(row[-1] for row in changed.table.rows) == sum(row[-1] for row in before.table.rows)

    model = from_model_status(api)
    assert not model["loaded"], "a reading is compiled without the language model"


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"group_by": ["category"]}, "cannot be broken down that way"),
        ({"time_grain": "fortnight"}, "time_grain must be one of"),
        ({"metrics": []}, "choose at least one measure"),
        ({"metrics": ["net_promoter_score"]}, "no metric net_promoter_score"),
        ({"time_range": "since the dawn of time"}, "not a time window"),
        ({"group_by": ["segment; DROP TABLE customers"]}, "no dimension or fact"),
        ({"metrics": "revenue"}, "metrics: expected a list"),
        ({"time_range": 2025}, "time_range: expected a string"),
        ({}, "nothing to change"),
        ({"comparison": {"kind": "previous_period"}}, "a comparison needs a time window"),
        ({"comparison": {"kind": "yesterday"}}, "comparison kind must be one of"),
        ({"comparison": {"kind": "previous_period", "show": "ratio"}}, "comparison show must be one of"),
        ({"ranking": {"direction": "top", "n": 0}}, "needs a number of rows"),
        ({"ranking": {"direction": "top", "n": 2.5}}, "ranking.n: expected a whole number"),
        (
            {"ranking": {"direction": "top", "within": "region"}},
            "to rank within each region, group by it too",
        ),
        ({"ranking": {"direction": "sideways"}}, "ranking direction must be one of"),
        (
            {
                "share": True,
                "time_range": "last_year",
                "time_grain": "month",
                "comparison": {"kind": "previous_period"},
            },
            "cannot also be broken down by time",
        ),
        ({"share": "yes"}, "share: expected"),
        ({"ranking": {"n": 3}}, "ranking.direction"),
    ],
)
def test_a_change_the_reading_cannot_take_is_one_message_and_changes_nothing(
    api: Api, change: dict[str, Any], words: str
) -> None:
    first = segments(api)
    assert_error(api("POST", "reading", {"answer_id": first.id, **change}), 400, words)
    kept = answer_of(api("POST", "chart", {"answer_id": first.id, "kind": "table"}))
    assert kept.sql == first.sql and kept.interpretation is not None
    assert kept.interpretation.query == first.interpretation.query  # type: ignore[union-attr]


def from_model_status(api: Api) -> dict[str, Any]:
    response = api("GET", "model")
    assert response.code == 200, response.body
    return json.loads(response.body)


# The reading's comparison, ranking and share --------------------------------------------------------------


def test_a_reading_offers_the_comparisons_rankings_and_share_of_the_notebooks_chips(
    api: Api, demo: Any
) -> None:
    _, model, today = demo
    reading = segments(api).interpretation
    assert reading is not None and reading.choices is not None and reading.query is not None
    shared = query_choices(SemanticQuery.from_dict(reading.query), model, today=today)
    for slot in ("comparisons", "shows", "directions", "within"):
        assert [(c.value, c.text) for c in getattr(reading.choices, slot)] == [
            (c.value, c.text) for c in getattr(shared, slot)
        ], slot
    assert [c.value for c in reading.choices.comparisons] == [
        "none",
        "previous_period",
        "same_period_last_year",
    ]
    assert reading.choices.within[0] == wire.ReadingChoice("", "overall") and reading.choices.share


def test_ranking_comparing_and_sharing_compile_again(api: Api, demo: Any) -> None:
    database, _, today = demo
    first = segments(api)
    top = answer_of(
        api("POST", "reading", {"answer_id": first.id, "ranking": {"direction": "top", "n": 2, "within": ""}})
    )
    assert top.interpretation is not None and top.interpretation.query is not None
    assert top.interpretation.query["ranking"] == {
        "direction": "top",
        "n": 2,
        "within": None,
        "by": None,
        "values_only": False,
    }
    assert top.sql == top.interpretation.sql and top.sql != first.sql
    expected = "SELECT segment, COUNT(*) AS n FROM customers GROUP BY segment ORDER BY n DESC LIMIT 2"
    assert top.table is not None and top.table.rows == [
        list(row) for row in run_query(database, expected).rows
    ]

    compared = answer_of(
        api(
            "POST",
            "reading",
            {
                "answer_id": first.id,
                "time_range": "last_year",
                "comparison": {"kind": "same_period_last_year", "show": "delta"},
                "ranking": {"direction": "none"},
            },
        )
    )
    assert compared.table is not None and compared.interpretation is not None
    assert [c.name for c in compared.table.columns] == [
        "segment",
        "customer_count",
        "customer_count_previous",
        "customer_count_change",
    ]
    window, before = resolve("last_year", today), resolve("last_year", datetime.date(today.year - 1, 1, 1))
    counts = (
        "SELECT segment, COUNT(*) FROM customers WHERE signup_date >= '{}' AND signup_date < '{}' GROUP BY 1"
    )
    now = dict(rows(database, counts.format(window.start, window.end)))
    earlier = dict(rows(database, counts.format(before.start, before.end)))
    assert {row[0]: tuple(row[1:]) for row in compared.table.rows} == {
        segment: (n, earlier[segment], n - earlier[segment]) for segment, n in now.items()
    }

    # a share of the whole takes the comparison's place
    shared = answer_of(
        api("POST", "reading", {"answer_id": first.id, "share": True, "comparison": {"kind": "none"}})
    )
    assert shared.table is not None and shared.interpretation is not None
    assert shared.interpretation.query is not None and shared.interpretation.query["share"] is True
    assert abs(sum(row[-1] for row in shared.table.rows) - 100) < 1e-6
    assert not from_model_status(api)["loaded"], "a reading is compiled without the language model"
