"""The learning loop in the JupyterLab server extension, on a real Jupyter Server: the adoption
dashboard (``GET dashboard``) from the feedback log the panel logs to, and the retraining schedule
(``ChatBI.retrain_every_hours``), which runs the real ``chatbi retrain --if-new N`` as a child process.
No test trains: the log never holds enough approved corrections.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("chatbi_jupyterlab", reason="the extension is not installed: pip install -e extension")
pytest.importorskip("pytest_jupyter", reason="pytest-jupyter is not installed: pip install -e '.[dev]'")

from chatbi_jupyterlab import wire
from chatbi_jupyterlab.codegen import from_json
from panel_api import Api, assert_error, payload

# pytest-jupyter's server fixtures, for this module only (as in test_server_extension.py).
from pytest_jupyter.jupyter_server import *  # noqa: F403
from traitlets.config import Config

from feedback import FeedbackLog
from feedback.outcome import record_outcome

EVERY_SECOND = 1 / 3600
"""``ChatBI.retrain_every_hours`` of one second."""
DAY = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def feedback_path(tmp_path: Path) -> Path:
    return tmp_path / "feedback.sqlite"


@pytest.fixture
def retrain_settings() -> dict[str, Any]:
    return {}


@pytest.fixture
def jp_server_config(feedback_path: Path, retrain_settings: dict[str, Any]) -> Config:
    return Config(
        {
            "ServerApp": {"jpserver_extensions": {"chatbi_jupyterlab": True}},
            "ChatBI": {
                "connections": {"demo": "demo", "url": "postgresql://reader@127.0.0.1:9/shop"},
                "feedback_log": str(feedback_path),
                **retrain_settings,
            },
        }
    )


@pytest.fixture
def api(jp_fetch: Any, jp_asyncio_loop: asyncio.AbstractEventLoop) -> Api:
    return Api(jp_fetch, jp_asyncio_loop)


def write_events(path: Path) -> None:
    """Three questions on the demo database (one accepted, one rejected, one with no verdict, the
    rejected one with an error) and one on another database, all on :data:`DAY`."""
    log = FeedbackLog(path, user="ann", clock=lambda: DAY)
    for question, sql, error in [
        ("How many customers?", "SELECT COUNT(*) FROM customers", None),
        ("How many orders?", "SELECT COUNT(*) FROM ordres", "no such table: ordres"),
        ("Which regions?", "SELECT DISTINCT region FROM customers", None),
    ]:
        log.record(
            "generated", database="demo", question=question, sql=sql, error=error, timings={"total": 1.0}
        )
    log.record(
        "generated", database="elsewhere", question="How many?", sql="SELECT 1", timings={"total": 2.0}
    )
    record_outcome(
        log,
        "accepted",
        question="How many customers?",
        generated_sql="SELECT COUNT(*) FROM customers",
        database="demo",
    )
    record_outcome(
        log,
        "rejected",
        question="How many orders?",
        generated_sql="SELECT COUNT(*) FROM ordres",
        reason="wrong table",
        database="demo",
    )
    log.close()


def dashboard(api: Api, **params: str) -> wire.Dashboard:
    response = api("GET", "dashboard", params=params)
    assert response.code == 200, response.body
    return from_json(wire.Dashboard, payload(response))


def bar_totals(figure: wire.DashboardFigure) -> dict[str, int]:
    return {trace["name"]: sum(trace["y"]) for trace in figure.figure["data"]}


def test_the_dashboard_gives_the_six_figures_of_the_logged_events(api: Api, feedback_path: Path) -> None:
    write_events(feedback_path)
    every = dashboard(api)
    assert (every.questions, every.connection, every.since) == (4, None, None)
    assert [figure.name for figure in every.figures] == [
        "questions",
        "shares",
        "edits",
        "latency",
        "errors",
        "versions",
    ]
    assert every.figures[0].title == "Questions per day, by outcome"
    assert bar_totals(every.figures[0]) == {
        "accepted": 1,
        "edited": 0,
        "rejected": 1,
        "error": 0,
        "no verdict": 2,
    }
    assert "template" not in every.figures[0].figure["layout"], "themeless, as the answer chart"
    assert every.figures[0].figure["layout"]["paper_bgcolor"] == "rgba(0,0,0,0)"

    demo = dashboard(api, connection="demo")
    assert (demo.questions, demo.answered, demo.connection) == (3, 2, "demo")
    assert demo.outcomes == {"accepted": 1, "edited": 0, "rejected": 1, "error": 0, "no verdict": 1}
    errors = next(figure for figure in demo.figures if figure.name == "errors")
    assert {trace["name"]: list(trace["y"]) for trace in errors.figure["data"]}["tables"] == ["ordres"]


def test_the_dashboard_counts_from_a_day_on_and_refuses_bad_parameters(api: Api, feedback_path: Path) -> None:
    write_events(feedback_path)
    assert dashboard(api, since="2026-03-02").questions == 4
    later = dashboard(api, since="2026-03-03")
    assert (later.questions, later.since, later.figures) == (0, "2026-03-03", [])
    assert_error(api("GET", "dashboard", params={"since": "yesterday"}), 400, "YYYY-MM-DD")
    assert_error(
        api("GET", "dashboard", params={"connection": "nowhere"}), 404, "no connection named nowhere"
    )


def test_retraining_is_off_by_default(api: Api, jp_serverapp: Any) -> None:
    api.run(asyncio.sleep(0.2))  # the loop runs the scheduler's start
    status = from_json(wire.RetrainingStatus, payload(api("GET", "retraining")))
    assert (status.enabled, status.every_hours, status.runs, status.last_run, status.next_run_at) == (
        False,
        None,
        0,
        None,
        None,
    )
    assert jp_serverapp.web_app.settings["chatbi_retraining"]._task is None, "nothing scheduled"


@pytest.mark.parametrize("retrain_settings", [{"retrain_every_hours": EVERY_SECOND, "retrain_if_new": 2}])
def test_scheduled_retraining_runs_the_command_and_changes_nothing_without_new_corrections(
    api: Api, feedback_path: Path, retrain_settings: dict[str, Any]
) -> None:
    write_events(feedback_path)
    before = FeedbackLog(feedback_path).events(limit=None)
    status = from_json(wire.RetrainingStatus, payload(api("GET", "retraining")))
    assert (status.enabled, status.if_new, status.connections) == (True, 2, ["demo"]), "URLs are not files"

    deadline = time.monotonic() + 60
    while status.runs < 2 and time.monotonic() < deadline:  # two runs: one after the other, never together
        api.run(asyncio.sleep(0.25))
        status = from_json(wire.RetrainingStatus, payload(api("GET", "retraining")))
        assert not (status.running and status.next_run_at), "a run in progress has no next run yet"
    assert status.runs >= 2, status
    run = status.last_run
    assert run is not None and (run.outcome, run.exit_code) == ("skipped", 0), run
    assert run.message == "nothing to do: 0 corrections approved (no training recorded); --if-new asks for 2"
    assert run.started_at <= run.finished_at
    assert FeedbackLog(feedback_path).events(limit=None) == before, "the log is unchanged"
