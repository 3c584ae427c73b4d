"""How well schema linking keeps what gold queries need: recall of gold tables at a token budget.

Example:
    >>> from nl2sql.linking import tables_read
    >>> sorted(tables_read("WITH t AS (SELECT a FROM x) SELECT * FROM t JOIN y ON t.a = y.a"))
    ['x', 'y']
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Any

from tqdm import tqdm


def measure_linking(
    examples: Sequence[Any], *, budget_tokens: int, embeddings: bool = True, progress: bool = True
) -> dict[str, Any]:
    """Recall of gold tables, tables kept and prompt size, over ``examples`` (TextToSQLExample)."""
    from nl2sql.linking import estimate_tokens, link_schema, tables_read
    from nl2sql.prompt import render_schema
    from nl2sql.schema import DatabaseCache

    schemas = DatabaseCache()
    recalls, complete, kept, tokens, whole_tokens, pruned = [], 0, [], [], [], 0
    usable = [e for e in examples if e.available]
    for example in tqdm(usable, desc="linking", unit="q", disable=not progress):
        schema = schemas.schema(example.db_path)
        linking = link_schema(schema, example.question, budget_tokens=budget_tokens, embeddings=embeddings)
        needed = {name for name in tables_read(example.sql) if schema.has_table(name)}
        got = {name.lower() for name in linking.tables}
        recall = len(needed & got) / len(needed) if needed else 1.0
        recalls.append(recall)
        complete += recall == 1.0
        kept.append(len(linking.tables) / max(len(schema.tables), 1))
        tokens.append(linking.estimated_tokens)
        whole_tokens.append(estimate_tokens(render_schema(schema)))
        pruned += linking.pruned
    n = len(usable)
    return {
        "questions": n,
        "budget_tokens": budget_tokens,
        "embeddings": embeddings,
        "pruned_questions": pruned,
        "table_recall": round(statistics.mean(recalls), 4) if n else None,
        "all_gold_tables_kept": round(complete / n, 4) if n else None,
        "share_of_tables_kept": round(statistics.mean(kept), 4) if n else None,
        "schema_tokens_mean": round(statistics.mean(tokens), 1) if n else None,
        "whole_schema_tokens_mean": round(statistics.mean(whole_tokens), 1) if n else None,
    }


LINKING_HEADING = "## Schema linking (recall of gold tables)"
LINKING_HEADER = (
    "| data | budget tokens | embeddings | questions pruned | table recall | all gold tables kept |"
    " tables kept | schema tokens (whole) | command |\n"
    "|---|---|---|---|---|---|---|---|---|"
)


def linking_row(summary: dict[str, Any], data: str, command: str) -> str:
    cells = [
        data,
        str(summary["budget_tokens"]),
        "yes" if summary["embeddings"] else "no",
        f"{summary['pruned_questions']}/{summary['questions']}",
        f"{summary['table_recall']:.3f}",
        f"{summary['all_gold_tables_kept']:.3f}",
        f"{summary['share_of_tables_kept']:.0%}",
        f"{summary['schema_tokens_mean']:.0f} ({summary['whole_schema_tokens_mean']:.0f})",
        f"`{command}`",
    ]
    return "| " + " | ".join(cells) + " |"
