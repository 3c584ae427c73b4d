"""A model run in this process with transformers on torch.

The model may be a bundled short name (converted once from its GGUF parts, see :mod:`nl2sql.models.weights`),
a local transformers folder, a ``.gguf`` file, or a Hugging Face id already in the local cache (set
``CHATBI_ALLOW_DOWNLOAD=1`` to let transformers download it). A peft LoRA adapter folder may be applied on
top. The model loads once, in the constructor; every :meth:`TransformersGenerator.generate` call reuses it.

Example:
    >>> try:
    ...     TransformersGenerator("./no/such/folder")
    ... except ModelUnavailableError as error:
    ...     print(error)
    no model at ./no/such/folder: give a bundled model's name, a model folder or a .gguf file
"""

from __future__ import annotations

import copy
import functools
import hashlib
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nl2sql.errors import ModelUnavailableError
from nl2sql.models.base import Generation, Message, TokenCallback
from nl2sql.models.weights import (
    DEFAULT_MODEL,
    MODEL_PACKAGES_INSTALL,
    MODELS,
    converted_path,
    import_model_packages,
)

ALLOW_DOWNLOAD_ENV = "CHATBI_ALLOW_DOWNLOAD"
"""Set to ``1`` to let transformers download a Hugging Face model that is not in the local cache."""

ADAPTER_WEIGHTS = ("adapter_model.safetensors", "adapter_model.bin")
"""The files of a peft adapter folder that hold its weights, in order of preference."""


@dataclass(frozen=True)
class ModelSource:
    """Where a model's weights are, as transformers' ``from_pretrained`` wants them."""

    location: str
    """A folder or a Hugging Face id."""
    model_id: str
    """The human-readable name recorded with every answer."""
    gguf_file: str | None = None
    """The GGUF file inside ``location``, for a GGUF model."""
    local_files_only: bool = True
    """False only for a Hugging Face id when downloads are allowed."""


def model_source(model: str) -> ModelSource:
    """Tell a bundled short name, a folder, a ``.gguf`` file and a Hugging Face id apart.

    A bundled model is reassembled and converted on first use, so this may take a minute once.

    Raises:
        ModelUnavailableError: ``model`` looks like a path (``/``, ``./``, ``~``, ``.gguf``) that does
            not exist, or names a folder without a ``config.json``.

    Example:
        >>> model_source("Qwen/Qwen2.5-Coder-0.5B-Instruct").local_files_only
        True
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     try:
        ...         model_source(folder)
        ...     except ModelUnavailableError as error:
        ...         print(str(error).endswith("holds no transformers model (no config.json)"))
        True
    """
    if model in MODELS:
        return ModelSource(str(converted_path(model)), model_id=model)
    path = Path(model).expanduser()
    if path.suffix == ".gguf" and path.is_file():
        return ModelSource(str(path.parent), model_id=model, gguf_file=path.name)
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise ModelUnavailableError(f"the folder {model} holds no transformers model (no config.json)")
        return ModelSource(str(path), model_id=model)
    if path.suffix == ".gguf" or model.startswith(("/", ".", "~")) or path.is_absolute():
        raise ModelUnavailableError(
            f"no model at {model}: give a bundled model's name, a model folder or a .gguf file"
        )
    allow = os.environ.get(ALLOW_DOWNLOAD_ENV, "").strip().lower() in {"1", "true", "yes"}
    return ModelSource(model, model_id=model, local_files_only=not allow)


def adapter_hash(adapter: str | Path) -> str:
    """The sha256 of a peft adapter folder's weights file: which fine-tune answered.

    Raises:
        ModelUnavailableError: the folder holds no adapter weights.

    Example:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     _ = (Path(folder) / "adapter_model.safetensors").write_bytes(b"weights")
        ...     adapter_hash(folder)[:16]
        '9a129038d9a00aed'
    """
    folder = Path(adapter).expanduser()
    for name in ADAPTER_WEIGHTS:
        weights = folder / name
        if weights.is_file():
            digest = hashlib.sha256()
            with weights.open("rb") as file:
                while chunk := file.read(1 << 20):
                    digest.update(chunk)
            return digest.hexdigest()
    raise ModelUnavailableError(
        f"no LoRA adapter at {adapter}: expected a peft folder holding {ADAPTER_WEIGHTS[0]}"
    )


