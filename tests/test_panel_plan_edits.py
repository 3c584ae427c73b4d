"""The panel's plan controls on a real Jupyter Server and the demo database: an answer whose SQL the model
wrote carries what its controls offer (``Plan.choices``), and ``POST edit`` takes every kind of edit they
send (operator, new condition, days, time window, grouping, aggregate, sort), rebuilds the SQL, checks and
runs it, and returns the new SQL, explanation and rows; an edit that does not fit is a 400 and loses
nothing. The model is a stand-in (:class:`conftest.Replies`) that writes one query.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("chatbi_jupyterlab", reason="the extension is not installed: pip install -e extension")
pytest.importorskip("pytest_jupyter", reason="pytest-jupyter is not installed: pip install -e '.[dev]'")

from chatbi_jupyterlab import wire
from conftest import Replies
from panel_api import Api, answer_of, assert_error

# pytest-jupyter's server fixtures, for this module only (as in test_server_extension.py).
from pytest_jupyter.jupyter_server import *  # noqa: F403
from traitlets.config import Config

from nl2sql.demo.build import demo_database_path

MODEL_SQL = (
    "SELECT status, SUM(total_amount) AS revenue FROM orders "
    "WHERE order_date BETWEEN '2025-01-01' AND '2025-06-30' AND status <> 'cancelled' "
    "GROUP BY status ORDER BY revenue DESC"
)
QUESTION = "For each order status, what is the sum of total_amount?"


@pytest.fixture
def jp_server_config(tmp_path: Path) -> Config:
    return Config(
        {
            "ServerApp": {"jpserver_extensions": {"chatbi_jupyterlab": True}},
            "ChatBI": {"connections": {"demo": "demo"}, "feedback_log": str(tmp_path / "feedback.sqlite")},
        }
    )


@pytest.fixture
def api(jp_fetch: Any, jp_asyncio_loop: asyncio.AbstractEventLoop) -> Api:
    return Api(jp_fetch, jp_asyncio_loop)


@pytest.fixture
def asked(api: Api, monkeypatch: pytest.MonkeyPatch) -> wire.Answer:
    """The stand-in model's answer to a question the semantic model does not read."""
    replies = Replies(MODEL_SQL)
    monkeypatch.setattr("nl2sql.models.resolve.load_generator", lambda *args, **kwargs: replies)
    answer = answer_of(api("POST", "ask", {"question": QUESTION}))
    assert (answer.path, answer.error, answer.sql) == ("sql", None, MODEL_SQL), answer.status
    return answer


def edit(api: Api, answer: wire.Answer, change: dict[str, Any]) -> wire.Answer:
    return answer_of(api("POST", "edit", {"answer_id": answer.id, "edit": change, "connection": "demo"}))


def rows_of(sql: str) -> list[list[Any]]:
    """What the demo database itself returns for ``sql``."""
    with sqlite3.connect(f"file:{demo_database_path()}?mode=ro", uri=True) as database:
        return [list(row) for row in database.execute(sql)]


def assert_ran(answer: wire.Answer) -> None:
    """The answer ran its (edited) SQL: the rows are the database's, the explanation and plan its own."""
    assert answer.error is None and answer.edited and answer.table is not None, answer.status
    assert answer.status.startswith("ran the edited query"), answer.status
    expected = rows_of(answer.sql)
    assert answer.table.row_count == len(expected)
    assert [[round(v, 2) if isinstance(v, float) else v for v in row] for row in answer.table.rows] == [
        [round(v, 2) if isinstance(v, float) else v for v in row] for row in expected
    ]
    assert answer.steps and answer.plan is not None and answer.plan.sql == answer.sql


def test_a_model_answer_carries_what_its_plan_controls_offer(asked: wire.Answer) -> None:
    plan = asked.plan
    assert plan is not None and plan.editable and plan.choices is not None
    choices = plan.choices
    arity = {o.operator: (o.min_values, o.max_values) for o in choices.operators}
    assert arity["between"] == (2, 2) and arity["in"] == (1, None) and arity["is null"] == (0, 0)
    numeric = {c.name: c.numeric for c in choices.filter_columns}
    assert numeric["total_amount"] is True and numeric["status"] is False and "order_date" in numeric
    assert "status" in choices.group_columns and "channels.name" in choices.group_columns
    assert choices.aggregates == {"m1": ["count", "sum", "avg", "min", "max"]}
    assert choices.time_ranges == [wire.TimeChoice("order_date", None, None, "2025-01-01", "2025-06-30")]
    assert [s.key for s in choices.sort_keys] == ["status"], "revenue (m1) is sorted by already"
    assert set(choices.units) == {"day", "week", "month", "year"}


