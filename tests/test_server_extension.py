"""The JupyterLab server extension (extension/, ``chatbi_jupyterlab``) on a real Jupyter Server and the
demo database: every endpoint, authentication, errors, the wire format and the queue.

The questions asked are answered from the semantic model (compiled SQL, no language model), so these
tests are fast; the one test that loads the real model is marked slow. Regenerating uses a stand-in
generator (:class:`conftest.Replies`).
"""

from __future__ import annotations

import asyncio
import functools
import json
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("chatbi_jupyterlab", reason="the extension is not installed: pip install -e extension")
pytest.importorskip("pytest_jupyter", reason="pytest-jupyter is not installed: pip install -e '.[dev]'")

from chatbi_jupyterlab import wire
from chatbi_jupyterlab.codegen import from_json
from chatbi_jupyterlab.errors import INTERNAL_ERROR
from conftest import Replies
from panel_api import Api, answer_of, assert_error, payload

# pytest-jupyter's server fixtures, for this module only: registered as a plugin (pytest_plugins) they
# would put their autouse event loop and server clean-up around every test of the suite. Their hook that
# runs ``async def`` tests is not registered either, so the tests drive the server's loop themselves.
from pytest_jupyter.jupyter_server import *  # noqa: F403
from tornado.httpclient import AsyncHTTPClient, HTTPResponse
from traitlets.config import Config

from feedback import FeedbackLog
from nl2sql.own_query_timeout import own_query_timeout_s, set_own_query_timeout

REPO = Path(__file__).resolve().parents[1]
REGION = "Which region had the highest revenue last quarter?"
SEGMENTS = "How many customers are in each segment?"
BROKEN_URL = "postgresql+psycopg://reader:s3cret-pw@127.0.0.1:9/shop"
"""A connection nobody can open (the discard port): its URL and password must never reach a client."""
TIME_BUDGET_S = 30.0
"""``ChatBI.time_budget``: the assistants of every connection get it."""
OWN_QUERY_TIMEOUT_S = 7.0
"""``ChatBI.own_query_timeout``: the bound of the product's own statements in the server process."""


@pytest.fixture
def feedback_path(tmp_path: Path) -> Path:
    return tmp_path / "feedback.sqlite"


@pytest.fixture
def jp_server_config(feedback_path: Path) -> Config:
    """The extension enabled explicitly (an editable install may not place its config file), on two
    connections to the demo database and one that cannot open, logging to a temporary file."""
    return Config(
        {
            "ServerApp": {"jpserver_extensions": {"chatbi_jupyterlab": True}},
            "ChatBI": {
                "connections": {"demo": "demo", "second": "demo", "broken": BROKEN_URL},
                "feedback_log": str(feedback_path),
                "time_budget": TIME_BUDGET_S,
                "own_query_timeout": OWN_QUERY_TIMEOUT_S,
            },
        }
    )


@pytest.fixture
def api(jp_fetch: Any, jp_asyncio_loop: asyncio.AbstractEventLoop) -> Api:
    return Api(jp_fetch, jp_asyncio_loop)


@pytest.fixture
def service(jp_serverapp: Any) -> Any:
    return jp_serverapp.web_app.settings["chatbi_service"]


# The wire format ---------------------------------------------------------------------------------------


def test_typescript_types_are_generated_from_the_python_wire_format() -> None:
    committed = (REPO / "extension" / "src" / "wire.ts").read_text(encoding="utf-8")
    assert committed == wire.typescript(), (
        "extension/src/wire.ts differs from chatbi_jupyterlab/wire.py: regenerate it with "
        "python -m chatbi_jupyterlab.wire > extension/src/wire.ts"
    )
    for cls in (*wire.REQUESTS, *wire.RESPONSES):
        assert f"export interface {cls.__name__} {{" in committed


# Endpoints ---------------------------------------------------------------------------------------------


