"""The widths and precisions a format string asks for, in each engine's format language.

A width is either written in the format (``%20s``: 20) or taken from an argument (``%*s``: the next
argument). Three languages are read: C's ``printf`` as SQLite's ``printf``/``format`` and DuckDB's
``printf`` take it (flags, width, ``.precision``, length modifiers, ``*`` from an argument),
PostgreSQL's ``format`` (``%[n$][-][width]type``, the width written, ``*`` or ``*n$``) and the ``{}``
fields of DuckDB's ``format`` (``{:>20}``, ``{:.{}f}``). Argument numbers count from 0, the first
argument after the format. A format that numbers its arguments and also takes a width from one in a way
this reading cannot follow raises :class:`UncheckableFormatError`.

Example:
    >>> printf_widths("%.*c and %-8.2f%%")
    [Width(value=None, argument=0), Width(value=8, argument=None), Width(value=2, argument=None)]
    >>> postgres_format_widths("%1$*2$s %10s")
    [Width(value=None, argument=1), Width(value=10, argument=None)]
    >>> fmt_widths("{:>20} {:.{}f}")
    [Width(value=20, argument=None), Width(value=None, argument=2)]
"""

from __future__ import annotations

from dataclasses import dataclass

PRINTF_FLAGS = frozenset("-+ 0#,!'")
PRINTF_LENGTHS = frozenset("hlLqjzt")
FMT_ALIGNS = frozenset("<>^=")


class UncheckableFormatError(ValueError):
    """The format takes a width from an argument that cannot be told."""


@dataclass(frozen=True)
class Width:
    """A width or a precision: written in the format (``value``) or taken from the argument numbered
    ``argument`` (from 0, after the format)."""

    value: int | None = None
    argument: int | None = None


def _digits(text: str, start: int) -> tuple[str, int]:
    end = start
    while end < len(text) and text[end].isdigit():
        end += 1
    return text[start:end], end


def printf_widths(text: str) -> list[Width]:
    """The widths and precisions of a C ``printf`` format (SQLite's ``printf`` and ``format``, DuckDB's
    ``printf``).

    Example:
        >>> printf_widths("%1000000000d")
        [Width(value=1000000000, argument=None)]
        >>> printf_widths("%2$*1$d")
        Traceback (most recent call last):
        ...
        nl2sql.format_widths.UncheckableFormatError: a width taken from an argument in a format that numbers its arguments
    """  # noqa: E501
    widths: list[Width] = []
    argument, at, numbered = 0, 0, False
    while (at := text.find("%", at)) >= 0:
        at += 1
        if text[at : at + 1] == "%":
            at += 1
            continue
        position, after = _digits(text, at)
        if position and text[after : after + 1] == "$":
            numbered, at = True, after + 1
        while at < len(text) and text[at] in PRINTF_FLAGS:
            at += 1
        for precision in (False, True):
            if precision:
                if text[at : at + 1] != ".":
                    break
                at += 1
            if text[at : at + 1] == "*":
                if numbered:
                    raise UncheckableFormatError(
                        "a width taken from an argument in a format that numbers its arguments"
                    )
                widths.append(Width(argument=argument))
                argument, at = argument + 1, at + 1
                continue
            written, at = _digits(text, at)
            if written:
                widths.append(Width(value=int(written)))
        while at < len(text) and text[at] in PRINTF_LENGTHS:
            at += 1
        at += 1  # the conversion's type
        argument += 1
    return widths


def postgres_format_widths(text: str) -> list[Width]:
    """The widths of a PostgreSQL ``format`` string: ``%[n$][-][width]type`` with the width written,
    ``*`` (the next argument) or ``*n$`` (argument n, from 1).

    Example:
        >>> postgres_format_widths("%-*s|%3$s|%s")
        [Width(value=None, argument=0)]
    """
    widths: list[Width] = []
    following, at = 0, 0
    while (at := text.find("%", at)) >= 0:
        at += 1
        if text[at : at + 1] == "%":
            at += 1
            continue
        position, after = _digits(text, at)
        if position and text[after : after + 1] == "$":
            at = after + 1
        else:
            position = ""
        while text[at : at + 1] == "-":
            at += 1
        if text[at : at + 1] == "*":
            number, after = _digits(text, at + 1)
            if number and text[after : after + 1] == "$":
                widths.append(Width(argument=int(number) - 1))
                following, at = int(number), after + 1
            else:
                widths.append(Width(argument=following))
                following, at = following + 1, at + 1
        else:
            written, at = _digits(text, at)
            if written:
                widths.append(Width(value=int(written)))
        at += 1  # the type: s, I or L
        following = int(position) if position else following + 1
    return widths


def fmt_widths(text: str) -> list[Width]:
    """The widths and precisions of a DuckDB ``format`` string (the ``{fmt}`` library's fields:
    ``{[id][:[[fill]align][sign][#][0][width][.precision][type]]}``, a width or precision also
    ``{}`` or ``{n}``, taken from an argument).

    Example:
        >>> fmt_widths("{{literal}} {0:*^{1}} {:08.3f}")
        [Width(value=None, argument=1), Width(value=8, argument=None), Width(value=3, argument=None)]
    """
    widths: list[Width] = []
    automatic, at = 0, 0
    while at < len(text):
        if text.startswith(("{{", "}}"), at):
            at += 2
            continue
        if text[at] != "{":
            at += 1
            continue
        end, depth = at + 1, 1
        while end < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            end += 1
        field, at = text[at + 1 : end - 1], end
        name, _, spec = field.partition(":")
        if not name.strip():
            automatic += 1
        fixed = []
        while "{" in spec:
            start = spec.index("{")
            close = spec.find("}", start)
            close = len(spec) if close < 0 else close
            inner = spec[start + 1 : close].strip()
            if inner.isdigit():
                widths.append(Width(argument=int(inner)))
            else:
                widths.append(Width(argument=automatic))
                automatic += 1
            fixed.append(spec[:start])
            spec = " " + spec[close + 1 :]  # the dynamic width's place keeps digits apart
        spec = "".join(fixed) + spec
        if len(spec) > 1 and spec[1] in FMT_ALIGNS:
            spec = spec[2:]  # a fill character (which may be a digit) and the alignment
        number = ""
        for character in spec + " ":
            if character.isdigit():
                number += character
            elif number:
                widths.append(Width(value=int(number)))
                number = ""
    return widths
