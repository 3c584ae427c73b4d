"""Read what each column of a query result is: a measure, a time, an ordered category, an id.

Driver values are made plain first (:func:`prepare_frame`); then each reader is one vectorised pandas
pass over the column (a 50-row sample first where a full pass could be wasted).

Example:
    >>> import pandas as pd
    >>> as_time(pd.Series(["2025-01", "2025-02"], name="month")).dt.month.tolist()
    [1, 2]
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pandas as pd

_AVERAGE_NAME = re.compile(
    r"avg|average|mean|median|rate|ratio|growth|change|delta|diff|(?:^|_)(?:min|max)(?:_|$)|率|均|增长|增速",
    re.IGNORECASE,
)
_PERCENT_NAME = re.compile(r"share|pct|percent|proportion|占比|比例|份额|百分比", re.IGNORECASE)
_TIME_NAME = re.compile(r"year|yr|month|date|day|年|月|日", re.IGNORECASE)
_MONTH_NAME = re.compile(
    r"(?:^|_)month(?:_?(?:of_year|num|number|no))?$|^月份?$"
    # an unnamed column that takes the month out of a date: strftime('%m', …), EXTRACT(MONTH FROM …), …
    r"|%m['\"]|\bextract\s*\(\s*month\b|\bdate_part\s*\(\s*'month'|\bmonth\s*\(",
    re.IGNORECASE,
)
_DATE_TEXT = re.compile(
    r"\d{4}[-/]\d{1,2}(?:[-/]\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?)?"  # 2025-03-01 10:00:00
    r"|\d{4}年\d{1,2}月(?:\d{1,2}日)?"  # 2025年3月1日
)
_ID_NAME = re.compile(r"(?:^|[_\s.-])id$|[a-z0-9](?-i:Id|ID)$|编号$", re.IGNORECASE)
_LEADING_NUMBER = r"^[<>≤≥~]?\s*(-?\d+(?:\.\d+)?)"
_NAMED_ORDER = {
    name: rank
    for names in (
        "monday tuesday wednesday thursday friday saturday sunday",
        "mon tue wed thu fri sat sun",
        "january february march april may june july august september october november december",
        "jan feb mar apr may jun jul aug sep oct nov dec",
        "周一 周二 周三 周四 周五 周六 周日",
        "星期一 星期二 星期三 星期四 星期五 星期六 星期日",
        "一月 二月 三月 四月 五月 六月 七月 八月 九月 十月 十一月 十二月",
    )
    for rank, name in enumerate(names.split())
}


def prepare_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with string column names and driver objects made plain (Decimal → float, date → datetime).

    PostgreSQL and MySQL drivers return ``Decimal`` and ``datetime.date`` values, which pandas keeps as
    ``object`` columns; the rules and plotly want numbers and datetimes.

    Example:
        >>> prepare_frame(pd.DataFrame({"x": [Decimal("1.5"), None]}))["x"].dtype
        dtype('float64')
    """
    data = frame.rename(columns=str) if any(not isinstance(name, str) for name in frame.columns) else frame
    converted: dict[int, pd.Series] = {}
    for position in range(data.shape[1]):
        column = data.iloc[:, position]
        values = column.dropna()
        if column.dtype != object or values.empty:
            continue
        first = values.iloc[0]
        try:
            if isinstance(first, Decimal | int | float) and not isinstance(first, bool):
                converted[position] = pd.to_numeric(column, errors="coerce")
            elif isinstance(first, datetime.date):
                converted[position] = pd.to_datetime(column, errors="coerce")
        except (TypeError, ValueError):
            continue
        if position in converted and converted[position].notna().sum() < len(values):
            del converted[position]  # mixed values: leave the column as it came
    if not converted:
        return data
    data = data.copy()
    for position, column in converted.items():
        data.isetitem(position, column)
    return data


