"""A process that killed a query's worker ends the query's server session on its way out, but a server
that does not answer cannot hold the exit past :data:`nl2sql.query_process.EXIT_WAIT_S`.

The silent server is a real listening socket that accepts connections and never says a word; the worker
is a real worker process, killed as a deadline or Cancel kills it."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

from nl2sql.query_process import EXIT_WAIT_S
from nl2sql.server_session import CONNECT_TIMEOUT_S

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = """
import sys
from nl2sql import query_process
worker = query_process._Worker("mysql")
worker.session = 42
request = {"backend": "mysql", "params": {"host": "127.0.0.1", "port": int(sys.argv[1]), "user": "x"}}
query_process._stop(worker, request)
print("stopped", flush=True)
"""


def test_a_silent_server_does_not_hold_the_exit() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        process = subprocess.Popen(
            [sys.executable, "-c", SCRIPT, str(port)], cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "stopped"
        stopped = time.monotonic()
        process.wait(timeout=CONNECT_TIMEOUT_S + 10)
        waited = time.monotonic() - stopped
        connection, _ = silent.accept()  # the session was being ended: it had connected
        connection.close()
    assert process.returncode == 0
    assert EXIT_WAIT_S - 0.3 <= waited < EXIT_WAIT_S + 1.5 < CONNECT_TIMEOUT_S, waited