def test_connections_list_names_and_sizes_never_urls(api: Api) -> None:
    response = api("GET", "connections")
    listing = from_json(wire.ConnectionList, payload(response))
    by_name = {c.name: c for c in listing.connections}
    assert listing.default == "demo" and list(by_name) == ["demo", "second", "broken"]
    assert (by_name["demo"].dialect, by_name["demo"].tables, by_name["demo"].default) == ("sqlite", 8, True)
    assert by_name["broken"].dialect is None and by_name["broken"].error
    text = response.body.decode()
    assert "s3cret" not in text and "postgresql" not in text and ".sqlite" not in text, text


def test_schema_lists_tables_columns_types_and_keys(api: Api) -> None:
    summary = from_json(wire.SchemaSummary, payload(api("GET", "connections/demo/schema")))
    orders = next(t for t in summary.tables if t.name == "orders")
    assert summary.dialect == "sqlite" and orders.primary_key == ["order_id"]
    assert {"order_date", "total_amount"} <= {c.name for c in orders.columns}
    assert any(k.ref_table == "customers" for k in orders.foreign_keys)
    assert_error(api("GET", "connections/nowhere/schema"), 404, "no connection named nowhere")
    assert_error(api("GET", "connections/broken/schema"), 400, "cannot open")


def test_ask_answers_semantic_questions_with_table_chart_plan_and_timings(api: Api) -> None:
    region = answer_of(api("POST", "ask", {"question": REGION}))
    assert (region.path, region.connection, region.error, region.model_id) == (
        "semantic",
        "demo",
        None,
        "semantic layer",
    )
    assert region.table is not None and region.table.row_count == 1
    assert [c.name for c in region.table.columns] == ["region", "revenue"]
    assert region.table.columns[1].type == "number" and isinstance(region.table.rows[0][1], float)
    assert region.summary and region.steps and region.plan is not None and "total" in region.timings
    assert region.interpretation is not None and region.sql == region.generated_sql and not region.edited

    segments = answer_of(api("POST", "ask", {"question": SEGMENTS, "connection": "second", "new": True}))
    assert segments.connection == "second" and segments.table is not None
    assert segments.table.rows[0] == ["Consumer", 4000]
    chart = segments.chart
    assert chart is not None and chart.kind == "bar" and "pie" in chart.available
    assert chart.figure is not None and chart.figure["data"][0]["type"] == "bar"
    assert "template" not in chart.figure["layout"]


def test_run_user_sql_nulls_and_refusals(api: Api) -> None:
    sql = (
        "SELECT order_id, CASE WHEN order_id % 2 = 0 THEN total_amount END AS even_amount, order_date"
        " FROM orders ORDER BY order_id LIMIT 4"
    )
    answer = answer_of(api("POST", "run", {"sql": sql, "question": "Amounts of even orders"}))
    assert answer.error is None and answer.table is not None and answer.table.row_count == 4
    assert [row[1] for row in answer.table.rows][0::2] == [None, None]  # NaN in pandas, null on the wire
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", str(answer.table.rows[0][2]))
    assert answer.status == "ran the query: 4 rows"

    refused = answer_of(api("POST", "run", {"sql": "DELETE FROM orders", "connection": "demo"}))
    assert refused.error and refused.table is None


