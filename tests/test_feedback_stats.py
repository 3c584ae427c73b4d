"""The adoption figures of a real feedback log, on SQLite and on PostgreSQL, written as the product writes
it (questions as :class:`nl2sql.Assistant` logs them, verdicts through ``Assistant.record``, an approval
through :func:`feedback.review.approve`, regenerations through the notebook view and the panel's server)
on a pinned clock, against numbers worked out by hand."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import POSTGRES_ADMIN_URL, Replies

from feedback.log import FeedbackLog
from feedback.review import approve
from feedback.stats import AdoptionStats, adoption_stats
from feedback.stats_report import stats_report
from nl2sql import Assistant
from nl2sql.answer import Answer
from nl2sql.cli import main

D1, D2, D3 = "2026-03-01", "2026-03-02", "2026-03-03"
OLD, NEW = "aaaa1111bbbb2222", "cccc3333dddd4444"
"""The adapter that answered on the first two days, and the one promoted for the third."""
CHURN = "churn means no order in 90 days"


class Clock:
    """A clock that reads what it was set to."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)

    def set(self, day: str, hour: int, minute: int = 0) -> None:
        self.now = datetime.fromisoformat(f"{day}T{hour:02d}:{minute:02d}:00+00:00")

    def __call__(self) -> datetime:
        return self.now


class Session:
    """One user's notebook on the shop database, logging to the shared log."""

    def __init__(self, location: str | Path, user: str, clock: Clock, shop: str) -> None:
        self.log = FeedbackLog(location, user=user, clock=clock)
        self.assistant = Assistant(shop, log=self.log)

    def ask(
        self, question: str, sql: str, seconds: float, *, adapter: str = OLD, error: str | None = None
    ) -> Answer:
        """Log the question as ``Assistant.ask`` does (the time it took pinned), and return its answer."""
        answer = Answer(question, sql, error=error, model_id="qwen", adapter_hash=adapter)
        answer.timings = {"generate": seconds / 2, "total": seconds}
        self.assistant._log(answer)
        return answer

    def record(
        self, kind: str, answer: Answer, final_sql: str | None = None, reason: str | None = None
    ) -> None:
        self.assistant.record(kind, answer, final_sql=final_sql, reason=reason)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty feedback store: a SQLite file, or a PostgreSQL database of the test's own, dropped after
    it (skipped when no server can be reached)."""
    if request.param == "sqlite":
        yield str(tmp_path / "feedback.sqlite")
        return
    name = f"chatbi_stats_{uuid.uuid4().hex[:12]}"
    try:
        admin = sa.create_engine(
            POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
        )
        with admin.connect() as connection:
            connection.exec_driver_sql(f"CREATE DATABASE {name}")
    except Exception as error:  # no server, no driver: this store is not available here
        pytest.skip(f"postgresql is not reachable at {POSTGRES_ADMIN_URL}: {str(error).splitlines()[0]}")
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


@pytest.fixture()
def team_store(store: str, sqlite_shop: str) -> str:
    """The team's log (:func:`write_team_log`) in each store."""
    write_team_log(store, sqlite_shop)
    return store


@pytest.fixture()
def team_log(tmp_path: Path, sqlite_shop: str) -> Path:
    """The team's log (:func:`write_team_log`) in a SQLite file."""
    path = tmp_path / "feedback.sqlite"
    write_team_log(path, sqlite_shop)
    return path


