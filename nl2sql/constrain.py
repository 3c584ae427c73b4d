"""Constrained decoding: while the model writes a table name (after FROM or JOIN), a column name
after ``alias.``, or a bare name where a column may stand (after SELECT, WHERE, BY, a comma, an
operator, …), only names that can exist may come out. A bare name may be any column of the schema, a
table, an alias or CTE the query defines, a short alias to come (``T1``), or a keyword or function of
the dialect; names that end in ``(`` or ``.`` (functions, qualifiers) and text inside quotes are left
alone.

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
    >>> rule.allows("SELECT nam"), rule.allows("SELECT name_text "), rule.allows("SELECT COUNT(")
    (True, False, True)
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from nl2sql.schema import Schema

TOP_K = 24
_TABLE_CONTEXT = re.compile(r"\b(?:FROM|JOIN)\s+([A-Za-z_]\w*)(\W?)$", re.IGNORECASE)
_COLUMN_CONTEXT = re.compile(r"\b([A-Za-z_]\w*)\.([A-Za-z_]\w*)(\W?)$")
_ALIAS = re.compile(r"\b(?:FROM|JOIN)\s+([A-Za-z_]\w*)(?:\s+(?:AS\s+)?([A-Za-z_]\w*))?", re.IGNORECASE)
_CTE = re.compile(r"\b([A-Za-z_]\w*)\s+AS\s*\(", re.IGNORECASE)
_NAME_NEXT = re.compile(r"(?:\b(?:FROM|JOIN)\s*|\b[A-Za-z_]\w*\.)$", re.IGNORECASE)
_BARE_TRIGGER = (
    r"(?:\b(?:SELECT|WHERE|AND|OR|ON|BY|HAVING|DISTINCT|NOT|WHEN|THEN|ELSE|CASE|BETWEEN)\b|[,(=<>+\-*/%|])"
)
_BARE_CONTEXT = re.compile(_BARE_TRIGGER + r"\s*([A-Za-z_]\w*)(\W?)$", re.IGNORECASE)
_BARE_NEXT = re.compile(_BARE_TRIGGER + r"\s*$", re.IGNORECASE)
_DEFINED_ALIAS = re.compile(r"\bAS\s+([A-Za-z_]\w*)", re.IGNORECASE)
_NEW_ALIAS = re.compile(r"\bAS\s+[A-Za-z_]\w*\W?$", re.IGNORECASE)
_SHORT_ALIAS = re.compile(r"[a-z]{1,3}\d{0,2}")
"""Aliases such as ``T1`` or ``oi`` are used in the SELECT list before the FROM clause that defines them."""
_MORE_FUNCTIONS = frozenset(
    [
        "julianday",
        "total",
        "printf",
        "unixepoch",
        "now",
        "date_part",
        "string_agg",
        "date_format",
        "curdate",
        "within",
        "listagg",
        "list_agg",
        "epoch",
        "age",
        "to_date",
        "to_timestamp",
        "to_char",
        "strftime",
        "interval",
        "dayname",
        "monthname",
        "weekday",
        "week",
        "quarter",
        "hour",
        "minute",
        "second",
        "ceiling",
        "floor",
        "power",
        "sqrt",
        "mod",
        "ln",
        "log",
        "exp",
        "sign",
        "greatest",
        "least",
        "median",
        "mode",
        "percentile_cont",
        "percentile_disc",
        "stddev",
        "variance",
        "regexp",
        "rlike",
        "format",
        "lpad",
        "rpad",
        "left",
        "right",
        "reverse",
        "position",
        "split_part",
        "array_agg",
        "count_if",
    ]
)
"""Functions of our dialects sqlglot's tables leave out; being lenient here only lets more through."""
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
        self.bare_names = self.all_columns | set(self.tables) | dialect_words(schema.dialect)

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
        match = _BARE_CONTEXT.search(sql)
        if match and not _inside_quotes(sql[: match.start(1)]) and not _NEW_ALIAS.search(sql):
            return self._bare_name_fits(match.group(1).lower(), match.group(2), sql)
        return True

    def _bare_name_fits(self, name: str, end: str, sql: str) -> bool:
        if end in {"(", "."} or (not end and _SHORT_ALIAS.fullmatch(name)):
            return True  # a function call, a qualifier, or (while written) an alias defined later
        defined = {m.group(1).lower() for m in _DEFINED_ALIAS.finditer(sql)}
        defined |= {m.group(2).lower() for m in _ALIAS.finditer(sql) if m.group(2)}
        return _fits(name, bool(end), self.bare_names | defined)

    def _table_of(self, qualifier: str, sql: str) -> Any:
        """The table ``qualifier`` stands for: its latest definition (set operations reuse T1, T2)."""
        for match in reversed(list(_ALIAS.finditer(sql))):
            table, alias = match.group(1).lower(), (match.group(2) or "").lower()
            if alias in _KEYWORDS:
                alias = ""
            if qualifier in {table, alias} and table in self.tables:
                return self.tables[table]
        return self.tables.get(qualifier)


@cache
def dialect_words(dialect: str) -> frozenset[str]:
    """Keywords and function names of ``dialect`` (lower case), as sqlglot knows them.

    Example:
        >>> {"count", "strftime", "select", "null"} <= dialect_words("sqlite")
        True
    """
    from sqlglot.dialects.dialect import Dialect

    try:
        known = Dialect.get_or_raise(dialect)
    except ValueError:
        known = Dialect.get_or_raise("")
    words = set(_MORE_FUNCTIONS) | {w.lower() for w in known.parser_class.FUNCTIONS}
    for keyword in known.tokenizer_class.KEYWORDS:
        words.update(part.lower() for part in keyword.split() if part.replace("_", "").isalnum())
    return frozenset(words)


def _inside_quotes(sql: str) -> bool:
    """Whether ``sql`` ends inside a quoted string or identifier."""
    return any(sql.count(quote) % 2 for quote in ("'", '"', "`")) or sql.count("[") > sql.count("]")


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
    allowed = [i for i in order if _keeps_names(rule, sql, decode(i))]
    if not allowed or allowed[0] == order[0]:
        return scores
    for index in order:
        if index not in allowed:
            scores[index] = -float("inf")
    return scores


def _keeps_names(rule: NameRule, sql: str, piece: str) -> bool:
    """Whether adding ``piece`` keeps every name possible, including the one it ends (``" WHERE"``
    after ``FROM singers`` ends a table name that does not exist)."""
    ends_a_name = piece[:1] and not (piece[0].isalnum() or piece[0] == "_")
    if ends_a_name and not rule.allows(sql + piece[0]):
        return False
    return rule.allows(sql + piece)


def _in_name(sql: str) -> bool:
    """Whether the next token may start or continue a table or column name."""
    return bool(
        _TABLE_CONTEXT.search(sql)
        or _COLUMN_CONTEXT.search(sql)
        or _NAME_NEXT.search(sql)
        or _BARE_CONTEXT.search(sql)
        or _BARE_NEXT.search(sql)
    )


def _top_indices(scores: Any, k: int) -> list[int]:
    if hasattr(scores, "topk"):  # a torch tensor (transformers); llama.cpp hands over numpy arrays
        return scores.topk(k).indices.tolist()
    import numpy as np

    scores = np.asarray(scores)
    top = np.argpartition(-scores, k)[:k]
    return [int(i) for i in top[np.argsort(-scores[top])]]


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
