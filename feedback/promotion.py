"""Which adapter answers: the shipped one, or one retrained on corrections that measured better.

A promotion is a small JSON file per base model in ``<data dir>/adapters/``, naming the adapter folder
and the measurements that justified it. Nothing else changes: removing the promotion
(``chatbi retrain --rollback``) brings the shipped adapter back.

Example:
    >>> import os, tempfile
    >>> records, adapter = Path(tempfile.mkdtemp()), tempfile.mkdtemp()
    >>> promoted_adapter("qwen2.5-coder-0.5b", records) is None
    True
    >>> open(os.path.join(adapter, "adapter_model.safetensors"), "wb").close()
    >>> _ = promote("qwen2.5-coder-0.5b", adapter, {"ex_before": 0.5, "ex_after": 0.7}, records)
    >>> promoted_adapter("qwen2.5-coder-0.5b", records) == Path(adapter).resolve()
    True
    >>> rollback("qwen2.5-coder-0.5b", records)
    True
    >>> promoted_adapter("qwen2.5-coder-0.5b", records) is None
    True
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def promotions_dir() -> Path:
    """``<data dir>/adapters``: promotion records (and, by default, retrained adapters)."""
    from nl2sql.paths import data_dir  # imported here: nl2sql imports this package at load time

    return data_dir() / "adapters"


def promotion_path(model: str, folder: Path | None = None) -> Path:
    """The promotion record of one base model, in ``folder`` (default :func:`promotions_dir`)."""
    return (folder or promotions_dir()) / f"promoted-{re.sub(r'[^A-Za-z0-9._-]+', '_', model)}.json"


def promoted_adapter(model: str, folder: Path | None = None) -> Path | None:
    """The adapter promoted for ``model``, when there is one and its folder still holds weights."""
    path = promotion_path(model, folder)
    if not path.is_file():
        return None
    folder = Path(json.loads(path.read_text(encoding="utf-8"))["adapter"])
    return folder if (folder / "adapter_model.safetensors").is_file() else None


def promote(model: str, adapter: str | Path, evidence: dict[str, Any], folder: Path | None = None) -> Path:
    """Make ``adapter`` the one ``model`` answers with from now on; returns the record's path."""
    path = promotion_path(model, folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {
        "model": model,
        "adapter": str(Path(adapter).resolve()),
        "promoted_at": datetime.now(UTC).isoformat(timespec="seconds"),
        **evidence,
    }
    path.write_text(json.dumps(record, indent=1, ensure_ascii=False), encoding="utf-8")
    return path


def rollback(model: str, folder: Path | None = None) -> bool:
    """Go back to the shipped adapter; False when nothing was promoted."""
    path = promotion_path(model, folder)
    if not path.is_file():
        return False
    path.unlink()
    return True
