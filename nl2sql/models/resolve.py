"""Pick the backend for a model name: a server when a URL is given, otherwise transformers in-process.

Local generators are cached per (model, adapter) for the life of the process, so creating several
assistants over the same model loads it once.

Example:
    >>> generator = load_generator("qwen2.5-coder-0.5b", base_url="http://127.0.0.1:8000/v1")
    >>> generator.model_id
    'server:qwen2.5-coder-0.5b'
"""

from __future__ import annotations

import importlib.util
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from nl2sql.errors import ModelUnavailableError
from nl2sql.models.base import Generator
from nl2sql.models.http import OpenAIHTTPGenerator, served_models
from nl2sql.models.local import TransformersGenerator
from nl2sql.models.weights import DEFAULT_MODEL, MODELS

if TYPE_CHECKING:
    from feedback.log import FeedbackLog

TRANSFORMERS, LLAMA_CPP = "transformers", "llama.cpp"
BACKENDS = ("auto", TRANSFORMERS, LLAMA_CPP)
NO_ADAPTER = "none"
"""The adapter name that asks for the bare model."""
ADAPTERS_DIR = Path(__file__).resolve().parent.parent / "adapters"
BUNDLED_ADAPTERS = {DEFAULT_MODEL: ADAPTERS_DIR / "qwen2.5-coder-0.5b-spider"}
"""Adapters shipped with the package, by the bundled model they were trained on."""

_loaded: dict[tuple[str, str | None, str, str], Generator] = {}
_shadows: dict[tuple[str, str | None, str, str], Generator] = {}
_loading = threading.Lock()
_loading_shadow = threading.Lock()
"""Apart from ``_loading``: a shadow model loading never holds up an answer."""


def load_generator(
    model: str | None = None,
    adapter: str | None = None,
    *,
    base_url: str | None = None,
    device: str = "cpu",
    backend: str = "auto",
    registry: FeedbackLog | str | Path | None = None,
) -> Generator:
    """The generator for ``model`` (the bundled default when None), loading it only the first time.

    Args:
        model: A bundled short name, a folder, a ``.gguf`` file or a Hugging Face id; with ``base_url``,
            the name the server knows (None: the first model the server lists).
        adapter: A peft LoRA adapter folder applied to a local model, or ``none`` for the bare model.
            By default the default model gets its active adapter (:func:`active_adapter`); other
            models get none. A server applies its own.
        base_url: An OpenAI-compatible API root such as ``http://127.0.0.1:8000/v1``.
        device: Where a local model runs: ``cpu``, ``cuda``, or ``auto`` (cuda when there is one).
        backend: ``transformers``, ``llama.cpp``, or ``auto``: llama.cpp on a CPU when it is installed
            and the model is a GGUF (several times faster there), transformers otherwise.
        registry: The feedback store whose adapter registry names the active adapter (a
            :class:`feedback.log.FeedbackLog`, a file or a URL; default: ``$CHATBI_FEEDBACK_URL``, else
            the data folder's log).

    Raises:
        ModelUnavailableError: the model, its packages or the server are unavailable, or an adapter
            was given with ``base_url``.

    Example:
        >>> try:
        ...     load_generator(adapter="my-lora", base_url="http://127.0.0.1:8000/v1")
        ... except ModelUnavailableError as error:
        ...     print(error)
        a LoRA adapter cannot be sent to a model server: load the adapter in the server instead
    """
    if base_url:
        if adapter and adapter != NO_ADAPTER:
            raise ModelUnavailableError(
                "a LoRA adapter cannot be sent to a model server: load the adapter in the server instead"
            )
        if model is None:
            names = served_models(base_url)
            if not names:
                raise ModelUnavailableError(f"the model server at {base_url} lists no model: name one")
            model = names[0]
        return OpenAIHTTPGenerator(base_url, model)
    if device == "auto":
        import torch

        device = "cuda" if torch.cuda.is_available() else "cpu"
    name = _normalized(model or DEFAULT_MODEL)
    adapter = adapter_in_use(name, adapter, registry)
    backend = _choose_backend(backend, name, device)
    key = (name, _normalized(adapter) if adapter else None, device, backend)
    with _loading:
        if key not in _loaded:
            if backend == LLAMA_CPP:
                from nl2sql.models.llamacpp import LlamaCppGenerator

                _loaded[key] = LlamaCppGenerator(key[0], key[1])
            else:
                _loaded[key] = TransformersGenerator(key[0], key[1], device=device)
        return _loaded[key]


