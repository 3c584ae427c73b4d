"""Value matching: literals the column never holds become the one value it holds (case, spaces, typo)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from nl2sql.connect import open_database
from nl2sql.schema import load_schema
from nl2sql.values import match_values

CITIES = [f"City {n}" for n in range(30)] + ["Paris", "PARIS", "New York", " Lima "]


@pytest.fixture(scope="module")
def geo(tmp_path_factory: pytest.TempPathFactory):
    path = Path(tmp_path_factory.mktemp("values")) / "geo.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE place (id INTEGER PRIMARY KEY, city TEXT, continent TEXT, pop INT)")
        continents = ["Asia", "Europe", "North America"]
        connection.executemany(
            "INSERT INTO place (city, continent, pop) VALUES (?, ?, ?)",
            [(city, continents[n % 3], n) for n, city in enumerate(CITIES)],
        )
    database = open_database(path)
    return database, load_schema(database)


@pytest.mark.parametrize(
    ("sql", "expected", "changes"),
    [
        # known values (few distinct: listed as samples in the schema)
        ("SELECT city FROM place WHERE continent = 'asia'", "continent = 'Asia'", 1),
        ("SELECT city FROM place WHERE continent = 'north  america'", "continent = 'North America'", 1),
        ("SELECT city FROM place WHERE continent = 'Eurpoe'", "continent = 'Europe'", 1),
        ("SELECT city FROM place WHERE continent IN ('asia', 'Europe')", "IN ('Asia', 'Europe')", 1),
        ("SELECT city FROM place WHERE 'asia' = continent", "'Asia' = continent", 1),
        # many distinct values: the database is asked
        ("SELECT pop FROM place WHERE city = 'new york'", "city = 'New York'", 1),
        ("SELECT pop FROM place WHERE city = ' city  7 '", "city = 'City 7'", 1),
        ("SELECT pop FROM place WHERE city = 'Lima'", "city = 'Lima'", 0),  # stored as ' Lima ': not meant
        # left alone: exact, ambiguous, unknown, not text, not a comparison of a column
        ("SELECT pop FROM place WHERE city = 'New York'", "city = 'New York'", 0),
        ("SELECT pop FROM place WHERE city = 'paris'", "city = 'paris'", 0),
        ("SELECT pop FROM place WHERE city = 'Atlantis'", "city = 'Atlantis'", 0),
        ("SELECT city FROM place WHERE continent LIKE 'asia%'", "LIKE 'asia%'", 0),
        ("SELECT city FROM place WHERE pop = '7'", "pop = '7'", 0),
        ("SELECT city FROM place WHERE continent = 'Antarctica'", "continent = 'Antarctica'", 0),
    ],
)
def test_match_values(geo, sql: str, expected: str, changes: int) -> None:
    database, schema = geo
    matched = match_values(sql, database, schema)
    assert expected in matched.sql
    assert len(matched.changes) == changes
    if not changes:
        assert matched.sql == sql  # untouched text, not a regenerated one


def test_unparsable_sql_is_left_alone(geo) -> None:
    database, schema = geo
    assert match_values("SELECT FROM WHERE", database, schema).sql == "SELECT FROM WHERE"
