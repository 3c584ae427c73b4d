"""The adversarial suite through the JupyterLab panel: the attacks of tests/fixtures/attacks.yaml sent as
the SQL a user writes or edits in the panel (``POST run``) to connections added from the panel (``POST
connections``), on a real Jupyter Server with the extension, on real SQLite, DuckDB, PostgreSQL and
MariaDB (the servers through a superuser and a SELECT-only account).

Every attack runs on every engine it names, step by step; a prompt injection as its question, through
``POST ask`` and the answer stream (the websocket), to a server whose language model is a stand-in that
writes the attack's SQL (:class:`conftest.Replies`, swapped in as tests/test_server_extension.py does
for regenerate). The checks are those of tests/test_attacks.py: the outcome is one the attack allows,
every message is one line with no traceback, the time limit is honoured, no statement the gate refuses
reaches a query worker (and a refused request sends none), the data and the database's folder are
unchanged, no file is created, no lock or setting survives, data travels as plain JSON strings, never
as pre-rendered HTML, and the rows downloaded as CSV or Excel (``GET answers/{id}/export``) hold no
formula. One server per engine and account runs all of its attacks (a server per attack would take
minutes more); a failure names every attack that failed.

Then the surfaces only the panel has: hostile connections (system files, folders, missing files that must
not be created, URL and file-name options that would make a file writable or re-open DuckDB's external
access, or run a statement on connecting), hostile JSON bodies to every POST endpoint and hostile answer
ids: each gets one JSON message with a 4xx status, no traceback, and nothing is written.

SECURITY.md's table counts these runs (its last column, checked by tests/test_attacks.py's
``test_security_md_counts`` against :func:`attack_suite.panel_runs`, which this module runs).
"""

from __future__ import annotations

import ast
import asyncio
import hashlib
import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("chatbi_jupyterlab", reason="the extension is not installed: pip install -e extension")
pytest.importorskip("pytest_jupyter", reason="pytest-jupyter is not installed: pip install -e '.[dev]'")

from attack_suite import (
    ACCOUNTS,
    ENGINES,
    HTML_TAGS,
    MARGIN_S,
    TIMEOUT_S,
    assert_no_formulas,
    assert_nothing_lingers,
    expand,
    make_shop,
    outcome_of_message,
    panel_runs,
    read_only,
    state,
    steps,
)
from chatbi_jupyterlab import wire
from chatbi_jupyterlab.codegen import from_json
from conftest import Replies
from panel_api import Api, Socket, answer_of, assert_error, payload

# pytest-jupyter's server fixtures for this module only (as in tests/test_server_extension.py)
from pytest_jupyter.jupyter_server import *  # noqa: F403
from tornado.httpclient import HTTPResponse
from traitlets.config import Config

from nl2sql import execute, limits
from nl2sql.errors import RefusedStatementError
from nl2sql.safety import ensure_read_only

pytestmark = pytest.mark.filterwarnings("ignore:the account")  # the superusers, warned of elsewhere

DATABASE = "chatbi_panel_attacks"
"""The shop database on each server (its own, so that this module can recreate it)."""
CONNECTION = "shop"


@pytest.fixture
def jp_server_config() -> Config:
    """The extension on no connection (each test adds its own from the panel), queries bounded as in
    tests/test_attacks.py, no feedback log."""
    return Config(
        {
            "ServerApp": {"jpserver_extensions": {"chatbi_jupyterlab": True}},
            "ChatBI": {"connections": {}, "feedback_log": "", "timeout": TIMEOUT_S, "max_rows": 1000},
        }
    )


@pytest.fixture
def api(jp_fetch: Any, jp_asyncio_loop: asyncio.AbstractEventLoop) -> Api:
    return Api(jp_fetch, jp_asyncio_loop)


@pytest.fixture
def service(jp_serverapp: Any) -> Any:
    return jp_serverapp.web_app.settings["chatbi_service"]


