"""JupyterLab for the panel's UI tests (``npx playwright test`` starts it; ``npm start`` starts it by
hand): what Galata's ``configure_jupyter_server`` sets (its helper labextension, no token, no XSRF
check, ``window.jupyterapp``: never use this file outside tests), on 127.0.0.1 at
``CHATBI_UI_TEST_PORT``, with the served folder, the workspaces and a ChatBI home in one temporary folder
that is removed when the server exits (Galata's helper makes folders that stay behind).

Two connections: a small SQLite file first (so the default) and the demo database, built on first use
in that home with its data dated ``CHATBI_DEMO_AS_OF`` (the Python suite's date), so nothing depends on
today's date.
"""

import atexit
import os
import shutil
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

import jupyterlab.galata
from platformdirs import user_cache_dir

c = get_config()  # noqa: F821 (jupyter defines it for its config files)

run = Path(tempfile.mkdtemp(prefix="chatbi-ui-tests-"))
atexit.register(shutil.rmtree, run, ignore_errors=True)
served = run / "notebooks"
served.mkdir()
os.environ["CHATBI_HOME"] = str(run / "chatbi-home")
os.environ.setdefault("CHATBI_DEMO_AS_OF", "2026-06-30")
# Converted model weights stay in the user's cache, as in the Python suite (the semantic questions
# asked here load no language model).
os.environ.setdefault("CHATBI_CACHE", user_cache_dir("chatbi"))

c.ServerApp.ip = "127.0.0.1"
c.ServerApp.port = int(os.environ.get("CHATBI_UI_TEST_PORT", "8888"))
c.ServerApp.port_retries = 0
c.ServerApp.open_browser = False
c.ServerApp.allow_root = True
c.ServerApp.root_dir = str(served)
c.ServerApp.terminals_enabled = False
c.IdentityProvider.token = ""
c.ServerApp.password = ""
c.ServerApp.disable_check_xsrf = True
c.LabApp.expose_app_in_browser = True
c.LabApp.workspaces_dir = str(run / "workspaces")
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
c.LabServerApp.extra_labextensions_path = str(Path(jupyterlab.galata.__file__).parent)

notes = run / "notes.sqlite"
with closing(sqlite3.connect(notes)) as database:
    database.executescript(
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);"
        "INSERT INTO notes (body) VALUES ('first'), ('second');"
    )

c.ChatBI.connections = {"notes": str(notes), "demo": "demo"}
c.ChatBI.feedback_log = str(run / "feedback.sqlite")
