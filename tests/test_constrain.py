"""Constrained decoding: which partial SQL keeps its names possible, and the masking of scores."""

from __future__ import annotations

import pytest
import torch

from nl2sql.constrain import NameRule, constrain_scores, sql_so_far
from nl2sql.schema import Column, Schema, Table

SCHEMA = Schema(
    "sqlite",
    (
        Table("singer", (Column("singer_id", "INT"), Column("name", "TEXT"), Column("age", "INT"))),
        Table("concert", (Column("concert_id", "INT"), Column("singer_id", "INT"), Column("year", "INT"))),
    ),
)


@pytest.mark.parametrize(
    ("sql", "allowed"),
    [
        ("SELECT COUNT(*) FROM sin", True),
        ("SELECT COUNT(*) FROM singer ", True),
        ("SELECT COUNT(*) FROM singers ", False),
        ("SELECT COUNT(*) FROM performer", False),
        ("SELECT * FROM singer AS T1 JOIN conc", True),
        ("SELECT * FROM singer AS T1 JOIN concerts", False),  # no table name starts like this
        ("SELECT * FROM singer AS T1 WHERE T1.ag", True),
        ("SELECT * FROM singer AS T1 WHERE T1.year ", False),
        ("SELECT * FROM singer AS T1 JOIN concert AS T2 ON T2.year ", True),
        ("WITH big AS (SELECT 1) SELECT * FROM big ", True),
        ("SELECT x.anything FROM (SELECT 1) AS x WHERE x.foo ", True),
    ],
)
def test_name_rule(sql: str, allowed: bool) -> None:
    assert NameRule(SCHEMA).allows(sql) is allowed


def test_sql_so_far() -> None:
    assert sql_so_far("Here:\n```sql\nSELECT 1 FROM t") == "SELECT 1 FROM t"
    assert sql_so_far("no code yet") is None
    assert sql_so_far("```sql\nSELECT 1\n```") is None


def test_scores_of_impossible_names_are_masked() -> None:
    pieces = {0: " singers", 1: " singer", 2: " stadium", 3: ","}
    scores = torch.tensor([5.0, 4.0, 3.0, 1.0])
    constrain_scores(scores, "```sql\nSELECT name FROM", pieces.__getitem__, NameRule(SCHEMA), top_k=4)
    assert torch.argmax(scores).item() == 1
    assert scores[0] == -float("inf") and scores[2] == -float("inf")


def test_scores_outside_names_are_untouched() -> None:
    scores = torch.tensor([5.0, 4.0])
    constrain_scores(
        scores, "```sql\nSELECT name", {0: " FROM", 1: ","}.__getitem__, NameRule(SCHEMA), top_k=2
    )
    assert scores.tolist() == [5.0, 4.0]
