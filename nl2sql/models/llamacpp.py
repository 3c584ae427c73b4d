"""A model run in this process by llama.cpp (llama-cpp-python): the fast path on a CPU.

The bundled GGUF weights run as they are (Q4_K_M); a peft LoRA adapter is converted once to a GGUF
LoRA (:mod:`nl2sql.models.lora_gguf`) and applied at load time beside the memory-mapped weights
(:func:`attach_lora`), so processes that load the same model share the weights. llama.cpp keeps the
key/value cache of the previous prompt and evaluates only what differs, so a second question on the
same database skips the schema, which is most of the prompt. Generation stops as soon as a SQL code
block is closed.

Example:
    >>> try:
    ...     LlamaCppGenerator("./no/such/model.gguf")
    ... except ModelUnavailableError as error:
    ...     print(error)
    no GGUF file at ./no/such/model.gguf: the llama.cpp backend needs a bundled model or a .gguf file
"""

from __future__ import annotations

import ctypes
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

from nl2sql.errors import ModelUnavailableError
from nl2sql.models.base import Generation, Message, TokenCallback
from nl2sql.models.local import adapter_hash
from nl2sql.models.lora_gguf import lora_gguf_path
from nl2sql.models.prefix_states import PrefixStates
from nl2sql.models.weights import DEFAULT_MODEL, MODELS, gguf_path

DEFAULT_CONTEXT = 8192
INSTALL_HINT = "pip install 'chatbi[server]' (llama-cpp-python builds from source in a few minutes)"
HARMLESS_LOG_LINES = ("cannot use buft", "control-looking token")
"""llama.cpp reports these at error level though nothing is wrong (a LoRA tensor kept in plain CPU
memory; a tokenizer quirk of the Qwen GGUF); they go to the debug log, not into the user's notebook."""

logger = logging.getLogger("nl2sql.llamacpp")
_LEVELS = {3: logging.WARNING, 4: logging.ERROR}
"""ggml log levels (NONE 0, DEBUG 1, INFO 2, WARN 3, ERROR 4, CONT 5) as logging levels; the rest: debug."""
_log_callback: Any = None


def route_llama_logs() -> None:
    """Send llama.cpp's own log lines to the ``nl2sql.llamacpp`` logger instead of the process's stderr:
    information at debug level, known-harmless errors too, real warnings and errors as such."""
    global _log_callback
    if _log_callback is not None:
        return
    import llama_cpp

    @llama_cpp.llama_log_callback
    def callback(level: int, text: bytes, user_data: ctypes.c_void_p) -> None:
        line = text.decode("utf-8", "replace").rstrip()
        harmless = any(marker in line for marker in HARMLESS_LOG_LINES)
        if line:
            logger.log(logging.DEBUG if harmless else _LEVELS.get(level, logging.DEBUG), line)

    _log_callback = callback  # keep a reference: llama.cpp calls it for the life of the process
    llama_cpp.llama_log_set(callback, ctypes.c_void_p(0))


def attach_lora(llama: Any, path: str, scale: float = 1.0) -> None:
    """Apply the GGUF LoRA at ``path`` to ``llama``'s context, leaving the base weights memory-mapped.

    llama-cpp-python turns memory mapping off whenever it is given ``lora_path``, a rule from when
    adapters were merged into the weights; llama.cpp now applies an adapter beside the weights, so
    they can stay mapped: every process that loads the model (the Jupyter server, a kernel running
    ``%%ask``) then shares one copy of them through the page cache instead of holding its own
    (``chatbi bench memory`` measures it). The adapter is freed with the model.

    Raises:
        ModelUnavailableError: llama.cpp cannot read the adapter or apply it.
    """
    import llama_cpp

    adapter = llama_cpp.llama_adapter_lora_init(llama._model.model, path.encode("utf-8"))
    if adapter is None:
        raise ModelUnavailableError(f"llama.cpp cannot read the LoRA adapter {path}")
    llama._stack.callback(llama_cpp.llama_adapter_lora_free, adapter)
    adapters = (llama_cpp.llama_adapter_lora_p_ctypes * 1)(adapter)
    scales = (ctypes.c_float * 1)(scale)
    if llama_cpp.llama_set_adapters_lora(llama._ctx.ctx, adapters, 1, scales):
        raise ModelUnavailableError(f"llama.cpp cannot apply the LoRA adapter {path}")


