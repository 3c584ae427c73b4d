"""Shadow mode, on real SQLite and PostgreSQL stores, the real demo database and the real bundled model:
a candidate put in shadow answers each model-written question silently beside the active adapter, on a
thread of its own, never changing or holding up the user's answer; each pair is logged with whether the
results agree, judged when the user accepts, corrects or rejects the answer, and summed up by
`chatbi models show` and `promote`."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
import test_adapter_registry
from test_adapter_registry import DAY, halved_adapter, one_error, record, run, sha256_of

from feedback.log import FeedbackLog
from feedback.migrations import MIGRATIONS
from feedback.registry import AdapterRegistry, RegistryError
from feedback.shadow_log import record_judgement, record_shadow_answer, shadow_answers, shadow_summary
from nl2sql.assistant import Assistant
from nl2sql.connect import open_database
from nl2sql.models.base import Generation
from nl2sql.models.resolve import default_adapter
from nl2sql.models.weights import DEFAULT_MODEL
from nl2sql.schema import load_schema
from nl2sql.shadow import MAX_PENDING, ShadowRunner

README = Path(__file__).resolve().parent.parent / "README.md"
adapters = test_adapter_registry.adapters  # three real adapter folders (a fixture)
NO_ROWS = "SELECT COUNT(*) AS n FROM customers WHERE 1 = 0"
"""A correction no model writes for the questions asked here: its result is 0."""


# --- the registry --------------------------------------------------------------------------------------


def test_one_candidate_per_base_model_goes_in_shadow_and_back(
    feedback_url: str, adapters: list[Path]
) -> None:
    registry = AdapterRegistry(feedback_url)
    a, b, c = (record(registry, folder) for folder in adapters)
    assert registry.shadowing(DEFAULT_MODEL) is None

    assert registry.shadow(a[:8], at=DAY).status == "shadow"
    assert registry.shadowing(DEFAULT_MODEL).id == a
    with pytest.raises(RegistryError, match=f"{a[:12]} is in shadow for {DEFAULT_MODEL} already"):
        registry.shadow(b, at=DAY)
    with pytest.raises(sa.exc.IntegrityError), registry.engine.begin() as connection:  # nor the store
        connection.execute(sa.text("UPDATE adapters SET status = 'shadow' WHERE id = :id"), {"id": b})

    assert registry.unshadow(a, at=DAY).status == "candidate" and registry.shadowing(DEFAULT_MODEL) is None
    with pytest.raises(RegistryError, match=f"{a[:12]} is candidate, not in shadow"):
        registry.unshadow(a, at=DAY)

    registry.shadow(b, at=DAY)
    assert registry.promote(b, at=DAY).status == "active"  # promoted: out of shadow
    assert registry.shadowing(DEFAULT_MODEL) is None
    with pytest.raises(RegistryError, match=f"{b[:12]} is active: only a candidate goes in shadow"):
        registry.shadow(b, at=DAY)
    assert registry.shadow(c, at=DAY).status == "shadow"  # beside the new active adapter


def test_adapters_recorded_as_shadow_before_become_candidates(tmp_path: Path, adapters: list[Path]) -> None:
    path = tmp_path / "feedback.sqlite"
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:  # the store as the version before shadow mode left it
        connection.exec_driver_sql("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
        for migration in MIGRATIONS[:4]:
            migration(connection)
            connection.execute(
                sa.text("INSERT INTO _migrations VALUES (:name, 'x')"), {"name": migration.__name__}
            )
        for folder in adapters[:2]:
            connection.execute(
                sa.text(
                    "INSERT INTO adapters (id, path, base_model, base_sha256, created_at, status, changed_at)"
                    " VALUES (:id, :path, :base, 'x', 'x', 'shadow', 'x')"
                ),
                {"id": sha256_of(folder), "path": str(folder), "base": DEFAULT_MODEL},
            )
    engine.dispose()

    registry = AdapterRegistry(path)
    assert [entry.status for entry in registry.entries()] == ["candidate", "candidate"]
    assert registry.shadowing(DEFAULT_MODEL) is None
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT COUNT(*) FROM shadow_answers").fetchone() == (0,)


# --- the runner ------------------------------------------------------------------------------------------


class Held:
    """A shadow generator that writes only once let go: holds the shadow's thread where the model would."""

    model_id, adapter_hash = "held", "bb" * 32

    def __init__(self, sql: str) -> None:
        self.sql, self.go, self.asked = sql, threading.Event(), threading.Event()

    def generate(self, messages, **options) -> Generation:
        self.asked.set()
        assert self.go.wait(30)
        return Generation(f"```sql\n{self.sql}\n```", 10, 5)


