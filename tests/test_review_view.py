"""The notebook's review view on real candidates in a temporary feedback log (logged as the notebook and
the panel log them, through ``Assistant.record``), its buttons clicked as a reviewer would: what it lists,
approving (which runs the SQL again and refuses what fails), rejecting with a reason, data shown as text,
and ``%chatbi review``."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import ipywidgets as widgets
import pytest
from chatbi_jupyterlab.notebook.review_view import ReviewView, review_view
from chatbi_jupyterlab.notebook.session import NotebookSession
from conftest import output_texts

from feedback.corrections import curate
from feedback.log import FeedbackLog
from feedback.review import ReviewError
from nl2sql import Assistant
from nl2sql.answer import Answer

SMB = "Which customers are small businesses?"
SMB_SQL = "SELECT name FROM customers WHERE segment = 'SMB'"
TOTAL = "Total per order?"
TOTAL_SQL = "SELECT order_id, amount FROM orders"
HOSTILE = "<img src=x onerror=alert(1)> <b>bold</b> &amp; $x$"
"""A question that would do something if it were ever rendered as HTML (or typeset as math)."""


@pytest.fixture()
def shop_log(tmp_path: Path, sqlite_shop: str) -> tuple[FeedbackLog, Assistant]:
    """Three candidates on the shop database: an edit by ann, an answer bo accepted as it was, and an
    accepted answer whose question is markup."""
    ann = Assistant(sqlite_shop, log=FeedbackLog(tmp_path / "feedback.sqlite", user="ann"))
    ann.record("edited", Answer(SMB, "SELECT name FROM customers"), final_sql=SMB_SQL)
    bo = Assistant(sqlite_shop, log=FeedbackLog(tmp_path / "feedback.sqlite", user="bo"))
    bo.record("accepted", Answer(TOTAL, TOTAL_SQL))
    bo.record("accepted", Answer(HOSTILE, "SELECT COUNT(*) AS n FROM customers"))
    return ann.log, ann


def _html_values(widget: widgets.Widget) -> list[str]:
    found = [widget.value] if isinstance(widget, widgets.HTML | widgets.HTMLMath) else []
    for child in getattr(widget, "children", ()):
        found += _html_values(child)
    return found


def test_the_view_lists_each_candidate_with_its_diff_who_when_and_first_rows(shop_log) -> None:
    log, assistant = shop_log
    view = ReviewView(log, assistant.database, assistant.schema, preview_rows=3)
    edit, accepted, _ = (c.item for c in view.candidates.values())
    assert view.waiting == 3 and view.to_text().startswith("3 candidates waiting for review on shop\n")

    card = view.candidates[edit.event_id]
    about, sql, preview = (output_texts(w)[0] for w in (card.about, card.sql, card.preview))
    assert about.startswith(f"#{edit.event_id} edited by ann, ") and about.endswith(f"\n{SMB}\n")
    assert edit.correction.created_at in about
    assert "- SELECT\n" not in sql and "+ WHERE\n+   segment = 'SMB'" in sql
    assert "changed:\n  added condition segment = 'SMB'" in sql
    assert preview.split() == ["name", "Bolt", "Dune"]

    card = view.candidates[accepted.event_id]
    assert output_texts(card.about)[0].startswith(f"#{accepted.event_id} accepted by bo, ")
    assert output_texts(card.sql)[0] == f"accepted as the model wrote it:\n{TOTAL_SQL}\n"
    assert output_texts(card.preview)[0].splitlines()[1:] == [
        "       10  120.50",
        "       11   80.00",
        "       12   42.25",
        "… (the first 3 rows)",
    ]


def test_approve_and_reject_log_the_same_verdicts_as_the_commands(shop_log) -> None:
    log, assistant = shop_log
    view = ReviewView(log, assistant.database, assistant.schema, reviewer="cy")
    edit, accepted, hostile = view.candidates

    view.candidates[edit].approve_button.click()
    assert view.candidates[edit].outcome_text == (
        f"approved: #{edit} {SMB!r} now teaches (prompt examples, training)"
    )
    assert view.candidates[edit].approve_button.disabled and view.candidates[edit].reject_button.disabled
    card = view.candidates[accepted]
    card.reason_text.value = "  amount is before discounts "
    card.reject_button.click()
    assert card.outcome_text == f"rejected: #{accepted} {TOTAL!r} is never shown to the model or trained on"
    assert output_texts(card.outcome) == [card.outcome_text + "\n"]

    approved, declined = log.events(kinds=["approved", "declined"])
    assert (approved["user_name"], approved["details"]["event"], approved["final_sql"]) == (
        "cy",
        edit,
        SMB_SQL,
    )
    assert (declined["user_name"], declined["details"]["reason"]) == ("cy", "amount is before discounts")
    curation = curate(log, "shop", assistant.schema)
    assert [c.event_id for c in curation.kept] == [edit]
    assert [c.event_id for c in curation.candidates] == [hostile]

    view.refresh()
    assert list(view.candidates) == [hostile]
    assert view.to_text().startswith("1 candidate waiting for review on shop")
    with pytest.raises(ReviewError, match="is not listed here"):
        view.approve(edit)


def test_an_approval_whose_sql_fails_now_is_refused_and_says_why(shop_log, sqlite_shop: str) -> None:
    log, assistant = shop_log
    view = ReviewView(log, assistant.database, assistant.schema)
    _, accepted, _ = view.candidates
    with sqlite3.connect(sqlite_shop) as connection:  # the table goes after the answer was accepted
        connection.execute("ALTER TABLE orders RENAME TO old_orders")

    assert not view.approve(accepted)
    card = view.candidates[accepted]
    assert card.outcome_text.startswith(f"not approved: #{accepted} fails when run again: ")
    assert "no such table: orders" in card.outcome_text and output_texts(card.outcome) == [
        card.outcome_text + "\n"
    ]
    assert not card.approve_button.disabled, "it can be rejected (or approved once the table is back)"
    assert log.count(kinds=["approved"]) == 0
    assert view.reject(accepted, "the table was renamed")


def test_text_from_the_log_is_shown_as_text_never_as_html(shop_log) -> None:
    log, assistant = shop_log
    view = ReviewView(log, assistant.database, assistant.schema)
    (card,) = [c for c in view.candidates.values() if c.item.question == HOSTILE]
    assert output_texts(card.about)[0].endswith(f"\n{HOSTILE}\n"), "verbatim, in an output stream"
    assert not any("onerror" in value or "bold" in value for value in _html_values(view.widget))
    labels = [w.value for w in _all(view.widget) if isinstance(w, widgets.Label)]
    assert labels and not any(HOSTILE in label for label in labels)
    bundle = view._repr_mimebundle_()
    assert HOSTILE in bundle["text/plain"] and "text/html" not in bundle


def test_review_view_opens_the_database_and_log_by_name(shop_log, sqlite_shop: str) -> None:
    log, _ = shop_log
    view = review_view(sqlite_shop, log=str(log.path), shown=1)
    assert len(view.candidates) == 1 and view.waiting == 3
    assert view.to_text().startswith("3 candidates waiting for review on shop (the oldest 1 listed")


def test_the_chatbi_review_magic_shows_the_view_of_the_connection(
    shop_log, sqlite_shop: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import IPython
    from IPython.core.error import UsageError
    from IPython.testing.globalipapp import start_ipython

    log, _ = shop_log
    shell = start_ipython() or IPython.get_ipython()
    shell.run_line_magic("load_ext", "chatbi_jupyterlab.notebook")
    magics = shell.magics_manager.registry["ChatBIMagics"]
    kept, magics.session = magics.session, NotebookSession(log=log)  # the shell is shared: put it back
    try:
        shell.run_line_magic("chatbi", f"connect {sqlite_shop} --name shopdb")
        capsys.readouterr()
        shell.run_line_magic("chatbi", "review --db shopdb")
        view = shell.user_ns["_review_view"]
        assert isinstance(view, ReviewView) and view.waiting == 3 and view.database.name == "shop"
        assert "3 candidates waiting for review on shop" in capsys.readouterr().out  # the text fallback
        with pytest.raises(UsageError, match="no connection named nowhere"):
            shell.run_line_magic("chatbi", "review --db nowhere")
        magics.session.connections["shopdb"].log = None
        with pytest.raises(UsageError, match="feedback logging is off"):
            shell.run_line_magic("chatbi", "review --db shopdb")
    finally:
        magics.session = kept


def _all(widget: widgets.Widget) -> list[widgets.Widget]:
    return [widget, *(w for child in getattr(widget, "children", ()) for w in _all(child))]