@pytest.fixture
def model(monkeypatch: pytest.MonkeyPatch) -> Replies:
    """The server's language model: a stand-in that writes the SQL a prompt-injection attack sets."""
    replies = Replies("SELECT 1")
    monkeypatch.setattr("nl2sql.models.resolve.load_generator", lambda *args, **kwargs: replies)
    return replies


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Every statement that reaches a query worker, with its dialect, as it is sent (the real execution
    goes on), as tests/test_stored_injection.py records them."""
    statements: list[tuple[str, str]] = []
    original = execute.run_in_worker

    def recording(database, sql, limits):  # type: ignore[no-untyped-def]
        statements.append((database.dialect, sql))
        return original(database, sql, limits)

    monkeypatch.setattr(execute, "run_in_worker", recording)
    return statements


@pytest.fixture
def socket(jp_ws_fetch: Any, jp_asyncio_loop: asyncio.AbstractEventLoop) -> Iterator[Socket]:
    """The answer stream, as the panel opens it."""
    connection = jp_asyncio_loop.run_until_complete(jp_ws_fetch("chatbi", "api", "stream"))
    yield Socket(connection, jp_asyncio_loop)
    connection.close()


@pytest.fixture(scope="module")
def shops() -> dict[str, str]:
    """The shop database of each engine, made the first time a test needs it."""
    return {}


def _shop(shops: dict[str, str], dialect: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    if dialect not in shops:
        shops[dialect] = make_shop(dialect, tmp_path_factory.mktemp(f"panel-{dialect}"), DATABASE)
    return shops[dialect]


def _add(api: Api, name: str, database: str) -> HTTPResponse:
    return api("POST", "connections", {"name": name, "database": database})


# The attacks, through POST run ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dialect", "account"), [(dialect, account) for dialect in ENGINES for account in ACCOUNTS[dialect]]
)
def test_attacks_through_the_panel(
    dialect: str,
    account: str,
    api: Api,
    socket: Socket,
    service: Any,
    model: Replies,
    sent: list[tuple[str, str]],
    shops: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    shop_db = _shop(shops, dialect, tmp_path_factory)
    added = _add(api, CONNECTION, read_only(shop_db) if account == "read-only" else shop_db)
    assert added.code == 201, added.body
    database = service.session.connections[CONNECTION].database
    failures = []
    for number, attack in panel_runs(dialect):
        try:
            _attack(api, socket, model, sent, attack, shop_db, database)
        except AssertionError as error:
            failures.append(f"attack {number:03d} ({attack['class']}): {str(error)[:600]}")
    assert not failures, f"{len(failures)} attacks failed through the panel:\n" + "\n".join(failures)


Sent = tuple[wire.Answer, Any, str]
"""What came back for one request: the answer, its JSON as sent, and the whole reply as text."""


def _attack(
    api: Api,
    socket: Socket,
    model: Replies,
    sent: list[tuple[str, str]],
    attack: dict[str, Any],
    shop_db: str,
    database: Any,
) -> None:
    out = Path("/tmp") / f"chatbi-panel-attack-{uuid.uuid4().hex}"
    before = state(shop_db)
    for sql in steps(attack):
        text = expand(sql, out)
        if attack["class"] == "prompt injection":  # the question, answered with the attack's SQL
            model.sql, prompts = text, model.prompts
            body = {"question": attack["question"], "connection": CONNECTION, "new": True}
            replies = [
                _timed(sent, text, _posted, api, "ask", body),
                _timed(sent, text, _streamed, socket, body),
            ]
            assert model.prompts >= prompts + 2, "the stand-in model was not asked"
        else:
            body = {"sql": text, "connection": CONNECTION}
            replies = [_timed(sent, text, _posted, api, "run", body)]
        for answer, wired, whole in replies:
            outcome = _outcome(answer)
            allowed = (
                attack["expect"] if outcome != "checked" else [o for o in attack["expect"] if o != "rows"]
            )
            assert allowed and outcome in [*allowed, "checked"], (text[:200], outcome, answer.error)
            for line in (answer.error or "", answer.status):
                assert "\n" not in line and "Traceback" not in line, line
            assert "Traceback" not in whole, whole[:500]
            _assert_plain_text_on_the_wire(wired, answer, attack)
            if attack["class"] == "output rendering" and answer.table is not None:
                downloads = [
                    api("GET", f"answers/{answer.id}/export", params={"format": f}) for f in ("csv", "xlsx")
                ]
                assert [d.code for d in downloads] == [200, 200], downloads[0].body[:300]
                assert_no_formulas(downloads[0].body, downloads[1].body, answer.table.row_count)
    for dialect, statement in sent:
        try:
            ensure_read_only(statement, dialect)
        except RefusedStatementError as error:
            raise AssertionError(
                f"a statement the gate refuses reached a worker: {statement[:200]}"
            ) from error
    sent.clear()
    assert not out.exists(), f"the attack created {out}"
    assert state(shop_db) == before, "the database or its folder changed"
    assert_nothing_lingers(shop_db, database)


def _timed(sent: list[tuple[str, str]], text: str, request: Any, *args: Any) -> Sent:
    """``request(*args)``, within the time limit; a refused answer sent no statement to a worker."""
    started, already = time.perf_counter(), len(sent)
    reply = request(*args)
    took = time.perf_counter() - started
    assert took < TIMEOUT_S + limits.GRACE_S + MARGIN_S, f"took {took:.1f} s: {text[:200]}"
    if _outcome(reply[0]) == "refused":
        assert len(sent) == already, f"refused, yet sent to the engine: {sent[already:]}"
    return reply


def _posted(api: Api, endpoint: str, body: dict[str, Any]) -> Sent:
    response = api("POST", endpoint, body, request_timeout=120)
    return answer_of(response), payload(response), response.body.decode()


def _streamed(socket: Socket, body: dict[str, Any]) -> Sent:
    """The question asked over the answer stream, as the panel asks it: its ``done`` answer."""
    socket.send({"type": "ask", "request_id": "attack", "ask": body})
    messages = socket.answer("attack")
    assert messages[-1]["type"] == "done", messages[-1]
    return from_json(wire.StreamDone, messages[-1]).answer, messages[-1]["answer"], json.dumps(messages)


@pytest.mark.parametrize("dialect", ["sqlite", "duckdb"])
def test_refused_sql_run_in_place_of_an_answer_leaves_the_answer_as_it_was(
    dialect: str, api: Api, shops: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The edited-SQL path (``POST run`` with an ``answer_id``: the SQL typed over an answer's): the first
    attack of each class the gate must refuse, on the files, is a 400 saying "not run: refused", and the
    answer keeps its SQL and rows."""
    shop_db = _shop(shops, dialect, tmp_path_factory)
    assert _add(api, CONNECTION, shop_db).code == 201
    base = answer_of(api("POST", "run", {"sql": "SELECT name FROM customers", "connection": CONNECTION}))
    firsts = {}
    for number, attack in panel_runs(dialect):
        if attack["expect"] == ["refused"] and not isinstance(attack["sql"], list):
            firsts.setdefault(attack["class"], (number, attack))
    assert len(firsts) >= 6, sorted(firsts)
    before = state(shop_db)
    for number, attack in firsts.values():
        out = Path("/tmp") / f"chatbi-panel-attack-{uuid.uuid4().hex}"
        body = {"sql": expand(attack["sql"], out), "answer_id": base.id, "connection": CONNECTION}
        message = assert_error(api("POST", "run", body), 400, "")
        assert message.startswith(("not run: refused", "there is no SQL to run")), (number, message)
        assert "\n" not in message and not out.exists(), (number, message)
    kept = answer_of(api("POST", "chart", {"answer_id": base.id, "kind": "table"}))
    assert kept.sql == base.sql and kept.table is not None and kept.table.rows == base.table.rows
    assert state(shop_db) == before