class Fixed:
    """The active model, writing one query (the real model answers in the slow test below)."""

    model_id, adapter_hash = "fixed", "aa" * 32

    def __init__(self, sql: str) -> None:
        self.sql = sql

    def generate(self, messages, **options) -> Generation:
        return Generation(f"```sql\n{self.sql}\n```", 10, 5)


def test_the_answer_never_waits_for_the_shadow_and_a_full_queue_drops_questions(feedback_url: str) -> None:
    log = FeedbackLog(feedback_url)
    active = "SELECT COUNT(*) AS n FROM customers"
    assistant = Assistant("demo", generator=Fixed(active), semantic=False, log=log, examples=0)
    held = Held("SELECT COUNT(*) AS n FROM orders")
    assistant.shadow = ShadowRunner(
        lambda: held, held.adapter_hash, log, assistant.database, assistant.schema
    )

    first = assistant.ask("How many customers are there?")
    assert held.asked.wait(30)  # the shadow is writing, held; the user has the answer already
    assert first.error is None and first.sql == active and first.data["n"].tolist() == [7500]
    later = [assistant.ask(f"How many customers are there? ({n})") for n in range(MAX_PENDING)]
    assert all(answer.sql == active for answer in later)
    assert (assistant.shadow.dropped, shadow_answers(log, held.adapter_hash)) == (1, [])

    assistant.record("rejected", first)
    assistant.record("accepted", later[0])
    held.go.set()
    assistant.shadow.wait()
    rows = {row.event_id: row for row in shadow_answers(log, held.adapter_hash)}
    assert sorted(rows) == [first.event_id, later[0].event_id]  # the last one was not shadowed
    row = rows[first.event_id]
    assert (row.active_sql, row.active_adapter, row.shadow_sql) == (active, "aa" * 32, held.sql)
    assert row.agree is False and row.shadow_error is None  # 7 500 customers, not as many orders
    assert (row.outcome, row.active_correct, row.shadow_correct) == ("rejected", False, None)
    accepted = rows[later[0].event_id]
    assert (accepted.outcome, accepted.active_correct, accepted.shadow_correct) == ("accepted", True, False)


class Streaming:
    """A shadow generator that writes token by token, telling ``on_token`` of each, as a model does."""

    model_id, adapter_hash = "streaming", "cc" * 32

    def __init__(self, sql: str) -> None:
        self.sql, self.started = sql, threading.Event()

    def generate(self, messages, on_token=None, **options) -> Generation:
        text = f"```sql\n{self.sql}\n```"
        for piece in text.split(" "):
            self.started.set()
            if on_token is not None:
                on_token(piece)
            time.sleep(0.02)
        return Generation(text, 10, 5)


def test_the_shadow_waits_while_the_users_model_writes_and_gives_way_when_it_starts(tmp_path: Path) -> None:
    log = FeedbackLog(str(tmp_path / "feedback.sqlite"))
    demo = open_database("demo")
    writing = threading.Event()
    shadow = Streaming("SELECT COUNT(*) AS n FROM orders " + "WHERE 1 = 1 " * 40)
    runner = ShadowRunner(
        lambda: shadow, shadow.adapter_hash, log, demo, load_schema(demo), busy=writing.is_set
    )
    answer = {"question": "How many orders?", "messages": [], "active_sql": "SELECT COUNT(*) FROM orders"}

    writing.set()  # the user's model is writing: the shadow does not start
    assert runner.submit_answer(event_id=1, active_adapter="aa" * 32, **answer)
    assert not shadow.started.wait(0.5)
    writing.clear()
    assert shadow.started.wait(30)
    writing.set()  # it starts again while the shadow writes: the shadow gives its answer up
    runner.wait()
    assert (runner.gave_way, shadow_answers(log, shadow.adapter_hash)) == (1, [])

    writing.clear()
    assert runner.submit_answer(event_id=2, active_adapter="aa" * 32, **answer)
    runner.wait()
    assert [row.event_id for row in shadow_answers(log, shadow.adapter_hash)] == [2]


# --- the CLI ---------------------------------------------------------------------------------------------


