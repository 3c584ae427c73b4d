"""A first semantic model of a database, made from its schema for a person to edit.

Foreign keys become many-to-one relationships (one-to-one when the key is the whole primary key);
dates become time dimensions (a column whose name another table has too is named with its table's:
``orders_customer_id``); numeric columns that are neither keys nor codes become facts with a SUM
metric each; every table gets a row-count metric; text columns become dimensions, with their values
when there are few, one named like a label (``name``, ``title``) first: it names the table's rows.
Columns named like identifiers or codes (``*_id``, ``*_code``, ``*_no``), key columns, and integer
columns with few distinct values (a rating, a year) are never measures.

Example:
    >>> import sqlite3, tempfile, os
    >>> from nl2sql.connect import open_database
    >>> from nl2sql.schema import load_schema
    >>> path = os.path.join(tempfile.mkdtemp(), "shop.sqlite")
    >>> with sqlite3.connect(path) as con:
    ...     _ = con.executescript(
    ...         "CREATE TABLE customers (customer_id INTEGER PRIMARY KEY, segment TEXT);"
    ...         "CREATE TABLE orders (order_id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customers,"
    ...         " order_date TEXT, amount REAL);"
    ...         "INSERT INTO customers VALUES (1, 'SMB'), (2, 'Enterprise');"
    ...         "INSERT INTO orders VALUES (1, 1, '2025-01-02', 9.5), (2, 2, '2025-01-03', 20);")
    >>> database = open_database(path)
    >>> model = bootstrap_model(database, load_schema(database))
    >>> [m.name for m in model.metrics]
    ['customers_count', 'orders_count', 'total_amount']
    >>> {f.name: f.kind for f in model.table("orders").fields if f.kind != "dimension"}
    {'order_date': 'time_dimension', 'amount': 'fact'}
    >>> model.relationships[0].left_table, model.relationships[0].right_table
    ('orders', 'customers')
    >>> model.field("orders.customer_id").name  # both tables have the column: named with its table
    'orders_customer_id'

"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from sqlglot import exp

from explain.rules.types import column_kind
from nl2sql.connect import Database
from nl2sql.errors import ChatBIError
from nl2sql.execute import run_query
from nl2sql.schema import Column, Schema, Table
from nl2sql.semantic.model import Field, FieldKind, LogicalTable, Metric, Relationship, SemanticModel

CODE_NAME = re.compile(
    r"(^id$|_id$|^id_|code$|_no$|_num$|_key$|^key$|number$|zip|postal|phone)", re.IGNORECASE
)
FEW_DISTINCT = 24
"""An integer column with at most this many distinct values is a dimension (a rating, a year), not a fact."""
PROBE_ROWS = 100_000


def bootstrap_model(database: Database, schema: Schema, *, name: str | None = None) -> SemanticModel:
    """A semantic model of ``schema`` (the database is asked how many distinct values numbers have)."""
    seen = Counter(column.name.lower() for table in schema.tables for column in table.columns)
    shared = {name for name, tables in seen.items() if tables > 1}
    tables = tuple(_table(database, schema, table, shared) for table in schema.tables)
    relationships = tuple(
        Relationship(
            name=f"{table.name}_to_{fk.ref_table}" + (f"_{index}" if index else ""),
            left_table=table.name,
            right_table=fk.ref_table,
            columns=tuple(zip(fk.columns, fk.ref_columns, strict=True)),
            relationship_type="one_to_one" if set(fk.columns) == set(table.primary_key) else "many_to_one",
        )
        for table in schema.tables
        for index, fk in enumerate(table.foreign_keys)
        if schema.has_table(fk.ref_table) and fk.ref_table != table.name
    )
    return SemanticModel(name=name or schema.name, tables=tables, relationships=relationships)


def _table(database: Database, schema: Schema, table: Table, shared: set[str]) -> LogicalTable:
    """The logical table of ``table``; a column whose name ``shared`` says other tables use too is
    named with its table's (``channels_name``, called "name" as well), so that a query can name it."""
    keys = set(table.primary_key) | {c for fk in table.foreign_keys for c in fk.columns}
    dimensions, times, facts = [], [], []
    metrics = [
        Metric(
            name=f"{table.name}_count",
            expr="COUNT(*)",
            table=table.name,
            description=f"Number of rows in {table.name}.",
            synonyms=(f"number of {_words(table.name)}", f"{_words(table.name)} count"),
            format="count",
        )
    ]
    for column in table.columns:
        kind = column_kind(column)
        own = column.name.lower() not in shared
        field = Field(
            name=column.name if own else f"{table.name}_{column.name}",
            expr=column.name,
            table=table.name,
            data_type=column.type,
            description=column.comment or "",
            synonyms=_synonyms(column.name) if own else (column.name, *_synonyms(column.name)),
            sample_values=column.samples,
            is_enum=bool(column.samples),
        )
        if kind == "date":
            times.append(_replace_kind(field, "time_dimension"))
        elif kind in ("integer", "real") and _is_measure(database, table, column, keys, kind):
            facts.append(_replace_kind(field, "fact"))
            metrics.append(
                Metric(
                    name=(f"total_{column.name}" if own else f"total_{table.name}_{column.name}").lower(),
                    expr=f"SUM({column.name})",
                    table=table.name,
                    description=f"Sum of {table.name}.{column.name}.",
                    synonyms=(f"total {_words(column.name)}",),
                )
            )
        else:
            dimensions.append(field)
    return LogicalTable(
        name=table.name,
        base_table=table.name,
        primary_key=table.primary_key,
        description=table.comment or "",
        synonyms=_synonyms(table.name),
        dimensions=_label_first(dimensions, keys),
        time_dimensions=tuple(times),
        facts=tuple(facts),
        metrics=tuple(metrics),
    )