def _outcome(answer: wire.Answer) -> str:
    """What came of the SQL: an outcome of tests/test_attacks.py, or ``checked`` when the panel's check
    against the schema (the diagnostics it shows) stopped it before it ran, which is as safe as any
    outcome but rows (MariaDB's ``information_schema.columns``, for one, is no table of the schema)."""
    if answer.error is None:
        return "rows"
    if answer.table is None and answer.error in [
        d.message for d in answer.diagnostics if d.severity == "error"
    ]:
        return "checked"
    return outcome_of_message(answer.error)


def _assert_plain_text_on_the_wire(body: Any, answer: wire.Answer, attack: dict[str, Any]) -> None:
    """Nothing on the wire is HTML made by the server: no field holds markup built for a page (no
    ``…html`` field, no escaped entity outside the chart), markup from the data (where the attack's SQL
    carries some) arrives as the very string it was, and the chart (plotly draws markup in its text)
    carries it escaped."""
    figure = (body.get("chart") or {}).get("figure")
    rest = {key: value for key, value in body.items() if key != "chart"}
    assert not [key for key in _keys(body) if "html" in key.lower()], body
    text = json.dumps(rest, ensure_ascii=False)
    assert "&lt;" not in text and "&gt;" not in text and "&quot;" not in text, text[:500]
    assert not HTML_TAGS.search(json.dumps(figure, ensure_ascii=False)), figure
    if (
        attack["class"] == "output rendering"
        and answer.table is not None
        and HTML_TAGS.search(str(steps(attack)))
    ):
        names = [column.name for column in answer.table.columns]
        cells = [value for row in answer.table.rows for value in row if isinstance(value, str)]
        assert [value for value in [*names, *cells] if HTML_TAGS.search(value)], (names, cells)