def test_edit_changes_the_sql_and_the_rows(api: Api) -> None:
    segments = answer_of(api("POST", "ask", {"question": SEGMENTS, "new": True}))
    assert segments.table is not None and segments.table.row_count == 3
    edit = {"answer_id": segments.id, "edit": {"type": "SetLimit", "n": 1}, "connection": "demo"}
    edited = answer_of(api("POST", "edit", edit))
    assert edited.id == segments.id and edited.edited and edited.sql.endswith("LIMIT 1")
    assert edited.generated_sql == segments.sql and edited.table is not None and edited.table.row_count == 1
    assert edited.plan is not None and edited.plan.limit == 1
    assert edited.status.startswith("ran the edited query: 1 row")

    assert_error(api("POST", "edit", {**edit, "edit": {"type": "Nope"}}), 400, "unknown edit type 'Nope'")
    assert_error(api("POST", "edit", {**edit, "edit": {"type": "SetLimit", "n": -1}}), 400, "cannot apply")
    assert_error(api("POST", "edit", {**edit, "connection": "second"}), 400, "belongs to connection demo")
    assert_error(api("POST", "edit", {**edit, "answer_id": "0" * 32}), 404, "no answer")
    # a change that fails loses nothing: the answer still shows the edited SQL and its row
    bad = {"sql": "SELECT nope FROM orders", "answer_id": segments.id}
    assert_error(api("POST", "run", bad), 400, "not run: no column nope")
    kept = answer_of(api("POST", "chart", {"answer_id": segments.id, "kind": "table"}))
    assert kept.sql == edited.sql and kept.table is not None and kept.table.row_count == 1


def test_feedback_logs_the_same_events_and_diffs_as_the_notebook(api: Api, feedback_path: Path) -> None:
    segments = answer_of(api("POST", "ask", {"question": SEGMENTS, "new": True}))
    api("POST", "edit", {"answer_id": segments.id, "edit": {"type": "SetLimit", "n": 2}})
    result = from_json(
        wire.FeedbackResult, payload(api("POST", "feedback", {"answer_id": segments.id, "kind": "accept"}))
    )
    assert (result.kind, result.logged, result.message) == (
        "accept",
        True,
        "accepted: thank you, logged with the SQL shown",
    )

    log = FeedbackLog(feedback_path)
    accepted = log.events(limit=None, kinds=("accepted",))
    assert len(accepted) == 1
    event = accepted[0]
    assert (event["database"], event["question"], event["sql"]) == ("demo", SEGMENTS, segments.sql)
    assert event["final_sql"].endswith("LIMIT 2")
    assert [change["kind"] for change in event["details"]["diff"]] == ["limit"]
    assert [e["kind"] for e in log.events(limit=None)] == ["generated", "explored", "accepted"]

    rejected = payload(
        api("POST", "feedback", {"answer_id": segments.id, "kind": "reject", "reason": "wrong metric"})
    )
    assert rejected["message"] == "rejected (wrong metric): thank you, logged"
    event = log.events(limit=None, kinds=("rejected",))[0]
    assert event["details"]["reason"] == "wrong metric"


def test_chart_switches_to_kinds_that_fit(api: Api) -> None:
    segments = answer_of(api("POST", "ask", {"question": SEGMENTS, "new": True}))
    pie = answer_of(api("POST", "chart", {"answer_id": segments.id, "kind": "pie"}))
    assert pie.chart is not None and pie.chart.kind == "pie" and pie.chart.figure is not None
    assert pie.chart.figure["data"][0]["type"] == "pie"
    assert_error(api("POST", "chart", {"answer_id": segments.id, "kind": "scatter"}), 400, "scatter")
    assert_error(api("POST", "chart", {"answer_id": segments.id, "kind": "radar"}), 400, "kind")


def test_reading_takes_the_ratio_off_and_runs_the_sql_compiled_again(api: Api) -> None:
    ratio = answer_of(api("POST", "ask", {"question": "refund to revenue ratio by channel last year"}))
    assert ratio.path == "semantic" and ratio.interpretation is not None
    assert [(c.id, c.kind, c.text) for c in ratio.interpretation.chips] == [
        ("ratio", "ratio", "refund amount as % of revenue")
    ]
    assert ratio.table is not None and ratio.table.columns[-1].name == "refund_amount_pct_of_revenue"
    both = answer_of(
        api("POST", "reading", {"answer_id": ratio.id, "remove": ["ratio"], "connection": "demo"})
    )
    assert both.id == ratio.id and both.interpretation is not None and both.interpretation.chips == []
    assert both.interpretation.query is not None and both.interpretation.query["ratio"] is False
    assert "as % of" not in both.interpretation.text and both.sql == both.interpretation.sql
    assert both.table is not None and [c.name for c in both.table.columns] == [
        "channel",
        "refund_amount",
        "revenue",
    ]
    assert sorted(both.table.rows) == sorted(row[:3] for row in ratio.table.rows)

    assert_error(api("POST", "reading", {"answer_id": ratio.id, "remove": ["ratio"]}), 400, "no part ratio")
    assert_error(api("POST", "reading", {"answer_id": ratio.id}), 400, "nothing to change")
    api("POST", "edit", {"answer_id": ratio.id, "edit": {"type": "SetLimit", "n": 1}})
    refused = api("POST", "reading", {"answer_id": ratio.id, "remove": []})
    assert_error(refused, 400, "no reading of the semantic model")


