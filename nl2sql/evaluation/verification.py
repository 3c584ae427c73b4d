"""How well explain/ copes with real queries: every gold query checked, explained and planned without an
exception, how fast, and what share of seeded mistakes the diagnostics flag.

Example:
    >>> row = verification_row({"queries": 2, "failures": 0, "gold_with_errors": 0, "warned": 1,
    ...     "check_explain_ms": {"p50": 1.2, "p95": 3.4}, "seeded": {"flagged": 0.9, "count": 10},
    ...     "seeded_by_kind": {}}, "spider dev", "chatbi bench explain …")
    >>> row.split(" | ")[1:4]
    ['2', '0', '0']
"""

from __future__ import annotations

import statistics
import time
import traceback
from collections import Counter
from collections.abc import Sequence
from typing import Any

from tqdm import tqdm

from explain.check import check
from explain.errors import ExplainError
from explain.explanation import explain
from explain.mistakes import MISTAKE_KINDS, seed_mistakes
from explain.plan import plan


def measure_verification(
    examples: Sequence[Any], *, langs: Sequence[str] = ("en", "zh"), progress: bool = True
) -> dict[str, Any]:
    """Check, explain (in each of ``langs``) and plan every gold query of ``examples``; seed mistakes.

    Args:
        examples: :class:`feedback.datasets.TextToSQLExample` items; those without a database are skipped.
        langs: explanation languages to produce for each query.
        progress: show a progress bar.
    """
    from nl2sql.schema import DatabaseCache

    schemas = DatabaseCache()
    timings: list[float] = []
    failures: list[dict[str, str]] = []
    warnings: Counter[str] = Counter()
    gold_errors: Counter[str] = Counter()
    seeded: Counter[str] = Counter()
    flagged: Counter[str] = Counter()
    warned = 0
    usable = [e for e in examples if e.available]
    for example in tqdm(usable, desc="explain", unit="q", disable=not progress):
        schema = schemas.schema(example.db_path)
        try:
            started = time.perf_counter()
            diagnostics = check(example.sql, schema)
            explain(example.sql, schema, lang=langs[0])
            timings.append(time.perf_counter() - started)
            for lang in langs[1:]:
                explain(example.sql, schema, lang=lang)
            plan(example.sql, schema)
        except ExplainError as error:
            gold_errors[f"unparsable: {error}"[:80]] += 1
            continue
        except Exception as error:  # the point of this benchmark is to find these
            failures.append({"sql": example.sql, "error": repr(error), "where": traceback.format_exc(-1)})
            continue
        errors = [d for d in diagnostics if d.is_error]
        gold_errors.update(d.code for d in errors)
        codes = {d.code for d in diagnostics if not d.is_error}
        warnings.update(codes)
        warned += bool(codes)
        if errors:
            continue
        for mistake in seed_mistakes(example.sql, schema):
            seeded[mistake.kind] += 1
            found = check(mistake.sql, schema)
            flagged[mistake.kind] += any(d.is_error or d.code not in codes for d in found)
    count = sum(seeded.values())
    return {
        "queries": len(usable),
        "failures": len(failures),
        "failure_examples": failures[:10],
        "gold_with_errors": sum(gold_errors.values()),
        "gold_errors": dict(gold_errors.most_common()),
        "warned": warned,
        "warnings": dict(warnings.most_common()),
        "check_explain_ms": _percentiles(timings),
        "seeded": {"count": count, "flagged": round(sum(flagged.values()) / count, 4) if count else None},
        "seeded_by_kind": {
            kind: {"count": seeded[kind], "flagged": round(flagged[kind] / seeded[kind], 4)}
            for kind in MISTAKE_KINDS
            if seeded[kind]
        },
    }


def _percentiles(seconds: list[float]) -> dict[str, float | None]:
    if not seconds:
        return {"p50": None, "p95": None}
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return {"p50": round(statistics.median(ordered) * 1000, 2), "p95": round(p95 * 1000, 2)}


VERIFICATION_HEADING = "## Verification: check, explain and plan over gold queries"
VERIFICATION_HEADER = (
    "| data | queries | exceptions | gold with errors | gold with warnings | check+explain p50 ms | p95 ms"
    " | seeded mistakes flagged | by kind | command |\n"
    "|---|---|---|---|---|---|---|---|---|---|"
)


def verification_row(summary: dict[str, Any], data: str, command: str) -> str:
    """One Markdown row for BENCHMARKS.md."""
    by_kind = ", ".join(
        f"{kind} {v['flagged']:.0%} of {v['count']}" for kind, v in summary["seeded_by_kind"].items()
    )
    seeded = summary["seeded"]
    cells = [
        data,
        str(summary["queries"]),
        str(summary["failures"]),
        str(summary["gold_with_errors"]),
        str(summary["warned"]),
        f"{summary['check_explain_ms']['p50']}",
        f"{summary['check_explain_ms']['p95']}",
        f"{seeded['flagged']:.1%} of {seeded['count']}" if seeded["count"] else "–",
        by_kind or "–",
        f"`{command}`",
    ]
    return "| " + " | ".join(cells) + " |"
