r"""An answer's rows as a download: CSV text, or the Excel workbook the notebook view's Download link
gives (:meth:`chatbi_jupyterlab.notebook.answer_card.AnswerCard.workbook`: the SQL on a second sheet).

Example:
    >>> import os, sqlite3, tempfile
    >>> from chatbi_jupyterlab.notebook.answer_card import AnswerCard
    >>> from chatbi_jupyterlab.notebook.session import NotebookSession
    >>> path = os.path.join(tempfile.mkdtemp(), "shop.sqlite")
    >>> with sqlite3.connect(path) as setup:
    ...     _ = setup.execute("CREATE TABLE customers (segment TEXT)")
    ...     _ = setup.execute("INSERT INTO customers VALUES ('SMB')")
    >>> session = NotebookSession(log=None)
    >>> answer = session.connect(path, name="shop").run("SELECT segment FROM customers", question="q")
    >>> card = AnswerCard(answer, session, "shop")
    >>> export(card, "csv")[:2]
    (b'segment\r\nSMB\r\n', 'text/csv; charset=utf-8')
    >>> export(card, "xlsx")[0][:2]
    b'PK'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chatbi_jupyterlab.errors import BadRequestError
from chatbi_jupyterlab.notebook.answer_card import CardError
from chatbi_jupyterlab.notebook.spreadsheet import csv_text

if TYPE_CHECKING:
    from chatbi_jupyterlab.notebook.answer_card import AnswerCard

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def export(card: AnswerCard, kind: str) -> tuple[bytes, str, str]:
    """The file's bytes, its media type and a file name for ``kind`` (``csv`` or ``xlsx``)."""
    if kind not in FORMATS:
        raise BadRequestError(f"cannot export as {kind!r}: choose csv or xlsx")
    if card.frame is None:
        raise CardError("there is no result to save: the query did not run")
    data = csv_text(card.frame).encode("utf-8") if kind == "csv" else card.workbook()
    return data, FORMATS[kind], f"answer.{kind}"