class TransformersGenerator:
    """Greedy chat generation with a transformers causal LM, optionally with a LoRA adapter.

    Args:
        model: A bundled short name, a transformers folder, a ``.gguf`` file or a Hugging Face id.
        adapter: A peft LoRA adapter folder, or None.
        device: The torch device, e.g. ``"cpu"`` or ``"cuda"``.
        dtype: ``"auto"`` (bf16 on a GPU; on a CPU whichever of bf16 and fp32 is faster there), a name
            such as ``"bfloat16"`` or ``"float32"``, or a ``torch.dtype``.

    Attributes:
        model_id: The model as named: the short name, the path or the Hugging Face id.
        adapter_hash: The sha256 of the adapter's weights file, or None without an adapter.
        tokenizer: The loaded tokenizer (its chat template renders the messages).
        model: The loaded model, a ``PeftModel`` when an adapter is applied.
        load_seconds: How long loading took.
    """

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        adapter: str | Path | None = None,
        *,
        device: str = "cpu",
        dtype: Any = "auto",
    ):
        started = time.perf_counter()
        source = model_source(str(model))
        self.model_id = source.model_id
        self.adapter_hash = adapter_hash(adapter) if adapter is not None else None
        torch, transformers = import_model_packages()
        self.device = device
        self.dtype = _resolve_dtype(dtype, device)
        if str(device).startswith("cpu"):
            _fit_threads_to_cpus()
        self.tokenizer = _load(transformers.AutoTokenizer, source, model_description=self.model_id)
        loaded = _load(
            transformers.AutoModelForCausalLM,
            source,
            model_description=self.model_id,
            dtype=torch.float32 if source.gguf_file else self.dtype,
        )
        if source.gguf_file:
            # A GGUF loads dequantized but still marked quantized: clear that, as the conversion does.
            loaded.hf_quantizer.remove_quantization_config(loaded)
            loaded = loaded.to(self.dtype)
        loaded = loaded.to(device)
        if adapter is not None:
            loaded = _apply_adapter(loaded, adapter)
        self.model = loaded.eval()
        self._generation_config = _greedy_config(transformers, self.model, self.tokenizer)
        self._lock = threading.Lock()
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
        """Answer the chat ``messages`` (greedy unless ``temperature`` > 0), through the chat template;
        stop after ``max_seconds`` when given. ``on_token`` is told the text as it is decoded (word by
        word); an exception it raises stops the writing and propagates."""
        import torch

        inputs = self.tokenizer.apply_chat_template(
            messages, add_generation_prompt=True, return_tensors="pt", return_dict=True
        ).to(self.device)
        prompt_tokens = int(inputs["input_ids"].shape[1])
        config = copy.deepcopy(self._generation_config)
        config.max_new_tokens = max_new_tokens
        if max_seconds is not None:
            config.max_time = max(0.1, max_seconds)
        if temperature > 0:
            config.do_sample, config.temperature, config.top_p = True, temperature, 0.95
            torch.manual_seed(seed)
        processors = []
        if schema is not None:
            from nl2sql.constrain import SchemaLogitsProcessor

            processors.append(SchemaLogitsProcessor([schema], self.tokenizer, prompt_tokens))
        streamer = _text_streamer(self.tokenizer, on_token) if on_token is not None else None
        with self._lock, torch.inference_mode():
            output = self.model.generate(
                **inputs, generation_config=config, logits_processor=processors or None, streamer=streamer
            )
        new_tokens = output[0, prompt_tokens:]
        text = self.tokenizer.decode(new_tokens, skip_special_tokens=True)
        return Generation(text=text.strip(), prompt_tokens=prompt_tokens, output_tokens=len(new_tokens))

    def __repr__(self) -> str:
        adapter = f", adapter={self.adapter_hash[:12]}" if self.adapter_hash else ""
        return (
            f"TransformersGenerator({self.model_id!r}{adapter}, device={self.device!r}, dtype={self.dtype})"
        )


def _text_streamer(tokenizer: Any, on_token: TokenCallback) -> Any:
    """A transformers streamer that tells ``on_token`` the answer's text as it is decoded."""
    from transformers import TextStreamer

    class Streamer(TextStreamer):
        def on_finalized_text(self, text: str, stream_end: bool = False) -> None:
            if text:
                on_token(text)

    return Streamer(tokenizer, skip_prompt=True, skip_special_tokens=True)


def _load(auto_class: Any, source: ModelSource, *, model_description: str, **kwargs: Any) -> Any:
    if source.gguf_file:
        kwargs["gguf_file"] = source.gguf_file
    try:
        return auto_class.from_pretrained(source.location, local_files_only=source.local_files_only, **kwargs)
    except (OSError, ValueError) as error:
        if isinstance(error, OSError) and source.local_files_only and not Path(source.location).exists():
            raise ModelUnavailableError(
                f"model {model_description!r} is neither bundled, a folder, a .gguf file nor in the "
                f"Hugging Face cache: download it first, or set {ALLOW_DOWNLOAD_ENV}=1"
            ) from None
        raise ModelUnavailableError(
            f"model {model_description!r} could not be loaded: {' '.join(str(error).split())[:200]}"
        ) from None