def _keys(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from _keys(item)


# Hostile connections, through POST connections -----------------------------------------------------------

UNREACHABLE = "postgresql+psycopg://reader:s3cret-pw@127.0.0.1:9/shop"
"""A server nobody answers on (the discard port): its password must never be shown."""


@pytest.fixture
def root_shop(jp_root_dir: Path) -> Path:
    """The shop as a SQLite file in the server's root folder, beside a folder and a DuckDB copy."""
    (jp_root_dir / "data").mkdir()
    make_shop("duckdb", jp_root_dir, DATABASE)
    return Path(make_shop("sqlite", jp_root_dir, DATABASE))


def _files(root: Path) -> dict[str, str]:
    """Every file under ``root`` and beside the tests' working folder, with a digest of its bytes."""
    found = {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()}
    return found | {str(p): "" for p in Path.cwd().iterdir() if "missing" in p.name}


@pytest.mark.parametrize(
    ("database", "words"),
    [
        ("/etc/passwd", "cannot tell what kind of database"),
        ("sqlite:////etc/passwd", "cannot tell what kind of database"),
        ("../../../../../../etc/passwd", "cannot tell what kind of database"),
        ("/", "is a folder, not a database file"),
        ("data", "is a folder, not a database file"),
        ("missing.sqlite", "no such database file"),
        ("file:missing.sqlite?mode=rwc", "no such database file"),
        ("sqlite:///missing.sqlite?mode=rwc", "no such database file"),
        ("sqlite:///file:missing.sqlite?mode=rwc&uri=true", "no such database file"),
        ("duckdb:///missing.duckdb?access_mode=read_write", "no such database file"),
        ("duckdb:///:memory:?enable_external_access=true", "an in-memory DuckDB database"),
        ("sqlite:///:memory:", "an in-memory SQLite database"),
        ("missing\x00.sqlite", "contains a NUL character"),
        ("missing\udcff.sqlite", "no such database file"),
        ("missing" * 20_000, "at most 4096"),
        (UNREACHABLE, "cannot open database …"),
        ("postgresql+psycopg://reader:s3cret%2Fpw@127.0.0.1:9/shop", "cannot open database …"),
        ("mysql+pymysql://reader:s3cret-pw@127.0.0.1:9/shop?init_command=DELETE+FROM+orders", "init_command"),
        ("mysql+pymysql://reader:s3cret-pw@127.0.0.1:9/shop?local_infile=1", "local_infile"),
    ],
)
def test_a_hostile_database_is_refused_in_one_line_and_nothing_is_created(
    api: Api, root_shop: Path, jp_root_dir: Path, database: str, words: str
) -> None:
    before = _files(jp_root_dir)
    message = assert_error(_add(api, "hostile", database), 400, words)
    assert "\n" not in message and "s3cret" not in message and len(message) < 600, message
    assert _files(jp_root_dir) == before, "the request created or changed a file"
    assert payload(api("GET", "connections"))["connections"] == []


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("x" * 1_000_000, "a connection's name is letters, digits"),
        ("shop\x00", "a connection's name is letters, digits"),
        ("shop\udcff", "a connection's name is letters, digits"),
        ("../shop", "a connection's name is letters, digits"),
        ("<img src=x onerror=alert(1)>", "a connection's name is letters, digits"),
        (42, "name: expected a string, got a number"),
    ],
)
def test_a_hostile_connection_name_is_refused(api: Api, root_shop: Path, name: Any, words: str) -> None:
    message = assert_error(_add(api, name, str(root_shop)), 400, words)  # type: ignore[arg-type]
    assert "\n" not in message and len(message) < 600, message
    assert payload(api("GET", "connections"))["connections"] == []


