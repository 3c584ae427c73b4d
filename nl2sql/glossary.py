"""Business terms of a database: what "GMV", "active customer" or "华北" mean, with the SQL they stand for.

A glossary is a YAML file per database::

    terms:
      - name: revenue
        aliases: [sales, GMV, 销售额]
        definition: Order value of orders that were not cancelled.
        sql: SUM(CASE WHEN orders.status <> 'cancelled' THEN orders.total_amount END)

The entries a question mentions (by name or alias, whole words in Latin script, substrings in
Chinese) go into the prompt, and the explanation names the term a query uses.

The glossary is part of a database's semantic model (its ``x_terms``, see :mod:`nl2sql.semantic`); a
glossary file of its own still loads: beside a database file ``X.sqlite`` as ``X.glossary.yaml``,
otherwise ``<data dir>/glossaries/<name>.yaml``, or any file named explicitly.

Example:
    >>> glossary = parse_glossary('''
    ... terms:
    ...   - name: active customer
    ...     aliases: [活跃客户]
    ...     definition: A customer with an order in the last 90 days.
    ...     sql: customers.customer_id IN (SELECT customer_id FROM orders
    ...          WHERE order_date >= DATE('now', '-90 day'))
    ... ''')
    >>> [t.name for t in glossary.relevant("How many active customers are in East China?")]
    ['active customer']
    >>> [t.name for t in glossary.relevant("华东有多少活跃客户？")]
    ['active customer']
    >>> glossary.relevant("How many customers?")
    []
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from nl2sql.errors import ChatBIError
from nl2sql.paths import data_dir

if TYPE_CHECKING:
    from nl2sql.connect import Database

MAX_PROMPT_TERMS = 6
"""At most this many glossary entries go into one prompt."""
_CJK = re.compile(r"[\u3400-\u9fff]")


class GlossaryError(ChatBIError):
    """A glossary file that cannot be read or does not have the expected shape."""


@dataclass(frozen=True)
class Term:
    """One business term and what it means in this database."""

    name: str
    definition: str
    sql: str | None = None
    """The SQL expression or condition the term stands for, written against this database's tables."""
    aliases: tuple[str, ...] = ()

    @cached_property
    def _patterns(self) -> tuple[re.Pattern[str], ...]:
        patterns = []
        for word in (self.name, *self.aliases):
            word = word.strip()
            if not word:
                continue
            escaped = re.escape(word.lower()).replace(r"\ ", r"[\s_-]+")
            patterns.append(re.compile(escaped if _CJK.search(word) else rf"\b{escaped}(?:s|es)?\b"))
        return tuple(patterns)

    def mentioned_in(self, question: str) -> bool:
        """Whether ``question`` names this term or one of its aliases."""
        lowered = question.lower()
        return any(pattern.search(lowered) for pattern in self._patterns)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "aliases": list(self.aliases),
            "definition": self.definition,
            "sql": self.sql,
        }


@dataclass(frozen=True)
class Glossary:
    terms: tuple[Term, ...] = ()
    path: Path | None = field(default=None, compare=False)

    def relevant(self, question: str, limit: int = MAX_PROMPT_TERMS) -> list[Term]:
        """The terms ``question`` mentions, in glossary order, at most ``limit``."""
        return [term for term in self.terms if term.mentioned_in(question)][:limit]

    def to_text(self) -> str:
        """A readable listing, one term per paragraph."""
        if not self.terms:
            return "(the glossary is empty)"
        blocks = []
        for term in self.terms:
            names = term.name + (f" ({', '.join(term.aliases)})" if term.aliases else "")
            blocks.append(f"{names}: {term.definition}" + (f"\n    SQL: {term.sql}" if term.sql else ""))
        return "\n".join(blocks)


def parse_glossary(text: str, path: Path | None = None) -> Glossary:
    """A glossary from YAML text; :class:`GlossaryError` names what is wrong with it."""
    where = f" in {path}" if path else ""
    try:
        document = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        raise GlossaryError(f"the glossary{where} is not valid YAML: {error}") from error
    entries = document.get("terms") if isinstance(document, dict) else None
    if entries is None:
        entries = []
    if not isinstance(entries, list):
        raise GlossaryError(f"the glossary{where} needs a list under 'terms:'")
    terms = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not entry.get("name") or not entry.get("definition"):
            raise GlossaryError(f"glossary entry {number}{where} needs at least a name and a definition")
        aliases = entry.get("aliases") or []
        if isinstance(aliases, str):
            aliases = [aliases]
        terms.append(
            Term(
                name=str(entry["name"]).strip(),
                definition=" ".join(str(entry["definition"]).split()),
                sql=" ".join(str(entry["sql"]).split()) if entry.get("sql") else None,
                aliases=tuple(str(a).strip() for a in aliases),
            )
        )
    return Glossary(tuple(terms), path)


def load_glossary(path: str | Path) -> Glossary:
    """The glossary in the YAML file at ``path``; an empty glossary when the file does not exist."""
    path = Path(path).expanduser()
    if not path.is_file():
        return Glossary((), path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise GlossaryError(f"cannot read the glossary {path}: {error.strerror}") from error
    return parse_glossary(text, path)


def glossary_path(database: Database) -> Path:
    """Where a glossary file of ``database`` is looked for when none is named: ``X.glossary.yaml`` beside
    a database file, ``<data dir>/glossaries/<name>.yaml`` for servers. The demo's terms live in its
    semantic model."""
    file = database.file
    if file is not None:
        return file.with_name(f"{file.stem}.glossary.yaml")
    return data_dir() / "glossaries" / f"{database.name}.yaml"


def database_glossary(database: Database, path: str | Path | None = None) -> Glossary:
    """The business terms of ``database``: those of the file at ``path`` when given (a glossary or a
    semantic model), else those of its semantic model (``x_terms``) and of a glossary file at the default
    place, the semantic model's first when both name a term."""
    from nl2sql.semantic.load import SemanticModelError, parse_model
    from nl2sql.semantic.locate import database_semantic_model

    if path is not None:
        found = Path(path).expanduser()
        text = found.read_text(encoding="utf-8") if found.is_file() else ""
        if _is_semantic_model(text):
            try:
                return Glossary(parse_model(text, source=str(found)).terms, found)
            except SemanticModelError as error:
                raise GlossaryError(str(error)) from error
        return load_glossary(found)
    try:
        model = database_semantic_model(database)
    except SemanticModelError as error:
        raise GlossaryError(str(error)) from error
    legacy = load_glossary(glossary_path(database))
    terms = list(model.terms) if model else []
    named = {term.name.lower() for term in terms}
    terms += [term for term in legacy.terms if term.name.lower() not in named]
    source = Path(model.source) if model and model.terms and model.source else legacy.path
    return Glossary(tuple(terms), source)


def _is_semantic_model(text: str) -> bool:
    """Whether YAML text is a semantic model (it has tables or x_terms), not a plain glossary."""
    return bool(re.search(r"^(?:tables|x_terms)\s*:", text, re.MULTILINE))