def _apply_adapter(model: Any, adapter: str | Path) -> Any:
    try:
        from peft import PeftModel
    except ImportError:
        raise ModelUnavailableError(
            f"peft is needed for LoRA adapters: run `{MODEL_PACKAGES_INSTALL}`"
        ) from None
    # Merged into the weights: inference then costs what the bare model costs.
    return PeftModel.from_pretrained(model, str(Path(adapter).expanduser())).merge_and_unload()


def _greedy_config(transformers: Any, model: Any, tokenizer: Any) -> Any:
    """Plain greedy decoding that stops at the model's end-of-turn token."""
    eos = model.generation_config.eos_token_id
    if eos is None:
        eos = tokenizer.eos_token_id
    pad = tokenizer.pad_token_id
    if pad is None:
        pad = eos[0] if isinstance(eos, list) else eos
    return transformers.GenerationConfig(do_sample=False, eos_token_id=eos, pad_token_id=pad)


def _resolve_dtype(dtype: Any, device: str) -> Any:
    import torch

    if isinstance(dtype, torch.dtype):
        return dtype
    names = {"bf16": "bfloat16", "fp32": "float32", "fp16": "float16", "half": "float16", "float": "float32"}
    name = names.get(str(dtype).lower(), str(dtype).lower())
    if name == "auto":
        if str(device).startswith("cuda"):
            return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        if not str(device).startswith("cpu"):
            return torch.bfloat16
        return fastest_cpu_dtype()
    resolved = getattr(torch, name, None)
    if not isinstance(resolved, torch.dtype):
        raise ModelUnavailableError(f"unknown dtype {dtype!r}: use auto, bfloat16 or float32")
    return resolved


TYPICAL_PROMPT_TOKENS = 400
"""The prompt length (schema and question) the dtype choice is made for."""
TYPICAL_OUTPUT_TOKENS = 40
"""The answer length (one SQL query) the dtype choice is made for."""


@functools.cache
def fastest_cpu_dtype() -> Any:
    """Whichever of bf16 and fp32 answers a typical question faster on this CPU, measured once per process.

    bf16 halves the bytes read per generated token, so decoding is faster; but a CPU without native bf16
    arithmetic (AVX2 only, no AVX512-BF16 or AMX) reads the prompt several times slower in bf16, and the
    prompt, a whole schema, dominates. So one model-sized matrix is timed both ways, over a prompt-like
    block of rows and over a single row, and weighed for :data:`TYPICAL_PROMPT_TOKENS` prompt and
    :data:`TYPICAL_OUTPUT_TOKENS` answer tokens. It takes a fraction of a second.

    Example:
        >>> import torch
        >>> fastest_cpu_dtype() in (torch.bfloat16, torch.float32)
        True
    """
    import torch

    # Bigger than most last-level caches, as a model's weights are, so one row is bound by memory.
    weight = torch.full((8192, 2048), 0.01)
    block, row = torch.full((32, 2048), 0.5), torch.full((1, 2048), 0.5)
    costs = {}
    with torch.inference_mode():
        for dtype in (torch.float32, torch.bfloat16):
            matrix = weight.to(dtype)
            per_prompt_token = _fastest_product(block.to(dtype), matrix, 2) / len(block)
            per_output_token = _fastest_product(row.to(dtype), matrix, 5)
            costs[dtype] = TYPICAL_PROMPT_TOKENS * per_prompt_token + TYPICAL_OUTPUT_TOKENS * per_output_token
    return min(costs, key=costs.__getitem__)


def _fastest_product(inputs: Any, weight: Any, repeats: int) -> float:
    """The best time, in seconds, of a linear layer's product over ``repeats`` runs after a warm-up."""
    import torch

    torch.nn.functional.linear(inputs, weight)
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        torch.nn.functional.linear(inputs, weight)
        timings.append(time.perf_counter() - started)
    return min(timings)


def _fit_threads_to_cpus() -> None:
    """Keep torch to the CPUs this process may really use, unless the user set ``OMP_NUM_THREADS``.

    torch starts one thread per physical core of the host; in a container limited by CPU affinity or
    a cgroup quota that oversubscribes the CPUs it has, and generation slows down several times.
    """
    import torch

    if os.environ.get("OMP_NUM_THREADS"):
        return
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = os.cpu_count() or 1
    try:  # cgroup v2: "max 100000" or "<quota> <period>"
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()
        if quota != "max":
            usable = min(usable, max(1, int(quota) // int(period)))
    except (OSError, ValueError):
        pass
    if torch.get_num_threads() > usable:
        torch.set_num_threads(usable)