def write_team_log(location: str | Path, sqlite_shop: str) -> None:
    """Three days of two users on the shop database (questions Q1–Q12), one question on another database,
    and one approval. The comments give each question's outcome, edit kinds and seconds."""
    clock = Clock()
    ann, bo = (Session(location, user, clock, sqlite_shop) for user in ("ann", "bo"))

    clock.set(D1, 9)
    q1 = ann.ask("How many customers?", "SELECT COUNT(*) FROM customers", 0.5)
    ann.record("accepted", q1)  # Q1 accepted unchanged, 0.5 s
    clock.set(D1, 10)
    q2 = ann.ask("Customers in the SMB segment", "SELECT name FROM customers WHERE segment = 'smb'", 1.0)
    ann.record("edited", q2, "SELECT name FROM customers WHERE segment = 'SMB'")  # Q2 filter value
    clock.set(D1, 11)
    since = "SELECT COUNT(*) FROM orders WHERE order_date >= '2025-02-01'"
    q3 = bo.ask("Orders since March", since, 2.0)
    bo.record("edited", q3, since.replace("02-01", "03-01"))  # Q3 time window
    clock.set(D1, 12)
    no_table = "the model could not write valid SQL: no table ordres; did you mean orders?"
    bo.ask("Total amount", "SELECT SUM(amount) FROM ordres", 0.25, error=no_table)  # Q4 error, no verdict

    clock.set(D2, 9)
    top = "SELECT customer_id, SUM(amount) AS total FROM orders GROUP BY customer_id"
    q5 = ann.ask("Top customers by amount", top, 1.5)
    ann.record("edited", q5, top + " ORDER BY total DESC LIMIT 3")  # Q5 limit/order
    clock.set(D2, 10)
    q6 = bo.ask("Customers who ordered", "SELECT c.name FROM customers AS c", 2.5)
    joined = "SELECT c.name FROM customers AS c JOIN orders AS o ON o.customer_id = c.customer_id"
    bo.record("accepted", q6, joined)  # Q6 accepted after an edit: an edit, of the join
    clock.set(D2, 11)
    q7 = bo.ask("Which customers churned?", "SELECT name FROM customers", 3.0)
    bo.record("rejected", q7, reason=CHURN)  # Q7 rejected
    clock.set(D2, 12)
    no_column = "the model could not write valid SQL: no column amout in orders; did you mean amount?"
    q8 = ann.ask("Average amount", "SELECT AVG(amout) FROM orders", 0.75, error=no_column)
    ann.record("edited", q8, "SELECT AVG(amount) FROM orders")  # Q8 an error, then edited: a measure
    clock.set(D2, 13)
    ann.log.record("generated", database="sales", question="Revenue?", sql="SELECT 1", user_name="ann")

    clock.set(D3, 9)
    q9 = ann.ask("How many customers?", "SELECT COUNT(*) FROM customers", 0.5, adapter=NEW)
    ann.record("accepted", q9)  # Q9 accepted unchanged
    clock.set(D3, 10)
    q10 = bo.ask("Which customers churned?", "SELECT name FROM customers WHERE 0", 4.0, adapter=NEW)
    bo.record("rejected", q10, reason="Churn means no order in 90 days ")  # Q10 the same reason
    clock.set(D3, 11)
    bo.ask("Orders per month", "SELECT order_date, COUNT(*) FROM orders GROUP BY 1", 1.25, adapter=NEW)  # Q11
    clock.set(D3, 12)
    segments = Answer(
        "Segments?", "SELECT DISTINCT segment FROM customers", model_id="qwen", adapter_hash=NEW
    )
    ann.record("accepted", segments)  # Q12 a verdict whose question was not logged: a question of its own
    clock.set(D3, 13)
    edits = ann.log.events(limit=None, kinds=["edited"])
    q2_edit = next(e["id"] for e in edits if e["question"] == q2.question)
    approve(ann.log, q2_edit, ann.assistant.database, ann.assistant.schema, reviewer="cy")  # a review
    for session in (ann, bo):
        session.log.close()


def test_counts_shares_edit_kinds_and_percentiles_are_those_worked_out_by_hand(team_store: str) -> None:
    stats = adoption_stats(FeedbackLog(team_store), database="shop")

    assert (stats.questions, stats.answered, stats.errors) == (12, 10, 2)
    assert stats.outcomes == {"accepted": 3, "edited": 5, "rejected": 2, "error": 1, "no verdict": 1}
    assert stats.share("answered") == 10 / 12 and stats.share("accepted") == 3 / 12
    assert stats.share("edited") == 5 / 12 and stats.share("rejected") == 2 / 12
    assert stats.edits == {
        "filter-value": 1,
        "time-window": 1,
        "condition": 0,
        "columns": 1,
        "grouping": 0,
        "join": 1,
        "limit-order": 1,
        "other": 0,
    }
    assert stats.rejections == {CHURN: 2}
    assert stats.error_tables == {"orders": 1, "ordres": 1}
    assert stats.error_columns == {"orders.amout": 1}
    # 11 timed answers: .25 .5 .5 .75 1 1.25 1.5 2 2.5 3 4 → rank ceil(5.5) = 6 and ceil(10.45) = 11
    assert (stats.latency.count, stats.latency.p50, stats.latency.p95) == (11, 1.25, 4.0)
    assert stats.reviews == {"approved": 1, "declined": 0}

    days = {day.day: day for day in stats.days}
    assert list(days) == [D1, D2, D3]
    assert [days[d].questions for d in days] == [4, 4, 4]
    assert [(days[d].latency.p50, days[d].latency.p95) for d in days] == [(0.5, 2.0), (1.5, 3.0), (1.25, 4.0)]
    assert days[D1].outcomes == {"accepted": 1, "edited": 2, "rejected": 0, "error": 1, "no verdict": 0}
    assert days[D3].outcomes == {"accepted": 2, "edited": 0, "rejected": 1, "error": 0, "no verdict": 1}
    assert days[D3].latency.count == 3, "Q12 has no logged question, so no time"

    assert [(u.user, u.questions, u.answered) for u in stats.users] == [("ann", 6, 5), ("bo", 6, 5)]
    assert stats.users[0].outcomes == {"accepted": 3, "edited": 3, "rejected": 0, "error": 0, "no verdict": 0}
    assert stats.users[1].outcomes == {"accepted": 0, "edited": 2, "rejected": 2, "error": 1, "no verdict": 1}

    versions = [(v.version, v.questions, v.first_day, v.last_day) for v in stats.versions]
    assert versions == [
        ("qwen + adapter aaaa1111bbbb", 8, D1, D2),
        ("qwen + adapter cccc3333dddd", 4, D3, D3),
    ]
    assert days[D2].versions == {"qwen + adapter aaaa1111bbbb": 4}


