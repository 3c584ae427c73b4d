"""What every model backend provides: chat messages in, text out, with its identity attached.

Example:
    >>> class Echo:
    ...     model_id = "echo"
    ...     adapter_hash = None
    ...     def generate(self, messages, **options):
    ...         return Generation(text=messages[-1]["content"], prompt_tokens=1, output_tokens=1)
    >>> isinstance(Echo(), Generator)
    True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

Message = dict[str, str]
"""One chat message: ``{"role": "system" | "user" | "assistant", "content": "..."}``."""
TokenCallback = Callable[[str], None]
"""Told each piece of text as the model writes it; raising stops the writing (that error propagates)."""


@dataclass(frozen=True)
class Generation:
    """A model's answer to one prompt."""

    text: str
    prompt_tokens: int
    output_tokens: int


@runtime_checkable
class Generator(Protocol):
    """A text generator. Greedy decoding unless a backend is told otherwise."""

    model_id: str
    """Which model answers: a short name, a Hugging Face id, a path or ``server:<name>``."""
    adapter_hash: str | None
    """sha256 of the LoRA adapter's weights, or None without one."""

    def generate(
        self,
        messages: list[Message],
        *,
        max_new_tokens: int = 256,
        temperature: float = 0.0,
        seed: int = 0,
        schema: Any = None,
        max_seconds: float | None = None,
        on_token: TokenCallback | None = None,
    ) -> Generation:
        """Answer the chat ``messages`` (rendered with the model's chat template).

        ``temperature`` 0 is greedy decoding; above 0 samples, reproducibly for a given ``seed``. With a
        ``schema``, a local backend only lets table and column names of that schema through
        (:mod:`nl2sql.constrain`); a server ignores it. ``max_seconds``: stop writing after this long
        and return what was written (an answer's time budget). ``on_token``: told each piece of the
        answer as it is written (a backend that cannot stream tells the whole answer once); an exception
        it raises stops the writing and propagates. Callers pass it only when they want it, so a
        generator that does not take it still works without streaming.
        """
        ...
