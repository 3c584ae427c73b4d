r"""Rows as files a spreadsheet opens — CSV text and an Excel workbook — in which no text from the database
becomes a formula (OWASP's guidance on CSV injection).

Excel and LibreOffice read a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
as a formula: a value ``=HYPERLINK("http://evil.example","x")`` would become a link, and
``+cmd|' /C calc'!A0`` a program to start.

- In CSV such text, column names included, gets a leading ``'``, which the spreadsheet shows as text and
  computes nothing from. Rows end with CR LF (RFC 4180), so that a value holding a carriage return is
  quoted whole: a bare CR in ``Acme\r=1+1`` would end the row there, and ``=1+1`` begin the next.
- In the workbook every text cell is written as a string, never a formula, and keeps its text; the
  control characters a workbook cannot hold (an escape, a NUL) are written as ``\x1b``, ``\x00``.

Numbers stay numbers: a number -5 is -5 in both files; only text is changed.

Example:
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"label": ["=1+1", "Acme", "-2+3"], "n": [-5, 1, 2]})
    >>> csv_text(frame).split("\r\n")
    ['label,n', "'=1+1,-5", 'Acme,1', "'-2+3,2", '']
    >>> workbook({"result": frame})[:2]
    b'PK'
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""The first characters that make a spreadsheet read a cell of a CSV file as a formula (OWASP)."""


def csv_cell(text: str) -> str:
    """``text`` as a CSV cell a spreadsheet shows as text: with a leading ``'`` when it would be a formula.

    Example:
        >>> csv_cell("@SUM(A1)"), csv_cell("Acme")
        ("'@SUM(A1)", 'Acme')
    """
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def workbook_text(text: str) -> str:
    r"""``text`` as a workbook can hold it: the control characters it cannot hold written as ``\xNN``.

    Example:
        >>> workbook_text("\x1b[2J")
        '\\x1b[2J'
    """
    return ILLEGAL_CHARACTERS_RE.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def csv_text(frame: pd.DataFrame) -> str:
    """The rows of ``frame`` and its column names as CSV, every text cell passed through :func:`csv_cell`,
    rows ended by CR LF (a value holding a line break or a carriage return is quoted)."""
    return _text_mapped(frame, csv_cell).to_csv(index=False, lineterminator="\r\n")


def workbook(sheets: dict[str, pd.DataFrame]) -> bytes:
    """An Excel workbook with a sheet per frame (by name), headers first: every text cell a string."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            _text_mapped(frame, workbook_text).to_excel(writer, sheet_name=name, index=False)
            for row in writer.sheets[name].iter_rows():
                for cell in row:
                    if cell.data_type == "f":  # openpyxl takes text starting with "=" for a formula
                        cell.data_type = "s"
    return buffer.getvalue()


def _text_mapped(frame: pd.DataFrame, change: Callable[[str], str]) -> pd.DataFrame:
    """A copy of ``frame`` with ``change`` applied to its text values and column names (numbers, dates and
    missing values as they were)."""

    def cell(value: Any) -> Any:
        return change(value) if isinstance(value, str) else value

    copy = frame.copy()
    copy.columns = [cell(name) for name in frame.columns]
    for position in range(copy.shape[1]):
        column = copy.iloc[:, position]
        if not (pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column)):
            copy.isetitem(position, column.map(cell, na_action="ignore"))
    return copy
