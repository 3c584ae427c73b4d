"""Check a semantic model against its database: every table, column expression, filter, relationship,
metric and verified query must name what the database has, and run (read-only, returning no rows).

Example:
    >>> import sqlite3, tempfile, os
    >>> from nl2sql.connect import open_database
    >>> from nl2sql.schema import load_schema
    >>> from nl2sql.semantic.load import parse_model
    >>> path = os.path.join(tempfile.mkdtemp(), "s.sqlite")
    >>> sqlite3.connect(path).execute("CREATE TABLE t (a INTEGER)").connection.close()
    >>> model = parse_model("tables: [{name: t, facts: [{name: b}], metrics: [{name: n, expr: 'COUNT(*)'}]}]")
    >>> database = open_database(path)
    >>> check_model(model, database, load_schema(database))
    ['t.b: no such column: b']
"""

from __future__ import annotations

from datetime import date

import sqlglot
from sqlglot import exp

from nl2sql.connect import Database
from nl2sql.errors import ChatBIError
from nl2sql.execute import run_query
from nl2sql.schema import Schema
from nl2sql.semantic.compile import compile_query
from nl2sql.semantic.model import SemanticModel
from nl2sql.semantic.query import SemanticQuery, SemanticQueryError

CHECK_TIMEOUT_S = 20.0


def check_model(model: SemanticModel, database: Database, schema: Schema) -> list[str]:
    """What is wrong with ``model`` on ``database`` (empty when nothing is), one line per problem."""
    problems: list[str] = []
    for table in model.tables:
        physical = table.base_table.rpartition(".")[2]
        if not schema.has_table(physical):
            problems.append(f"table {table.name}: the database has no table {table.base_table}")
            continue
        for item in (*table.fields, *(f for f in table.filters if f.expr)):
            problem = _probe(database, [item.expr], table.base_table)
            if problem:
                problems.append(f"{table.name}.{item.name}: {problem}")
    for relationship in model.relationships:
        for side, columns in (
            (relationship.left_table, [a for a, _ in relationship.columns]),
            (relationship.right_table, [b for _, b in relationship.columns]),
        ):
            if not model.has_table(side):
                continue
            problem = _probe(database, columns, model.table(side).base_table)
            if problem:
                problems.append(f"relationship {relationship.name}: {problem}")
    for metric in model.metrics:
        try:
            compiled = compile_query(
                SemanticQuery(metrics=(metric.name,)), model, dialect=database.dialect, today=date.today()
            )
        except SemanticQueryError as error:
            problems.append(f"metric {metric.name}: {error}")
            continue
        wrapped = (
            exp.select("*")
            .from_(sqlglot.parse_one(compiled.sql, read=database.dialect).subquery("m"))
            .limit(0)
        )
        problem = _runs(database, wrapped.sql(dialect=database.dialect))
        if problem:
            problems.append(f"metric {metric.name}: {problem}")
    for verified in model.verified_queries:
        problem = _runs(database, verified.sql)
        if problem:
            problems.append(f"verified query {verified.question!r}: {problem}")
    return problems


def _probe(database: Database, expressions: list[str], table: str) -> str:
    """Whether ``SELECT expressions FROM table`` runs (on no rows)."""
    try:
        selected = [sqlglot.parse_one(text, read=database.dialect) for text in expressions]
    except sqlglot.errors.SqlglotError as error:
        return f"does not parse: {error}"
    query = exp.select(*selected).from_(exp.to_table(table, dialect=database.dialect)).where(exp.false())
    return _runs(database, query.sql(dialect=database.dialect))


def _runs(database: Database, sql: str) -> str:
    """Empty when ``sql`` runs (read-only, at most one row fetched), else the database's reason."""
    try:
        run_query(database, sql, max_rows=1, timeout_s=CHECK_TIMEOUT_S)
    except ChatBIError as error:
        return str(error).removeprefix("the database rejected the query: ")
    return ""