def as_time(series: pd.Series) -> pd.Series | None:
    """Sortable time values for a time-like column (datetimes or year/month numbers), else None.

    Time-like: a datetime column; text such as ``2025-03-01``, ``2025-03``, ``2025年3月``; whole numbers
    1900–2100 in a column named like year/month/date/day (年/月/日); 1–12 in a column named month (月份)
    or computed as a date's month (``CAST(strftime('%m', order_date) AS INTEGER)``, ``EXTRACT(MONTH …)``).

    Example:
        >>> as_time(pd.Series(["2025-02", "2025-01"], name="month")).dt.month.tolist()
        [2, 1]
        >>> as_time(pd.Series(["2023", "2024"], name="year")).tolist()
        [2023, 2024]
        >>> as_time(pd.Series([2023, 2024], name="revenue")) is None
        True
        >>> as_time(pd.Series([3, 1], name="CAST(strftime('%m', order_date) AS INTEGER)")).tolist()
        [3, 1]
    """
    values = series.dropna()
    name = str(series.name)
    if values.empty or pd.api.types.is_bool_dtype(series) or pd.api.types.is_timedelta64_dtype(series):
        return None
    if pd.api.types.is_datetime64_any_dtype(series):
        return series
    if pd.api.types.is_numeric_dtype(series):
        numbers = values
    else:
        head = values.head(50).astype(str).str.strip()
        if head.str.fullmatch(_DATE_TEXT).all():
            text = values.astype(str).str.strip()
            if not text.str.fullmatch(_DATE_TEXT).all():
                return None
            if text.str.contains(r"[年月日/]").any():
                text = (
                    text.str.replace(r"[年/]", "-", regex=True).str.replace("月", "-").str.replace("日", "")
                )
            parsed = pd.to_datetime(text.str.rstrip("-"), format="ISO8601", errors="coerce")
            return parsed.reindex(series.index) if parsed.notna().all() else None
        if not (_TIME_NAME.search(name) and head.str.fullmatch(r"\d{1,4}").all()):
            return None
        numbers = pd.to_numeric(values.astype(str), errors="coerce")
        if numbers.isna().any():
            return None
    if not (numbers == numbers.round()).all():
        return None
    low, high = numbers.min(), numbers.max()
    year = _TIME_NAME.search(name) and low >= 1900 and high <= 2100
    if year or (_MONTH_NAME.search(name) and low >= 1 and high <= 12):
        return numbers.astype("int64").reindex(series.index)
    return None


def as_ordinal(series: pd.Series) -> pd.Series | None:
    """Sort keys for a category whose labels have an order (``0-9``, ``10-19``; weekdays; months), else None.

    Example:
        >>> as_ordinal(pd.Series(["10-19", "0-9", "20+"])).tolist()
        [10, 0, 20]
        >>> as_ordinal(pd.Series(["Tue", "Mon"])).tolist()
        [1, 0]
        >>> as_ordinal(pd.Series(["SMB", "Consumer"])) is None
        True
    """
    values = series.dropna()
    if values.empty or pd.api.types.is_numeric_dtype(series) or pd.api.types.is_datetime64_any_dtype(series):
        return None
    for text in (values.head(50).astype(str).str.strip(), values.astype(str).str.strip()):
        leading = text.str.extract(_LEADING_NUMBER, expand=False)
        named = None if leading.notna().all() else text.str.lower().map(_NAMED_ORDER)
        if named is not None and named.isna().any():
            return None
    return pd.to_numeric(leading).reindex(series.index) if named is None else named.reindex(series.index)


def is_additive(name: str) -> bool:
    """Whether a measure named so adds up across rows (a count, an amount), judged by its name.

    Averages, rates, ratios, growth and percentages do not: a pie of them, or their sum, means nothing.

    Example:
        >>> is_additive("revenue"), is_additive("cancel_rate_pct"), is_additive("平均金额")
        (True, False, False)
    """
    return not (_AVERAGE_NAME.search(name) or _PERCENT_NAME.search(name))


def is_id(column: pd.Series) -> bool:
    """Whether a numeric column is a key, never a measure: whole numbers named ``id``/``…_id``/``…Id``,
    or named ``…id`` with no value repeated.

    Example:
        >>> is_id(pd.Series([3, 1, 2], name="customer_id")), is_id(pd.Series([3, 1, 3], name="orders"))
        (True, False)
    """
    values = column.dropna()
    if not (values == values.round()).all():
        return False
    name = str(column.name)
    return bool(_ID_NAME.search(name)) or (name.lower().endswith("id") and bool(values.is_unique))


def is_percentage(name: str) -> bool:
    """Whether a measure named so is a share of a whole (``share_pct``, ``占比``), not a rate or an average.

    Example:
        >>> is_percentage("share_pct"), is_percentage("cancel_rate_pct"), is_percentage("revenue")
        (True, False, False)
    """
    return bool(_PERCENT_NAME.search(name)) and not _AVERAGE_NAME.search(name)