def test_reading_takes_a_bound_off_in_the_language_of_the_answer(api: Api) -> None:
    question = "近12个月复购率最高的3个城市（只看下单客户不少于50个的城市）"
    bounded = answer_of(api("POST", "ask", {"question": question, "new": True}))
    assert bounded.interpretation is not None
    assert [(c.id, c.text) for c in bounded.interpretation.chips] == [("bound:0", "活跃客户 ≥ 50")]
    assert bounded.table is not None and all(row[-1] >= 50 for row in bounded.table.rows)
    every = answer_of(api("POST", "reading", {"answer_id": bounded.id, "remove": ["bound:0"]}))
    assert every.interpretation is not None and every.interpretation.chips == []
    assert every.interpretation.query is not None and every.interpretation.query["having"] == []
    assert every.table is not None and every.table.rows != bounded.table.rows
    assert every.status.startswith("ran the edited query")


def test_export_downloads_the_rows_as_csv_or_excel(api: Api) -> None:
    segments = answer_of(api("POST", "ask", {"question": SEGMENTS, "new": True}))
    csv = api("GET", f"answers/{segments.id}/export", params={"format": "csv"})
    assert csv.code == 200 and csv.headers["Content-Type"].startswith("text/csv")
    assert (
        csv.headers["Content-Disposition"].startswith("attachment")
        and "answer.csv" in csv.headers["Content-Disposition"]
    )
    assert csv.body.decode().splitlines()[:2] == ["segment,customer_count", "Consumer,4000"]
    xlsx = api("GET", f"answers/{segments.id}/export", params={"format": "xlsx"})
    assert xlsx.code == 200 and xlsx.body[:2] == b"PK" and "spreadsheetml" in xlsx.headers["Content-Type"]
    assert_error(api("GET", f"answers/{segments.id}/export", params={"format": "pdf"}), 400, "csv or xlsx")
    assert_error(api("GET", f"answers/{'a' * 32}/export"), 404, "no answer")


def test_table_gives_every_row_fetched_where_the_answer_carries_the_first(api: Api) -> None:
    sql = "SELECT order_id, order_date FROM orders ORDER BY order_id"
    answer = answer_of(api("POST", "run", {"sql": sql, "question": "Every order"}))
    assert answer.table is not None and answer.table.row_count > len(answer.table.rows) == 1000
    response = api("GET", f"answers/{answer.id}/table")
    assert response.code == 200, response.body
    whole = from_json(wire.Table, payload(response))
    assert len(whole.rows) == whole.row_count == answer.table.row_count
    assert whole.columns == answer.table.columns and whole.truncated == answer.table.truncated
    assert whole.rows[:1000] == answer.table.rows
    assert [row[0] for row in whole.rows] == sorted(row[0] for row in whole.rows)

    refused = answer_of(api("POST", "run", {"sql": "DELETE FROM orders"}))
    assert_error(api("GET", f"answers/{refused.id}/table"), 400, "did not run")
    assert_error(api("GET", f"answers/{'a' * 32}/table"), 404, "no answer")


