"""The one thread that does the session's work: model, databases, feedback, in the order it was asked.

llama.cpp and transformers objects are not thread-safe, and neither is the session (its conversations,
the corrections index, SQLite connections that SQLAlchemy pools per thread). So every request that
touches them runs in a single worker thread, off the event loop, first come first served: requests
queue behind each other and are never dropped, and the server keeps answering what needs no worker (the
connection list, the schema, the model status) while a question runs.

Example:
    >>> import asyncio, threading
    >>> worker = Worker()
    >>> async def both():
    ...     return await asyncio.gather(worker.submit(threading.current_thread), worker.submit(len, "abc"))
    >>> thread, length = asyncio.run(both())
    >>> thread.name.startswith("chatbi-worker"), length, worker.queued
    (True, 3, 0)
    >>> worker.close()
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


class Worker:
    """A first-in, first-out queue of jobs run one at a time in one thread."""

    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chatbi-worker")
        self.queued = 0
        """Jobs submitted and not finished (the running one included); changed on the event loop only."""

    async def submit(self, job: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Run ``job(*args, **kwargs)`` in the worker after the jobs before it; its result or exception."""
        loop = asyncio.get_running_loop()
        self.queued += 1
        try:
            return await loop.run_in_executor(self._executor, functools.partial(job, *args, **kwargs))
        finally:
            self.queued -= 1

    def start(self, job: Callable[[], Any]) -> Future[Any]:
        """Queue ``job`` from outside the event loop (at start-up), without waiting for it."""
        return self._executor.submit(job)

    def close(self) -> None:
        """Drop the jobs not started yet; the running one finishes in its thread."""
        self._executor.shutdown(wait=False, cancel_futures=True)

    async def aclose(self) -> None:
        """Drop the jobs not started yet and wait, off the event loop, for the running one to finish: no
        worker outlives its server (a job still opening a database when a new one starts)."""
        stop = functools.partial(self._executor.shutdown, wait=True, cancel_futures=True)
        await asyncio.get_running_loop().run_in_executor(None, stop)