def prefix_state_dir(weights: Path, adapter: str | None, n_ctx: int) -> Path:
    """Where the saved prefix states of one model file + adapter + context size live."""
    from nl2sql.paths import cache_dir

    stat = weights.stat()
    name = f"{weights.stem}-{stat.st_size}-{(adapter or 'none')[:12]}-{n_ctx}"
    return cache_dir() / "llama-states" / name


class LlamaCppGenerator:
    """Greedy chat generation with llama.cpp, optionally with a LoRA adapter.

    Args:
        model: A bundled short name or a ``.gguf`` file.
        adapter: A peft LoRA adapter folder, or None.
        n_ctx: Context length in tokens (prompt + answer).
        n_threads: CPU threads; all usable cores by default.
        keep_prefixes: save the evaluated schema prefix of each database on disk and load it after a
            restart (:mod:`nl2sql.models.prefix_states`), so the first question skips it.
    """

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        adapter: str | Path | None = None,
        *,
        n_ctx: int = DEFAULT_CONTEXT,
        n_threads: int | None = None,
        keep_prefixes: bool = True,
    ) -> None:
        started = time.perf_counter()
        if model in MODELS:
            weights = gguf_path(model)
        elif str(model).endswith(".gguf") and Path(model).expanduser().is_file():
            weights = Path(model).expanduser()
        else:
            raise ModelUnavailableError(
                f"no GGUF file at {model}: the llama.cpp backend needs a bundled model or a .gguf file"
            )
        try:
            from llama_cpp import Llama
        except ImportError:
            raise ModelUnavailableError(f"llama.cpp is not installed: {INSTALL_HINT}") from None
        route_llama_logs()
        self.model_id = str(model)
        self.adapter_hash = adapter_hash(adapter) if adapter is not None else None
        lora = str(lora_gguf_path(adapter, self.adapter_hash)) if adapter is not None else None
        threads = n_threads or len(os.sched_getaffinity(0))
        self.llama = Llama(
            model_path=str(weights),
            n_ctx=n_ctx,
            n_threads=threads,
            n_threads_batch=threads,
            verbose=False,
        )
        if lora is not None:
            attach_lora(self.llama, lora)
        self._lock = threading.Lock()
        self.prefixes = (
            PrefixStates(self.llama, prefix_state_dir(weights, self.adapter_hash, n_ctx))
            if keep_prefixes
            else None
        )
        self.device = "cpu"
        self.load_seconds = time.perf_counter() - started

    @property
    def generating(self) -> bool:
        """Whether an answer is being written now (another thread may be waiting for its turn)."""
        return self._lock.locked()

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
        """Answer the chat ``messages`` (greedy unless ``temperature`` > 0); stop once a code block closes,
        or after ``max_seconds`` with what was written by then. ``on_token`` is told each piece as it
        comes; an exception it raises stops the writing there and propagates."""
        pieces: list[str] = []
        stop_at = time.perf_counter() + max_seconds if max_seconds is not None else None
        with self._lock:
            if self.prefixes is not None:
                self.prefixes.before(messages)
            stream: Any = self.llama.create_chat_completion(
                messages=messages,
                temperature=temperature,
                top_k=1 if temperature <= 0 else 40,
                top_p=0.95,
                seed=seed,
                max_tokens=max_new_tokens,
                stream=True,
                logits_processor=self._processors(schema),
            )
            try:
                for chunk in stream:
                    piece = chunk["choices"][0]["delta"].get("content") or ""
                    pieces.append(piece)
                    if piece and on_token is not None:
                        on_token(piece)
                    if "".join(pieces).count("```") >= 2:
                        break
                    if stop_at is not None and time.perf_counter() > stop_at:
                        break
            finally:
                close = getattr(stream, "close", None)
                if close:
                    close()
            total = int(self.llama.n_tokens)
            if self.prefixes is not None:
                self.prefixes.after(messages)
        text = "".join(pieces)
        output_tokens = len([p for p in pieces if p])
        return Generation(
            text=text.strip(), prompt_tokens=max(total - output_tokens, 0), output_tokens=output_tokens
        )

    def _processors(self, schema: Any) -> Any:
        if schema is None:
            return None
        from llama_cpp import LogitsProcessorList

        from nl2sql.constrain import LlamaCppSchemaProcessor

        return LogitsProcessorList([LlamaCppSchemaProcessor(schema, self.llama)])

    def __repr__(self) -> str:
        adapter = f", adapter={self.adapter_hash[:12]}" if self.adapter_hash else ""
        return f"LlamaCppGenerator({self.model_id!r}{adapter})"