LABEL_NAME = re.compile(r"(?:^|_)(?:name|title)(?:$|_)", re.IGNORECASE)
"""A column that names its table's rows (``name``, ``product_name``, ``name_en``, ``title``)."""


def _label_first(dimensions: list[Field], keys: set[str]) -> tuple[Field, ...]:
    """``dimensions`` with the first one named like a label moved to the front: a table's first
    dimension is what its rows are called (a breakdown "by product" shows product names, not ids).

    Example:
        >>> fields = [Field("product_id", "product_id", "products"), Field("name", "name", "products")]
        >>> [f.name for f in _label_first(fields, {"product_id"})]
        ['name', 'product_id']
    """
    label = next((f for f in dimensions if LABEL_NAME.search(f.expr) and f.expr not in keys), None)
    return tuple([label, *(f for f in dimensions if f is not label)] if label else dimensions)


def _is_measure(database: Database, table: Table, column: Column, keys: set[str], kind: str) -> bool:
    if column.name in keys or CODE_NAME.search(column.name):
        return False
    if kind == "real":
        return True
    return _distinct_values(database, table.name, column.name) > FEW_DISTINCT


def _distinct_values(database: Database, table: str, column: str) -> int:
    sample = exp.select(exp.column(column)).from_(exp.to_table(table)).limit(PROBE_ROWS).subquery("sample")
    query = exp.select(exp.Count(this=exp.Distinct(expressions=[exp.column(column)]))).from_(sample)
    try:
        result = run_query(database, query.sql(dialect=database.dialect), max_rows=1, timeout_s=10)
    except ChatBIError:
        return 0
    return int(result.rows[0][0] or 0) if result.rows else 0


def _replace_kind(field: Field, kind: FieldKind) -> Field:
    return replace(field, kind=kind, is_enum=False if kind != "dimension" else field.is_enum)


def _words(name: str) -> str:
    """``total_amount`` → ``total amount``; ``OrderDate`` → ``order date``."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).replace("_", " ")
    return " ".join(spaced.lower().split())


def _synonyms(name: str) -> tuple[str, ...]:
    words = _words(name)
    return (words,) if words != name.lower() else ()
