"""A Jupyter server with the ChatBI server extension, for measuring the panel: a subprocess of this Python
on a free 127.0.0.1 port with a token of its own, its own Jupyter config, data and runtime folders (so
nothing the user configured changes what is measured), stopped at the end.

The ChatBI data and cache folders (``CHATBI_HOME``, ``CHATBI_CACHE``, ``CHATBI_DEMO_AS_OF``) are this
process's: the server opens the same demo database and loads the same converted model.

Example:
    >>> config = server_config({"demo": "demo"}, feedback_log="")
    >>> config["ServerApp"]["jpserver_extensions"], config["ChatBI"]["connections"]
    ({'chatbi_jupyterlab': True}, {'demo': 'demo'})
    >>> server_command(8999, "secret", Path("/srv"))[1:3]
    ['-m', 'jupyter_server']
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nl2sql.errors import ChatBIError

EXTENSION = "chatbi_jupyterlab"
STREAM_PATH = "chatbi/api/stream"
START_TIMEOUT_S = 120.0
"""How long the server may take to answer ``/api/status`` (a cold start on two busy cores takes ~10 s)."""
STOP_TIMEOUT_S = 30.0


class PanelServerError(ChatBIError):
    """The Jupyter server with the extension could not be started (or the extension is not installed)."""


@dataclass(frozen=True)
class PanelServer:
    """A running Jupyter server with the extension.

    Attributes:
        url: its base URL, ending in ``/``.
        token: the token it asks for.
        log: the file its output goes to.
    """

    url: str
    token: str
    log: Path

    @property
    def stream_url(self) -> str:
        """The panel's websocket, with the token in the query string as the panel sends it."""
        return f"ws{self.url.removeprefix('http')}{STREAM_PATH}?token={self.token}"


def server_config(connections: dict[str, str], **chatbi: Any) -> dict[str, Any]:
    """``jupyter_server_config.json``: the extension enabled, with ``connections`` and the other ``ChatBI``
    settings given (``feedback_log``, ``model``, ``adapter``, ``backend``, ``base_url``, …; None ones are
    left out)."""
    settings = {"connections": connections, **{k: v for k, v in chatbi.items() if v is not None}}
    return {"ServerApp": {"jpserver_extensions": {EXTENSION: True}}, "ChatBI": settings}


def server_command(port: int, token: str, root: Path) -> list[str]:
    """The command line of a Jupyter server of this Python on 127.0.0.1:``port``, serving ``root``."""
    return [
        sys.executable,
        "-m",
        "jupyter_server",
        "--no-browser",
        "--allow-root",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root}",
        f"--IdentityProvider.token={token}",
        "--ServerApp.terminals_enabled=False",
    ]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_server(folder: Path, config: dict[str, Any]) -> Iterator[PanelServer]:
    """Start the server with ``config`` (:func:`server_config`), its Jupyter folders under ``folder``;
    yield it once it answers, stop it at the end. :class:`PanelServerError` when the extension is not
    installed or the server does not come up."""
    if importlib.util.find_spec(EXTENSION) is None:
        raise PanelServerError("the panel's server extension is not installed: pip install -e extension")
    jupyter = {name: folder / name for name in ("config", "data", "runtime")}
    for path in jupyter.values():
        path.mkdir(parents=True, exist_ok=True)
    (jupyter["config"] / "jupyter_server_config.json").write_text(json.dumps(config), encoding="utf-8")
    log = folder / "server.log"
    port, token = free_port(), secrets.token_hex(16)
    variables = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(jupyter["config"]),
        "JUPYTER_DATA_DIR": str(jupyter["data"]),
        "JUPYTER_RUNTIME_DIR": str(jupyter["runtime"]),
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            server_command(port, token, folder),
            env=variables,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = PanelServer(f"http://127.0.0.1:{port}/", token, log)
    try:
        _wait_until_up(server, process)
        yield server
    finally:
        _stop(process)


def _log_tail(server: PanelServer) -> str:
    text = server.log.read_text(encoding="utf-8", errors="replace") if server.log.exists() else ""
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "no output"


def _wait_until_up(server: PanelServer, process: subprocess.Popen) -> None:
    request = urllib.request.Request(
        f"{server.url}api/status", headers={"Authorization": f"token {server.token}"}
    )
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise PanelServerError(
                f"the Jupyter server exited with {process.returncode}: {_log_tail(server)}"
            )
        with (
            contextlib.suppress(urllib.error.URLError, ConnectionError, TimeoutError),
            urllib.request.urlopen(request, timeout=5) as response,
        ):
            if response.status == 200:
                return
        time.sleep(0.25)
    raise PanelServerError(
        f"the Jupyter server did not answer in {START_TIMEOUT_S:.0f} s: {_log_tail(server)}"
    )


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM (the server stops its extension's worker), SIGKILL when it hangs."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