def test_operator_and_a_new_condition(api: Api, asked: wire.Answer) -> None:
    status = next(f for f in asked.plan.filters if f.column == "status")  # type: ignore[union-attr]
    change = {"type": "SetFilterOperator", "filter_id": status.id, "operator": "in", "values": ["completed"]}
    completed = edit(api, asked, change)
    assert "status IN ('completed')" in completed.sql
    assert_ran(completed)
    assert [row[0] for row in completed.table.rows] == ["completed"]  # type: ignore[union-attr]

    large = edit(
        api, completed, {"type": "AddFilter", "column": "total_amount", "operator": ">", "values": [5000]}
    )
    assert large.sql.count("total_amount > 5000") == 1 and "status IN ('completed')" in large.sql
    assert_ran(large)
    assert large.table.rows[0][1] < completed.table.rows[0][1]  # type: ignore[union-attr]
    assert any(f.column == "total_amount" and f.values == [5000] for f in large.plan.filters)  # type: ignore[union-attr]


def test_days_and_time_window(api: Api, asked: wire.Answer) -> None:
    march = edit(
        api,
        asked,
        {"type": "SetDateRange", "target": "order_date", "start": "2025-03-01", "end": "2025-03-31"},
    )
    assert "'2025-03-01'" in march.sql and "'2025-03-31'" in march.sql and "'2025-06-30'" not in march.sql
    assert_ran(march)
    assert march.plan.choices.time_ranges[0].start == "2025-03-01"  # type: ignore[union-attr]

    window = edit(api, march, {"type": "SetTimeWindow", "target": "order_date", "amount": 6, "unit": "month"})
    assert "2025-03" not in window.sql and window.error is None and window.table is not None
    ranges = window.plan.choices.time_ranges  # type: ignore[union-attr]
    assert [(r.column, r.amount, r.unit) for r in ranges] == [("order_date", 6, "month")]
    assert window.plan.time_range[0].label == "last 6 months"  # type: ignore[union-attr]


def test_grouping_aggregate_and_sort(api: Api, asked: wire.Answer) -> None:
    by_channel = edit(api, asked, {"type": "AddGroupBy", "column": "channels.name"})
    assert "JOIN channels" in by_channel.sql and by_channel.plan.group_by[-1].endswith("name")  # type: ignore[union-attr]
    assert_ran(by_channel)
    assert len(by_channel.table.columns) == 3  # type: ignore[union-attr]

    alone = edit(api, by_channel, {"type": "RemoveGroupBy", "column": "status"})
    assert "status," not in alone.sql.split("FROM")[0]
    assert_ran(alone)

    average = edit(api, alone, {"type": "SetAggregate", "measure_id": "m1", "function": "avg"})
    assert "AVG(" in average.sql and "SUM(" not in average.sql
    assert_ran(average)
    assert any("average" in step.text.lower() for step in average.steps), [s.text for s in average.steps]

    key = average.plan.choices.sort_keys[0].key  # type: ignore[union-attr]
    sorted_ = edit(api, average, {"type": "SetOrder", "key": key, "descending": False})
    assert sorted_.sql.endswith(f"ORDER BY {key}") or f"ORDER BY {key}" in sorted_.sql
    assert_ran(sorted_)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"type": "SetFilterOperator", "filter_id": "f2", "operator": "between", "values": ["x"]},
            "cannot apply",
        ),
        ({"type": "SetAggregate", "measure_id": "m9", "function": "avg"}, "no measure m9"),
        ({"type": "AddGroupBy", "column": "nowhere"}, "cannot apply"),
        ({"type": "SetTimeWindow", "target": "order_date", "amount": 0, "unit": "month"}, "cannot apply"),
        ({"type": "SetDateRange", "target": "order_date", "start": "someday", "end": None}, "cannot apply"),
    ],
)
def test_an_edit_that_does_not_fit_is_refused_and_loses_nothing(
    api: Api, asked: wire.Answer, change: dict[str, Any], message: str
) -> None:
    body = {"answer_id": asked.id, "edit": change, "connection": "demo"}
    assert_error(api("POST", "edit", body), 400, message)
    kept = answer_of(api("POST", "edit", {**body, "edit": {"type": "SetLimit", "n": 2}}))
    assert kept.sql == f"{MODEL_SQL} LIMIT 2"
