"""Question-to-answer latency on this machine: model load, the cold first question, and warm ones.

Example:
    >>> percentile([3.0, 1.0, 2.0], 50)
    2.0
"""

from __future__ import annotations

import platform
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from tqdm import tqdm

STAGES = ("prompt", "generate", "validate", "repair", "execute", "total")


@dataclass
class LatencyReport:
    database: str
    model_id: str
    adapter_hash: str | None
    backend: str
    setup_seconds: float
    """Opening the database, reading its schema and loading the model."""
    cold: dict[str, float]
    """Stage timings of the first question."""
    warm: list[dict[str, float]] = field(default_factory=list)
    correct: int | None = None
    """How many answers matched the gold result, when questions came with gold SQL."""

    def summary(self) -> dict[str, Any]:
        warm = {
            stage: {
                "p50": percentile([t.get(stage, 0.0) for t in self.warm], 50),
                "p95": percentile([t.get(stage, 0.0) for t in self.warm], 95),
            }
            for stage in STAGES
        }
        return {
            "database": self.database,
            "model_id": self.model_id,
            "adapter_hash": self.adapter_hash,
            "backend": self.backend,
            "machine": machine(),
            "setup_seconds": round(self.setup_seconds, 2),
            "cold": {k: round(v, 3) for k, v in self.cold.items()},
            "warm_questions": len(self.warm),
            "warm": warm,
            "correct": self.correct,
        }


def measure_latency(
    database: str,
    questions: Sequence[Any],
    *,
    backend: str = "auto",
    model: str | None = None,
    adapter: str | None = None,
    progress: bool = True,
) -> LatencyReport:
    """Time ``questions`` (objects with ``question`` and ``sql``) through a fresh Assistant."""
    from nl2sql.assistant import Assistant
    from nl2sql.evaluation.match import orders_rows, results_match
    from nl2sql.execute import run_query
    from nl2sql.models.resolve import clear_loaded

    clear_loaded()
    started = time.perf_counter()
    assistant = Assistant(database, model=model, adapter=adapter, backend=backend, log=None)
    generator = assistant.generator
    setup = time.perf_counter() - started
    timings, correct = [], 0
    for item in tqdm(questions, desc="asking", unit="q", disable=not progress):
        answer = assistant.ask(item.question)
        timings.append(answer.timings)
        if answer.data is not None:
            gold = run_query(assistant.database, item.sql)
            rows = [tuple(r) for r in answer.data.itertuples(index=False, name=None)]
            correct += results_match(gold.rows, rows, ordered=orders_rows(item.sql))
    return LatencyReport(
        database=database,
        model_id=generator.model_id,
        adapter_hash=generator.adapter_hash,
        backend=type(generator).__name__,
        setup_seconds=setup,
        cold=timings[0],
        warm=timings[1:],
        correct=correct,
    )


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (nearest rank) of ``values``; None when empty."""
    ordered = sorted(values)
    if not ordered:
        return None
    if q == 50:
        return round(statistics.median(ordered), 3)
    return round(ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))], 3)


def latency_row(summary: dict[str, Any], command: str) -> str:
    """One Markdown row for BENCHMARKS.md's latency table."""
    warm = summary["warm"]
    cells = [
        summary["database"],
        summary["model_id"],
        (summary["adapter_hash"] or "none")[:12],
        summary["backend"],
        summary["machine"],
        f"{summary['setup_seconds']:.1f}",
        f"{summary['cold']['total']:.2f}",
        f"{warm['total']['p50']}",
        f"{warm['total']['p95']}",
        f"{warm['generate']['p50']}",
        f"{warm['validate']['p50']}",
        f"{warm['execute']['p50']}",
        f"{summary['correct']}/{summary['warm_questions'] + 1}",
        time.strftime("%Y-%m-%d"),
        f"`{command}`",
    ]
    return "| " + " | ".join(cells) + " |"


LATENCY_HEADING = "## CPU latency (question → executed answer)"
LATENCY_HEADER = (
    "| db | model | adapter | backend | machine | setup s | cold s | warm p50 s | warm p95 s | generate p50 |"
    " validate p50 | execute p50 | correct | date | command |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def machine() -> str:
    """This machine as the benchmark rows name it: its architecture and the cores this process may use.

    Example:
        >>> machine().endswith(" cores")
        True
    """
    return f"{platform.machine()}, {_cores()} cores"


def _cores() -> int:
    import os

    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1
