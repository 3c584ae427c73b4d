"""Spreadsheet formula injection in the downloads: a SQLite file whose text values (and a column name, and
the question) begin like formulas — ``=HYPERLINK(…)``, ``+cmd|' /C calc'!A0``, ``-2+3``, ``@SUM(A1)``, a
tab, a carriage return — exported through the panel (``GET answers/{id}/export`` on a real Jupyter
Server) and through the notebook's answer view (its CSV and Excel links, ``view.to_csv``,
``view.to_excel``), then read back as a spreadsheet would: with the ``csv`` module and openpyxl.

In CSV every such text cell starts with ``'`` and a value with a carriage return stays one cell of one
row; in the workbook every text cell is a string holding the text as it was, never a formula; numbers
stay numbers (``-5`` is the number -5) in both.
"""

from __future__ import annotations

import asyncio
import base64
import csv
import io
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("chatbi_jupyterlab", reason="the extension is not installed: pip install -e extension")
pytest.importorskip("pytest_jupyter", reason="pytest-jupyter is not installed: pip install -e '.[dev]'")

import openpyxl
from chatbi_jupyterlab.notebook.answer_view import AnswerView
from chatbi_jupyterlab.notebook.session import NotebookSession
from panel_api import Api, answer_of

# pytest-jupyter's server fixtures for this module only (as in tests/test_server_extension.py)
from pytest_jupyter.jupyter_server import *  # noqa: F403
from traitlets.config import Config

LABELS = [
    ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("Acme\r=1+1", "Acme\r=1+1"),  # one cell: the carriage return must not start a row at "=1+1"
    ("-5", "'-5"),  # text, though it reads as a number
    ("Acme", "Acme"),
]
"""Each text value of the file, and the CSV cell it must become."""
ESCAPE = "\x1b[2J"
"""A value a workbook cannot hold as it is: written as visible text, ``\\x1b[2J``."""
SQL = 'SELECT label, amount, ratio, label AS "@label" FROM notes ORDER BY id'
QUESTION = '=HYPERLINK("http://evil.example","question")'


@pytest.fixture
def jp_server_config() -> Config:
    return Config(
        {
            "ServerApp": {"jpserver_extensions": {"chatbi_jupyterlab": True}},
            "ChatBI": {"connections": {}, "feedback_log": ""},
        }
    )


@pytest.fixture
def api(jp_fetch: Any, jp_asyncio_loop: asyncio.AbstractEventLoop) -> Api:
    return Api(jp_fetch, jp_asyncio_loop)


def _notes(folder: Path) -> Path:
    """A SQLite file of notes: the text values of :data:`LABELS` and :data:`ESCAPE`, negative numbers."""
    path = folder / "notes.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute(
            "CREATE TABLE notes (id INTEGER PRIMARY KEY, label TEXT, amount INTEGER, ratio REAL)"
        )
        labels = [label for label, _ in LABELS] + [ESCAPE]
        connection.executemany(
            "INSERT INTO notes VALUES (?, ?, ?, ?)",
            [(i, label, -(i + 1), -(i + 1) / 4) for i, label in enumerate(labels)],
        )
    connection.close()
    return path


def _assert_csv(data: bytes) -> None:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    assert rows[0] == ["label", "amount", "ratio", "'@label"]
    assert len(rows) == 1 + len(LABELS) + 1, "a value broke a row in two"
    body = rows[1:]
    assert [row[0] for row in body] == [cell for _, cell in LABELS] + [ESCAPE]
    assert [row[3] for row in body] == [row[0] for row in body]
    assert [row[1] for row in body] == [str(-(i + 1)) for i in range(len(body))], "numbers stay numbers"
    assert [float(row[2]) for row in body] == [-(i + 1) / 4 for i in range(len(body))]


def _assert_workbook(data: bytes) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]
    assert [cell.value for cell in cells if cell.data_type == "f"] == []
    result = list(workbook["result"].iter_rows())
    assert [(cell.value, cell.data_type) for cell in result[0]] == [
        ("label", "s"),
        ("amount", "s"),
        ("ratio", "s"),
        ("@label", "s"),
    ]
    written = [label.replace("\r", "\n") for label, _ in LABELS] + ["\\x1b[2J"]  # XML reads a CR as LF
    assert [(row[0].value, row[0].data_type) for row in result[1:]] == [(text, "s") for text in written]
    assert [row[3].value for row in result[1:]] == written
    assert [(row[1].value, row[1].data_type) for row in result[1:]] == [
        (-(i + 1), "n") for i in range(len(written))
    ]
    assert [row[2].value for row in result[1:]] == [-(i + 1) / 4 for i in range(len(written))]
    query = [[cell.value for cell in row] for row in workbook["query"].iter_rows()]
    assert query == [["question", "sql"], [QUESTION, SQL]]


def test_the_panels_downloads_hold_no_formula(api: Api, jp_root_dir: Path) -> None:
    _notes(jp_root_dir)
    assert api("POST", "connections", {"name": "notes", "database": "notes.sqlite"}).code == 201
    answer = answer_of(api("POST", "run", {"sql": SQL, "question": QUESTION, "connection": "notes"}))
    assert answer.table is not None and answer.table.row_count == len(LABELS) + 1, answer.error
    csv_file = api("GET", f"answers/{answer.id}/export", params={"format": "csv"})
    assert csv_file.code == 200 and csv_file.headers["Content-Type"].startswith("text/csv")
    _assert_csv(csv_file.body)
    xlsx_file = api("GET", f"answers/{answer.id}/export", params={"format": "xlsx"})
    assert xlsx_file.code == 200 and xlsx_file.body[:2] == b"PK", xlsx_file.body[:300]
    _assert_workbook(xlsx_file.body)


def test_the_notebooks_downloads_hold_no_formula(tmp_path: Path) -> None:
    session = NotebookSession(log=None)
    session.connect(str(_notes(tmp_path)), name="notes")
    view = AnswerView(session.assistant("notes").run(SQL, question=QUESTION), session, db="notes")
    _assert_csv(view.to_csv().encode("utf-8"))
    _assert_workbook(view.to_excel(tmp_path / "answer.xlsx").read_bytes())
    links = dict(
        re.findall(r'download="answer\.(csv|xlsx)" href="data:[^;]+;base64,([^"]+)"', view.downloads.value)
    )
    _assert_csv(base64.b64decode(links["csv"]))
    _assert_workbook(base64.b64decode(links["xlsx"]))
