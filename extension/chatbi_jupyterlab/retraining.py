"""The retraining schedule of the server (``ChatBI.retrain_every_hours``, off by default): every so many
hours it runs ``chatbi retrain --if-new N`` on the connections that are database files, as a child process
of the server's Python, so a crash or the memory of a training stays out of the server. The command
trains only when ``N`` corrections were approved since the last training, and promotes the new adapter
only when it measures better on the held-out corrections (:mod:`feedback.retrain`).

Runs never overlap: the next one is scheduled when the last has ended. Each outcome goes to the server
log and is kept in memory; ``GET retraining`` shows the last one (:class:`~chatbi_jupyterlab.wire.RetrainingStatus`).

Example:
    >>> command = retrain_command(["/data/shop.sqlite"], log="/data/feedback.sqlite", if_new=5)
    >>> command[1:]  # doctest: +NORMALIZE_WHITESPACE
    ['-m', 'nl2sql', 'retrain', '--if-new', '5', '--db', '/data/shop.sqlite', '--log',
     '/data/feedback.sqlite']
    >>> outcome_of(0, "nothing to do: 0 corrections approved (no training recorded); --if-new asks for 5")
    'skipped'
    >>> outcome_of(0, '{"promoted": true}\\npromoted: better on the held-out corrections'), outcome_of(2, "")
    ('promoted', 'failed')
"""  # noqa: E501

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from chatbi_jupyterlab import wire
from chatbi_jupyterlab.errors import scrub, url_variants

FIRST_RUN_S = 60.0
"""Seconds after the server starts before the first run (or one interval, when that is shorter): a
server restarted more often than the interval still checks."""
MESSAGE_CHARS = 500
"""The outcome's message is the command's last line, cut to this many characters."""


def retrain_command(databases: list[str], *, log: str | None, if_new: int) -> list[str]:
    """The command line: ``chatbi retrain --if-new N --db FILE … [--log LOG]`` run by this Python."""
    command = [sys.executable, "-m", "nl2sql", "retrain", "--if-new", str(if_new)]
    for database in databases:
        command += ["--db", database]
    return command + (["--log", log] if log else [])


def outcome_of(exit_code: int, output: str) -> str:
    """``skipped`` (too few new corrections), ``promoted``, ``trained`` (measured, kept the adapter in
    use) or ``failed``, from the command's exit code and what it printed."""
    if exit_code != 0:
        return "failed"
    if output.startswith("nothing to do"):
        return "skipped"
    last = output.strip().splitlines()[-1] if output.strip() else ""
    return "promoted" if last.startswith("promoted: ") else "trained"


def database_files(connections: dict[str, str]) -> dict[str, str]:
    """The connections retraining can learn from, by name: their database files (SQLite or DuckDB; the
    demo database's file for ``demo``). A URL is left out: ``chatbi retrain`` reads files.

    Example:
        >>> database_files({"shop": "postgresql://db/shop", "none": "/no/such/file.sqlite"})
        {}
    """
    files = {}
    for name, spec in connections.items():
        if spec == "demo":
            from nl2sql.demo import ensure_demo_database

            files[name] = str(ensure_demo_database())
        elif "://" not in spec and Path(spec).expanduser().is_file():
            files[name] = str(Path(spec).expanduser().resolve())
    return files


class RetrainScheduler:
    """Runs ``chatbi retrain --if-new N`` every ``every_hours`` on the server's event loop; off when
    ``every_hours`` is None or 0, or there is no feedback log to learn from."""

    def __init__(
        self,
        *,
        every_hours: float | None,
        if_new: int,
        connections: dict[str, str],
        log: str | None,
        logger: logging.Logger,
    ) -> None:
        self.every_hours = every_hours if every_hours and every_hours > 0 else None
        self.if_new = if_new
        self.connections = connections
        self.log = log
        """The feedback log: a location, None for the default (as the CLI's), '' for none."""
        self.logger = logger
        self.running = False
        self.last: wire.RetrainRun | None = None
        self.runs = 0
        self.next_run_at: datetime | None = None
        self._task: asyncio.Task[None] | None = None
        self._process: asyncio.subprocess.Process | None = None

    @property
    def enabled(self) -> bool:
        return self.every_hours is not None and self.log != ""

    def start(self) -> None:
        """Schedule the runs on the running event loop; nothing when off."""
        if self.every_hours is None:
            return
        if self.log == "":
            self.logger.warning(
                "ChatBI.retrain_every_hours is set but ChatBI.feedback_log is '': no retraining"
            )
            return
        interval = self.every_hours * 3600
        self.logger.info(
            "ChatBI retrains every %g hours when %d corrections are new", self.every_hours, self.if_new
        )
        self._task = asyncio.get_running_loop().create_task(self._loop(min(FIRST_RUN_S, interval), interval))

    async def stop(self) -> None:
        """Stop scheduling; a run in progress is terminated (nothing is promoted halfway)."""
        if self._process is not None and self._process.returncode is None:
            self._process.terminate()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def status(self) -> wire.RetrainingStatus:
        return wire.RetrainingStatus(
            enabled=self.enabled,
            every_hours=self.every_hours,
            if_new=self.if_new,
            connections=sorted(database_files(self.connections)) if self.enabled else [],
            running=self.running,
            runs=self.runs,
            next_run_at=_iso(self.next_run_at) if self.enabled and not self.running else None,
            last_run=self.last,
        )

    async def _loop(self, first_s: float, interval_s: float) -> None:
        delay = first_s
        while True:
            self.next_run_at = datetime.now(UTC) + timedelta(seconds=delay)
            await asyncio.sleep(delay)
            await self.run_once()
            delay = interval_s

    async def run_once(self) -> wire.RetrainRun:
        """Run the command now and wait for it (never two at once: a call while one runs waits for it)."""
        if self.running:
            raise RuntimeError("a retraining is running")
        self.running = True
        started = datetime.now(UTC)
        try:
            files = database_files(self.connections)
            if not files:
                exit_code, output = 0, "nothing to do: no connection is a database file to learn from"
            else:
                exit_code, output = await self._run(
                    retrain_command(list(files.values()), log=self.log, if_new=self.if_new)
                )
        finally:
            self.running = False
        lines = output.strip().splitlines()
        message = scrub(lines[-1] if lines else f"exit code {exit_code}", url_variants(self.log or ""))[
            :MESSAGE_CHARS
        ]
        outcome = outcome_of(exit_code, output)
        self.last = wire.RetrainRun(_iso(started), _iso(datetime.now(UTC)), outcome, exit_code, message)
        self.runs += 1
        level = logging.WARNING if outcome == "failed" else logging.INFO
        self.logger.log(level, "ChatBI retraining %s: %s", outcome, message)
        return self.last

    async def _run(self, command: list[str]) -> tuple[int, str]:
        try:
            self._process = await asyncio.create_subprocess_exec(
                *command,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
            )
            out, _ = await self._process.communicate()
            return self._process.returncode or 0, out.decode("utf-8", "replace")
        except OSError as error:
            return 1, f"cannot start chatbi retrain: {error}"
        finally:
            self._process = None


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None