@pytest.mark.parametrize(
    "url_options",
    ["?mode=rwc", "?mode=rw&immutable=0&cache=shared", "?uri=true&vfs=unix-none&nolock=1"],
)
def test_url_options_cannot_make_a_sqlite_file_writable(
    api: Api, service: Any, root_shop: Path, jp_root_dir: Path, url_options: str
) -> None:
    before = _files(jp_root_dir)
    assert _add(api, "shop", f"sqlite:///{root_shop.name}{url_options}").code == 201
    engine = service.session.connections["shop"].database.engine
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA query_only").scalar() == 1
    assert _outcome(answer_of(api("POST", "run", {"sql": "DELETE FROM orders", "connection": "shop"}))) == (
        "refused"
    )
    assert _files(jp_root_dir) == before


def test_url_options_cannot_give_duckdb_its_external_access_back(
    api: Api, service: Any, root_shop: Path, jp_root_dir: Path
) -> None:
    options = "?enable_external_access=true&lock_configuration=false&access_mode=read_write"
    before = _files(jp_root_dir)
    assert _add(api, "shop", f"duckdb:///shop.duckdb{options}").code == 201
    engine = service.session.connections["shop"].database.engine
    with engine.connect() as connection:
        settings = "SELECT current_setting('enable_external_access'), current_setting('access_mode')"
        assert tuple(connection.exec_driver_sql(settings).one()) == (False, "read_only")
    ran = answer_of(
        api("POST", "run", {"sql": "SELECT * FROM read_csv('/etc/passwd')", "connection": "shop"})
    )
    assert _outcome(ran) == "refused" and ran.table is None
    assert _files(jp_root_dir) == before


@pytest.mark.parametrize("name", ["x?mode=rwc&a=.sqlite", "x#.sqlite", "x%3Fmode%3Drwc.sqlite"])
def test_a_sqlite_file_whose_name_reads_as_uri_options_opens_that_file_alone(
    api: Api, root_shop: Path, jp_root_dir: Path, name: str
) -> None:
    (jp_root_dir / name).write_bytes(root_shop.read_bytes())
    before = _files(jp_root_dir)
    response = _add(api, "shop", name)
    assert response.code == 201, response.body
    counted = answer_of(api("POST", "run", {"sql": "SELECT COUNT(*) FROM orders", "connection": "shop"}))
    assert counted.table is not None and counted.table.rows == [[5]]
    assert _files(jp_root_dir) == before, "a file was created beside it (the name read as URI options)"


