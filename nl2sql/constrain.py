"""Constrained decoding: while the model writes a table name (after FROM or JOIN) or a column name
(after ``alias.``), only names that exist in the schema may come out.

At each step the most likely next tokens are tried in order; those that would make the name being
written stop being the start of a real name (or end it on something that is not a name) are masked.
When none of the top candidates fits, the step is left alone rather than forcing nonsense. Works as a
transformers ``LogitsProcessor`` and as a llama.cpp logits processor.

Example:
    >>> from nl2sql.schema import Column, Schema, Table
    >>> rule = NameRule(Schema("sqlite", (Table("singer", (Column("name", "TEXT"), Column("age", "INT"))),)))
    >>> rule.allows("SELECT name FROM sing"), rule.allows("SELECT name FROM singers ")
    (True, False)
    >>> where = "SELECT T1.name FROM singer AS T1 WHERE T1."
    >>> rule.allows(where + "ag"), rule.allows(where + "agx")
    (True, False)
"""

from __future__ import annotations

import re
from typing import Any

from nl2sql.schema import Schema

TOP_K = 24
_TABLE_CONTEXT = re.compile(r"\b(?:FROM|JOIN)\s+([A-Za-z_]\w*)(\W?)$", re.IGNORECASE)
_COLUMN_CONTEXT = re.compile(r"\b([A-Za-z_]\w*)\.([A-Za-z_]\w*)(\W?)$")
_ALIAS = re.compile(r"\b(?:FROM|JOIN)\s+([A-Za-z_]\w*)(?:\s+(?:AS\s+)?([A-Za-z_]\w*))?", re.IGNORECASE)
_CTE = re.compile(r"\b([A-Za-z_]\w*)\s+AS\s*\(", re.IGNORECASE)
_NAME_NEXT = re.compile(r"(?:\b(?:FROM|JOIN)\s*|\b[A-Za-z_]\w*\.)$", re.IGNORECASE)
_SQL_START = re.compile(r"```sql\s*\n", re.IGNORECASE)
_KEYWORDS = frozenset(
    {
        "on",
        "where",
        "join",
        "inner",
        "left",
        "right",
        "group",
        "order",
        "limit",
        "union",
        "as",
        "natural",
        "cross",
        "full",
        "outer",
        "using",
        "having",
        "except",
        "intersect",
    }
)


class NameRule:
    """Decides whether a piece of SQL text keeps the name at its end a possible schema name."""

    def __init__(self, schema: Schema) -> None:
        self.tables = {t.name.lower(): t for t in schema.tables}
        self.all_columns = {c.name.lower() for t in schema.tables for c in t.columns}

    def allows(self, sql: str) -> bool:
        """False when ``sql`` ends inside (or right after) a table or column name that cannot exist."""
        match = _TABLE_CONTEXT.search(sql)
        if match:
            name, ended = match.group(1).lower(), bool(match.group(2))
            names = set(self.tables) | {m.group(1).lower() for m in _CTE.finditer(sql)}
            return _fits(name, ended, names)
        match = _COLUMN_CONTEXT.search(sql)
        if match:
            qualifier, name, ended = match.group(1).lower(), match.group(2).lower(), bool(match.group(3))
            table = self._table_of(qualifier, sql)
            if table is None:
                return True  # a CTE, a subquery alias or a function: not ours to judge
            return _fits(name, ended, {c.name.lower() for c in table.columns})
        return True

    def _table_of(self, qualifier: str, sql: str) -> Any:
        for match in _ALIAS.finditer(sql):
            table, alias = match.group(1).lower(), (match.group(2) or "").lower()
            if alias in _KEYWORDS:
                alias = ""
            if qualifier in {table, alias} and table in self.tables:
                return self.tables[table]
        return self.tables.get(qualifier)


def _fits(name: str, ended: bool, names: set[str]) -> bool:
    return name in names if ended else any(candidate.startswith(name) for candidate in names)


def sql_so_far(text: str) -> str | None:
    """The SQL part of a partial answer (after its opening fence), or None when outside SQL."""
    starts = list(_SQL_START.finditer(text))
    if not starts:
        return None
    rest = text[starts[-1].end() :]
    return None if "```" in rest else rest


def constrain_scores(scores: Any, text: str, decode: Any, rule: NameRule, top_k: int = TOP_K) -> Any:
    """Mask, among the ``top_k`` best next tokens, those that break a name; ``scores`` is changed in place.

    Args:
        scores: a 1-D tensor or array of next-token scores.
        text: the answer generated so far.
        decode: token id → its text.
    """
    sql = sql_so_far(text)
    if sql is None or not _in_name(sql):
        return scores
    order = _top_indices(scores, top_k)
    allowed = [i for i in order if rule.allows(sql + decode(i))]
    if not allowed or allowed[0] == order[0]:
        return scores
    for index in order:
        if index not in allowed:
            scores[index] = -float("inf")
    return scores


def _in_name(sql: str) -> bool:
    """Whether the next token may start or continue a table or column name."""
    return bool(_TABLE_CONTEXT.search(sql) or _COLUMN_CONTEXT.search(sql) or _NAME_NEXT.search(sql))


def _top_indices(scores: Any, k: int) -> list[int]:
    try:
        import torch

        if isinstance(scores, torch.Tensor):
            return torch.topk(scores, k).indices.tolist()
    except ImportError:
        pass
    import numpy as np

    return [int(i) for i in np.argsort(-scores)[:k]]


class SchemaLogitsProcessor:
    """transformers ``LogitsProcessor``: the rule of each row's schema for every sequence of a batch."""

    def __init__(self, schemas: list[Schema], tokenizer: Any, prompt_width: int) -> None:
        self.rules = [NameRule(schema) for schema in schemas]
        self.tokenizer = tokenizer
        self.prompt_width = prompt_width

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        for row, rule in enumerate(self.rules):
            text = self.tokenizer.decode(input_ids[row, self.prompt_width :], skip_special_tokens=True)
            constrain_scores(scores[row], text, lambda i: self.tokenizer.decode([i]), rule)
        return scores


class LlamaCppSchemaProcessor:
    """llama.cpp logits processor: ``(input_ids, scores) -> scores`` over the whole context."""

    TAIL_TOKENS = 400
    """Only the end of the context is read: the answer so far and its opening fence are in it."""

    def __init__(self, schema: Schema, llama: Any) -> None:
        self.rule = NameRule(schema)
        self.llama = llama

    def _text(self, ids: Any) -> str:
        return self.llama.detokenize([int(i) for i in ids]).decode("utf-8", errors="ignore")

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        text = self._text(input_ids[-self.TAIL_TOKENS :])
        return constrain_scores(scores, text, lambda i: self._text([i]), self.rule)
