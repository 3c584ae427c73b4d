"""What a second copy of the model costs in memory: the JupyterLab server and a kernel that runs
``%%ask`` are two processes, each with the model loaded.

Each process loads the model as the product does (:func:`nl2sql.models.resolve.load_generator`) and
answers one short prompt; then the memory of every process is read from Linux's
``/proc/<pid>/smaps_rollup``: RSS (all pages it touches), PSS (its fair share: a page shared by two
processes counts half in each, so the PSS of all processes adds up to the memory they really take) and
USS (pages only it holds). llama.cpp maps the GGUF file read-only, so the weights are file pages the
kernel's page cache holds once for every process that maps them; a process's own memory is its KV
cache, compute buffers, the LoRA adapter and Python. The second copy's cost is the second process's
USS (the pages only it holds; PSS would also depend on whatever else on the machine maps the same
file): that, not the size of the weights, is what a kernel asking beside the server adds.

Example:
    >>> usage = read_usage()
    >>> usage.rss_mb >= usage.pss_mb >= usage.uss_mb > 0
    True
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from nl2sql.evaluation.latency import machine

CHILD = """
import sys
from nl2sql.models.resolve import load_generator
generator = load_generator({model!r}, {adapter!r}, backend={backend!r})
generator.generate([{{"role": "user", "content": "Write SQL that counts the rows of t."}}], max_new_tokens=8)
print("ready", getattr(generator, "model_id", ""), getattr(generator, "adapter_hash", "") or "", flush=True)
sys.stdin.read()
"""
"""A process that loads the model, answers once, says so, and keeps it until its stdin closes."""
LOAD_TIMEOUT_S = 600


@dataclass(frozen=True)
class Usage:
    """One process's memory, in MB (10^6 bytes)."""

    rss_mb: float
    pss_mb: float
    uss_mb: float
    shared_mb: float


@dataclass
class MemoryReport:
    """The processes' memory after each one loaded, and what each added to the machine's total."""

    model_id: str = ""
    adapter: str = ""
    backend: str = ""
    weights_mb: float | None = None
    """The size of the model file, for comparison (what a copy would take were nothing shared)."""
    after_each: list[list[Usage]] = field(default_factory=list)
    """``after_each[k]``: every process's usage once process ``k`` had loaded."""
    machine: str = field(default_factory=machine)

    def summary(self) -> dict[str, Any]:
        """The first process's RSS (all it takes alone), what each further one adds (its USS: the
        pages only it holds; the mapped weights are already in memory), and what they share."""
        first = self.after_each[0][0] if self.after_each else None
        return {
            "model_id": self.model_id,
            "adapter": self.adapter,
            "backend": self.backend,
            "machine": self.machine,
            "processes": len(self.after_each),
            "weights_mb": self.weights_mb,
            "first_rss_mb": first.rss_mb if first else None,
            "further_uss_mb": [usages[k].uss_mb for k, usages in enumerate(self.after_each) if k],
            "shared_mb": [u.shared_mb for u in self.after_each[-1]] if self.after_each else [],
            "total_pss_mb": [round(sum(u.pss_mb for u in usages), 1) for usages in self.after_each],
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "summary": self.summary(),
            "after_each": [[asdict(u) for u in usages] for usages in self.after_each],
        }


def read_usage(pid: int | None = None) -> Usage:
    """The memory of process ``pid`` (this one by default) from ``/proc/<pid>/smaps_rollup`` (Linux)."""
    fields: dict[str, float] = {}
    with open(f"/proc/{pid or os.getpid()}/smaps_rollup", encoding="ascii") as rollup:
        for line in rollup:
            parts = line.split()
            if len(parts) == 3 and parts[2] == "kB":
                fields[parts[0].rstrip(":")] = int(parts[1]) * 1024 / 1e6
    private = fields.get("Private_Clean", 0.0) + fields.get("Private_Dirty", 0.0)
    shared = fields.get("Shared_Clean", 0.0) + fields.get("Shared_Dirty", 0.0)
    return Usage(
        rss_mb=round(fields.get("Rss", 0.0), 1),
        pss_mb=round(fields.get("Pss", 0.0), 1),
        uss_mb=round(private, 1),
        shared_mb=round(shared, 1),
    )


def measure_model_memory(
    processes: int = 2, *, model: str | None = None, adapter: str | None = None, backend: str = "auto"
) -> MemoryReport:
    """Start ``processes`` processes one after another, each loading the model, and read the memory
    of all of them after each has loaded (see the module)."""
    report = MemoryReport(backend=backend)
    children: list[subprocess.Popen[str]] = []
    try:
        for _ in range(processes):
            child = subprocess.Popen(
                [sys.executable, "-c", CHILD.format(model=model, adapter=adapter, backend=backend)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            children.append(child)
            words = _ready(child).split()
            report.model_id = words[1] if len(words) > 1 else ""
            report.adapter = words[2][:12] if len(words) > 2 else ""
            time.sleep(0.5)  # let the loader's transient buffers go
            report.after_each.append([read_usage(c.pid) for c in children])
    finally:
        for child in children:
            if child.stdin:
                child.stdin.close()
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
    report.weights_mb = _weights_mb(report.model_id)
    return report


def _ready(child: subprocess.Popen[str]) -> str:
    assert child.stdout is not None
    line = child.stdout.readline()
    if not line.startswith("ready"):
        child.kill()
        raise RuntimeError(f"the model did not load in a second process (exit {child.wait(LOAD_TIMEOUT_S)})")
    return line.strip()


def _weights_mb(model_id: str) -> float | None:
    from pathlib import Path

    from nl2sql.models.weights import MODELS, gguf_path

    try:
        path = gguf_path(model_id) if model_id in MODELS else Path(model_id)
        return round(path.stat().st_size / 1e6, 1)
    except (OSError, KeyError, ValueError):
        return None


def memory_row(summary: dict[str, Any], command: str) -> str:
    """One Markdown row for BENCHMARKS.md's model memory table.

    Example:
        >>> summary = {"model_id": "m", "adapter": "ab12", "machine": "x86_64, 2 cores", "processes": 2,
        ...     "weights_mb": 500.0, "first_rss_mb": 830.0, "further_uss_mb": [303.0],
        ...     "shared_mb": [527.0, 527.0]}
        >>> memory_row(summary, "chatbi bench memory").split(" | ")[4:8]
        ['500.0', '830.0', '303.0', '527.0']
    """
    cells = [
        summary["model_id"],
        summary["adapter"] or "none",
        summary["machine"],
        str(summary["processes"]),
        "–" if summary["weights_mb"] is None else f"{summary['weights_mb']:.1f}",
        f"{summary['first_rss_mb']:.1f}",
        " / ".join(f"{uss:.1f}" for uss in summary["further_uss_mb"]) or "–",
        f"{summary['shared_mb'][-1]:.1f}",
        time.strftime("%Y-%m-%d"),
        f"`{command}`",
    ]
    return "| " + " | ".join(cells) + " |"


MEMORY_HEADING = "## Model memory (the server and a kernel each with the model loaded)"
MEMORY_HEADER = (
    "| model | adapter | machine | processes | weights file MB | first process RSS MB"
    " | each further process adds (its USS, MB) | shared with the others (MB) | date | command |\n"
    "|---|---|---|---|---|---|---|---|---|---|"
)