def test_cell_reproduces_the_rows_and_the_chart_shown(api: Api) -> None:
    segments = answer_of(api("POST", "ask", {"question": SEGMENTS, "new": True}))
    first = from_json(wire.NotebookCell, payload(api("GET", f"answers/{segments.id}/cell")))
    assert segments.chart is not None and segments.chart.kind == "bar"
    assert 'choice_for(df, "bar", ' in first.source  # the chart the rules chose, as the panel shows it
    api("POST", "edit", {"answer_id": segments.id, "edit": {"type": "SetLimit", "n": 2}})
    table = answer_of(api("POST", "chart", {"answer_id": segments.id, "kind": "table"}))
    plain = from_json(wire.NotebookCell, payload(api("GET", f"answers/{segments.id}/cell")))
    assert table.sql in plain.source and "choice_for" not in plain.source and plain.source.endswith("\ndf")
    shown = answer_of(api("POST", "chart", {"answer_id": segments.id, "kind": "bar"}))
    cell = from_json(wire.NotebookCell, payload(api("GET", f"answers/{segments.id}/cell")))
    assert cell.answer_id == segments.id and shown.sql in cell.source
    assert cell.source.startswith(f"# ChatBI: {SEGMENTS}\n") and 'open_database("demo")' in cell.source

    displayed: list[Any] = []
    namespace: dict[str, Any] = {"display": displayed.append}
    *statements, last = cell.source.splitlines()
    exec("\n".join(statements), namespace)  # as a kernel runs it: the rows, then the chart
    figure = eval(last, namespace)
    assert shown.table is not None and displayed[0].values.tolist() == shown.table.rows
    assert 'choice_for(df, "bar", ' in cell.source and figure.data[0].type == "bar"
    assert list(figure.data[0].x) == [row[0] for row in shown.table.rows]

    assert_error(api("GET", f"answers/{'b' * 32}/cell"), 404, "no answer")
    refused = answer_of(api("POST", "run", {"sql": "DELETE FROM orders"}))
    assert_error(api("GET", f"answers/{refused.id}/cell"), 400, "no result to reproduce")


def test_a_cell_reads_a_password_from_the_kernels_environment() -> None:
    from chatbi_jupyterlab.cell import cell_source

    source = cell_source(sql="SELECT 1", spec=BROKEN_URL, name="sales db", question="One?", chart_kind="pie")
    assert 'open_database(os.environ["CHATBI_URL_SALES_DB"])' in source and "import os" in source
    assert "s3cret" not in source and "127.0.0.1" not in source
    assert 'choice_for(df, "pie", "One?")' in source
    compile(source, "<cell>", "exec")
    plain = cell_source(sql="SELECT 1", spec="shop.sqlite", name="shop", question="One?", chart_kind=None)
    assert 'open_database("shop.sqlite")' in plain and "import os" not in plain
    assert "build_figure" not in plain and plain.endswith("\ndf")


def test_ask_explains_in_the_language_asked_for(api: Api) -> None:
    english = answer_of(api("POST", "ask", {"question": SEGMENTS, "new": True}))
    chinese = answer_of(api("POST", "ask", {"question": SEGMENTS, "new": True, "language": "zh"}))
    assert (english.lang, chinese.lang) == ("en", "zh")
    assert english.summary and not re.search(r"[\u4e00-\u9fff]", english.summary)
    assert chinese.summary and re.search(r"[\u4e00-\u9fff]", chinese.summary)
    assert_error(api("POST", "ask", {"question": SEGMENTS, "language": "fr"}), 400, "language")


def test_the_time_budget_reaches_every_connection(api: Api, service: Any) -> None:
    api("GET", "connections")
    budgets = {name: assistant.time_budget_s for name, assistant in service.session.connections.items()}
    assert budgets == {"demo": TIME_BUDGET_S, "second": TIME_BUDGET_S}


@pytest.fixture(autouse=True)
def own_query_timeout_reset() -> Iterator[None]:
    """The server runs in the test process: its setting must not outlive the test."""
    yield
    set_own_query_timeout(None)


