"""Which base weights an adapter was trained on: the sha256 of the base model's weights file.

A bundled model's GGUF file is checked against a pinned sha256 when it is reassembled
(:mod:`nl2sql.models.weights`), so that pinned value is its hash. Any other base is hashed here, once
per process and file state, streaming: a ``.gguf`` file, or a transformers folder's weight files
(``*.safetensors``, else ``*.bin``) in name order as one stream, or a Hugging Face id already in the
local cache.

Example:
    >>> base_sha256("qwen2.5-coder-0.5b")[:12]
    '1d9614638d18'
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "model.safetensors").write_bytes(b"weights")
    >>> base_sha256(str(folder)) == hashlib.sha256(b"weights").hexdigest()
    True
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from pathlib import Path

from feedback.errors import FeedbackError

CHUNK = 1 << 20
WEIGHT_PATTERNS = ("*.safetensors", "*.bin")
"""The weight files of a transformers folder, in order of preference."""


class BaseWeightsError(FeedbackError):
    """The base model's weights cannot be found to be hashed."""


def base_sha256(model: str) -> str:
    """The sha256 of ``model``'s weights: pinned for a bundled model, else hashed (see the module).

    Raises:
        BaseWeightsError: ``model`` is neither bundled, nor a ``.gguf`` file or model folder here,
            nor a Hugging Face id in the local cache.

    Example:
        >>> try:
        ...     base_sha256("./no/such/model")
        ... except BaseWeightsError as error:
        ...     print(error)
        cannot hash the base model ./no/such/model: not a bundled model, a .gguf file or a model folder here
    """
    from nl2sql.models.weights import MODELS  # imported here: nl2sql imports this package at load time

    if model in MODELS:
        return MODELS[model].sha256
    files = weight_files(model)
    stats = tuple((str(path.resolve()), path.stat().st_size, path.stat().st_mtime_ns) for path in files)
    return _hash_files(stats)


def weight_files(model: str) -> list[Path]:
    """The files holding ``model``'s weights, in the order they are hashed.

    Example:
        >>> import tempfile
        >>> folder = Path(tempfile.mkdtemp())
        >>> for name in ("model-00002.safetensors", "model-00001.safetensors", "config.json"):
        ...     _ = (folder / name).write_bytes(b"")
        >>> [path.name for path in weight_files(str(folder))]
        ['model-00001.safetensors', 'model-00002.safetensors']
    """
    path = Path(model).expanduser()
    if path.is_file() and path.suffix == ".gguf":
        return [path]
    folder = path if path.is_dir() else _cached_snapshot(model)
    if folder is None:
        raise BaseWeightsError(
            f"cannot hash the base model {model}: not a bundled model, a .gguf file or a model folder here"
        )
    for pattern in WEIGHT_PATTERNS:
        files = sorted(file for file in folder.glob(pattern) if file.is_file())
        if files:
            return files
    raise BaseWeightsError(f"cannot hash the base model {model}: {folder} holds no .safetensors or .bin file")


def _cached_snapshot(model: str) -> Path | None:
    """The local folder of a Hugging Face id already downloaded (nothing is fetched)."""
    if model.startswith(("/", ".", "~")) or model.count("/") != 1:
        return None
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(model, local_files_only=True))
    except Exception:  # not installed, not cached, not a valid id: no weights to hash here
        return None


@functools.lru_cache(maxsize=32)
def _hash_files(files: Sequence[tuple[str, int, int]]) -> str:
    """sha256 over the files' bytes, in order; cached by (path, size, modification time)."""
    digest = hashlib.sha256()
    for name, _size, _mtime in files:
        with open(name, "rb") as file:
            while chunk := file.read(CHUNK):
                digest.update(chunk)
    return digest.hexdigest()
