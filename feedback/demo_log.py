"""A feedback log of a made-up team on the demo database, to see the adoption dashboard before a team of
your own has used the assistant (``notebooks/adoption.ipynb``).

Two weeks of questions from three users, written through the real paths (``generated`` events as
:class:`nl2sql.Assistant` logs them, verdicts through :func:`feedback.outcome.record_outcome`) with a
pinned clock and a seeded generator: the same log every time. Over the two weeks more answers are
accepted unchanged, and halfway through a retrained adapter takes over.

Example:
    >>> import os, tempfile
    >>> from feedback.stats import adoption_stats
    >>> log = write_demo_log(os.path.join(tempfile.mkdtemp(), "demo-feedback.sqlite"))
    >>> stats = adoption_stats(log)
    >>> stats.questions, len(stats.days), [user.user for user in stats.users]
    (138, 14, ['bo', 'ann', 'cy'])
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from feedback.log import FeedbackLog
from feedback.outcome import record_outcome

DEMO_LAST_DAY = date(2026, 6, 30)
"""The last day of the demo log (the demo database's last day too)."""
MODEL = "qwen2.5-coder-0.5b-instruct"
ADAPTERS = ("7d1c0e5a9b3f4e2a8c6d", "c41f9e07a2d35b6e1f88")
"""The shipped adapter's hash, then the retrained one's."""
USERS = ("ann", "bo", "cy")


@dataclass(frozen=True)
class _Exchange:
    question: str
    sql: str
    outcome: str
    """accepted, edited, rejected, error or none."""
    final_sql: str | None = None
    reason: str | None = None
    error: str | None = None


_LAST_30 = "SELECT COUNT(*) FROM orders WHERE order_date >= DATE('now', '-30 day')"
_BY_REGION = (
    "SELECT c.region_id, SUM(o.total_amount) FROM orders AS o JOIN customers AS c"
    " ON c.customer_id = o.customer_id GROUP BY c.region_id"
)
EXCHANGES = (
    _Exchange("How many orders were placed in the last 30 days?", _LAST_30, "accepted"),
    _Exchange(
        "How many orders were placed this quarter?",
        _LAST_30,
        "edited",
        final_sql="SELECT COUNT(*) FROM orders WHERE order_date >= DATE('now', '-90 day')",
    ),
    _Exchange(
        "Which customers are in Shanghai?",
        "SELECT name FROM customers WHERE city = 'shanghai'",
        "edited",
        final_sql="SELECT name FROM customers WHERE city = 'Shanghai'",
    ),
    _Exchange(
        "Revenue per region",
        _BY_REGION,
        "edited",
        final_sql=(
            "SELECT r.name_en, SUM(o.total_amount) FROM orders AS o JOIN customers AS c"
            " ON c.customer_id = o.customer_id JOIN regions AS r ON r.region_id = c.region_id"
            " GROUP BY r.name_en"
        ),
    ),
    _Exchange(
        "Top products by units sold",
        "SELECT product_id, SUM(quantity) AS units FROM order_items GROUP BY product_id",
        "edited",
        final_sql=(
            "SELECT product_id, SUM(quantity) AS units FROM order_items GROUP BY product_id"
            " ORDER BY units DESC LIMIT 10"
        ),
    ),
    _Exchange(
        "How many customers are in each segment?",
        "SELECT segment, COUNT(*) FROM customers GROUP BY segment",
        "accepted",
    ),
    _Exchange(
        "Which customers churned?",
        "SELECT name FROM customers WHERE signup_date < DATE('now', '-1 year')",
        "rejected",
        reason="churned means no order in the last 90 days",
    ),
    _Exchange(
        "Refund total by return reason",
        "SELECT reason, SUM(refund_amount) FROM returns GROUP BY reason",
        "accepted",
    ),
    _Exchange(
        "Average discount per brand",
        "SELECT brand, AVG(discount) FROM products GROUP BY brand",
        "error",
        error="the model could not write valid SQL: no column discount in products",
    ),
    _Exchange(
        "Refunds per warehouse",
        "SELECT warehouse, SUM(refund_amount) FROM warehouses GROUP BY warehouse",
        "error",
        error="the model could not write valid SQL: no table warehouses; did you mean returns?",
    ),
    _Exchange("Orders per channel", "SELECT channel_id, COUNT(*) FROM orders GROUP BY channel_id", "none"),
    _Exchange(
        "GMV last month",
        "SELECT SUM(total_amount) FROM orders WHERE order_date >= DATE('now', '-30 day')",
        "rejected",
    ),
)


def write_demo_log(location: str | Path, *, last_day: date = DEMO_LAST_DAY, days: int = 14) -> FeedbackLog:
    """Write the demo team's log of ``days`` days up to ``last_day`` at ``location`` (a new file); the log."""
    moment = [datetime.combine(last_day, time(9), UTC)]
    log = FeedbackLog(location, user=USERS[0], clock=lambda: moment[0])
    chance = random.Random(17)
    for number in range(days):
        day = last_day - timedelta(days=days - 1 - number)
        progress = number / max(1, days - 1)
        adapter = ADAPTERS[0] if number < days // 2 else ADAPTERS[1]
        for turn in range(7 + number % 4 + round(3 * progress)):
            moment[0] = datetime.combine(day, time(9), UTC) + timedelta(minutes=37 * turn)
            exchange = _pick(chance, progress)
            user = USERS[chance.randrange(len(USERS)) if turn else number % len(USERS)]
            seconds = round(chance.uniform(0.6, 1.6) + (2.5 if chance.random() < 0.08 else 0.0), 2)
            if adapter == ADAPTERS[1]:
                seconds = round(seconds * 0.8, 2)
            fields = {"database": "demo", "connection": "demo", "model_id": MODEL, "adapter_hash": adapter}
            log.record(
                "generated",
                question=exchange.question,
                sql=exchange.sql,
                error=exchange.error,
                user_name=user,
                timings={"total": seconds},
                **fields,
            )
            if exchange.outcome in ("accepted", "edited", "rejected"):
                moment[0] += timedelta(minutes=2)
                record_outcome(
                    log,
                    exchange.outcome,
                    question=exchange.question,
                    generated_sql=exchange.sql,
                    final_sql=exchange.final_sql,
                    reason=exchange.reason,
                    user_name=user,
                    **fields,
                )
    return log


def _pick(chance: random.Random, progress: float) -> _Exchange:
    """An exchange; accepted ones grow likelier as the team's corrections teach the assistant."""
    weights = [(1.0 + 3.0 * progress) if e.outcome == "accepted" else 1.0 - 0.5 * progress for e in EXCHANGES]
    return chance.choices(EXCHANGES, weights)[0]
