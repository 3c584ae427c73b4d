"""Where evaluation results go: a JSON file, and a row in BENCHMARKS.md with the command that made it.

Example:
    >>> row = benchmark_row({"ex": 0.5, "evaluated": 2, "skipped": 0, "model_id": "m", "adapter_hash": None,
    ...     "settings": {"samples": True, "repair": True}, "by_hardness": {}, "latency": {"p50": 1.0},
    ...     "questions_per_second": 1.0}, "chatbi eval ...", "spider dev")
    >>> row.startswith("| spider dev | m |")
    True
"""

from __future__ import annotations

import json
import platform
import sys
from datetime import date
from pathlib import Path
from typing import Any

from nl2sql.evaluation.harness import EvalReport

EX_TABLE_HEADING = "## Execution accuracy"
EX_TABLE_HEADER = (
    "| data | model | adapter | techniques | n | EX | easy | medium | hard | extra | p50 s | q/s | date"
    " | command |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def write_json(
    report: EvalReport, path: Path, *, command: str, data: str, summary: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Write the summary (``report``'s unless given) and every prediction to ``path``; returns it with
    the run's data, command, date and machine added."""
    summary = {
        "data": data,
        "command": command,
        "date": date.today().isoformat(),
        "python": sys.version.split()[0],
        "machine": platform.machine(),
        **(summary if summary is not None else report.summary()),
    }
    payload = {**summary, "predictions": [vars(p) for p in report.predictions]}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    return summary


def benchmark_row(summary: dict[str, Any], command: str, data: str) -> str:
    """One Markdown table row for the summary of an evaluation."""
    settings = summary["settings"]
    names = [n for n in ("samples", "autofix", "repair") if settings.get(n)]
    if settings.get("autofix") and settings.get("join_completion"):
        names.insert(names.index("autofix") + 1, "joins")
    if settings.get("autofix") and settings.get("distinct_rows"):
        names.insert(names.index("repair") if "repair" in names else len(names), "distinct")
    if settings.get("value_matching"):
        names.append("values")
    if settings.get("glossary") and summary.get("with_glossary_terms"):
        names.append(f"glossary ({summary['with_glossary_terms']} q)")
    if settings.get("constrained"):
        names.append("constrained")
    if settings.get("candidates", 1) > 1:
        names.append(f"{settings['candidates']} candidates")
    if settings.get("fallback_samples"):
        names.append(f"fallback ×{settings['fallback_samples']}")
    if settings.get("linking_budget"):
        names.insert(0, f"linking≤{settings['linking_budget']}")
    techniques = ", ".join(names) or "plain"
    hardness = summary.get("by_hardness", {})
    cells = [
        data,
        summary["model_id"],
        (summary.get("adapter_hash") or "none")[:12],
        techniques,
        str(summary["evaluated"]),
        f"{summary['ex']:.3f}",
        *[f"{hardness[h]['ex']:.3f}" if h in hardness else "–" for h in ("easy", "medium", "hard", "extra")],
        f"{summary['latency']['p50']}" if summary["latency"].get("p50") else "–",
        f"{summary['questions_per_second']}" if summary.get("questions_per_second") else "–",
        summary.get("date", date.today().isoformat()),
        f"`{command}`",
    ]
    return "| " + " | ".join(cells) + " |"


def append_benchmark(
    path: Path, row: str, heading: str = EX_TABLE_HEADING, header: str = EX_TABLE_HEADER
) -> None:
    """Add ``row`` to the table under ``heading`` in BENCHMARKS.md, creating file or table as needed."""
    text = path.read_text(encoding="utf-8") if path.is_file() else "# Benchmarks\n"
    if heading not in text:
        text = text.rstrip("\n") + f"\n\n{heading}\n\n{header}\n"
    lines = text.splitlines()
    start = lines.index(heading)
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or lines[end].startswith("|")):
        end += 1
    while lines[end - 1].strip() == "":
        end -= 1
    lines.insert(end, row)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
