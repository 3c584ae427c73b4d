"""The functions a query may call, one list per dialect: deny by default.

A query runs only when every function it calls is on its dialect's list, a data file next to this
module: ``sqlite.txt``, ``duckdb.txt``, ``postgres.txt`` and ``mysql.txt`` (MariaDB). A function
belongs on a list when it computes its result from its arguments and reads or changes nothing
else: aggregates, window functions, math, strings, dates and times (reading the clock is fine),
conditionals and NULL handling, type conversion, JSON read from a value. Everything else is
refused, functions nobody has reviewed included: files, network, programs, large objects, locks,
notifications, settings (``current_setting`` too: server settings are not business data),
sequences, sleeps, administration, extensions, and SQL hidden in strings (``query_to_xml``). The
well-known dangerous ones are refused with their reason
(:data:`explain.statement.DENIED_FUNCTIONS`, which wins over any list); the rest as "not on the list".

Each file holds one lower-case name a line, grouped under ``#`` headings. Names are as the dialect
spells them in SQL, plus a last group for syntax that sqlglot reads as a function node though the
text names no function (``AND``, ``CASE``, ``CAST`` or ``::``, ``EXISTS``, ``->>``, ``CURRENT_DATE``
without parentheses): for those, sqlglot's name of the node. Size bounds (``repeat('x', 1e9)``,
``printf('%.*c', 1e9, 'x')``) are not this list's business: the engine guards bound them.

To allow a function: check in the engine's manual that it reads only its arguments and writes
nothing, add its name under the right heading, and add a query calling it to the allowed cases of
``tests/test_function_allowlist.py`` (which also checks that no list names a denied function).

Example:
    >>> "strftime" in allowed_functions("sqlite"), "load_extension" in allowed_functions("sqlite")
    (True, False)
    >>> allowed_functions("oracle")
    frozenset()
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

DIALECTS = ("sqlite", "duckdb", "postgres", "mysql")
"""The sqlglot dialects with a list; any other dialect may call no function at all."""


@cache
def allowed_functions(dialect: str) -> frozenset[str]:
    """The lower-case names of the functions ``dialect`` may call (empty for an unknown dialect)."""
    if dialect not in DIALECTS:
        return frozenset()
    text = files(__name__).joinpath(f"{dialect}.txt").read_text(encoding="utf-8")
    lines = (line.split("#", 1)[0].strip().lower() for line in text.splitlines())
    return frozenset(line for line in lines if line)
