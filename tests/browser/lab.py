"""A JupyterLab server for one browser test run: a free port on 127.0.0.1, a token, a root folder, and
Jupyter's config, data, runtime, settings and workspace folders of its own, so that nothing the user has
(themes, extensions' settings, open workspaces) changes what the test sees, and nothing the test does
stays behind.

Example:
    >>> settings = user_settings(theme="JupyterLab Dark")
    >>> settings["@jupyterlab/apputils-extension/themes.jupyterlab-settings"]
    {'theme': 'JupyterLab Dark'}
    >>> settings["@jupyterlab/notebook-extension/tracker.jupyterlab-settings"]["windowingMode"]
    'none'
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

START_TIMEOUT_S = 120.0
"""How long JupyterLab may take to answer ``/api/status`` (a cold start on two busy cores takes ~10 s)."""
STOP_TIMEOUT_S = 30.0
"""How long it may take to shut its kernels down and exit after SIGTERM, before it is killed."""


@dataclass(frozen=True)
class Lab:
    """A running JupyterLab.

    Attributes:
        url: its base URL, ending in ``/``.
        token: the token it asks for.
        root: the folder it serves (the notebooks are opened from here).
        home: ``CHATBI_HOME`` of its kernels: the demo database and the feedback log the test reads.
        log: the file its output and its kernels' output go to.
    """

    url: str
    token: str
    root: Path
    home: Path
    log: Path

    def tree_url(self, path: str) -> str:
        """The address that opens ``path`` (relative to :attr:`root`) in JupyterLab, logged in."""
        return f"{self.url}lab/tree/{quote(path)}?token={self.token}"

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""


def user_settings(theme: str = "JupyterLab Light") -> dict[str, dict[str, object]]:
    """JupyterLab's user settings for the test, by settings file name: the theme; every cell kept in the
    page (JupyterLab otherwise leaves cells out of the DOM while they are scrolled out of view); no news,
    no update checks (nothing to fetch, no notification over the cells); no autosave of the copies."""
    return {
        "@jupyterlab/apputils-extension/themes.jupyterlab-settings": {"theme": theme},
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
            "fetchNews": "false",
            "checkForUpdates": False,
        },
        "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    }


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_lab(
    folder: Path,
    *,
    root: Path,
    env: Mapping[str, str] | None = None,
    kernel_config: Mapping[str, Mapping[str, object]] | None = None,
) -> Iterator[Lab]:
    """Start ``jupyter lab`` (of this Python) serving ``root``, with its Jupyter folders, an IPython
    profile and a fresh ``CHATBI_HOME`` under ``folder``; yield it once it answers, stop it (and its
    kernels) at the end.

    Args:
        folder: an empty folder for the server's own files.
        root: the folder to serve.
        env: variables its kernels need beyond this process's own (``CHATBI_CACHE``, …).
        kernel_config: traitlets settings for its kernels, by class (``{"ChatBIMagics": {…}}``), as
            a user would put them in ``ipython_kernel_config``.
    """
    jupyter = {name: folder / name for name in ("config", "data", "runtime", "settings", "workspaces")}
    for path in jupyter.values():
        path.mkdir(parents=True, exist_ok=True)
    for name, values in user_settings().items():
        target = jupyter["settings"] / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values), encoding="utf-8")
    profile = folder / "ipython" / "profile_default"
    profile.mkdir(parents=True, exist_ok=True)
    (profile / "ipython_kernel_config.json").write_text(json.dumps(kernel_config or {}), encoding="utf-8")
    home, log = folder / "chatbi-home", folder / "lab.log"
    port, token = free_port(), secrets.token_hex(16)
    variables = {
        **os.environ,
        **(env or {}),
        "JUPYTER_CONFIG_DIR": str(jupyter["config"]),
        "JUPYTER_DATA_DIR": str(jupyter["data"]),
        "JUPYTER_RUNTIME_DIR": str(jupyter["runtime"]),
        "JUPYTERLAB_SETTINGS_DIR": str(jupyter["settings"]),
        "JUPYTERLAB_WORKSPACES_DIR": str(jupyter["workspaces"]),
        "IPYTHONDIR": str(folder / "ipython"),
        "CHATBI_HOME": str(home),
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",  # the debugger's warning about frozen modules
    }
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--allow-root",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root}",
        f"--IdentityProvider.token={token}",
        "--ServerApp.terminals_enabled=False",
        "--LabApp.expose_app_in_browser=True",  # window.jupyterapp: run JupyterLab's commands
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, env=variables, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    lab = Lab(f"http://127.0.0.1:{port}/", token, root, home, log)
    try:
        _wait_until_up(lab, process)
        yield lab
    finally:
        _stop(process)


def _wait_until_up(lab: Lab, process: subprocess.Popen) -> None:
    request = urllib.request.Request(f"{lab.url}api/status", headers={"Authorization": f"token {lab.token}"})
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"jupyter lab exited with {process.returncode}:\n{lab.log_text()[-3000:]}")
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"jupyter lab did not answer in {START_TIMEOUT_S:.0f} s:\n{lab.log_text()[-3000:]}")


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM (the server shuts its kernels down), SIGKILL when it hangs; then any of its processes
    still alive (a kernel that did not exit: kernels run in sessions of their own) are killed by id."""
    try:
        import psutil  # an ipykernel dependency

        children = psutil.Process(process.pid).children(recursive=True)
    except Exception:  # psutil missing, or the server already gone
        children = []
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for child in children:
        try:
            child.wait(5)
        except Exception:
            with contextlib.suppress(Exception):
                child.kill()