def test_since_and_database_filter(team_store: str) -> None:
    log = FeedbackLog(team_store)
    everything = adoption_stats(log)
    assert everything.questions == 13 and everything.days[1].questions == 5, "the sales question too"
    assert adoption_stats(log, database="sales").questions == 1

    later = adoption_stats(log, since=date(2026, 3, 2), database="shop")
    assert (later.questions, later.since, [d.day for d in later.days]) == (8, D2, [D2, D3])
    assert later.outcomes == {"accepted": 2, "edited": 3, "rejected": 2, "error": 0, "no verdict": 1}
    assert later.error_tables == {"orders": 1} and later.edits["time-window"] == 0
    assert (later.latency.p50, later.latency.p95) == (1.5, 4.0)  # .5 .75 1.25 1.5 2.5 3 4
    assert adoption_stats(log, since=date(2026, 3, 4)).empty


def test_the_command_prints_one_table_and_writes_the_figures_as_json(
    team_store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "stats.json"
    monkeypatch.setenv("CHATBI_FEEDBACK_URL", team_store)  # the store the command reads by default
    assert main(["feedback", "stats", "--db", "shop", "--since", D2, "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    lines = printed.splitlines()
    assert lines[0] == f"8 questions on shop from 2 users, {D2} to {D3}"
    header = ["questions", "answered", "accepted", "edited", "rejected", "error", "no", "verdict"]
    assert lines[2].split() == [*header, "regenerated", "p50", "s", "p95", "s"]
    assert lines[3].split() == [D2, "4", "3", "0", "3", "1", "0", "0", "0", "1.50", "3.00"]
    assert lines[5].split() == ["all", "8", "7", "2", "3", "2", "0", "1", "0", "1.50", "4.00"]
    assert lines[6].split() == ["share", "88%", "25%", "38%", "25%", "0%", "12%", "0%"]
    assert "edits by kind: columns or measures 1, join 1, limit or order 1" in printed
    assert f"rejected: 2: {CHURN} (2)\nregenerated: none\n" in printed
    assert "errors: 1; tables: orders (1); columns: orders.amout (1)" in printed
    written = json.loads(out.read_text(encoding="utf-8"))
    expected = adoption_stats(FeedbackLog(team_store), since=date(2026, 3, 2), database="shop").to_dict()
    assert written == json.loads(json.dumps(expected))
    assert written["shares"]["edited"] == 3 / 8 and written["latency"] == {"count": 7, "p50": 1.5, "p95": 4.0}

    assert (
        main(
            [
                "feedback",
                "stats",
                "--log",
                str(team_store),
                "--db",
                str(tmp_path / "shop.sqlite"),
                "--json",
                "-",
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out)["questions"] == 12, "a database file stands for its name"


def test_an_empty_log_says_so_in_one_line(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    log = store
    assert main(["feedback", "stats", "--log", str(log)]) == 0
    assert capsys.readouterr().out == (
        "no questions in the feedback log yet: ask some (%%ask, chatbi ask) and they show here\n"
    )
    assert main(["feedback", "stats", "--log", str(log), "--db", "shop", "--since", "2026-03-02"]) == 0
    assert "no questions on shop since 2026-03-02 in the feedback log yet" in capsys.readouterr().out
    assert main(["feedback", "stats", "--log", str(log), "--since", "March"]) == 2
    assert capsys.readouterr().err == "error: --since takes a day as YYYY-MM-DD, not 'March'\n"


def test_questions_asked_through_the_assistant_are_counted_with_their_time_and_errors(
    store: str, sqlite_shop: str
) -> None:
    clock = Clock()
    log = FeedbackLog(store, user="ann", clock=clock)
    good = Assistant(sqlite_shop, log=log, generator=Replies("SELECT COUNT(*) FROM orders"), semantic=False)
    bad = Assistant(
        sqlite_shop, log=log, generator=Replies("SELECT AVG(amout) FROM orders"), semantic=False, repair=False
    )
    answer = good.ask("How many orders are there?")
    good.record("accepted", answer)
    failed = bad.ask("What is the average amount?")
    assert failed.error and "amout" in failed.error

    stats = adoption_stats(log)
    assert (stats.questions, stats.answered) == (2, 1)
    assert stats.outcomes["accepted"] == 1 and stats.outcomes["error"] == 1
    assert stats.error_columns == {"orders.amout": 1}
    assert stats.latency.count == 2 and stats.latency.p95 >= stats.latency.p50 > 0
    assert [v.version for v in stats.versions] == ["replies"] and stats.days[0].day == D1


def test_the_figures_json_holds_every_field_of_the_dataclass(team_store: str) -> None:
    data = adoption_stats(FeedbackLog(team_store), database="shop").to_dict()
    assert set(data) == {f for f in AdoptionStats.__dataclass_fields__} | {"shares"}
    assert data["days"][0]["latency"] == {"count": 4, "p50": 0.5, "p95": 2.0}
    assert stats_report(AdoptionStats()).startswith("no questions")


def test_the_dashboard_figures_draw_the_figures(team_store: str) -> None:
    from feedback.dashboard import dashboard_figures

    stats = adoption_stats(FeedbackLog(team_store), database="shop")
    figures = dashboard_figures(stats)
    questions = {trace.name: list(trace.y) for trace in figures["questions"].data}
    assert questions == {
        "accepted": [1, 0, 2],
        "edited": [2, 3, 0],
        "rejected": [0, 1, 1],
        "error": [1, 0, 0],
        "no verdict": [0, 0, 1],
    }
    assert list(figures["questions"].data[0].x) == [D1, D2, D3]
    shares = {trace.name: list(trace.y) for trace in figures["shares"].data}
    assert shares["answered"] == [0.75, 0.75, 1.0] and shares["rejected"] == [0, 0.25, 0.25]
    assert shares["regenerated"] == [0, 0, 0]
    edits = figures["edits"].data[0]
    assert list(edits.x) == ["filter value", "time window", "columns or measures", "join", "limit or order"]
    assert list(edits.y) == [1, 1, 1, 1, 1]
    latency = {trace.name: list(trace.y) for trace in figures["latency"].data}
    assert latency == {"p50": [0.5, 1.5, 1.25], "p95": [2.0, 3.0, 4.0]}
    errors = [(trace.name, list(trace.y), list(trace.x)) for trace in figures["errors"].data]
    assert errors == [("tables", ["orders", "ordres"], [1, 1]), ("columns", ["orders.amout"], [1])]
    versions = {trace.name: list(trace.y) for trace in figures["versions"].data}
    assert versions == {"qwen + adapter aaaa1111bbbb": [4, 4, 0], "qwen + adapter cccc3333dddd": [0, 0, 4]}


def test_an_edit_logged_without_the_generated_sql_is_an_edit_of_another_kind(store: str) -> None:
    log = FeedbackLog(store, user="ann", clock=Clock())
    log.record("edited", database="shop", question="SMB?", final_sql="SELECT name FROM customers")
    log.record("accepted", database="shop", question="All?", final_sql="SELECT name FROM customers")
    stats = adoption_stats(log)
    assert stats.outcomes["edited"] == stats.outcomes["accepted"] == 1 and stats.edits["other"] == 1


def test_a_regenerated_answer_counts_with_its_question_and_the_regenerations_apart(
    store: str, sqlite_shop: str
) -> None:
    """Regenerate, accept, reject and edit clicked in the notebook's answer view, on a stand-in model."""
    from chatbi_jupyterlab.notebook.answer_view import AnswerView
    from chatbi_jupyterlab.notebook.session import NotebookSession

    from explain.edits import SetLimit

    clock = Clock()
    session = NotebookSession(log=FeedbackLog(store, user="ann", clock=clock))
    assistant = session.connect(sqlite_shop, name="shop")

    def asked(question: str, sql: str) -> AnswerView:
        assistant._generator = Replies(sql)
        return AnswerView(session.ask(question, new=True), session, db="shop")

    def regenerate(view: AnswerView, sql: str) -> bool:
        assistant._generator = Replies(sql)
        return view.regenerate()

    clock.set(D1, 9)
    ordered = asked("Which customers ordered?", "SELECT name FROM customers")
    join = "SELECT DISTINCT c.name FROM customers AS c JOIN orders AS o ON o.customer_id = c.customer_id"
    assert regenerate(ordered, join) and ordered.accept()  # Q1 regenerated once, then accepted as it was

    clock.set(D1, 10)
    smb = asked("Small business customers", "SELECT name FROM customers WHERE segment = 'Consumer'")
    smb.reject("no rows")
    first = smb.sql
    assert not regenerate(smb, first), "three samples of the rejected query, discarded unseen"
    assert regenerate(smb, "SELECT name FROM customers WHERE segment = 'SMB'")
    assert smb.apply_edit(SetLimit(1)) and smb.accept()  # Q2 regenerated twice, then its limit edited

    clock.set(D2, 9)
    broken = asked("How many orders?", "SELECT COUNT(*) FROM ordres")
    assert broken.current.error
    assert regenerate(broken, "SELECT COUNT(*) FROM orders")  # Q3 answered by its regeneration
    clock.set(D2, 10)
    assert asked("How many customers?", "SELECT COUNT(*) FROM customers").accept()  # Q4

    log = FeedbackLog(store)
    generated = log.events(limit=None, kinds=["generated"])
    assert len(generated) == 10, "4 questions and 1 + 4 + 1 samples"
    ids = [e["id"] for e in generated]
    samples = [e["details"].get("regenerates") for e in generated if "regenerates" in e["details"]]
    assert samples == [ids[0], ids[2], ids[3], ids[4], ids[2], ids[7]], "a retry names the sample it retries"

    stats = adoption_stats(log)
    assert (stats.questions, stats.answered, stats.regenerated, stats.regenerations) == (4, 4, 3, 4)
    assert stats.outcomes == {"accepted": 2, "edited": 1, "rejected": 0, "error": 0, "no verdict": 1}
    assert stats.regenerated_outcomes == {
        "accepted": 1,
        "edited": 1,
        "rejected": 0,
        "error": 0,
        "no verdict": 1,
    }
    assert stats.edits["limit-order"] == 1 and stats.edits["filter-value"] == 0, "edited after regenerating"
    assert (stats.errors, stats.error_tables) == (1, {"ordres": 1})
    assert stats.latency.count == 7, "the answers shown: discarded samples are none"
    assert [(d.day, d.questions, d.regenerated, d.regenerations) for d in stats.days] == [
        (D1, 2, 2, 3),
        (D2, 2, 1, 1),
    ]
    assert [(u.user, u.questions, u.regenerated) for u in stats.users] == [("ann", 4, 3)]
    assert stats.share("regenerated") == 3 / 4 and stats.to_dict()["shares"]["regenerated"] == 3 / 4
    report = stats_report(stats)
    assert "regenerated: 3 questions, 4 times; then accepted 1, edited 1, no verdict 1" in report
    seconds = [f"{stats.latency.p50:.2f}", f"{stats.latency.p95:.2f}"]
    assert report.splitlines()[5].split() == ["all", "4", "4", "2", "1", "0", "0", "1", "3", *seconds]


def test_the_readme_documents_the_stats_command_and_its_options() -> None:
    import argparse

    from nl2sql.cli_feedback import add_feedback_commands

    parser = argparse.ArgumentParser()
    add_feedback_commands(parser.add_subparsers(dest="command"))
    feedback = next(a for a in parser._subparsers._group_actions if a.dest == "command").choices["feedback"]
    actions = next(a for a in feedback._subparsers._group_actions if a.dest == "feedback_command")
    options = [o for a in actions.choices["stats"]._actions for o in a.option_strings if o.startswith("--")]
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert "chatbi feedback stats" in readme and "notebooks/adoption.ipynb" in readme
    for option in options:
        if option not in ("--help", "--log"):  # --log is documented once for every feedback command
            assert f"`{option}" in readme, option
