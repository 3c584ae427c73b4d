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
from panel_api import Api

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


# Removing ------------------------------------------------------------------------------------------------


def remove(api: Api, name: str) -> HTTPResponse:
    return api("DELETE", f"connections/{name}")  # jp_fetch escapes the path: "my%20shop"


def test_a_connection_added_from_the_panel_is_removed_with_its_answers(
    api: Api, jp_root_dir: Path, jp_serverapp: Any
) -> None:
    _sqlite_shop(jp_root_dir)
    assert add(api, "my shop", "shop.sqlite").code == 201
    assert {name: info.removable for name, info in listed(api).items()} == {"demo": False, "my shop": True}
    ran = api("POST", "run", {"sql": "SELECT COUNT(*) AS n FROM customers", "connection": "my shop"})
    answer = from_json(wire.Answer, json.loads(ran.body))

    response = remove(api, "my shop")
    assert response.code == 200, response.body
    listing = from_json(wire.ConnectionList, json.loads(response.body))
    assert [info.name for info in listing.connections] == ["demo"] and listing.default == "demo"
    assert list(listed(api)) == ["demo"]
    service = jp_serverapp.web_app.settings["chatbi_service"]
    assert "my shop" not in service.session.connections and "my shop" not in service.session.conversations
    refused(api("GET", "connections/my shop/schema"), 404, "no connection named my shop")
    refused(api("POST", "run", {"sql": "SELECT 1", "connection": "my shop"}), 404, "no connection named")
    refused(api("GET", f"answers/{answer.id}/cell"), 404, f"no answer {answer.id}")
    refused(remove(api, "my shop"), 404, "no connection named my shop")
    assert add(api, "my shop", "shop.sqlite").code == 201, "the name is free again"


def test_a_connection_of_the_server_settings_cannot_be_removed(
    api: Api, http_server_client: Any, jp_base_url: str, jp_root_dir: Path
) -> None:
    message = refused(remove(api, "demo"), 400, "demo is a connection of the server's settings")
    assert "ChatBI.connections" in message
    _sqlite_shop(jp_root_dir)
    assert add(api, "shop", "shop.sqlite").code == 201
    response = api.run(
        http_server_client.fetch(
            f"{jp_base_url}chatbi/api/connections/shop", method="DELETE", raise_error=False
        )
    )
    refused(response, 403, "")
    assert list(listed(api)) == ["demo", "shop"]


def test_work_queued_before_a_removal_is_done_first(api: Api, jp_root_dir: Path, jp_serverapp: Any) -> None:
    _sqlite_shop(jp_root_dir)
    assert add(api, "shop", "shop.sqlite").code == 201
    service = jp_serverapp.web_app.settings["chatbi_service"]
    count = wire.RunRequest("SELECT COUNT(*) AS n FROM customers", connection="shop")

    async def run_then_remove() -> tuple[wire.Answer, wire.ConnectionList]:
        return await asyncio.gather(service.run(count), service.remove_connection("shop"))

    answer, listing = api.run(run_then_remove())
    assert answer.table.rows == [[SHOP_CUSTOMERS]] and [i.name for i in listing.connections] == ["demo"]


def test_the_default_falls_back_when_the_connection_removed_was_it(jp_root_dir: Path) -> None:
    import logging

    from chatbi_jupyterlab.service import ChatBIService, ServiceSettings

    _sqlite_shop(jp_root_dir)
    service = ChatBIService(ServiceSettings(connections={}, feedback_log=""), logging.getLogger("test"))

    async def add_two_remove_one() -> tuple[wire.ConnectionList, wire.ConnectionList]:
        await service.add_connection(wire.AddConnectionRequest("first", "shop.sqlite"), str(jp_root_dir))
        added = await service.add_connection(
            wire.AddConnectionRequest("second", "shop.sqlite"), str(jp_root_dir)
        )
        return added, await service.remove_connection("first")

    try:
        added, left = asyncio.run(add_two_remove_one())
    finally:
        service.close()
    assert added.default == "first" and [i.removable for i in added.connections] == [True, True]
    assert left.default == "second" and [(i.name, i.default) for i in left.connections] == [("second", True)]
    assert service.session.current == "second"