def test_a_duckdb_file_whose_name_reads_as_settings_gets_no_external_access(
    api: Api, service: Any, root_shop: Path, jp_root_dir: Path
) -> None:
    """``shop.duckdb?enable_external_access=true&temp_directory=.duckdb`` named DuckDB settings in the
    engine's URL; DuckDB itself refuses to open a name with a ``?`` under its own guard."""
    name = "shop.duckdb?enable_external_access=true&temp_directory=.duckdb"
    (jp_root_dir / name).write_bytes((jp_root_dir / "shop.duckdb").read_bytes())
    before = _files(jp_root_dir)
    response = _add(api, "shop", name)
    if response.code == 201:
        with service.session.connections["shop"].database.engine.connect() as connection:
            setting = connection.exec_driver_sql("SELECT current_setting('enable_external_access')")
            assert setting.scalar() is False
    else:
        message = assert_error(response, 400, "cannot open database")
        assert "\n" not in message
    assert _files(jp_root_dir) == before


@pytest.mark.parametrize(
    "url_options",
    ["init_command=DELETE+FROM+orders", "sql_mode=ANSI_QUOTES", "autocommit=1&init_command=SET+%40x%3D1"],
)
def test_a_url_that_would_act_on_the_server_as_it_connects_is_refused(
    api: Api, shops: dict[str, str], tmp_path_factory: pytest.TempPathFactory, url_options: str
) -> None:
    shop_db = _shop(shops, "mysql", tmp_path_factory)
    before = state(shop_db)
    message = assert_error(_add(api, "shop", f"{shop_db}?{url_options}"), 400, "which ChatBI refuses")
    assert "\n" not in message
    assert state(shop_db) == before
    assert payload(api("GET", "connections"))["connections"] == []


