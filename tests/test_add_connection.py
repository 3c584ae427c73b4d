"""Adding a connection from the panel (``POST connections``) on a real Jupyter Server: the database is
opened as the CLI opens one, so a missing file is refused and never created, a folder or a file that is
not a database is refused, and a server that does not answer says so in one line; a SQLite file added by
a path relative to the server's root folder is listed, picked by name and answered on afterwards. No
answer and no listing ever carries the URL or its password, and nothing is written to the config.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("chatbi_jupyterlab", reason="the extension is not installed: pip install -e extension")
pytest.importorskip("pytest_jupyter", reason="pytest-jupyter is not installed: pip install -e '.[dev]'")

import sqlalchemy as sa
from chatbi_jupyterlab import wire
from chatbi_jupyterlab.codegen import from_json
from conftest import POSTGRES_ADMIN_URL, SHOP_CUSTOMERS, Replies, _sqlite_shop

# pytest-jupyter's server fixtures for this module only (as in tests/test_server_extension.py)
from pytest_jupyter.jupyter_server import *  # noqa: F403
from tornado.httpclient import HTTPResponse
from traitlets.config import Config

UNREACHABLE = "postgresql+psycopg://reader:s3cret-pw@127.0.0.1:9/shop"
"""A server nobody answers on (the discard port): refused at once, its password never shown."""


@pytest.fixture
def jp_server_config() -> Config:
    return Config(
        {
            "ServerApp": {"jpserver_extensions": {"chatbi_jupyterlab": True}},
            "ChatBI": {"connections": {"demo": "demo"}, "feedback_log": ""},
        }
    )


class Api:
    """Requests to ``/chatbi/api/…`` on the test server, run on its loop."""

    def __init__(self, fetch: Any, loop: asyncio.AbstractEventLoop) -> None:
        self.fetch, self.loop = fetch, loop

    def __call__(self, method: str, path: str, body: Any = None) -> HTTPResponse:
        data = json.dumps(body) if body is not None and not isinstance(body, str) else body
        return self.run(
            self.fetch("chatbi", "api", *path.split("/"), method=method, body=data, raise_error=False)
        )

    def run(self, coroutine: Any) -> Any:
        return self.loop.run_until_complete(coroutine)


@pytest.fixture
def api(jp_fetch: Any, jp_asyncio_loop: asyncio.AbstractEventLoop) -> Api:
    return Api(jp_fetch, jp_asyncio_loop)


def add(api: Api, name: str, database: str) -> HTTPResponse:
    return api("POST", "connections", {"name": name, "database": database})


def listed(api: Api) -> dict[str, wire.ConnectionInfo]:
    response = api("GET", "connections")
    assert response.code == 200, response.body
    return {info.name: info for info in from_json(wire.ConnectionList, json.loads(response.body)).connections}


def refused(response: HTTPResponse, status: int, words: str) -> str:
    """One JSON message containing ``words``, on one line, with no traceback and no password."""
    assert response.code == status, response.body
    assert response.headers["Content-Type"].startswith("application/json")
    body = json.loads(response.body)
    assert set(body) == {"message"}, body
    message = body["message"]
    assert words in message, message
    assert "\n" not in message and "Traceback" not in message and "s3cret" not in message, message
    return message


def test_a_sqlite_file_by_a_relative_path_is_added_picked_and_answered(
    api: Api, jp_root_dir: Path, jp_serverapp: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    (jp_root_dir / "data").mkdir()
    shop = Path(_sqlite_shop(jp_root_dir / "data"))
    response = add(api, " shop ", "data/shop.sqlite")  # as the file browser shows it
    assert response.code == 201, response.body
    listing = from_json(wire.ConnectionList, json.loads(response.body))
    by_name = {info.name: info for info in listing.connections}
    assert list(by_name) == ["demo", "shop"] and listing.default == "demo"
    assert (by_name["shop"].dialect, by_name["shop"].tables, by_name["shop"].error) == ("sqlite", 2, None)
    assert "shop.sqlite" not in response.body.decode() and str(jp_root_dir) not in response.body.decode()
    assert list(listed(api)) == ["demo", "shop"]

    schema = from_json(wire.SchemaSummary, json.loads(api("GET", "connections/shop/schema").body))
    assert sorted(table.name for table in schema.tables) == ["customers", "orders"]
    ran = api("POST", "run", {"sql": "SELECT COUNT(*) AS n FROM customers", "connection": "shop"})
    assert from_json(wire.Answer, json.loads(ran.body)).table.rows == [[SHOP_CUSTOMERS]]

    replies = Replies("SELECT segment, COUNT(*) AS n FROM customers GROUP BY segment ORDER BY segment")
    monkeypatch.setattr("nl2sql.models.resolve.load_generator", lambda *args, **kwargs: replies)
    asked = api("POST", "ask", {"question": "How many customers per segment?", "connection": "shop"})
    answer = from_json(wire.Answer, json.loads(asked.body))
    assert answer.connection == "shop" and answer.table.rows == [
        ["Consumer", 1],
        ["Enterprise", 1],
        ["SMB", 2],
    ]
    cell = from_json(wire.NotebookCell, json.loads(api("GET", f"answers/{answer.id}/cell").body))
    assert json.dumps(str(shop)) in cell.source  # absolute: a kernel opens it from the notebook's folder

    service = jp_serverapp.web_app.settings["chatbi_service"]
    assert service.session.current == "demo"  # adding does not change the default
    configs = [path for path in Path(jp_serverapp.config_dir).rglob("*") if path.is_file()]
    assert not [path for path in configs if "shop.sqlite" in path.read_text(errors="replace")], (
        "written to disk"
    )


@pytest.mark.parametrize(
    ("database", "words"),
    [
        ("missing.sqlite", "no such database file"),
        ("sqlite:///missing.sqlite", "no such database file"),
        ("duckdb:///missing.duckdb", "no such database file"),
    ],
)
def test_a_missing_file_is_refused_and_never_created(
    api: Api, jp_root_dir: Path, database: str, words: str
) -> None:
    refused(add(api, "missing", database), 400, words)
    assert not list(jp_root_dir.glob("missing*")), "the request created a database file"
    assert list(listed(api)) == ["demo"]


def test_a_folder_or_a_file_that_is_not_a_database_is_refused(api: Api, jp_root_dir: Path) -> None:
    (jp_root_dir / "folder.sqlite").mkdir()
    (jp_root_dir / "notes.txt").write_text("not a database", encoding="utf-8")
    (jp_root_dir / "fake.sqlite").write_bytes(b"not a database either, whatever the name says" * 20)
    refused(add(api, "folder", "folder.sqlite"), 400, "is a folder, not a database file")
    refused(add(api, "notes", "notes.txt"), 400, "cannot tell what kind of database")
    refused(add(api, "fake", "fake.sqlite"), 400, "cannot open database")
    assert (jp_root_dir / "fake.sqlite").read_bytes().startswith(b"not a database")  # left as it was
    assert list(listed(api)) == ["demo"]


@pytest.mark.parametrize(
    ("database", "words"),
    [
        (UNREACHABLE, "cannot open database …:"),
        ("postgresql+psycopg://reader:s3cret-pw@127.0.0.1:port/shop", "not a valid database URL"),
        ("oracle://reader:s3cret-pw@127.0.0.1/shop", "unsupported database kind 'oracle'"),
        ("sqlite://", "an in-memory SQLite database has nothing to ask about"),
        ("   ", "name the database"),
    ],
)
def test_a_bad_url_is_one_line_without_its_password(api: Api, database: str, words: str) -> None:
    refused(add(api, "bad", database), 400, words)
    assert list(listed(api)) == ["demo"]
    assert "127.0.0.1" not in api("GET", "connections").body.decode()


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"name": "demo", "database": "demo"}, 400, "there is a connection named demo already"),
        ({"name": "  ", "database": "demo"}, 400, "name the connection"),
        ({"name": "a/b", "database": "demo"}, 400, "a connection's name is letters, digits"),
        ({"name": "x"}, 400, "database: missing"),
        ({"name": "x", "database": "demo", "password": "p"}, 400, "unknown field 'password'"),
        ("not json", 400, "the request body is not JSON"),
    ],
)
def test_malformed_requests_and_names(api: Api, body: Any, status: int, words: str) -> None:
    refused(api("POST", "connections", body), status, words)


def test_without_the_token_nothing_is_added(
    api: Api, http_server_client: Any, jp_base_url: str, jp_root_dir: Path
) -> None:
    _sqlite_shop(jp_root_dir)
    body = json.dumps({"name": "shop", "database": "shop.sqlite"})
    response = api.run(
        http_server_client.fetch(
            f"{jp_base_url}chatbi/api/connections", method="POST", body=body, raise_error=False
        )
    )
    refused(response, 403, "")
    assert list(listed(api)) == ["demo"]


def test_two_requests_for_one_name_add_it_once(api: Api, jp_fetch: Any, jp_root_dir: Path) -> None:
    _sqlite_shop(jp_root_dir)
    body = json.dumps({"name": "shop", "database": "shop.sqlite"})

    async def both() -> list[HTTPResponse]:
        post = {"method": "POST", "body": body, "raise_error": False}
        return await asyncio.gather(*(jp_fetch("chatbi", "api", "connections", **post) for _ in range(2)))

    first, second = api.run(both())
    assert sorted([first.code, second.code]) == [201, 400]
    refused(first if first.code == 400 else second, 400, "there is a connection named shop already")
    assert list(listed(api)) == ["demo", "shop"]


@pytest.mark.filterwarnings("ignore:the account")  # PostgreSQL's superuser, warned of elsewhere
def test_a_server_url_with_a_password_is_listed_by_name_only(api: Api) -> None:
    url = sa.make_url(POSTGRES_ADMIN_URL).set(password="s3cret-pw")  # the server trusts; any password does
    try:
        sa.create_engine(url, connect_args={"connect_timeout": 3}).connect().close()
    except Exception as error:
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}: {str(error).splitlines()[0]}")
    response = add(api, "warehouse", url.render_as_string(hide_password=False))
    assert response.code == 201, response.body
    for body in (response.body.decode(), api("GET", "connections").body.decode()):
        assert '"warehouse"' in body and '"postgres"' in body  # the name and the dialect
        assert "s3cret" not in body and "127.0.0.1" not in body and "psycopg" not in body, body