def adapter_in_use(
    model: str | None = None, adapter: str | None = None, registry: FeedbackLog | str | Path | None = None
) -> str | None:
    """The adapter folder :func:`load_generator` applies to ``model`` when given ``adapter``: the one
    named, none for ``none``, else the model's active one (:func:`active_adapter`).

    Example:
        >>> adapter_in_use(adapter="none") is None, adapter_in_use(adapter="my-lora")
        (True, 'my-lora')
    """
    if adapter is None:
        active = active_adapter(_normalized(model or DEFAULT_MODEL), registry)
        return str(active) if active else None
    return None if adapter == NO_ADAPTER else adapter


def load_shadow_generator(model: str | None, adapter: str | Path, *, backend: str = "auto") -> Generator:
    """A generator of its own for an adapter answering in shadow (:mod:`nl2sql.shadow`): never the one
    :func:`load_generator` hands to answers, since a llama.cpp model serves one caller at a time. It is
    cached apart, and on llama.cpp it runs on half the cores, beside memory-mapped weights the answering
    model shares.

    Example:
        >>> try:
        ...     load_shadow_generator("./no/such/model.gguf", "./adapter", backend="llama.cpp")
        ... except ModelUnavailableError as error:
        ...     print(error)
        no GGUF file at ./no/such/model.gguf: the llama.cpp backend needs a bundled model or a .gguf file
    """
    import os

    name = _normalized(model or DEFAULT_MODEL)
    backend = _choose_backend(backend, name, "cpu")
    key = (name, _normalized(str(adapter)), "cpu", backend)
    with _loading_shadow:
        if key not in _shadows:
            if backend == LLAMA_CPP:
                from nl2sql.models.llamacpp import LlamaCppGenerator

                threads = max(1, len(os.sched_getaffinity(0)) // 2)
                _shadows[key] = LlamaCppGenerator(key[0], key[1], n_threads=threads, keep_prefixes=False)
            else:
                _shadows[key] = TransformersGenerator(key[0], key[1], device="cpu")
        return _shadows[key]


def _choose_backend(backend: str, model: str, device: str) -> str:
    if backend not in BACKENDS:
        raise ModelUnavailableError(f"unknown backend {backend!r}: choose one of {', '.join(BACKENDS)}")
    if backend != "auto":
        return backend
    is_gguf = model in MODELS or model.endswith(".gguf")
    installed = importlib.util.find_spec("llama_cpp") is not None
    return LLAMA_CPP if device == "cpu" and is_gguf and installed else TRANSFORMERS


def default_adapter(model: str = DEFAULT_MODEL) -> Path | None:
    """The LoRA adapter shipped for a bundled model, fine-tuned on text-to-SQL; None if there is none.

    Example:
        >>> default_adapter().name
        'qwen2.5-coder-0.5b-spider'
        >>> default_adapter("smollm2-135m") is None
        True
    """
    folder = BUNDLED_ADAPTERS.get(model)
    return folder if folder is not None and (folder / "adapter_model.safetensors").is_file() else None


def active_adapter(
    model: str = DEFAULT_MODEL, registry: FeedbackLog | str | Path | None = None
) -> Path | None:
    """The adapter a model answers with when none is named: the active entry of the adapter registry
    in the feedback store ``registry`` (:mod:`feedback.registry`; only a promotion makes one active),
    else the shipped one.

    Example:
        >>> active_adapter("smollm2-135m") is None
        True
    """
    from feedback.registry import active_adapter_folder

    return active_adapter_folder(_normalized(model), registry) or default_adapter(model)


def clear_loaded() -> None:
    """Forget the cached local generators, so their memory can be freed.

    Example:
        >>> clear_loaded()
    """
    with _loading:
        _loaded.clear()
    with _loading_shadow:
        _shadows.clear()


def _normalized(name: str) -> str:
    """The same key for the same model however it is spelled: bundled names as is, paths absolute."""
    if name in MODELS:
        return name
    path = Path(name).expanduser()
    return str(path.resolve()) if path.exists() else name