def test_postgresql_options_cannot_make_the_session_writable(
    api: Api, service: Any, shops: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    shop_db = _shop(shops, "postgres", tmp_path_factory)
    options = "options=-c%20default_transaction_read_only%3Doff%20-c%20statement_timeout%3D0"
    assert _add(api, "shop", f"{shop_db}?{options}").code == 201
    with service.session.connections["shop"].database.engine.connect() as connection:
        assert connection.exec_driver_sql("SHOW transaction_read_only").scalar() == "on"
        assert connection.exec_driver_sql("SHOW statement_timeout").scalar() != "0"


# Hostile bodies to every POST endpoint, hostile answer ids ------------------------------------------------

ANSWER = "{answer}"
"""Stands for the id of a real answer on the shop in a body below."""
BODIES = [
    ("run", "not json", 400, "the request body is not JSON"),
    ("run", b'{"sql": "\xff\xfe"}', 400, "the request body is not JSON"),
    ("run", "[" * 100_000 + "]" * 100_000, 400, "the request body is not JSON"),
    ("run", "null", 400, "expected an object"),
    ("run", {}, 400, "sql: missing"),
    ("run", {"sql": 5}, 400, "sql: expected a string, got a number"),
    ("run", {"sql": "SELECT 1", "question": ["x"]}, 400, "question: expected a string"),
    ("run", {"sql": "SELECT 1", "connection": "../../etc/passwd"}, 404, "no connection named"),
    ("run", {"sql": "SELECT 1", "answer_id": "../../etc/passwd"}, 404, "no answer"),
    ("run", {"sql": "SELECT 1", "answer_id": "f" * 32}, 404, "no answer"),
    ("run", {"sql": "SELECT 1", "answer_id": 7}, 400, "answer_id: expected a string"),
    ("run", {"sql": "DELETE FROM orders", "answer_id": ANSWER}, 400, "refused"),
    ("ask", {}, 400, "question: missing"),
    ("ask", {"question": {"$gt": ""}}, 400, "question: expected a string"),
    ("ask", {"question": "x" * 1_000_000}, 400, "at most 2000"),
    ("ask", {"question": "orders\x00"}, 400, "NUL"),
    ("ask", {"question": "orders?", "language": "<script>"}, 400, "language"),
    ("ask", {"question": "orders?", "connection": ["shop"]}, 400, "connection: expected"),
    ("edit", {}, 400, "answer_id: missing"),
    ("edit", {"answer_id": "f" * 32, "edit": {"type": "SetLimit", "n": 1}}, 404, "no answer"),
    ("edit", {"answer_id": "../../etc/passwd", "edit": {"type": "SetLimit", "n": 1}}, 404, "no answer"),
    ("edit", {"answer_id": ANSWER, "edit": "DROP TABLE orders"}, 400, "edit: expected an object"),
    ("edit", {"answer_id": ANSWER, "edit": {"type": "__class__"}}, 400, "unknown edit type"),
    ("edit", {"answer_id": ANSWER, "edit": {"type": "SetLimit", "n": "1; DROP TABLE orders"}}, 400, ""),
    ("edit", {"answer_id": ANSWER, "edit": {"type": "SetLimit", "n": 1, "x": 2}}, 400, "bad SetLimit"),
    ("edit", {"answer_id": ANSWER, "edit": {"type": "SetOrder", "column": ["name"]}}, 400, ""),
    (
        "edit",
        {"answer_id": ANSWER, "edit": {"type": "AddGroupBy", "column": "1); DELETE FROM orders; --"}},
        400,
        "",
    ),
    (
        "edit",
        {
            "answer_id": ANSWER,
            "edit": {"type": "AddFilter", "column": "name", "operator": "; DROP", "values": ["x"]},
        },
        400,
        "",
    ),
    (
        "edit",
        {
            "answer_id": ANSWER,
            "edit": {"type": "AddFilter", "column": "name", "operator": "=", "values": [{"a": 1}]},
        },
        400,
        "",
    ),
    (
        "edit",
        {
            "answer_id": ANSWER,
            "edit": {"type": "SetTimeWindow", "target": "x", "amount": "many", "unit": "day"},
        },
        400,
        "",
    ),
    ("regenerate", {}, 400, "answer_id: missing"),
    ("regenerate", {"answer_id": "../../etc/passwd"}, 404, "no answer"),
    ("regenerate", {"answer_id": None}, 400, "answer_id: expected a string"),
    ("chart", {"answer_id": ANSWER, "kind": "<script>"}, 400, "kind"),
    ("chart", {"answer_id": "f" * 32, "kind": "bar"}, 404, "no answer"),
    ("feedback", {"answer_id": ANSWER, "kind": "love"}, 400, "kind"),
    ("feedback", {"answer_id": ANSWER, "kind": "reject", "reason": 5}, 400, "reason: expected a string"),
    ("feedback", {"answer_id": "f" * 32, "kind": "accept"}, 404, "no answer"),
    ("connections", {"name": "shop"}, 400, "database: missing"),
    ("connections", {"name": "shop", "database": ["/etc/passwd"]}, 400, "database: expected a string"),
    ("connections", {"name": "shop", "database": "x", "password": "s3cret"}, 400, "unknown field"),
]


@pytest.fixture
def shop_answer(api: Api, root_shop: Path) -> str:
    """The id of an answer on the shop (added from the panel as ``shop``)."""
    assert _add(api, "shop", root_shop.name).code == 201
    ran = answer_of(api("POST", "run", {"sql": "SELECT name, segment FROM customers", "connection": "shop"}))
    assert ran.table is not None and ran.table.row_count == 4
    return ran.id


@pytest.mark.parametrize(("endpoint", "body", "status", "words"), BODIES)
def test_a_hostile_body_gets_one_message_and_changes_nothing(
    api: Api,
    root_shop: Path,
    jp_root_dir: Path,
    shop_answer: str,
    endpoint: str,
    body: Any,
    status: int,
    words: str,
) -> None:
    if isinstance(body, dict):
        body = json.loads(json.dumps(body).replace(ANSWER, shop_answer))
    before = _files(jp_root_dir)
    message = assert_error(api("POST", endpoint, body, request_timeout=60), status, words)
    assert "\n" not in message and len(message) < 2_000, message[:2_000]
    assert _files(jp_root_dir) == before
    kept = payload(api("GET", f"answers/{shop_answer}/table"))
    assert kept["row_count"] == 4, "a refused request changed the answer"


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        ("answers/{f}/table", 404, "no answer"),
        ("answers/{f}/cell", 404, "no answer"),
        ("answers/{f}/export?format=csv", 404, "no answer"),
        ("answers/{answer}/export?format=..%2F..%2Fetc%2Fpasswd", 400, "csv or xlsx"),
        ("answers/..%2F..%2Fetc%2Fpasswd/table", 404, ""),
        ("answers/../../../etc/passwd/cell", 404, ""),
        ("answers/%3Cscript%3E/export", 404, ""),
        ("answers/{answer}%00/table", 404, ""),
        ("connections/..%2F..%2Fetc%2Fpasswd/schema", 404, "no connection named ../../etc/passwd"),
        ("connections/%3Cimg%20src%3Dx%3E/schema", 404, "no connection named <img src=x>"),
        ("nowhere", 404, ""),
    ],
)
def test_a_hostile_answer_id_or_path_gets_one_json_message(
    api: Api,
    shop_answer: str,
    http_server_client: Any,
    jp_base_url: str,
    jp_auth_header: dict[str, str],
    jp_root_dir: Path,
    path: str,
    status: int,
    words: str,
) -> None:
    """Sent as written (``jp_fetch`` would escape the ``%``): an id that is no answer's, or a path that is
    no endpoint's, is a JSON 404 like any other error, never a page or a file."""
    url = f"{jp_base_url}chatbi/api/{path}".format(f="f" * 32, answer=shop_answer)
    before = _files(jp_root_dir)
    response = api.run(http_server_client.fetch(url, headers=jp_auth_header, raise_error=False))
    message = assert_error(response, status, words)
    assert "\n" not in message and "root:" not in response.body.decode(), message
    assert _files(jp_root_dir) == before


