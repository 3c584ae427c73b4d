"""Business terms of a database: what "GMV", "active customer" or "华北" mean, with the SQL they stand for.

A glossary is a YAML file per database::

    terms:
      - name: revenue
        aliases: [sales, GMV, 销售额]
        definition: Order value of orders that were not cancelled.
        sql: SUM(CASE WHEN orders.status <> 'cancelled' THEN orders.total_amount END)

The entries a question mentions (by name or alias, whole words in Latin script, substrings in
Chinese) go into the prompt, and the explanation names the term a query uses.

Where it lives, unless given explicitly: beside a database file ``X.sqlite`` as ``X.glossary.yaml``;
for the demo database, the one shipped with ChatBI; otherwise ``<data dir>/glossaries/<name>.yaml``.

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
from importlib import resources
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
    """Where the glossary of ``database`` is looked for when none is named (see the module docstring)."""
    from nl2sql.demo import demo_database_path

    file = database.file
    if file is not None:
        beside = file.with_name(f"{file.stem}.glossary.yaml")
        if beside.is_file() or file.resolve() != demo_database_path().resolve():
            return beside
        return Path(str(resources.files("nl2sql.demo").joinpath("glossary.yaml")))
    return data_dir() / "glossaries" / f"{database.name}.yaml"


def database_glossary(database: Database, path: str | Path | None = None) -> Glossary:
    """The glossary of ``database``: the file at ``path`` when given, else the default place."""
    return load_glossary(path if path is not None else glossary_path(database))