def test_show_and_promote_print_how_the_adapter_did_in_shadow(
    feedback_url: str, adapters: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    log = FeedbackLog(feedback_url)
    a, b = (record(AdapterRegistry(log), folder) for folder in adapters[:2])
    status, out, _ = run(capsys, "models", "shadow", a[:8], "--log", feedback_url)
    assert status == 0 and out.startswith(f"{a[:12]} answers in shadow for {DEFAULT_MODEL}")
    assert "shadow" in one_error(capsys, "models", "shadow", b[:8], "--log", feedback_url)
    for event_id, agree, outcome in ((1, True, "accepted"), (2, False, "edited"), (3, True, None)):
        row = record_shadow_answer(
            log, event_id=event_id, database="demo", question=f"Q{event_id}?", active_adapter=b,
            shadow_adapter=a, active_sql="SELECT 1", shadow_sql="SELECT 1", shadow_error=None, agree=agree,
        )  # fmt: skip
        if outcome:
            record_judgement(
                log, row, outcome=outcome, reference_sql="SELECT 2", shadow_correct=agree,
                active_correct=outcome == "accepted",
            )  # fmt: skip

    status, out, _ = run(capsys, "models", "show", a[:8], "--json", "--log", feedback_url)
    shown = json.loads(out)["shadow"]
    assert (shown["answered"], shown["agreed"], shown["judged"]) == (3, 2, 2)
    assert (shown["shadow_correct"], shown["active_correct"]) == (1, 1)
    status, out, _ = run(capsys, "models", "show", a[:8], "--log", feedback_url)
    assert "  answered in shadow  3 questions\n" in out and "agreement           2 of 3" in out
    assert "on 2 the user accepted or corrected: shadow 1 (50%), active 1 (50%)" in out
    assert json.loads(run(capsys, "models", "show", b, "--json", "--log", feedback_url)[1])["shadow"] is None

    status, out, _ = run(capsys, "models", "promote", a[:8], "--log", feedback_url)
    assert status == 0 and out.splitlines()[0] == "answered in shadow  3 questions"
    assert out.splitlines()[-1].startswith(f"promoted: {DEFAULT_MODEL} answers with {a[:12]}")
    assert "shadow" in one_error(capsys, "models", "unshadow", a[:8], "--log", feedback_url)


def test_the_readme_documents_shadow_mode() -> None:
    text = README.read_text()
    for command in ("chatbi models shadow ID", "chatbi models unshadow ID"):
        assert command in text


# --- the real model ---------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_registered_adapter_answers_in_shadow_beside_the_shipped_one(
    tmp_path: Path, feedback_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from nl2sql.execute import run_query
    from nl2sql.models.resolve import clear_loaded

    folder = halved_adapter(tmp_path / "retrained")
    log = FeedbackLog(feedback_url)
    shadow_id = record(AdapterRegistry(log), folder)
    questions = ("How many customers are there?", "How many orders are there?")
    try:
        options = {"semantic": False, "examples": 0, "time_budget_s": None}  # no cut by the clock
        alone = Assistant("demo", log=log, **options)
        before = [alone.ask(question) for question in questions]
        assert alone.shadow is None and before[0].adapter_hash == sha256_of(default_adapter())

        assert run(capsys, "models", "shadow", shadow_id[:8], "--log", feedback_url)[0] == 0
        assistant = Assistant("demo", log=log, **options)
        answers = [assistant.ask(question) for question in questions]
        assert assistant.shadow is not None and assistant.shadow.adapter_id == shadow_id
        for answer, first in zip(answers, before, strict=True):  # the user's answer is the same
            assert (answer.sql, answer.error, answer.adapter_hash) == (
                first.sql,
                first.error,
                first.adapter_hash,
            )
            assert answer.data.equals(first.data)
        assistant.record("accepted", answers[0])
        assistant.record("edited", answers[1], final_sql=NO_ROWS)
        assistant.shadow.wait()
        assert assistant.shadow.failed == 0
    finally:
        clear_loaded()

    rows = shadow_answers(log, shadow_id)
    assert [row.event_id for row in rows] == [answer.event_id for answer in answers]
    demo = open_database("demo")
    for row, answer in zip(rows, answers, strict=True):
        assert (row.active_sql, row.active_adapter) == (answer.sql, sha256_of(default_adapter()))
        assert row.shadow_sql and row.question == answer.question
        if row.shadow_sql == row.active_sql:
            assert row.agree
        if not row.agree and row.shadow_error is None:
            shadow_result = run_query(demo, row.shadow_sql).rows
            assert shadow_result != run_query(demo, row.active_sql).rows
    accepted, edited = rows
    assert (accepted.outcome, accepted.active_correct, accepted.shadow_correct) == (
        "accepted",
        True,
        accepted.agree,
    )
    assert (edited.outcome, edited.reference_sql, edited.active_correct) == ("edited", NO_ROWS, False)
    assert edited.shadow_correct is False  # both count what there is; the correction counts nothing

    summary = shadow_summary(log, shadow_id)
    assert (summary.answered, summary.judged, summary.agreed) == (2, 2, sum(row.agree for row in rows))
    shown = json.loads(run(capsys, "models", "show", shadow_id[:8], "--json", "--log", feedback_url)[1])
    assert shown["status"] == "shadow" and shown["shadow"] == summary.to_dict()
