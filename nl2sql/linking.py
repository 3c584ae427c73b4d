"""Schema linking: keep the tables a question needs when the whole schema would not fit the prompt.

Each table is scored by how well the question matches it: word overlap with table and column names
(split at ``_`` and camelCase), the cosine similarity of MiniLM embeddings of the question and of each
column ("table column: description"), and question words that are known values of a column (a strong
signal: "华北" is a value of ``regions.name_zh``). Tables are then taken best first while the rendered
schema stays within a token budget, and tables that join two kept tables through foreign keys are
added so the joins can still be written. A schema that fits is left whole.

Example:
    >>> from nl2sql.schema import Column, ForeignKey, Schema, Table
    >>> schema = Schema("sqlite", (
    ...     Table("singer", (Column("singer_id", "INT"), Column("name", "TEXT"), Column("country", "TEXT"))),
    ...     Table("stadium", (Column("stadium_id", "INT"), Column("capacity", "INT"))),
    ... ))
    >>> link_schema(schema, "Which country has the most singers?", budget_tokens=20, embeddings=False).tables
    ['singer']
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from nl2sql.prompt import render_schema
from nl2sql.schema import Schema, Table

DEFAULT_BUDGET_TOKENS = 1500
CHARS_PER_TOKEN = 4.0
"""Rendered schemas run at about 4.15 characters per token with Qwen's tokenizer (measured on the demo
schema: 4 912 characters, 1 183 tokens); 4.0 errs a little on the safe side."""

_WORD = re.compile(r"[A-Za-z]+|\d+|[\u4e00-\u9fff]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
STOPWORDS = frozenset(
    {
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "for",
        "to",
        "by",
        "with",
        "and",
        "or",
        "is",
        "are",
        "was",
        "were",
        "be",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "how",
        "many",
        "much",
        "show",
        "list",
        "give",
        "find",
        "all",
        "each",
        "every",
        "per",
        "me",
        "their",
        "its",
        "that",
        "this",
        "those",
        "these",
        "there",
        "than",
        "from",
        "as",
        "at",
        "do",
        "does",
        "did",
        "have",
        "has",
        "number",
        "count",
    }
)


@dataclass
class Linking:
    """Which tables made it into the prompt, and why."""

    tables: list[str]
    scores: dict[str, float] = field(default_factory=dict)
    pruned: bool = False
    """False when the whole schema fitted and nothing was left out."""
    estimated_tokens: int = 0

    def schema(self, schema: Schema) -> Schema:
        """``schema`` with only the kept tables, in their original order."""
        keep = {name.lower() for name in self.tables}
        return Schema(schema.dialect, tuple(t for t in schema.tables if t.name.lower() in keep), schema.name)


def pruned_schema_text(
    schema: Schema,
    question: str,
    *,
    budget_tokens: int = DEFAULT_BUDGET_TOKENS,
    keep: Iterable[str] = (),
    embeddings: bool = True,
    samples: bool = True,
) -> str | None:
    """The schema a prompt shows for ``question`` when the whole one is over ``budget_tokens``: the
    tables :func:`link_schema` keeps, and those named in ``keep`` (a training prompt keeps the tables
    its answer reads, :func:`tables_read`); None when the whole schema fits.

    Example:
        >>> from nl2sql.schema import Column
        >>> small = Schema("sqlite", (Table("singer", (Column("name", "TEXT"),)),))
        >>> pruned_schema_text(small, "How many singers?") is None
        True
    """
    linking = link_schema(
        schema, question, budget_tokens=budget_tokens, embeddings=embeddings, samples=samples
    )
    if not linking.pruned:
        return None
    return render_schema(Linking([*linking.tables, *keep]).schema(schema), samples=samples)


def tables_read(sql: str, dialect: str = "sqlite") -> set[str]:
    """Lower-cased names of the tables a query reads (CTEs excluded); none when it does not parse.

    Example:
        >>> sorted(tables_read("WITH t AS (SELECT a FROM x) SELECT * FROM t JOIN y ON t.a = y.a"))
        ['x', 'y']
    """
    try:
        tree = sqlglot.parse_one(sql, read=dialect)
    except SqlglotError:
        return set()
    local = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
    return {t.name.lower() for t in tree.find_all(exp.Table) if t.name and t.name.lower() not in local}


def estimate_tokens(text: str) -> int:
    return int(len(text) / CHARS_PER_TOKEN) + 1


def link_schema(
    schema: Schema,
    question: str,
    *,
    budget_tokens: int = DEFAULT_BUDGET_TOKENS,
    embeddings: bool = True,
    samples: bool = True,
) -> Linking:
    """Choose the tables of ``schema`` to show for ``question`` within ``budget_tokens``."""
    whole = estimate_tokens(render_schema(schema, samples=samples))
    if whole <= budget_tokens:
        return Linking([t.name for t in schema.tables], pruned=False, estimated_tokens=whole)
    scores = score_tables(schema, question, embeddings=embeddings)
    ranked = sorted(schema.tables, key=lambda t: -scores[t.name])
    if scores[ranked[0].name] > 0:
        ranked = [t for t in ranked if scores[t.name] > 0]  # tables nothing points at stay out
    kept: list[Table] = []
    used = 0
    for table in ranked:
        cost = estimate_tokens(render_schema(Schema(schema.dialect, (table,)), samples=samples))
        if kept and used + cost > budget_tokens:
            continue
        kept.append(table)
        used += cost
    names = _with_bridges(schema, [t.name for t in kept])
    total = estimate_tokens(render_schema(Linking(names).schema(schema), samples=samples))
    return Linking(names, scores, pruned=len(names) < len(schema.tables), estimated_tokens=total)


def score_tables(schema: Schema, question: str, *, embeddings: bool = True) -> dict[str, float]:
    """A relevance score per table (higher is more relevant)."""
    words = _words(question)
    lowered = question.lower()
    similarity = _embedding_scores(schema, question) if embeddings else {}
    scores = {}
    for table in schema.tables:
        best = _overlap(words, _words(table.name)) * 1.5
        for column in table.columns:
            name_score = _overlap(words, _words(column.name))
            if column.comment:
                name_score = max(name_score, 0.5 * _overlap(words, _words(column.comment)) ** 0.5)
            value_score = 2.0 if any(len(v) > 1 and v.lower() in lowered for v in column.samples) else 0.0
            semantic = similarity.get((table.name, column.name), 0.0)
            best = max(best, name_score + value_score + semantic)
        scores[table.name] = round(best + similarity.get((table.name, ""), 0.0), 4)
    return scores


def _words(text: str) -> set[str]:
    parts = _CAMEL.sub(" ", text).replace("_", " ")
    words = set()
    for word in _WORD.findall(parts):
        word = word.lower()
        if word in STOPWORDS:
            continue
        words.add(word[:-1] if len(word) > 3 and word.endswith("s") else word)
    return words


def _overlap(question: set[str], name: set[str]) -> float:
    return len(question & name) / len(name) if name else 0.0


def _embedding_scores(schema: Schema, question: str) -> dict[tuple[str, str], float]:
    from nl2sql.embed import Embedder

    keys: list[tuple[str, str]] = []
    texts: list[str] = []
    for table in schema.tables:
        keys.append((table.name, ""))
        texts.append(f"{_spaced(table.name)}: {table.comment or ''}")
        for column in table.columns:
            keys.append((table.name, column.name))
            texts.append(f"{_spaced(table.name)} {_spaced(column.name)}: {column.comment or ''}")
    embedder = Embedder.load()
    vectors = _cached_vectors(embedder, schema, texts)
    query = embedder.encode([question])[0]
    return {key: float(vector @ query) for key, vector in zip(keys, vectors, strict=True)}


_vector_cache: dict[str, Any] = {}


def _cached_vectors(embedder: Any, schema: Schema, texts: list[str]) -> Any:
    key = schema.fingerprint + str(len(texts))
    if key not in _vector_cache:
        _vector_cache[key] = embedder.encode(texts)
    return _vector_cache[key]


def _spaced(name: str) -> str:
    return _CAMEL.sub(" ", name).replace("_", " ").lower()


def _with_bridges(schema: Schema, names: list[str]) -> list[str]:
    """Add the tables on the shortest foreign-key paths between kept tables."""
    graph: dict[str, set[str]] = {t.name: set() for t in schema.tables}
    for table in schema.tables:
        for fk in table.foreign_keys:
            if schema.has_table(fk.ref_table):
                ref = schema.table(fk.ref_table).name
                graph[table.name].add(ref)
                graph[ref].add(table.name)
    kept = list(dict.fromkeys(names))
    for index, start in enumerate(names):
        for goal in names[index + 1 :]:
            for step in _path(graph, start, goal):
                if step not in kept:
                    kept.append(step)
    return kept


def _path(graph: dict[str, set[str]], start: str, goal: str) -> list[str]:
    previous: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            path = []
            while node is not None:
                path.append(node)
                node = previous[node]
            return path[::-1]
        for neighbour in sorted(graph[node]):
            if neighbour not in previous:
                previous[neighbour] = node
                queue.append(neighbour)
    return []
