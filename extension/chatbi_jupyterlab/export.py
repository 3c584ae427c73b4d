"""An answer's rows as a download: CSV text, or an Excel workbook with the SQL on a second sheet (as the
notebook view's Download links).

Example:
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"segment": ["SMB"], "n": [2]})
    >>> export(frame, "csv", question="q", sql="SELECT 1")[:2]
    (b'segment,n\\nSMB,2\\n', 'text/csv; charset=utf-8')
    >>> export(frame, "xlsx", question="q", sql="SELECT 1")[0][:2]
    b'PK'
"""

from __future__ import annotations

import io

import pandas as pd

from chatbi_jupyterlab.errors import BadRequestError

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def export(frame: pd.DataFrame, kind: str, *, question: str, sql: str) -> tuple[bytes, str, str]:
    """The file's bytes, its media type and a file name for ``kind`` (``csv`` or ``xlsx``)."""
    if kind not in FORMATS:
        raise BadRequestError(f"cannot export as {kind!r}: choose csv or xlsx")
    if kind == "csv":
        data = frame.to_csv(index=False).encode("utf-8")
    else:
        buffer = io.BytesIO()
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            frame.to_excel(writer, sheet_name="result", index=False)
            pd.DataFrame({"question": [question], "sql": [sql]}).to_excel(
                writer, sheet_name="query", index=False
            )
        data = buffer.getvalue()
    return data, FORMATS[kind], f"answer.{kind}"
