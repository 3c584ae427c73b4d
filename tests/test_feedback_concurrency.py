"""Many writers at once on one new feedback store: 8 processes open it together (it is migrated once) and
write 1 000 events each, none lost or duplicated, while a reader that never waits for them (it reads
with a lock timeout of a millisecond) reads. Reviewers deciding on one candidate at once: one verdict
is written, the others are refused."""

from __future__ import annotations

import multiprocessing
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from feedback.log import FeedbackLog
from feedback.migrations import MIGRATIONS

REVIEWERS = 6

WRITERS = 8
EVENTS_EACH = 1_000
PINNED = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def _pinned() -> datetime:
    return PINNED


def _write(url: str, writer: int, start: multiprocessing.synchronize.Event) -> None:
    """One writer process: its own log (engine, connections), 1 000 events, one transaction each."""
    start.wait(timeout=120)
    log = FeedbackLog(url, user=f"writer{writer}", clock=_pinned)
    for number in range(EVENTS_EACH):
        log.record("generated", database="load", question=f"{writer}:{number}")
    log.close()


def test_eight_processes_write_a_thousand_events_each_while_a_reader_reads(feedback_url: str) -> None:
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    writers = [context.Process(target=_write, args=(feedback_url, w, start)) for w in range(WRITERS)]
    for process in writers:
        process.start()
    start.set()  # all open the new store at once, each migrating it unless another did
    FeedbackLog(feedback_url, clock=_pinned).close()  # opening may migrate: it waits like the writers
    reader = FeedbackLog(feedback_url, clock=_pinned, timeout_s=0.001)  # then reads without waiting
    seen: list[int] = []
    while any(process.is_alive() for process in writers):
        seen.append(reader.count(database="load"))  # raises if it ever waited past a millisecond
        reader.events(limit=20, database="load")
    for process in writers:
        process.join()
    assert [process.exitcode for process in writers] == [0] * WRITERS

    total = WRITERS * EVENTS_EACH
    assert any(0 < count < total for count in seen), "the reader read while the writers wrote"
    assert seen == sorted(seen), "a reader never sees events disappear"
    with reader.engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT id, question, user_name FROM events WHERE database = 'load'")
        ).all()
    assert len(rows) == total
    assert len({row.id for row in rows}) == total
    assert {row.question for row in rows} == {f"{w}:{n}" for w in range(WRITERS) for n in range(EVENTS_EACH)}
    assert all(row.user_name == f"writer{row.question.split(':')[0]}" for row in rows)
    with reader.engine.connect() as connection:
        migrations = connection.execute(sa.text("SELECT COUNT(*) FROM _migrations")).scalar()
    assert migrations == len(MIGRATIONS)


def _decide(
    url: str, shop: str, candidate: int, reviewer: int, start: multiprocessing.synchronize.Event
) -> None:
    """One reviewer process: approves (even numbers) or rejects (odd) candidate ``candidate``; exits 3
    when refused."""
    from feedback.review import ReviewError, approve, reject
    from nl2sql.connect import open_database

    database = open_database(shop)
    log = FeedbackLog(url, user=f"reviewer{reviewer}", clock=_pinned)
    decide = approve if reviewer % 2 == 0 else reject
    start.wait(timeout=120)
    try:
        decide(log, candidate, database)
    except ReviewError:
        raise SystemExit(3) from None
    finally:
        log.close()


def test_reviewers_deciding_on_one_candidate_at_once_never_cross(feedback_url: str, tmp_path: Path) -> None:
    shop = tmp_path / "shop.sqlite"
    with sqlite3.connect(shop) as connection:
        connection.execute("CREATE TABLE orders (id INTEGER, status TEXT)")
    connection.close()
    log = FeedbackLog(feedback_url, user="ann", clock=_pinned)
    open_orders = "SELECT id FROM orders WHERE status = 'open'"
    candidate = log.record("edited", database="shop", question="Open orders?", final_sql=open_orders)
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    deciding = [
        context.Process(target=_decide, args=(feedback_url, str(shop), candidate, reviewer, start))
        for reviewer in range(REVIEWERS)
    ]
    for process in deciding:
        process.start()
    start.set()
    for process in deciding:
        process.join()

    verdicts = [v["kind"] for v in log.events(limit=None, kinds=("approved", "declined"))]
    log.close()
    # each verdict was given on what the one before left: approved once, rejected once, or approved and
    # then taken back; never two approvals, two rejections or an approval of what was rejected
    assert verdicts in (["approved"], ["declined"], ["approved", "declined"])
    exits = [process.exitcode for process in deciding]
    assert sorted(exits) == [0] * len(verdicts) + [3] * (REVIEWERS - len(verdicts))
