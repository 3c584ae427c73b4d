"""The %chatbi / %%ask magics in a real IPython shell, and the notebook session behind them."""

from __future__ import annotations

from pathlib import Path

import IPython
import pytest
from chatbi_jupyterlab.notebook.session import NotebookSession
from IPython.core.error import UsageError
from IPython.testing.globalipapp import start_ipython

from feedback import FeedbackLog


@pytest.fixture(scope="module")
def shell():
    ipython = start_ipython() or IPython.get_ipython()
    ipython.run_line_magic("load_ext", "chatbi_jupyterlab.notebook")
    return ipython


def _magics(shell):
    return shell.magics_manager.registry["ChatBIMagics"]


def test_load_ext_nl2sql_registers_the_same_magics(shell) -> None:
    from chatbi_jupyterlab.notebook.magic import ChatBIMagics

    import nl2sql

    kept = _magics(shell)  # the shell is shared: put the module's magics back
    try:
        nl2sql.load_ipython_extension(shell)
        assert _magics(shell) is not kept and type(_magics(shell)) is ChatBIMagics
        assert "ask" in shell.magics_manager.magics["cell"]
    finally:
        shell.register_magics(kept)
    assert _magics(shell) is kept


def test_load_ext_nl2sql_without_the_extension_says_what_to_install(
    shell, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    import nl2sql

    monkeypatch.setitem(sys.modules, "chatbi_jupyterlab.notebook", None)  # as if it were not installed
    with pytest.raises(UsageError, match=r"^the notebook magics come with chatbi-jupyterlab, which is not"):
        nl2sql.load_ipython_extension(shell)


def test_connect_status_glossary_and_model(shell, capsys: pytest.CaptureFixture[str]) -> None:
    shell.run_line_magic("chatbi", "connect demo --name sales")
    assert "connected sales: sqlite, 8 tables" in capsys.readouterr().out
    shell.run_line_magic("chatbi", "status")
    status = capsys.readouterr().out
    assert "model qwen2.5-coder-0.5b (bundled default), adapter qwen2.5-coder-0.5b-spider" in status
    assert "* sales: sqlite, 8 tables, 18 glossary terms, 0 questions in the conversation" in status
    shell.run_line_magic("chatbi", "glossary")
    assert "revenue (sales, turnover, 销售额" in capsys.readouterr().out
    shell.run_line_magic("chatbi", "model --backend transformers")
    assert "local, backend transformers" in capsys.readouterr().out
    shell.run_line_magic("chatbi", "model --backend auto")
    capsys.readouterr()


def test_connecting_a_file_uses_its_own_name_and_glossary(shell, sqlite_shop: str, capsys) -> None:
    Path(sqlite_shop).with_name("shop.glossary.yaml").write_text(
        "terms:\n  - name: big order\n    definition: An order over 100.\n    sql: orders.amount > 100\n",
        encoding="utf-8",
    )
    shell.run_line_magic("chatbi", f"connect {sqlite_shop}")
    assert "connected shop: sqlite, 2 tables (customers, orders)" in capsys.readouterr().out
    assert _magics(shell).session.current == "shop"
    assert [t.name for t in _magics(shell).session.assistant().glossary.terms] == ["big order"]


@pytest.mark.parametrize(
    ("magic", "line", "message"),
    [
        ("chatbi", "frobnicate", "unknown action frobnicate"),
        ("chatbi", "", "unknown action (none)"),
        ("chatbi", "connect /no/such/file.sqlite", "no such database file: /no/such/file.sqlite"),
        ("chatbi", "connect postgresql+psycopg://nobody@127.0.0.1:1/none", "cannot open database"),
        ("chatbi", "glossary --db nowhere", "no connection named nowhere"),
        ("ask", "--db nowhere How many?", "no connection named nowhere"),
        ("ask", "", "ask what?"),
    ],
)
def test_mistakes_are_one_line_usage_errors(shell, magic: str, line: str, message: str) -> None:
    with pytest.raises(UsageError, match=message.replace("(", r"\(").replace(")", r"\)")):
        shell.run_line_magic(magic, line)


def test_a_session_keeps_one_conversation_per_connection(tmp_path: Path, sqlite_shop: str) -> None:
    session = NotebookSession(log=FeedbackLog(tmp_path / "f.sqlite"))
    session.connect(sqlite_shop, name="a")
    session.connect("demo", name="b")
    session.conversation("a").add("How many orders?", "SELECT COUNT(*) FROM orders")
    assert len(session.conversation("a").history()) == 1
    assert session.conversation("b").history() == ()
    assert session.current == "b"
    session.set_model(backend="transformers")
    assert session.assistant("a").schema.table("orders") is not None
    assert session.model.backend == "transformers"
    assert len(session.conversation("a").history()) == 1  # changing the model keeps the conversation


@pytest.mark.slow
def test_ask_answers_with_the_real_model_and_follows_up(shell) -> None:
    shell.run_line_magic("chatbi", "connect demo --name demo")
    shell.run_cell_magic("ask", "--out per_segment", "How many customers are in each segment?")
    frame = shell.user_ns["per_segment"]
    assert sorted(frame.iloc[:, 0].tolist() + frame.iloc[:, 1].tolist(), key=str)[-3:] == [
        "Consumer",
        "Enterprise",
        "SMB",
    ]
    view = shell.user_ns["_ask_view"]
    assert view.review.explanation.summary
    from IPython.utils.capture import capture_output

    with capture_output() as published:
        assert view.run_sql(
            "SELECT segment, COUNT(*) AS n FROM customers WHERE segment = 'SMB' GROUP BY segment"
        )
    assert shell.user_ns["per_segment"] is view.frame and len(view.frame) == 1  # the rows on screen
    # the view is published again where it was shown: a saved notebook keeps the answer on screen
    assert any("WHERE segment = 'SMB'" in o.data.get("text/plain", "") for o in published.outputs)
    shell.run_cell_magic("ask", "", "only for the Enterprise segment")
    follow_up = shell.user_ns["_ask_view"]
    assert [turn.question for turn in follow_up.answer.history] == ["How many customers are in each segment?"]
    shell.run_line_magic("ask", "--new How many orders are there?")
    assert shell.user_ns["_ask_view"].answer.history == []


def test_an_interrupted_question_says_so_in_one_line_and_changes_nothing(shell) -> None:
    from conftest import Replies

    class Interrupted(Replies):
        def generate(self, messages: list, **options: object):
            raise KeyboardInterrupt  # what Jupyter's interrupt raises while the model writes

    shell.run_line_magic("chatbi", "connect demo --name interrupted")
    session = _magics(shell).session
    assistant = session.assistant("interrupted")
    assistant._generator = Interrupted("SELECT 1")
    before = len(session.conversation("interrupted").history())
    with pytest.raises(UsageError, match="interrupted: nothing was answered"):
        shell.run_cell_magic("ask", "--db interrupted", "List the region names in Chinese and English")
    assert len(session.conversation("interrupted").history()) == before and assistant.on_stage is None


def test_ask_shows_the_static_answer_and_the_widget_and_keeps_them_in_step(shell) -> None:
    from conftest import Replies
    from IPython.utils.capture import capture_output

    shell.run_line_magic("chatbi", "connect demo --name shown")
    assistant = _magics(shell).session.assistant("shown")
    assistant._generator = Replies("SELECT name, city FROM customers ORDER BY name LIMIT 3")
    with capture_output() as captured:
        shell.run_cell_magic("ask", "--db shown --out names", "List three customer names and cities")
    view, shown = shell.user_ns["_ask_view"], captured.outputs
    [static] = [
        i for i, o in enumerate(shown) if o.transient.get("display_id", "").startswith("chatbi-answer")
    ]
    [live] = [i for i, o in enumerate(shown) if "application/vnd.jupyter.widget-view+json" in o.data]
    assert static < live and not shown[static].update
    assert shown[static].transient["display_id"] == view.display_handle.display_id
    assert f'data-chatbi-answer="{view.answer_id}"' in shown[static].data["text/html"]
    assert "text/html" not in shown[live].data and not shown[live].data["text/plain"]  # no second copy
    assert not captured.stdout and not captured.stderr  # stages go to the stage line, which ends empty
    with capture_output() as edited:
        assert view.run_sql("SELECT name FROM customers ORDER BY name LIMIT 2")
    assert shell.user_ns["names"] is view.frame and len(view.frame) == 2  # the variable follows
    [update] = edited.outputs
    assert update.update and update.transient == shown[static].transient
    assert "LIMIT 2" in update.data["text/plain"] and "LIMIT 2" in update.data["text/html"]


def test_ask_draws_no_progress_bar_while_it_answers(shell) -> None:
    """transformers draws a "Loading weights" bar (a widget, in a kernel) when a model loads inside an
    answer; the notebook would keep it. The magic switches the bars off for the answer, and back on."""
    from conftest import Replies
    from transformers.utils import logging

    bars: list[bool] = []

    class Watching(Replies):
        def generate(self, messages: list, **options: object):
            bars.append(logging.is_progress_bar_enabled())  # where the model would be loading
            return super().generate(messages, **options)

    shell.run_line_magic("chatbi", "connect demo --name quiet")
    assistant = _magics(shell).session.assistant("quiet")
    assistant._generator = Watching("SELECT name FROM customers WHERE city = 'Chengdu'")
    shell.run_cell_magic("ask", "--db quiet", "List the customers in Chengdu whose first order was cancelled")
    assert bars and not any(bars) and logging.is_progress_bar_enabled()
    view = shell.user_ns["_ask_view"]
    view.regenerate()  # the view's own calls to the model too
    assert len(bars) > 1 and not any(bars) and logging.is_progress_bar_enabled()
    record = view.assistant.record  # learning an accepted answer loads the embedding model

    def watched(*args: object, **options: object) -> None:
        bars.append(logging.is_progress_bar_enabled())
        record(*args, **options)

    view.assistant.record = watched
    count = len(bars)
    view.accept()
    assert len(bars) == count + 1 and not any(bars) and logging.is_progress_bar_enabled()
