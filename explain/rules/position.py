"""Where a node stands in the SQL text, and the warning placed there.

sqlglot gives identifiers, literals and function names a position (``node.meta``); the extent of any
other node runs from the first to the last of those inside it, widened over the parentheses left open.

Example:
    >>> from explain.rules import LintContext
    >>> from nl2sql.schema import Column, Schema, Table
    >>> schema = Schema("sqlite", (Table("t", (Column("x", "INT"),)),))
    >>> context = LintContext.of("SELECT MAX(x) FROM t", schema)
    >>> start, end = span(context, context.tree.expressions[0])
    >>> context.sql[start:end]
    'MAX(x)'
"""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

from sqlglot import exp
from sqlglot.tokens import Token, TokenType

from explain.diagnostic import Diagnostic

if TYPE_CHECKING:
    from explain.rules import LintContext


def warning(context: LintContext, code: str, message: str, node: exp.Expression | None) -> Diagnostic:
    """A warning diagnostic placed on ``node``'s extent in the SQL text.

    Example:
        >>> from explain.rules import LintContext
        >>> from nl2sql.schema import Schema
        >>> context = LintContext.of("SELECT 1", Schema("sqlite", ()))
        >>> warning(context, "demo", "a demo", context.tree.expressions[0])
        Diagnostic(code='demo', severity='warning', message='a demo', start=7, end=8)
    """
    start, end = span(context, node) if node is not None else (None, None)
    return Diagnostic(code, "warning", message, start, end)


def written(context: LintContext, node: exp.Expression) -> str:
    """``node`` as the SQL text writes it (or as sqlglot writes it, when it has no position).

    Example:
        >>> from explain.rules import LintContext
        >>> from nl2sql.schema import Schema
        >>> context = LintContext.of("SELECT strftime('%Y', 'now')", Schema("sqlite", ()))
        >>> written(context, context.tree.expressions[0]), context.tree.expressions[0].sql("sqlite")
        ("strftime('%Y', 'now')", "STRFTIME('%Y', 'now')")
    """
    start, end = span(context, node)
    return context.sql[start:end] if start is not None else node.sql(context.dialect)


def span(context: LintContext, node: exp.Expression) -> tuple[int | None, int | None]:
    """``(start, end)`` offsets of ``node`` in the SQL text (end exclusive), or Nones when unknown.

    sqlglot places identifiers, literals and function names; the extent runs from the first to the
    last of them, widened over the parentheses that are left open.

    Example:
        >>> from explain.rules import LintContext
        >>> from nl2sql.schema import Schema
        >>> context = LintContext.of("SELECT (1 + 2) * 3", Schema("sqlite", ()))
        >>> start, end = span(context, context.tree.expressions[0].this)
        >>> context.sql[start:end]
        '(1 + 2)'
    """
    places = _places(node)
    places += [p for c in node.walk() if _unplaced_string(c) for p in _quoted_token(context, c)]
    if not places:
        return None, None
    wrapped = isinstance(node, exp.Paren | exp.Subquery | exp.Tuple)
    return _balanced(context, min(s for s, _ in places), max(e for _, e in places), wrapped)


def _places(node: exp.Expression) -> list[tuple[int, int]]:
    metas = (child._meta for child in node.walk())
    return [(m["start"], m["end"]) for m in metas if m and "start" in m and "end" in m]


def _unplaced_string(node: exp.Expression) -> bool:
    return isinstance(node, exp.Literal) and node.is_string and not (node._meta and "start" in node._meta)


def _quoted_token(context: LintContext, literal: exp.Literal) -> list[tuple[int, int]]:
    """Where a string that was written double-quoted (see :mod:`explain.quirks`, which makes it a
    literal without a position) stands: the first such token after the enclosing expression's start."""
    ancestor = literal.parent
    while ancestor is not None and not _places(ancestor):
        ancestor = ancestor.parent
    if ancestor is None:
        return []
    after = min(s for s, _ in _places(ancestor))
    for token in context.tokens:
        if token.start >= after and token.token_type == TokenType.IDENTIFIER and token.text == literal.this:
            return [(token.start, token.end)]
    return []


def _balanced(context: LintContext, start: int, end: int, wrapped: bool) -> tuple[int, int]:
    """Widen ``start``..``end`` (inclusive) to whole tokens with balanced parentheses; ``wrapped``: also
    over the parentheses right around it (a parenthesized expression, a subquery)."""
    tokens = context.tokens
    first = bisect.bisect_left([t.start for t in tokens], start)
    last, depth, lowest = first, 0, 0
    while last < len(tokens) and tokens[last].start <= end:
        depth += _paren(tokens[last])
        lowest = min(lowest, depth)
        last += 1
    # parentheses closed in the range but opened before it, and opened in it but closed after it
    opens, closes = -lowest, depth - lowest
    while opens > 0 and first > 0:
        first -= 1
        opens -= _paren(tokens[first])
    while closes > 0 and last < len(tokens):
        closes += _paren(tokens[last])
        last += 1
    around = first > 0 and last < len(tokens) and (_paren(tokens[first - 1]), _paren(tokens[last])) == (1, -1)
    if wrapped and around:
        first, last = first - 1, last + 1
    if first >= len(tokens) or last <= first:
        return start, end + 1
    return min(start, tokens[first].start), max(end, tokens[last - 1].end) + 1


def _paren(token: Token) -> int:
    kind = token.token_type
    return 1 if kind == TokenType.L_PAREN else -1 if kind == TokenType.R_PAREN else 0