# Markup from the data on the wire ------------------------------------------------------------------------

SCRIPT, IMAGE = "<script>alert(1)</script>", '<img src="https://evil.example/x.png" onerror="alert(1)">'
LINK = '<a href="https://evil.example">offer</a>'
SMUGGLED = "Orders?\nimport os\nos.system('touch /tmp/chatbi-smuggled')  # <b>"
"""A question whose lines would be code in a notebook cell if the cell wrote them as they are."""


def test_markup_from_the_data_travels_as_plain_strings(api: Api, root_shop: Path) -> None:
    """Values, column names, the question and an error carrying markup reach the panel as the very
    strings they are, in JSON (the panel writes them with ``textContent``); the chart carries them
    escaped for plotly; the notebook cell holds them in a comment and in string literals only."""
    assert _add(api, "shop", root_shop.name).code == 201
    sql = f"SELECT '{LINK}' AS label, 3 AS \"{SCRIPT}\" UNION ALL SELECT '{IMAGE}', 2"
    response = api("POST", "run", {"sql": sql, "question": SMUGGLED, "connection": "shop"})
    answer = answer_of(response)
    assert answer.table is not None and answer.question == SMUGGLED
    assert [column.name for column in answer.table.columns] == ["label", SCRIPT]
    assert answer.table.rows == [[LINK, 3], [IMAGE, 2]]
    assert answer.chart is not None and answer.chart.figure is not None, "a bar chart of the labels"
    _assert_plain_text_on_the_wire(payload(response), answer, {"class": "output rendering", "sql": sql})
    assert "&lt;a href=" in json.dumps(answer.chart.figure)

    whole = payload(api("GET", f"answers/{answer.id}/table"))
    assert whole["rows"] == [[LINK, 3], [IMAGE, 2]] and whole["columns"][1]["name"] == SCRIPT

    source = payload(api("GET", f"answers/{answer.id}/cell"))["source"]
    tree = ast.parse(source)
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    called = {ast.unparse(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    assert "os" not in imported and "os.system" not in called, source
    assert source.splitlines()[0] == "# ChatBI: " + " ".join(SMUGGLED.split())

    failed = answer_of(api("POST", "run", {"sql": f'SELECT * FROM "{SCRIPT}"', "connection": "shop"}))
    assert failed.table is None and failed.error is not None and SCRIPT in failed.error
    assert "\n" not in failed.error
