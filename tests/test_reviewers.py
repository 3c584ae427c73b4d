"""Who may review, kept in the feedback store (SQLite and PostgreSQL): open while nobody is named, then
only the reviewers approve, reject, decide suggestions and change the list; four eyes refuses approving
one's own correction; the CLI and the notebook review view act as the current user."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from chatbi_jupyterlab.notebook.review_view import ReviewView
from conftest import output_texts

from feedback.corrections import curate
from feedback.log import FeedbackLog
from feedback.review import ReviewRules, approve, reject, review_queue
from feedback.reviewers import (
    REVIEWERS,
    Reviewer,
    ReviewerError,
    ReviewerPolicy,
    add_reviewer,
    approval_refusal,
    four_eyes,
    locked_policy,
    remove_reviewer,
    review_refusal,
    reviewer_policy,
    reviewers,
    set_four_eyes,
)
from feedback.suggestions import ACCEPTED, PENDING, REJECTED, Proposal, SuggestionStore
from nl2sql import Assistant
from nl2sql.answer import Answer
from nl2sql.cli import main

DAY = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
SMB = "Which customers are small businesses?"
SMB_SQL = "SELECT name FROM customers WHERE segment = 'SMB'"
TOTAL = "Total per order?"
TOTAL_SQL = "SELECT order_id, amount FROM orders"
NOT_ANN = "ann is not a reviewer of this feedback store; reviewers: bo, cy"
SYNONYM = Proposal(
    "value",
    "customers.city:ny",
    {"table": "customers", "column": "city", "value": "New York", "synonym": "NY", "found": True},
    (1,),
)


def _log(url: str, user: str) -> FeedbackLog:
    return FeedbackLog(url, user=user, clock=lambda: DAY)


def _candidates(url: str, shop: str) -> tuple[Assistant, int, int]:
    """An edit ann made and an answer dee accepted as it was, both candidates on the shop."""
    ann = Assistant(shop, log=_log(url, "ann"))
    ann.record("edited", Answer(SMB, "SELECT name FROM customers"), final_sql=SMB_SQL)
    edit = ann.log.last_id()
    Assistant(shop, log=_log(url, "dee")).record("accepted", Answer(TOTAL, TOTAL_SQL))
    return ann, edit, ann.log.last_id()


def _state(log: FeedbackLog) -> tuple[object, ...]:
    """Everything a refused action must leave as it was: the events, suggestions, reviewers, four eyes."""
    store = SuggestionStore(log)
    return (log.events(limit=None), store.suggestions(), reviewers(log), four_eyes(log))


def test_a_store_without_reviewers_is_open_to_everyone(feedback_url: str, sqlite_shop: str) -> None:
    assistant, edit, accepted = _candidates(feedback_url, sqlite_shop)
    log = assistant.log
    assert reviewers(log) == [] and not four_eyes(log)
    assert review_refusal(log, "ann") is None and approval_refusal(log, "ann", "ann") is None

    assert approve(log, edit, assistant.database, assistant.schema).status == "approved"  # her own edit
    assert reject(log, accepted, assistant.database, reviewer="eve").status == "declined"
    (suggestion,) = SuggestionStore(log).propose("shop", [SYNONYM], at=DAY)
    assert SuggestionStore(log).decide(suggestion.id, ACCEPTED, at=DAY).decided_by == "ann"
    verdicts = log.events(kinds=["approved", "declined"])
    assert [(e["kind"], e["user_name"]) for e in verdicts] == [("approved", "ann"), ("declined", "eve")]


def test_the_first_reviewer_closes_the_store_and_only_reviewers_change_the_list(feedback_url: str) -> None:
    ann, bo = _log(feedback_url, "ann"), _log(feedback_url, "bo")
    assert add_reviewer(ann, " bo ") == [Reviewer("bo", "ann", "2026-03-01T09:30:00+00:00")]
    with pytest.raises(ReviewerError, match=r"^ann is not a reviewer of this feedback store; reviewers: bo$"):
        add_reviewer(ann, "ann")
    with pytest.raises(ReviewerError, match=r"^ann is not a reviewer"):
        remove_reviewer(ann, "bo")
    with pytest.raises(ReviewerError, match=r"^ann is not a reviewer"):
        set_four_eyes(ann, True)
    assert [r.name for r in add_reviewer(bo, "cy")] == ["bo", "cy"]
    assert review_refusal(ann, "ann") == NOT_ANN
    with pytest.raises(ReviewerError, match="cy is a reviewer of this feedback store already"):
        add_reviewer(bo, "cy")
    with pytest.raises(
        ReviewerError, match=r"^dee is not a reviewer of this feedback store; reviewers: bo, cy$"
    ):
        remove_reviewer(bo, "dee")
    for bad in ("", "ann smith", "bo,cy"):
        with pytest.raises(ReviewerError, match="a reviewer is one user name"):
            add_reviewer(bo, bad)

    assert [r.name for r in remove_reviewer(bo, "bo")] == ["cy"]  # a reviewer may step down
    assert review_refusal(bo, "bo") == "bo is not a reviewer of this feedback store; reviewers: cy"
    assert remove_reviewer(_log(feedback_url, "cy"), "cy") == [], "the last one leaves: open again"
    assert review_refusal(ann, "ann") is None
    changes = [(e["user_name"], e["details"], e["created_at"][:16]) for e in ann.events(kinds=["reviewers"])]
    assert changes == [
        ("ann", {"added": "bo"}, "2026-03-01T09:30"),
        ("bo", {"added": "cy"}, "2026-03-01T09:30"),
        ("bo", {"removed": "bo"}, "2026-03-01T09:30"),
        ("cy", {"removed": "cy"}, "2026-03-01T09:30"),
    ]
    assert _log(feedback_url, "zed").events(kinds=["reviewers"]) == ann.events(kinds=["reviewers"])


def test_only_listed_reviewers_approve_reject_and_decide_and_a_refusal_writes_nothing(
    feedback_url: str, sqlite_shop: str
) -> None:
    assistant, edit, accepted = _candidates(feedback_url, sqlite_shop)
    log, database, schema = assistant.log, assistant.database, assistant.schema
    (suggestion,) = SuggestionStore(log).propose("shop", [SYNONYM], at=DAY)
    add_reviewer(log, "bo")
    add_reviewer(log, "cy", by="bo")
    before = _state(log)

    for refused in (
        lambda: approve(log, edit, database, schema),  # as the log's user, ann
        lambda: approve(log, edit, database, schema, reviewer="ann"),
        lambda: reject(log, accepted, database, schema, reason="wrong"),
        lambda: SuggestionStore(log).decide(suggestion.id, ACCEPTED, at=DAY),
        lambda: SuggestionStore(log).decide(suggestion.id, REJECTED, by="ann", at=DAY),
        lambda: add_reviewer(log, "ann"),
        lambda: remove_reviewer(log, "bo"),
    ):
        with pytest.raises(ReviewerError) as refusal:
            refused()
        assert str(refusal.value) == NOT_ANN
    assert _state(log) == before, "nothing written"
    assert SuggestionStore(log).suggestion(suggestion.id).status == PENDING

    bo = _log(feedback_url, "bo")
    assert approve(bo, edit, database, schema).status == "approved"
    assert reject(log, accepted, database, schema, reviewer="cy").status == "declined"
    assert SuggestionStore(bo).decide(suggestion.id, ACCEPTED, at=DAY).decided_by == "bo"
    assert [c.event_id for c in curate(log, "shop", schema).kept] == [edit]
    verdicts = log.events(kinds=["approved", "declined"])
    assert [(e["kind"], e["user_name"]) for e in verdicts] == [("approved", "bo"), ("declined", "cy")]


def test_four_eyes_refuses_approving_ones_own_correction_but_not_a_rule(
    feedback_url: str, sqlite_shop: str
) -> None:
    assistant, edit, accepted = _candidates(feedback_url, sqlite_shop)
    log, database, schema = assistant.log, assistant.database, assistant.schema
    add_reviewer(log, "ann")
    add_reviewer(log, "bo", by="ann")
    assert set_four_eyes(log, True) and four_eyes(_log(feedback_url, "zed")), "every client reads it"
    before = _state(log)

    with pytest.raises(ReviewerError) as refusal:
        approve(log, edit, database, schema)
    assert str(refusal.value) == (
        "not approved: ann made this correction, and this feedback store asks another reviewer to approve"
        " it (four eyes)"
    )
    assert _state(log) == before, "nothing written"
    assert reject(log, edit, database, schema, reason="my mistake").status == "declined", "only approving"
    assert approve(log, accepted, database, schema).status == "approved", "dee's answer: ann may approve"

    rules = ReviewRules(accepted_by=2)  # a rule approves without a person: neither list nor four eyes apply
    for user in ("bo", "eve"):
        Assistant(sqlite_shop, log=_log(feedback_url, user), review_rules=rules).record(
            "accepted", Answer("How many orders?", "SELECT COUNT(*) FROM orders")
        )
    (auto,) = [e for e in log.events(kinds=["approved"]) if e["user_name"] == "auto"]
    assert auto["details"]["reason"] == "accepted unchanged by 2 users"
    assert review_queue(log, database, schema) == []

    set_four_eyes(log, False)
    assert approval_refusal(log, "ann", "ann") is None
    kinds = [e["details"] for e in log.events(kinds=["reviewers"])]
    assert kinds[-2:] == [{"four_eyes": True}, {"four_eyes": False}]


def test_the_reviewers_command_lists_and_changes_the_list_as_the_current_user(
    feedback_url: str, sqlite_shop: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, edit, accepted = _candidates(feedback_url, sqlite_shop)
    (suggestion,) = SuggestionStore(_log(feedback_url, "x")).propose("shop", [SYNONYM], at=DAY)
    log = ["--log", feedback_url]
    where = ["--db", sqlite_shop, *log]

    def run(user: str, *argv: str) -> tuple[int, str, str]:
        monkeypatch.setenv("JUPYTERHUB_USER", user)
        status = main(list(argv))
        out, err = capsys.readouterr()
        return status, out, err

    status, out, _ = run("ann", "feedback", "reviewers", *log)
    assert status == 0 and "no reviewers in " in out and "anyone may approve, reject and decide" in out
    assert "four eyes: off" in out
    status, out, _ = run("ann", "feedback", "reviewers", "--add", "bo", *log)
    assert status == 0 and out.startswith("bo is the first reviewer: from now on only reviewers may")
    assert "1 reviewer in " in out and "  bo  (added by ann, " in out
    status, _, err = run("ann", "feedback", "reviewers", "--add", "ann", *log)
    assert (status, err) == (2, "error: ann is not a reviewer of this feedback store; reviewers: bo\n")
    status, out, _ = run("bo", "feedback", "reviewers", "--add", "cy", *log)
    assert status == 0 and out.startswith("added: cy may review\n2 reviewers in ")

    for argv in (
        ("approve", str(edit), *where),
        ("reject", str(accepted), *where),
        ("accept-suggestion", str(suggestion.id), *log),
        ("reject-suggestion", str(suggestion.id), *log),
        ("reviewers", "--four-eyes", "on", *log),
    ):
        assert run("ann", "feedback", *argv)[1:] == ("", f"error: {NOT_ANN}\n")
    assert run("cy", "feedback", "reviewers", "--four-eyes", "on", *log)[1].startswith("four eyes on: ")
    assert run("cy", "feedback", "approve", str(edit), *where)[1].startswith("approved: ")
    assert run("bo", "feedback", "accept-suggestion", str(suggestion.id), *log)[1].startswith("accepted: ")
    verdict = _log(feedback_url, "x").events(kinds=["approved"])[-1]
    assert verdict["user_name"] == "cy"
    assert SuggestionStore(_log(feedback_url, "x")).suggestion(suggestion.id).decided_by == "bo"

    assert run("ann", "feedback", "reviewers", "--remove", "cy", *log)[0] == 2
    assert run("bo", "feedback", "reviewers", "--remove", "bo", *log)[1].startswith("removed: bo may no")
    status, out, _ = run("cy", "feedback", "reviewers", "--remove", "cy", *log)
    assert status == 0 and out.startswith("removed cy, the last reviewer: the store is open again, anyone")
    assert run("ann", "feedback", "reject", str(accepted), *where)[1].startswith("rejected: "), "open again"


def test_the_review_view_disables_its_buttons_for_a_user_who_may_not_review(
    feedback_url: str, sqlite_shop: str
) -> None:
    assistant, edit, accepted = _candidates(feedback_url, sqlite_shop)
    log = assistant.log
    add_reviewer(log, "bo")
    add_reviewer(log, "<b>cy</b>", by="bo")  # a name is shown as text, never as HTML
    before = _state(log)

    view = ReviewView(log, assistant.database, assistant.schema)  # as the log's user, ann
    refusal = "ann is not a reviewer of this feedback store; reviewers: <b>cy</b>, bo"
    assert view.refusal == refusal and list(view.candidates) == [edit, accepted]
    for card in view.candidates.values():
        assert card.approve_button.disabled and card.reject_button.disabled and card.reason_text.disabled
    assert view.to_text().splitlines()[:2] == [
        "2 candidates waiting for review on shop",
        f"{refusal}: the buttons are disabled",
    ]
    assert output_texts(view.summary) == [view.to_text().split("\n\n")[0] + "\n"], "an output stream: text"
    assert not view.approve(edit) and view.candidates[edit].outcome_text == refusal, "the core refuses too"
    assert _state(log) == before

    set_four_eyes(log, True, by="bo")
    mine = ReviewView(log, assistant.database, assistant.schema, reviewer="dee")  # dee accepted one
    assert mine.refusal == "dee is not a reviewer of this feedback store; reviewers: <b>cy</b>, bo"
    add_reviewer(log, "dee", by="bo")
    mine.refresh()
    own, other = mine.candidates[accepted], mine.candidates[edit]
    assert mine.refusal is None and "buttons are disabled" not in mine.to_text()
    assert own.approve_button.disabled and not own.reject_button.disabled
    assert own.outcome_text.startswith("dee made this correction, and this feedback store asks another")
    assert not other.approve_button.disabled
    other.approve_button.click()
    assert other.outcome_text.startswith(f"approved: #{edit} ")
    assert log.events(kinds=["approved"])[-1]["user_name"] == "dee"


def test_the_review_view_reads_the_reviewers_and_four_eyes_once_per_refresh(
    feedback_url: str, sqlite_shop: str
) -> None:
    assistant, _, accepted = _candidates(feedback_url, sqlite_shop)
    log = assistant.log
    dee = Assistant(sqlite_shop, log=_log(feedback_url, "dee"))
    dee.record("accepted", Answer("How many orders?", "SELECT COUNT(*) FROM orders"))
    counted = dee.log.last_id()
    add_reviewer(log, "dee")
    set_four_eyes(log, True, by="dee")
    reads: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        reads.extend(table for table in ("reviewers", "review_settings") if f"FROM {table}" in statement)

    sa.event.listen(log.engine, "before_cursor_execute", count)
    view = ReviewView(log, assistant.database, assistant.schema, reviewer="dee")
    assert len(view.candidates) == 3 and sorted(reads) == ["review_settings", "reviewers"], (
        "once, not per card"
    )
    assert view.policy == ReviewerPolicy(("dee",), four_eyes=True) == reviewer_policy(log)
    mine = [card for card in view.candidates.values() if card.approve_button.disabled]
    assert [card.item.event_id for card in mine] == [accepted, counted]
    assert mine[0].outcome_text == (
        "dee made this correction, and this feedback store asks another reviewer to approve it (four eyes)"
    )

    set_four_eyes(log, False, by="dee")
    reads.clear()
    view.refresh()
    assert sorted(reads) == ["review_settings", "reviewers"]
    assert not any(card.approve_button.disabled for card in view.candidates.values())
    sa.event.remove(log.engine, "before_cursor_execute", count)


def _while_bo_is_removed(url: str, act: Callable[[FeedbackLog], object]) -> list[Exception]:
    """Run ``act`` as bo in a thread while cy removes bo from the reviewers of the store at ``url`` (bo
    and cy are reviewers before); what ``act`` met, once the removal committed and ``act`` returned."""
    log = _log(url, "x")
    add_reviewer(log, "bo")
    add_reviewer(log, "cy", by="bo")
    bo, cy = _log(url, "bo"), _log(url, "cy")
    errors: list[Exception] = []

    def run() -> None:
        try:
            act(bo)
        except Exception as error:  # what the action met, read once the thread is done
            errors.append(error)

    thread = threading.Thread(target=run)
    with locked_policy(cy) as (connection, now):  # cy removes bo; not committed yet
        assert now.names == ("bo", "cy")
        connection.execute(sa.delete(REVIEWERS).where(REVIEWERS.c.name == "bo"))
        assert review_refusal(log, "bo") is None, "bo still reviews for everyone else until the commit"
        thread.start()
        thread.join(1.0)
        assert thread.is_alive(), "bo's action passed the first check and waits for the reviewers' lock"
    thread.join(30)
    assert not thread.is_alive()
    assert reviewers(log) == [Reviewer("cy", "bo", "2026-03-01T09:30:00+00:00")]
    return errors


@pytest.mark.parametrize("verdict", ["approve", "reject"])
def test_a_verdict_by_a_reviewer_removed_before_it_is_written_is_refused_and_writes_nothing(
    feedback_url: str, sqlite_shop: str, verdict: str
) -> None:
    assistant, edit, _ = _candidates(feedback_url, sqlite_shop)
    log, database, schema = assistant.log, assistant.database, assistant.schema
    act: Callable[..., object] = approve if verdict == "approve" else reject
    before = _state(log)
    errors = _while_bo_is_removed(
        feedback_url, lambda bo: act(bo, edit, database, schema, reason="looks right")
    )
    assert [str(error) for error in errors] == ["bo is not a reviewer of this feedback store; reviewers: cy"]
    assert all(isinstance(error, ReviewerError) for error in errors)
    after = [event for event in _state(log)[0] if event["kind"] != "reviewers"]  # bo and cy added, bo removed
    assert after == before[0] and log.events(kinds=["approved", "declined"]) == [], "nothing written"


@pytest.mark.parametrize("status", [ACCEPTED, REJECTED])
def test_a_suggestion_decided_by_a_reviewer_removed_before_it_is_written_is_refused(
    feedback_url: str, status: str
) -> None:
    log = _log(feedback_url, "x")
    (suggestion,) = SuggestionStore(log).propose("shop", [SYNONYM], at=DAY)
    errors = _while_bo_is_removed(
        feedback_url, lambda bo: SuggestionStore(bo).decide(suggestion.id, status, at=DAY)
    )
    assert [str(error) for error in errors] == ["bo is not a reviewer of this feedback store; reviewers: cy"]
    assert SuggestionStore(log).suggestion(suggestion.id).status == PENDING, "nothing written"


def test_the_readme_documents_every_option_of_the_reviewers_command() -> None:
    from nl2sql.cli import build_parser

    parser = build_parser()
    feedback = next(a for a in parser._subparsers._group_actions if a.dest == "command").choices["feedback"]
    actions = next(a for a in feedback._subparsers._group_actions if a.dest == "feedback_command")
    options = [o for a in actions.choices["reviewers"]._actions for o in a.option_strings if o[:2] == "--"]
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert "chatbi feedback reviewers" in readme
    assert {"--add", "--remove", "--four-eyes"} <= set(options)
    assert [o for o in options if o not in ("--help", "--log") and o not in readme] == []
