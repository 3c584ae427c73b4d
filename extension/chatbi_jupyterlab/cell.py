"""The code cell that "Insert into notebook" adds: the answer's SQL run read-only on the same database into
a DataFrame, and its chart drawn from that DataFrame. It reproduces the result, not the question: the model
is not deterministic, the SQL is.

The cell names the database as the server's ``ChatBI.connections`` does, except a password: a URL with
one is read from an environment variable of the kernel instead (``CHATBI_URL_<NAME>``).

Example:
    >>> print(cell_source(sql="SELECT 1 AS one", spec="demo", name="demo", question="One?", chart_kind="bar"))
    # ChatBI: One?
    from nl2sql.connect import open_database
    from nl2sql.execute import run_query
    from chatbi_jupyterlab.notebook.chart import choice_for
    from chatbi_jupyterlab.notebook.figure import build_figure
    <BLANKLINE>
    database = open_database("demo")  # connection "demo"
    sql = \"\"\"
    SELECT 1 AS one
    \"\"\"
    df = run_query(database, sql).to_frame()  # read-only, as the panel ran it
    display(df)
    build_figure(df, choice_for(df, "bar", "One?"))
"""

from __future__ import annotations

import json
import re

from chatbi_jupyterlab.errors import url_variants


def cell_source(*, sql: str, spec: str, name: str, question: str, chart_kind: str | None) -> str:
    """The Python source of a cell that runs ``sql`` on connection ``name`` (configured as ``spec``) and
    draws it as a ``chart_kind`` chart, the one the panel shows (none for None or ``table``)."""
    chart = chart_kind not in (None, "table")
    heading = " ".join(question.split())
    lines = [
        f"# ChatBI: {heading}",
        *(["import os"] if _password_in(spec) else []),
        "from nl2sql.connect import open_database",
        "from nl2sql.execute import run_query",
        *(["from chatbi_jupyterlab.notebook.chart import choice_for"] if chart else []),
        *(["from chatbi_jupyterlab.notebook.figure import build_figure"] if chart else []),
        "",
        f"database = open_database({_database_argument(spec, name)})  # connection {json.dumps(name)}",
        f"sql = {_string_literal(sql.strip())}",
        "df = run_query(database, sql).to_frame()  # read-only, as the panel ran it",
    ]
    if chart:
        arguments = f"df, {json.dumps(chart_kind)}, {json.dumps(question, ensure_ascii=False)}"
        lines += ["display(df)", f"build_figure(df, choice_for({arguments}))"]
    else:
        lines.append("df")
    return "\n".join(lines)


def environment_variable(name: str) -> str:
    """Where the cell reads the URL of connection ``name`` when it has a password.

    Example:
        >>> environment_variable("sales db")
        'CHATBI_URL_SALES_DB'
    """
    return "CHATBI_URL_" + re.sub(r"[^A-Z0-9]+", "_", name.upper()).strip("_")


def _password_in(spec: str) -> bool:
    """Whether ``spec`` is a URL with a password (SQLAlchemy writes it differently when hiding it)."""
    variants = url_variants(spec)
    return len(variants) > 1 and any("***" in variant for variant in variants)


def _database_argument(spec: str, name: str) -> str:
    if _password_in(spec):
        return f"os.environ[{json.dumps(environment_variable(name))}]"
    return json.dumps(spec, ensure_ascii=False)


def _string_literal(text: str) -> str:
    """``text`` as a Python literal: triple-quoted when that reads it back unchanged.

    Example:
        >>> _string_literal('SELECT "a\\\\b"')
        '\\'SELECT "a\\\\\\\\b"\\''
    """
    if '"""' not in text and "\\" not in text and not text.endswith('"'):
        return f'"""\n{text}\n"""'
    return repr(text)
