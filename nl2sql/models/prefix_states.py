"""llama.cpp's evaluated schema prefix kept on disk, so the first question after a restart skips it.

Every prompt on a database starts with the same instruction and schema (about 1 300 tokens on the demo
database); evaluating them is most of a cold answer on a CPU. After the first answer on a database, the
model's state (its key/value cache, ~15 MB) is saved under a key made of the model, the adapter and
that prefix text. A later process asking about the same database loads it and evaluates only what
differs, the question. llama.cpp itself keeps the longest common token prefix and drops the rest, so
a state whose schema changed since is still used only as far as it matches.

Example:
    >>> user = "Database schema:\\nCREATE TABLE t (x INT);\\n\\nQuestion: q"
    >>> messages = [{"role": "system", "content": "Write SQL."}, {"role": "user", "content": user}]
    >>> prefix_text(messages)
    'Write SQL.\\x00Database schema:\\nCREATE TABLE t (x INT);'
"""

from __future__ import annotations

import ctypes
import hashlib
import os
from pathlib import Path
from typing import Any

import numpy as np

from nl2sql.models.base import Message

MAX_STATES = 32
"""States kept per model and adapter; the least recently used go first."""


def prefix_text(messages: list[Message]) -> str:
    """The part of a prompt shared by every question on the same database: instruction and schema."""
    system = next((m["content"] for m in messages if m["role"] == "system"), "")
    user = next((m["content"] for m in messages if m["role"] == "user"), "")
    return f"{system}\x00{user.split(chr(10) * 2)[0]}"


class PrefixStates:
    """Saved llama.cpp states of one model + adapter, one per schema prefix, in ``folder``."""

    def __init__(self, llama: Any, folder: Path) -> None:
        self.llama = llama
        self.folder = folder
        self.current: str | None = None
        """The key of the prefix the model's memory holds now."""
        self.restored = 0
        """How many times a saved state was loaded (for measurements and tests)."""

    def before(self, messages: list[Message]) -> None:
        """Load the saved state of this prompt's prefix, unless the model's memory already holds it."""
        key = self._key(messages)
        if key == self.current:
            return
        path = self._path(key)
        if path.is_file() and self._load(path):
            self.restored += 1
            os.utime(path)
        self.current = key

    def after(self, messages: list[Message]) -> None:
        """Save the state once per prefix, right after the answer that evaluated it."""
        key = self._key(messages)
        path = self._path(key)
        if not path.is_file():
            self._save(path)
            self._evict()
        self.current = key

    def _key(self, messages: list[Message]) -> str:
        return hashlib.sha256(prefix_text(messages).encode()).hexdigest()[:32]

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.npz"

    def _save(self, path: Path) -> None:
        import llama_cpp

        context = self.llama._ctx.ctx
        size = llama_cpp.llama_state_get_size(context)
        buffer = (ctypes.c_uint8 * size)()
        written = llama_cpp.llama_state_get_data(context, buffer, size)
        tokens = np.array(self.llama.input_ids[: self.llama.n_tokens], dtype=np.intc)
        self.folder.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp.npz")
        np.savez(temporary, tokens=tokens, state=np.frombuffer(buffer, dtype=np.uint8, count=written))
        os.replace(temporary, path)

    def _load(self, path: Path) -> bool:
        import llama_cpp

        try:
            with np.load(path) as saved:
                tokens, state = saved["tokens"], saved["state"]
        except (OSError, ValueError, KeyError):
            path.unlink(missing_ok=True)
            return False
        buffer = (ctypes.c_uint8 * len(state)).from_buffer_copy(state.tobytes())
        if llama_cpp.llama_state_set_data(self.llama._ctx.ctx, buffer, len(state)) != len(state):
            self.llama.reset()
            return False
        self.llama.input_ids[: len(tokens)] = tokens
        self.llama.n_tokens = len(tokens)
        self.llama._requires_eval = True  # the first new token is decoded before sampling
        return True

    def _evict(self) -> None:
        saved = sorted(self.folder.glob("*.npz"), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in saved[MAX_STATES:]:
            stale.unlink(missing_ok=True)
