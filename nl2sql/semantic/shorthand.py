"""Shorthand an analyst types in a hurry, written out before a question is read: "rev by chnl QTD vs LY"
is read as "revenue by channel quarter to date vs last year", "new custs L30D" as "new customers last
30 days"; and a word one slip away from a word of the model as that word ("custmers", "cancelation").
Only whole words are written out, and only where the word means nothing else to the model.

Example:
    >>> write_out("rev by chnl QTD vs LY")
    'revenue by channel QTD vs last year'
    >>> write_out("new custs L30D vs the prior 30 days")
    'new customers last 30 days vs the prior 30 days'
    >>> write_out("gross profit last wk vs the wk before")
    'gross profit last week vs the week before'
    >>> write_out("Revenue in 2025")
    'Revenue in 2025'
    >>> write_out("the cancelation rate of new custmers", {"cancellation", "rate", "customer", "new"})
    'the cancellation rate of new customer'
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection

SHORTHAND = {
    "rev": "revenue",
    "revs": "revenue",
    "chnl": "channel",
    "chnls": "channels",
    "amt": "amount",
    "amts": "amounts",
    "disc": "discount",
    "cust": "customer",
    "custs": "customers",
    "prod": "product",
    "prods": "products",
    "wk": "week",
    "wks": "weeks",
    "mnth": "month",
    "mnths": "months",
    "mth": "month",
    "mths": "months",
    "yr": "year",
    "yrs": "years",
    "qtr": "quarter",
    "qtrs": "quarters",
    "pct": "percent",
    "prev": "previous",
    "ly": "last year",
    "lst": "last",
    "lm": "last month",
    "lq": "last quarter",
    "ytd": "year to date",
    "avg": "average",
    "qty": "quantity",
    "qtys": "quantities",
    "cnt": "count",
    "num": "number",
    "tot": "total",
    "wht's": "what's",
    "wht": "what",
    "whts": "what's",
}
"""Abbreviations and slips of business writing, lower case, and what they stand for."""

SLIP_CUTOFF = 0.84
"""How alike a word must be to a word of the model to be read as a slip of it (difflib's ratio)."""
INFLECTIONS = ("s", "es", "ed", "d", "ing", "er", "ers", "ly")
"""Endings that make another word of a model's word ("ordered", "individual" of "individuals"),
never a slip."""
_LAST_N = re.compile(r"(?<![\w-])[lL](\d{1,3})([dDwWmMyY])(?![\w-])")
_UNITS = {"d": "days", "w": "weeks", "m": "months", "y": "years"}
_WORD = re.compile(r"(?<![\w'-])[A-Za-z][A-Za-z']*(?![\w'-])")


def write_out(
    question: str,
    names: Collection[str] = (),
    common: Collection[str] = (),
    slips: list[tuple[str, str]] | None = None,
) -> str:
    """``question`` with its shorthand written out; a word in ``names`` (the words of the model's own
    names and values, lower case) is left as it is, whatever it abbreviates elsewhere, and a word of
    five letters or more that is neither in ``names`` nor in ``common`` (ordinary words) but one slip
    away from one in ``names`` is written as that word (and, when ``slips`` is given, added to it as
    (word, read as): a guess the reader should be told of)."""
    spellable = sorted(n for n in names if len(n) >= 5 and n.isascii() and n.isalpha())

    def last_n(found: re.Match[str]) -> str:
        count, unit = int(found.group(1)), _UNITS[found.group(2).lower()]
        return f"last {count} {unit[:-1] if count == 1 else unit}"

    def word(found: re.Match[str]) -> str:
        text = found.group()
        lower = text.lower()
        if lower in names or lower in common:
            return text
        if lower not in SHORTHAND:
            slip = _slip(lower, spellable)
            if slip and slips is not None:
                slips.append((text, slip))
            return slip or text
        if lower == "ly" and text != "LY":  # "ly" in lower case is no abbreviation anyone writes
            return text
        return SHORTHAND[lower]

    return _WORD.sub(word, _LAST_N.sub(last_n, question))


def _slip(word: str, names: list[str]) -> str | None:
    """The word of ``names`` that ``word`` is a slip of, if any."""
    if len(word) < 5 or not word.isalpha():
        return None
    if any(word in (name + ending, name[: -len(ending)]) for name in names for ending in INFLECTIONS):
        return None
    close = difflib.get_close_matches(word, names, n=1, cutoff=SLIP_CUTOFF)
    return close[0] if close else None
