"""How much user corrections on a new database lift accuracy there.

For each chosen database, its questions are shuffled (fixed seed) and split: the first ``taught`` play
the user's corrections, logged as ``edited`` events in a fresh feedback log and curated exactly as in the
product (:func:`feedback.corrections.curate`); the rest are asked twice, without and with the
corrections most like each question in the prompt. Spider often asks the same query in two wordings, so
the lift is also reported on the "unseen" questions, whose gold SQL no correction has.

Example:
    >>> split_questions(list(range(10)), taught=4, seed=0)[0]
    [7, 8, 1, 5]
"""

from __future__ import annotations

import re
import statistics
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from feedback.corrections import curate
from feedback.datasets import TextToSQLExample, seeded_shuffle
from feedback.log import FeedbackLog
from feedback.similar import CorrectionIndex
from nl2sql.evaluation.harness import EvalReport, EvalSettings, evaluate, summarize_latencies
from nl2sql.models.base import Generator
from nl2sql.schema import DatabaseCache

LIFT_HEADING = "## Corrections on a new database"
LIFT_HEADER = (
    "| database | taught | asked | EX before | EX after | lift | unseen n | unseen before | unseen after"
    " | p50 s before / after | model | date | command |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
)
MIN_ASKED = 10
"""A database needs at least this many questions left over after the corrections."""

T = TypeVar("T")


def split_questions(items: Sequence[T], *, taught: int, seed: int) -> tuple[list[T], list[T]]:
    """The shuffled items: the first ``taught`` as corrections, the rest to ask."""
    shuffled = seeded_shuffle(items, seed)
    return shuffled[:taught], shuffled[taught:]


def measure_lift(
    examples: Sequence[TextToSQLExample],
    generator: Generator,
    databases: Sequence[str],
    *,
    taught: int = 50,
    seed: int = 0,
    settings: EvalSettings | None = None,
    progress: bool = True,
) -> dict[str, Any]:
    """EX on each database's remaining questions without and with ``taught`` corrections."""
    settings = settings or EvalSettings()
    cache = DatabaseCache()
    indexes: dict[str, CorrectionIndex] = {}
    asked: list[TextToSQLExample] = []
    taught_sql: dict[str, set[str]] = {}
    kept: dict[str, int] = {}
    for db_id in databases:
        questions = [e for e in examples if e.db_id == db_id and e.available]
        corrections, rest = split_questions(questions, taught=taught, seed=seed)
        if len(rest) < MIN_ASKED:
            raise ValueError(
                f"{db_id} has {len(questions)} usable questions: {taught} corrections leave fewer than "
                f"{MIN_ASKED} to ask"
            )
        with tempfile.TemporaryDirectory() as folder:
            log = FeedbackLog(Path(folder) / "feedback.sqlite")
            for example in corrections:  # the gold SQL: edits a reviewer approves as they are
                fields = {"database": db_id, "question": example.question, "final_sql": example.sql}
                log.record("approved", event=log.record("edited", **fields), **fields)
            curated = curate(log, db_id, cache.schema(corrections[0].db_path)).kept
        indexes[db_id] = CorrectionIndex(curated)
        kept[db_id] = len(curated)
        taught_sql[db_id] = {_normalized(c.sql) for c in curated}
        asked.extend(rest)
    before = evaluate(asked, generator, replace(settings, examples=0), progress=progress)
    after = evaluate(asked, generator, settings, progress=progress, corrections=indexes)
    rows = {db_id: _compare(before, after, db_id, taught_sql, kept[db_id]) for db_id in databases}
    return {
        "model_id": generator.model_id,
        "adapter_hash": generator.adapter_hash,
        "taught": taught,
        "seed": seed,
        "examples": settings.examples,
        "databases": rows,
        "all": _compare(before, after, None, taught_sql, sum(kept.values())),
        "predictions": {
            "before": [vars(p) for p in before.predictions],
            "after": [vars(p) for p in after.predictions],
        },
    }


def _compare(
    before: EvalReport, after: EvalReport, db_id: str | None, taught_sql: dict[str, set[str]], kept: int
) -> dict[str, Any]:
    pairs = [
        (b, a)
        for b, a in zip(before.predictions, after.predictions, strict=True)
        if db_id is None or b.db_id == db_id
    ]
    unseen = [(b, a) for b, a in pairs if _normalized(b.gold) not in taught_sql[b.db_id]]

    def ex(items: list[Any], side: int) -> float:
        return round(sum(pair[side].correct for pair in items) / len(items), 4) if items else 0.0

    return {
        "taught": kept,
        "asked": len(pairs),
        "ex_before": ex(pairs, 0),
        "ex_after": ex(pairs, 1),
        "lift": round(ex(pairs, 1) - ex(pairs, 0), 4),
        "unseen": len(unseen),
        "unseen_before": ex(unseen, 0),
        "unseen_after": ex(unseen, 1),
        "p50_seconds_before": summarize_latencies([b.seconds for b, _ in pairs])["p50"],
        "p50_seconds_after": summarize_latencies([a.seconds for _, a in pairs])["p50"],
        "prompt_tokens_before": round(statistics.fmean(b.prompt_tokens for b, _ in pairs), 1) if pairs else 0,
        "prompt_tokens_after": round(statistics.fmean(a.prompt_tokens for _, a in pairs), 1) if pairs else 0,
    }


def _normalized(sql: str) -> str:
    return re.sub(r"\s+", " ", sql).strip().rstrip(";").casefold()


def lift_rows(summary: dict[str, Any], command: str, day: str) -> list[str]:
    """BENCHMARKS.md rows: one per database and one for all of them together."""
    rows = []
    for name, row in [*summary["databases"].items(), ("all", summary["all"])]:
        cells = [
            name,
            str(row["taught"]),
            str(row["asked"]),
            f"{row['ex_before']:.3f}",
            f"{row['ex_after']:.3f}",
            f"{row['lift'] * 100:+.1f} pts",
            str(row["unseen"]),
            f"{row['unseen_before']:.3f}",
            f"{row['unseen_after']:.3f}",
            f"{row['p50_seconds_before']} / {row['p50_seconds_after']}",
            summary["model_id"],
            day,
            f"`{command}`",
        ]
        rows.append("| " + " | ".join(cells) + " |")
    return rows
