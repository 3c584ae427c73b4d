"""Question/SQL data sets for training and evaluation: Spider, BIRD, and plain JSONL.

Each loader returns :class:`TextToSQLExample` records pointing at the database file each question
is about. Data set files stay where they are (never copied into the project).

Spec strings name a data set in one argument (the CLI's ``--data``):
``spider:DIR`` (train split), ``spider:DIR:dev``, ``bird:DIR:dev``, a ``.jsonl`` path, or ``demo``
(the demo questions on the demo database).

Example:
    >>> import json, tempfile, os
    >>> folder = tempfile.mkdtemp()
    >>> path = os.path.join(folder, "pairs.jsonl")
    >>> with open(path, "w") as f:
    ...     _ = f.write(json.dumps({"db": "shop.sqlite", "question": "How many?", "sql": "SELECT 1"}) + "\\n")
    >>> [(e.question, e.db_path.name) for e in load_examples(path)]
    [('How many?', 'shop.sqlite')]
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from feedback.errors import DatasetError

T = TypeVar("T")

SPIDER_TRAIN_FILES = ("train_spider_from_spidersyn.json", "train_spider.json")


@dataclass(frozen=True)
class TextToSQLExample:
    db_id: str
    question: str
    sql: str
    db_path: Path
    hardness: str | None = None
    """Spider's difficulty class (easy, medium, hard, extra) where the data set allows computing it."""
    evidence: str | None = None
    """BIRD's hint for the question (domain knowledge), shown with the question."""

    @property
    def available(self) -> bool:
        """Whether the database file is there (Spider ships without a few of its databases)."""
        return self.db_path.is_file()


def load_examples(spec: str | Path) -> list[TextToSQLExample]:
    """Load a data set named by ``spec`` (see the module docstring)."""
    text = str(spec)
    if text == "demo":
        return load_demo()
    kind, _, rest = text.partition(":")
    if kind in {"spider", "bird"} and rest:
        root, _, split = rest.partition(":")
        loader = load_spider if kind == "spider" else load_bird
        return loader(Path(root).expanduser(), split or ("train" if kind == "spider" else "dev"))
    path = Path(text).expanduser()
    if path.suffix == ".jsonl":
        return load_jsonl(path)
    if path.is_dir() and (path / "tables.json").is_file():
        return load_spider(path, "train")
    raise DatasetError(
        f"cannot tell what data set {text} is: use spider:DIR[:split], bird:DIR[:split] or FILE.jsonl"
    )


def load_demo() -> list[TextToSQLExample]:
    """The demo questions (English and Chinese) on the demo database, built if needed."""
    from nl2sql.demo import ensure_demo_database, load_demo_questions

    path = ensure_demo_database()
    return [
        TextToSQLExample(db_id="demo", question=q.question, sql=q.sql, db_path=path, hardness=q.difficulty)
        for q in load_demo_questions()
    ]


def load_spider(root: Path, split: str = "dev") -> list[TextToSQLExample]:
    """Spider's ``dev`` or ``train`` questions, databases under ``root/database/<db>/<db>.sqlite``."""
    from feedback.hardness import spider_hardness

    if split == "train":
        names = [n for n in SPIDER_TRAIN_FILES if (root / n).is_file()]
        if not names:
            raise DatasetError(f"no Spider training file in {root} (expected {SPIDER_TRAIN_FILES[0]})")
        path = root / names[0]
    else:
        path = root / f"{split}.json"
    records = _read_json(path)
    return [
        TextToSQLExample(
            db_id=r["db_id"],
            question=r["question"],
            sql=r["query"],
            db_path=root / "database" / r["db_id"] / f"{r['db_id']}.sqlite",
            hardness=spider_hardness(r["sql"]) if isinstance(r.get("sql"), dict) else None,
        )
        for r in records
    ]


def load_bird(root: Path, split: str = "dev") -> list[TextToSQLExample]:
    """BIRD's questions (with their ``evidence``), databases under ``<split>_databases/<db>/<db>.sqlite``."""
    records = _read_json(root / f"{split}.json")
    databases = root / f"{split}_databases"
    return [
        TextToSQLExample(
            db_id=r["db_id"],
            question=r["question"],
            sql=r.get("SQL") or r.get("query") or "",
            db_path=databases / r["db_id"] / f"{r['db_id']}.sqlite",
            hardness=r.get("difficulty"),
            evidence=r.get("evidence") or None,
        )
        for r in records
    ]


def load_jsonl(path: Path) -> list[TextToSQLExample]:
    """Lines of ``{"db": PATH, "question": ..., "sql": ...}``; relative paths are from the file's folder."""
    if not path.is_file():
        raise DatasetError(f"no such data file: {path}")
    examples = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record: dict[str, Any] = json.loads(line)
            db = Path(record["db"]).expanduser()
            examples.append(
                TextToSQLExample(
                    db_id=record.get("db_id") or db.stem,
                    question=record["question"],
                    sql=record["sql"],
                    db_path=db if db.is_absolute() else path.parent / db,
                    hardness=record.get("hardness"),
                    evidence=record.get("evidence"),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            raise DatasetError(
                f"{path}:{number}: expected a JSON object with db, question and sql"
            ) from error
    return examples


def write_jsonl(path: Path, examples: Sequence[TextToSQLExample]) -> None:
    """Write ``examples`` as :func:`load_jsonl` reads them (database paths absolute).

    Example:
        >>> import tempfile
        >>> path = Path(tempfile.mkdtemp()) / "pairs.jsonl"
        >>> write_jsonl(path, [TextToSQLExample("shop", "How many?", "SELECT 1", Path("/data/shop.sqlite"))])
        >>> [(e.db_id, e.question) for e in load_jsonl(path)]
        [('shop', 'How many?')]
    """
    records = [
        {"db": str(e.db_path.resolve()), "db_id": e.db_id, "question": e.question, "sql": e.sql}
        for e in examples
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


def seeded_shuffle(items: Sequence[T], seed: int) -> list[T]:
    """A copy of ``items`` in an order fixed by ``seed`` (the same on every machine).

    Example:
        >>> seeded_shuffle([1, 2, 3, 4], seed=0)
        [3, 1, 2, 4]
    """
    shuffled = list(items)
    random.Random(seed).shuffle(shuffled)
    return shuffled


def examples_hash(examples: list[TextToSQLExample]) -> str:
    """sha256 over the (db, question, sql) triples: which data a model was trained on."""
    digest = hashlib.sha256()
    for example in examples:
        digest.update(json.dumps([example.db_id, example.question, example.sql]).encode())
    return digest.hexdigest()


def _read_json(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise DatasetError(f"no such data file: {path}")
    return json.loads(path.read_text(encoding="utf-8"))