def test_the_own_query_timeout_setting_bounds_the_servers_statements(api: Api) -> None:
    api("GET", "connections")
    assert own_query_timeout_s() == OWN_QUERY_TIMEOUT_S


def test_model_status_and_regenerate_with_a_stand_in_model(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    status = from_json(wire.ModelStatus, payload(api("GET", "model")))
    assert (status.loaded, status.loading, status.queued, status.stage) == (False, False, 0, None)
    assert status.describe.startswith("model ")

    replies = Replies("SELECT segment, COUNT(*) AS n FROM customers GROUP BY segment ORDER BY n")
    monkeypatch.setattr("nl2sql.models.resolve.load_generator", lambda *args, **kwargs: replies)
    segments = answer_of(api("POST", "ask", {"question": SEGMENTS, "new": True}))
    again = answer_of(api("POST", "regenerate", {"answer_id": segments.id}))
    assert again.id == segments.id and again.sql == replies.sql and again.generated_sql == replies.sql
    assert (again.edited, again.sample, segments.sample) == (False, 1, 0), "a regeneration is no edit"
    assert again.status == "regenerated (sample 1): 3 rows" and again.model_id == "replies"
    status = from_json(wire.ModelStatus, payload(api("GET", "model")))
    assert (status.loaded, status.model_id, status.queued) == (True, "replies", 0)


def test_a_regenerated_answer_counts_once_in_the_adoption_figures(
    api: Api, feedback_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from feedback.stats import adoption_stats

    replies = Replies("SELECT segment, COUNT(*) AS n FROM customers GROUP BY segment ORDER BY n")
    monkeypatch.setattr("nl2sql.models.resolve.load_generator", lambda *args, **kwargs: replies)
    segments = answer_of(api("POST", "ask", {"question": SEGMENTS, "new": True}))
    answer_of(api("POST", "regenerate", {"answer_id": segments.id}))
    api("POST", "feedback", {"answer_id": segments.id, "kind": "accept"})

    log = FeedbackLog(feedback_path)
    asked, again = log.events(limit=None, kinds=("generated",))
    assert again["details"]["regenerates"] == asked["id"] and again["details"]["seed"] == 1
    stats = adoption_stats(log)
    assert (stats.questions, stats.regenerated, stats.regenerations) == (1, 1, 1)
    assert stats.outcomes["accepted"] == 1, "the regenerated SQL accepted as the model wrote it"


def test_a_regenerated_answer_is_judged_against_the_regeneration_not_the_first_answer(
    api: Api, feedback_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    regenerated = "SELECT segment, COUNT(*) AS n FROM customers GROUP BY segment ORDER BY n"
    monkeypatch.setattr("nl2sql.models.resolve.load_generator", lambda *args, **kwargs: Replies(regenerated))
    segments = answer_of(api("POST", "ask", {"question": SEGMENTS, "new": True}))
    assert segments.sql != regenerated, "the first answer comes from the semantic model"
    answer_of(api("POST", "regenerate", {"answer_id": segments.id}))
    accepted = payload(api("POST", "feedback", {"answer_id": segments.id, "kind": "accept"}))
    assert accepted["message"] == "accepted: thank you, logged with the SQL shown"

    limited = answer_of(api("POST", "edit", {"answer_id": segments.id, "edit": {"type": "SetLimit", "n": 2}}))
    assert (limited.edited, limited.sample, limited.generated_sql) == (True, 1, regenerated)
    assert limited.status == "ran the edited query: 2 rows"
    api("POST", "feedback", {"answer_id": segments.id, "kind": "accept"})
    back = api("POST", "run", {"answer_id": segments.id, "sql": regenerated})
    assert answer_of(back).status == "ran the regenerated query: 3 rows"

    log = FeedbackLog(feedback_path)
    unchanged, edited = log.events(limit=None, kinds=("accepted",))
    assert (unchanged["sql"], unchanged["final_sql"], unchanged["details"]["diff"]) == (
        regenerated,
        regenerated,
        [],
    ), "accepted as the model wrote it on screen: no diff against the first answer"
    assert unchanged["model_id"] == "replies", "the model that wrote the regeneration"
    assert edited["sql"] == regenerated and edited["final_sql"].endswith("LIMIT 2")
    assert [change["kind"] for change in edited["details"]["diff"]] == ["limit"]
    explored, executed = log.events(limit=None, kinds=("explored", "executed"))
    assert (explored["kind"], executed["kind"]) == ("explored", "executed")


# Security and errors -------------------------------------------------------------------------------------


def test_no_token_is_refused(api: Api, http_server_client: Any, jp_base_url: str) -> None:
    for method, path, body in [("GET", "connections", None), ("POST", "ask", '{"question": "x"}')]:
        response = api.run(
            http_server_client.fetch(
                f"{jp_base_url}chatbi/api/{path}", method=method, body=body, raise_error=False
            )
        )
        assert_error(response, 403)


def test_a_cookie_without_the_xsrf_token_is_refused(api: Api) -> None:
    login = api("GET", "model")  # token-authenticated: the server sets its login cookie
    cookies = [c.split(";")[0] for c in login.headers.get_list("Set-Cookie")]
    assert cookies, "no login cookie"
    cookie = "; ".join(cookies)
    body = {"question": SEGMENTS}
    no_token = {"Authorization": "", "Cookie": cookie}
    assert api("GET", "model", headers=no_token).code == 200  # the cookie alone is a login
    assert_error(api("POST", "ask", body, headers=no_token), 403, "_xsrf")
    xsrf = "0123456789abcdef" * 2
    with_xsrf = {**no_token, "Cookie": f"{cookie}; _xsrf={xsrf}", "X-XSRFToken": xsrf}
    assert api("POST", "ask", body, headers=with_xsrf).code == 200


def test_a_foreign_origin_gets_no_cors_header(api: Api) -> None:
    evil = {"Origin": "http://evil"}
    for method, path, body in [("GET", "connections", None), ("POST", "ask", {"question": SEGMENTS})]:
        response = api(method, path, body, headers=evil)
        assert "Access-Control-Allow-Origin" not in response.headers, (path, response.code)
    response = api("OPTIONS", "ask", headers=evil)
    assert "Access-Control-Allow-Origin" not in response.headers


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("not json", "the request body is not JSON"),
        ("[1, 2]", "expected an object"),
        ({}, "question: missing"),
        ({"question": 42}, "question: expected a string, got a number"),
        ({"question": SEGMENTS, "colour": "red"}, "unknown field 'colour'"),
        ({"question": SEGMENTS, "follow_up": "yes"}, "follow_up"),
        ({"question": "   "}, "the question is empty"),
        ({"question": SEGMENTS, "connection": "crm"}, "no connection named crm"),
    ],
)
def test_malformed_requests_get_a_4xx_message(api: Api, body: Any, words: str) -> None:
    status = 404 if "crm" in str(body) else 400
    assert_error(api("POST", "ask", body), status, words)


def test_malformed_feedback_and_unknown_answers(api: Api) -> None:
    assert_error(api("POST", "feedback", {"answer_id": "f" * 32, "kind": "love"}), 400, "'accept', 'reject'")
    assert_error(api("POST", "feedback", {"answer_id": "f" * 32, "kind": "accept"}), 404, "no answer")
    assert_error(api("POST", "regenerate", {}), 400, "answer_id: missing")


def test_a_server_failure_is_a_generic_500(api: Api, service: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    async def fail(request: Any) -> None:
        raise RuntimeError(f"driver exploded at {BROKEN_URL}")

    monkeypatch.setattr(service, "ask", fail)
    assert assert_error(api("POST", "ask", {"question": SEGMENTS}), 500) == INTERNAL_ERROR


# The queue ---------------------------------------------------------------------------------------------


def test_eight_questions_at_once_from_two_clients_are_all_answered_in_order(
    api: Api, service: Any, jp_http_port: int, jp_base_url: str, jp_auth_header: dict[str, str]
) -> None:
    questions = [
        (REGION, {"new": True}),
        ("only for the last 12 months", {"follow_up": True}),
        (SEGMENTS, {"new": True}),
        ("What was the revenue by region last quarter?", {"new": True}),
    ]
    other = AsyncHTTPClient(force_instance=True)  # a second client, with its own connections
    url = f"http://127.0.0.1:{jp_http_port}{jp_base_url}chatbi/api/ask"

    async def ask_second(body: dict[str, Any]) -> HTTPResponse:
        return await other.fetch(
            url, method="POST", body=json.dumps(body), headers=jp_auth_header, raise_error=False
        )

    async def scenario() -> tuple[dict[str, list[HTTPResponse]], list[str], float]:
        api_response = await api.request("GET", "connections")  # both connections open
        assert api_response.code == 200
        gate = threading.Event()
        service.worker.start(gate.wait)  # the worker is busy: everything below queues behind this
        finished: list[str] = []

        def done(name: str, _: object) -> None:
            finished.append(name)

        tasks: dict[str, list[asyncio.Task[HTTPResponse]]] = {"demo": [], "second": []}
        for question, options in questions:
            for connection in ("demo", "second"):
                body = {"question": question, "connection": connection, **options}
                send = api.request("POST", "ask", body) if connection == "demo" else ask_second(body)
                task = asyncio.ensure_future(send)
                task.add_done_callback(functools.partial(done, f"{connection}{len(tasks[connection])}"))
                tasks[connection].append(task)
                await asyncio.sleep(0.05)  # sent one after the other: the order the server gets them
        started = time.perf_counter()
        status = from_json(wire.ModelStatus, payload(await api.request("GET", "model")))
        schema = await api.request("GET", "connections/demo/schema")
        responsive = time.perf_counter() - started
        assert status.queued == 8 and schema.code == 200, (status, schema.code)
        gate.set()
        answers = {c: list(await asyncio.gather(*ts)) for c, ts in tasks.items()}
        return answers, finished, responsive

    try:
        answers, finished, responsive = api.run(scenario())
    finally:
        other.close()
    assert responsive < 2.0, f"the server took {responsive:.1f} s to answer while the worker was busy"
    for connection, responses in answers.items():
        parsed = [answer_of(response) for response in responses]
        assert [a.question for a in parsed] == [q for q, _ in questions]
        assert all(a.connection == connection and a.error is None for a in parsed)
        assert [turn.question for turn in parsed[1].history] == [REGION]  # the follow-up came second
        assert parsed[1].path == "semantic" and parsed[2].history == []
        assert [f for f in finished if f.startswith(connection)] == [f"{connection}{n}" for n in range(4)]


@pytest.mark.slow
def test_a_question_for_the_language_model_loads_it_once_and_reports_progress(api: Api) -> None:
    async def scenario() -> tuple[HTTPResponse, list[wire.ModelStatus]]:
        question = "Which products cost more than the average price of their category? List their names."
        body = {"question": question, "new": True}
        asking = asyncio.ensure_future(api.request("POST", "ask", body, request_timeout=600))
        seen = []
        while not asking.done():
            seen.append(from_json(wire.ModelStatus, payload(await api.request("GET", "model"))))
            await asyncio.sleep(0.2)
        return await asking, seen

    response, seen = api.run(scenario())
    answer = answer_of(response)
    assert answer.path == "sql" and answer.model_id and answer.model_id != "semantic layer"
    assert any(status.stage for status in seen) and any(status.queued == 1 for status in seen)
    status = from_json(wire.ModelStatus, payload(api("GET", "model")))
    assert status.loaded and status.model_id == answer.model_id and status.stage is None
