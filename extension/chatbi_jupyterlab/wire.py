"""The wire format between the panel and the server, defined once: requests and answers as dataclasses.

The server builds these objects (:mod:`chatbi_jupyterlab.answer_wire`) and sends them as JSON
(:func:`to_json`: NaN never appears, it is null); request bodies are parsed into them
(:func:`chatbi_jupyterlab.codegen.from_json`, a 400 when they do not fit). The panel's TypeScript types
are generated from this module, ``python -m chatbi_jupyterlab.wire > src/wire.ts``, and a test fails when
the committed ``src/wire.ts`` differs from what this module generates.

Example:
    >>> from chatbi_jupyterlab.codegen import from_json
    >>> request = from_json(AskRequest, {"question": "How many customers are in each segment?"})
    >>> request  # doctest: +NORMALIZE_WHITESPACE
    AskRequest(question='How many customers are in each segment?', connection=None, follow_up=None, new=False,
    language=None)
    >>> to_json(Table([], [[float("nan")]], 1, False))
    '{"columns": [], "rows": [[null]], "row_count": 1, "truncated": false}'
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from chatbi_jupyterlab.codegen import typescript_module
from explain.edits import EDIT_TYPES  # the plan's edits go on the wire as the core defines them
from explain.plan_items import Measure  # a plan's measure goes on the wire as the plan has it

JSONScalar = str | int | float | bool | None
ChartKind = Literal["indicator", "line", "bar", "pie", "scatter", "table"]
AnswerPath = Literal["verified", "semantic", "sql", "refused"]

# Requests ------------------------------------------------------------------------------------------------


@dataclass
class AskRequest:
    """POST ask: a question on a connection."""

    question: str
    connection: str | None = None
    """The connection's name; the default connection when absent."""
    follow_up: bool | None = None
    """Whether the question builds on the conversation; guessed from its words when absent."""
    new: bool = False
    """Start the conversation on this connection over."""
    language: Literal["en", "zh"] | None = None
    """The explanation's language (the panel's setting); the server's ``ChatBI.language``, else the
    question's, when absent."""


@dataclass
class RunRequest:
    """POST run: SQL written or edited by the user, run read-only after the same checks."""

    sql: str
    connection: str | None = None
    question: str = ""
    answer_id: str | None = None
    """Run the SQL in place of that answer's (logged as explored, or executed when unchanged); a new
    answer when absent."""


@dataclass
class EditRequest:
    """POST edit: change an answer's SQL through its plan, then run it."""

    answer_id: str
    edit: dict[str, Any] = field(metadata={"typescript": "PlanEdit"})
    """One edit of ``explain.edits`` in its wire form: ``{"type": "SetLimit", "n": 5}`` (read by
    ``explain.edits.edit_from_dict``; the panel's type is generated from the same classes)."""
    connection: str | None = None
    """When given, it must be the answer's connection."""


@dataclass
class AnswerRequest:
    """POST regenerate: ask the model again for an answer's question (another sample)."""

    answer_id: str


@dataclass
class ChartRequest:
    """POST chart: draw an answer's result as another kind of chart."""

    answer_id: str
    kind: ChartKind


@dataclass
class ReadingComparison:
    """A reading's comparison with another period (POST reading; values of ``ReadingChoices``)."""

    kind: str
    """``none`` (no comparison), ``previous_period`` or ``same_period_last_year``."""
    show: str = "percent"
    """What is added beside both values: ``value`` (nothing), ``delta`` or ``percent``."""


@dataclass
class ReadingRanking:
    """A reading's ranking (POST reading; values of ``ReadingChoices``)."""

    direction: str
    """``none`` (every row), ``top`` or ``bottom``."""
    n: int = 10
    """How many rows are kept (in each group when ``within`` is set)."""
    within: str = ""
    """A grouping or a grain of the reading to rank within; ``""`` ranks over all rows."""


@dataclass
class ReadingRequest:
    """POST reading: change a semantic answer's interpretation: take parts off (the ids of its
    ``chips``: the ratio, a bound, a window on another date), and set its measures, grouping, time window
    or grain (from its ``choices``; a slot left out stays as it is). The server checks the changed query
    as a whole, compiles it from the semantic model, without the language model, and runs it."""

    answer_id: str
    remove: list[str] = field(default_factory=list)
    connection: str | None = None
    """When given, it must be the answer's connection."""
    metrics: list[str] | None = None
    """The measures, in order (the first is the one a ranking or a ratio is by)."""
    group_by: list[str] | None = None
    """The dimensions to break the measures down by."""
    time_range: str | None = None
    """A window token: ``last_quarter``, ``this_year``, ``2025``, … (``all`` for no window)."""
    time_grain: str | None = None
    """``none``, ``day``, ``week``, ``month``, ``quarter`` or ``year``."""
    comparison: ReadingComparison | None = None
    """The period each value is compared with, and what is shown beside both."""
    ranking: ReadingRanking | None = None
    """The top or bottom rows kept, overall or within a grouping."""
    share: bool | None = None
    """Each value as a percent of the whole (not together with a comparison)."""


@dataclass
class FeedbackRequest:
    """POST feedback: the SQL shown answers the question (accept), or not (reject)."""

    answer_id: str
    kind: Literal["accept", "reject"]
    reason: str | None = None
    """Why the answer is wrong, in the user's words (reject)."""


@dataclass
class AddConnectionRequest:
    """POST connections: open a database read-only and keep it under ``name`` while the server runs."""

    name: str
    """Letters, digits, spaces, ``_``, ``.`` and ``-``; not a connection's name already."""
    database: str
    """A SQLAlchemy URL, or the path of a SQLite or DuckDB file (relative to the server's root folder)."""


# Answers -------------------------------------------------------------------------------------------------


@dataclass
class Column:
    """One column of a result."""

    name: str
    """The name in the result (what the SQL calls it)."""
    label: str
    """A readable header for a computed column; the name otherwise."""
    type: Literal["number", "string", "boolean", "datetime"]


@dataclass
class Table:
    """A query result: rows as JSON values (NaN as null, dates and times as ISO strings)."""

    columns: list[Column]
    rows: list[list[JSONScalar]]
    """The first rows fetched (at most the server's table_rows in an answer); GET answers/{id}/table
    and export give all of them."""
    row_count: int
    """How many rows were fetched."""
    truncated: bool
    """True when the database had more rows than the row limit let through."""


@dataclass
class Diagnostic:
    """One finding about the SQL: what is wrong or suspicious, and where."""

    code: str
    severity: Literal["error", "warning"]
    message: str
    start: int | None
    """Offset of the first character the finding is about (0-based), when known."""
    end: int | None


@dataclass
class StepTerm:
    """A table or column a step mentions, with its description."""

    name: str
    description: str


@dataclass
class Step:
    """One step of the plain-language explanation; conditions and subqueries nest."""

    kind: str
    text: str
    sql: str | None
    terms: list[StepTerm]
    children: list[Step]


@dataclass
class RelativeDate:
    """Today shifted by ``amount`` units, optionally from the start of the month or year."""

    amount: int
    unit: str
    start_of: Literal["month", "year"] | None


@dataclass
class DateBound:
    """One end of a time range: a fixed day or a day relative to today."""

    date: str | None
    relative: RelativeDate | None
    inclusive: bool
    sql: str


@dataclass
class Filter:
    """One AND-ed condition of WHERE or HAVING; edits name it by ``id``."""

    id: str
    clause: Literal["where", "having"]
    kind: Literal["value", "time", "other"]
    sql: str
    column: str | None
    operator: str | None
    values: list[JSONScalar]
    editable: bool
    start: DateBound | None
    end: DateBound | None


@dataclass
class TimeRange:
    """The time filters on one date column, together (what reads as "last 3 months")."""

    column: str
    clause: Literal["where", "having"]
    filter_ids: list[str]
    start: DateBound | None
    end: DateBound | None
    editable: bool
    label: str


@dataclass
class OrderItem:
    expression: str
    descending: bool


@dataclass
class OutputColumn:
    name: str
    sql: str
    role: Literal["dimension", "measure", "window", "column", "star"]


@dataclass
class OperatorChoice:
    """A filter operator and how many values it takes."""

    operator: str
    min_values: int
    max_values: int | None
    """null: any number (``in``)."""


@dataclass
class ColumnChoice:
    """A column a new condition can be put on."""

    name: str
    """As the edit names it (qualified when the query reads several tables)."""
    numeric: bool
    """Whether it holds numbers: the values typed are read as numbers."""


@dataclass
class SortChoice:
    """An output column the result can be sorted by instead."""

    label: str
    key: str
    """An output column's name or a measure's id, as ``SetOrder`` takes it."""


@dataclass
class TimeChoice:
    """An editable time range as its controls show it: a window ("the last 3 months") or two days."""

    column: str
    """The date column; ``SetTimeWindow`` and ``SetDateRange`` name it."""
    amount: int | None
    """For "the last N units": N; null for a range of days."""
    unit: str | None
    start: str
    """The first day the range lets through, YYYY-MM-DD; empty for an open start."""
    end: str
    """The last day the range lets through, YYYY-MM-DD; empty for an open end."""


@dataclass
class PlanChoices:
    """What the plan's controls offer, worked out from the database's schema (what the notebook's answer
    view offers)."""

    operators: list[OperatorChoice]
    filter_columns: list[ColumnChoice]
    """The columns of the query's tables, for a new condition."""
    group_columns: list[str]
    """The columns the query groups by, then those it can be grouped by too (its tables', and those it
    can look up)."""
    aggregates: dict[str, list[str]]
    """By measure id: the functions ``SetAggregate`` can give it (none for ``COUNT(*)``)."""
    sort_keys: list[SortChoice]
    """Output columns not sorted by yet."""
    time_ranges: list[TimeChoice]
    units: list[str]
    """The units of a time window."""


@dataclass
class Plan:
    """What a user can change in the SQL without writing SQL (the edits of POST edit)."""

    sql: str
    dialect: str
    editable: bool
    columns: list[OutputColumn]
    filters: list[Filter]
    time_range: list[TimeRange]
    group_by: list[str]
    measures: list[Measure]
    order_by: list[OrderItem]
    limit: int | None
    read_only: list[str]
    """The parts the plan does not represent; edits leave them as they are."""
    choices: PlanChoices | None = None
    """What the controls offer; null when the plan cannot be edited."""


@dataclass
class Chart:
    """The chart of the result: a plotly figure, or none when a table says it best."""

    kind: ChartKind
    available: list[ChartKind]
    """The kinds that fit the result (the switcher's choices)."""
    reason: str
    """Why this chart, in one sentence."""
    note: str | None
    """Why the kind asked for was not drawn, when it was not."""
    figure: dict[str, Any] | None
    """The plotly figure as JSON (``data`` and ``layout``, themeless on a transparent page); null for a
    table."""


@dataclass
class Example:
    """A question with its SQL: an earlier turn of the conversation, or a solved example shown to the
    model."""

    question: str
    sql: str


@dataclass
class GlossaryTerm:
    """A business term of the database whose SQL the query contains."""

    name: str
    definition: str
    sql: str | None


@dataclass
class ReadingChip:
    """A part of a reading that can be taken off (POST reading): the ratio, a bound on a metric, or a
    window on another date ("signup date: last year")."""

    id: str
    """``ratio``, ``per`` (an average per row), ``bound:0``, ``bound:1``, …, ``window:0``, …, or
    ``related:0``, … (rows of another table each row has or lacks: "without orders in last 90 days"),
    ``band:0``, … (a grouping by ranges of a number) or ``period:0``, … (a grouping by the year, quarter
    or month of another date)"""
    kind: Literal["ratio", "per", "bound", "window", "related", "band", "period"]
    text: str
    """The part in words, in the answer's language: "units sold ≥ 50", "refund amount as % of revenue"."""


@dataclass
class ReadingChoice:
    """One value a slot of a reading can take (POST reading), and how it reads."""

    value: str
    text: str
    """In the answer's language: "last quarter (2026-01-01 to 2026-03-31)", "month", "revenue"."""


@dataclass
class MetricChoice:
    """A measure a reading can have, with the groupings it can be broken down by."""

    value: str
    text: str
    group_by: list[str]
    """The dimensions (values of ``ReadingChoices.group_by``) this measure reaches without repeating
    the rows it aggregates: a reading's grouping is among those of each of its measures."""


@dataclass
class ReadingChoices:
    """What a reading's slots can be set to (:func:`nl2sql.semantic.choices.query_choices`, as the
    notebook's interpretation chips offer them); what the reading has already is among them."""

    metrics: list[MetricChoice]
    group_by: list[ReadingChoice]
    time_ranges: list[ReadingChoice]
    """The windows, each with its dates in words."""
    grains: list[ReadingChoice]
    comparisons: list[ReadingChoice]
    """The periods the values can be compared with; only ``none`` when the reading cannot be compared
    (it has a ratio or a bound on a metric)."""
    shows: list[ReadingChoice]
    """What a comparison adds beside both values."""
    directions: list[ReadingChoice]
    """Every row, the top rows or the bottom rows."""
    within: list[ReadingChoice]
    """What a ranking can be within: ``""`` (overall), each grouping, each grain; a reading ranks within
    one of its own groupings, or its grain or a coarser one."""
    share: bool
    """Whether each value can be shown as a share of the whole (not beside a ratio)."""


@dataclass
class Reading:
    """How a semantic answer read the question: in words, and the SQL compiled from it."""

    text: str
    sql: str
    notes: list[str]
    query: dict[str, Any] | None
    """The semantic query (metrics, grouping, time range, filters); null for a verified query."""
    chips: list[ReadingChip]
    """Its ratio, its bounds on metrics and its windows on other dates, each removable
    (:mod:`nl2sql.semantic.chips`)."""
    choices: ReadingChoices | None
    """What its measures, grouping, window and grain can be changed to; null for a verified query, a
    listing, and the other readings of the question."""


@dataclass
class Answer:
    """One answer, as the panel shows it; POST edit, run, regenerate and chart return it changed."""

    id: str
    """Names the answer in later requests (edit, feedback, export); the server keeps the latest ones."""
    connection: str
    question: str
    sql: str
    """The SQL shown: the generated one until an edit, a run or a regenerate worked."""
    generated_sql: str
    """The SQL the model answered with: the first answer's, or after a regenerate the regenerated one
    (the "generated" side of feedback)."""
    edited: bool
    """Whether the SQL shown was changed from ``generated_sql`` (an edit or a run; a regenerate is none)."""
    sample: int
    """The sample number of the regenerated answer shown (1, 2, …); 0 for the first answer."""
    path: AnswerPath
    path_label: str
    """How it was answered, in words."""
    error: str | None
    """One line saying what went wrong, or null."""
    status: str
    """What the last request did to the answer, in one line."""
    summary: str | None
    """What the SQL does, in one sentence; null when it cannot be explained."""
    lang: str
    steps: list[Step]
    diagnostics: list[Diagnostic]
    plan: Plan | None
    table: Table | None
    """The result; null when the SQL did not run."""
    chart: Chart | None
    timings: dict[str, float]
    """Seconds per stage (route, prompt, generate, validate, repair, execute, total)."""
    model_id: str
    adapter_hash: str | None
    examples: list[Example]
    """Earlier corrections like the question, shown to the model before it."""
    history: list[Example]
    """The earlier questions and SQL a follow-up was sent with."""
    terms_used: list[GlossaryTerm]
    notes: list[str]
    """What the reader should know about how the answer was reached."""
    fixes: list[str]
    """Names mended against the schema without the model."""
    repaired: bool
    interpretation: Reading | None
    readings: list[Reading]
    """Other ways to understand the question."""


# Everything else -------------------------------------------------------------------------------------


@dataclass
class ConnectionInfo:
    """A connection the server was configured with, or one added from the panel; never its URL or
    credentials."""

    name: str
    dialect: str | None
    """sqlite, duckdb, postgres or mysql; null when it could not be opened."""
    tables: int | None
    default: bool
    error: str | None
    """Why it could not be opened, or null."""
    removable: bool
    """Added from the panel, so ``DELETE connections/{name}`` removes it; false for a connection of the
    server's settings (``ChatBI.connections``), which only its administrator removes."""


@dataclass
class ConnectionList:
    """GET connections; POST connections with the connection added; DELETE connections/{name} without
    the connection removed (the default falls back to the server's first connection when it was that)."""

    connections: list[ConnectionInfo]
    default: str | None


@dataclass
class SchemaColumn:
    name: str
    type: str
    nullable: bool
    primary_key: bool
    comment: str | None


@dataclass
class ForeignKey:
    columns: list[str]
    ref_table: str
    ref_columns: list[str]


@dataclass
class SchemaTable:
    name: str
    comment: str | None
    row_count: int | None
    columns: list[SchemaColumn]
    primary_key: list[str]
    foreign_keys: list[ForeignKey]


@dataclass
class SchemaSummary:
    """GET connections/{name}/schema: the tables the assistant sees (sample values left out)."""

    connection: str
    dialect: str
    tables: list[SchemaTable]


@dataclass
class ModelStatus:
    """GET model: which model answers, whether it is in memory, and what the worker is doing."""

    describe: str
    loaded: bool
    """Whether the language model is in memory (it loads on the first question that needs it)."""
    loading: bool
    """True while a question waits for the model to load."""
    model_id: str | None
    adapter_hash: str | None
    stage: str | None
    """What the question being answered is doing now (loading the model, generating, checking, …)."""
    queued: int
    """Requests in the worker's queue, the running one included."""
    error: str | None
    """Why the model last failed to load, or null."""


@dataclass
class FeedbackResult:
    """POST feedback: what was logged."""

    answer_id: str
    kind: Literal["accept", "reject"]
    logged: bool
    message: str


@dataclass
class NotebookCell:
    """GET answers/{id}/cell: a code cell that reproduces an answer's result (its SQL run read-only, and
    its chart), for "Insert into notebook"."""

    answer_id: str
    source: str


@dataclass
class DashboardFigure:
    """One figure of the adoption dashboard (:func:`feedback.dashboard.dashboard_figures`)."""

    name: Literal["questions", "shares", "edits", "latency", "errors", "versions"]
    title: str
    figure: dict[str, Any]
    """The plotly figure as JSON, themeless on a transparent page (as :attr:`Chart.figure`)."""


@dataclass
class Dashboard:
    """GET dashboard: the adoption figures of the feedback log the panel logs to (``chatbi feedback
    stats``); no figures when the period holds no question."""

    since: str | None
    """The first UTC day counted (``YYYY-MM-DD``); null for the whole log."""
    connection: str | None
    """The connection the figures are about; null for all."""
    questions: int
    answered: int
    outcomes: dict[str, int]
    """What became of the questions: accepted, edited, rejected, error, no verdict → how many."""
    figures: list[DashboardFigure]


@dataclass
class RetrainRun:
    """One run of ``chatbi retrain --if-new N`` by the server's schedule."""

    started_at: str
    finished_at: str
    outcome: Literal["skipped", "trained", "promoted", "failed"]
    """``skipped``: too few new corrections; ``trained``: measured, the adapter in use kept;
    ``promoted``: the new adapter measured better and answers from now on."""
    exit_code: int
    message: str
    """The command's last line."""


@dataclass
class RetrainingStatus:
    """GET retraining: the server's retraining schedule (``ChatBI.retrain_every_hours``) and its last run."""

    enabled: bool
    every_hours: float | None
    if_new: int
    """Corrections that must be approved since the last training for a run to train."""
    connections: list[str]
    """The connections it learns from: those that are database files."""
    running: bool
    runs: int
    """Runs since the server started."""
    next_run_at: str | None
    last_run: RetrainRun | None


@dataclass
class ErrorBody:
    """Every error response: one message, never a traceback."""

    message: str


# The answer stream ---------------------------------------------------------------------------------------
# One websocket per panel, ``{base_url}chatbi/api/stream?token=…`` (:mod:`chatbi_jupyterlab.stream`). The
# panel sends ``StreamAsk`` and ``StreamCancel``; for each question the server sends its stages, the SQL
# as the model writes it, and one last message: done, cancelled or error. Questions are answered one after
# the other, in the order they were sent.


@dataclass
class StreamAsk:
    """Ask a question over the stream."""

    type: Literal["ask"]
    request_id: str
    """Chosen by the panel, unique among its questions being answered; every message about this question
    carries it."""
    ask: AskRequest


@dataclass
class StreamCancel:
    """Stop answering a question: at the next piece of SQL written, or the next stage (a question still
    queued is never started). The server says ``cancelling`` at once, then ``cancelled``."""

    type: Literal["cancel"]
    request_id: str


@dataclass
class StreamStage:
    """A question's answer entered a stage: ``linking``, ``loading the model``, ``generating``,
    ``checking``, ``repairing``, ``sampling``, ``asking the larger model``, ``running``; and
    ``cancelling`` when a cancel was received."""

    type: Literal["stage"]
    request_id: str
    stage: str


@dataclass
class StreamToken:
    """SQL the model just wrote (while ``generating``): the tokens of a question, joined, are a prefix of
    the SQL the model wrote (the answer's ``generated_sql`` unless it was mended)."""

    type: Literal["token"]
    request_id: str
    text: str


@dataclass
class StreamDone:
    """The question's answer, complete: the last message about it."""

    type: Literal["done"]
    request_id: str
    answer: Answer


@dataclass
class StreamCancelled:
    """The question was cancelled: the last message about it (nothing was answered or logged)."""

    type: Literal["cancelled"]
    request_id: str


@dataclass
class StreamError:
    """A question could not be answered, or a message was not understood (``request_id`` null when it
    named no question): one message, never a traceback; ``status`` as the REST API would answer it."""

    type: Literal["error"]
    request_id: str | None
    message: str
    status: int


STREAM_REQUESTS: tuple[type, ...] = (StreamAsk, StreamCancel)
STREAM_MESSAGES: tuple[type, ...] = (StreamStage, StreamToken, StreamDone, StreamCancelled, StreamError)

REQUESTS: tuple[type, ...] = (
    AskRequest,
    RunRequest,
    EditRequest,
    AnswerRequest,
    ChartRequest,
    FeedbackRequest,
    AddConnectionRequest,
    ReadingComparison,
    ReadingRanking,
    ReadingRequest,
)
RESPONSES: tuple[type, ...] = (
    Column,
    Table,
    Diagnostic,
    StepTerm,
    Step,
    RelativeDate,
    DateBound,
    Filter,
    TimeRange,
    Measure,
    OrderItem,
    OutputColumn,
    OperatorChoice,
    ColumnChoice,
    SortChoice,
    TimeChoice,
    PlanChoices,
    Plan,
    Chart,
    Example,
    GlossaryTerm,
    ReadingChip,
    ReadingChoice,
    MetricChoice,
    ReadingChoices,
    Reading,
    Answer,
    ConnectionInfo,
    ConnectionList,
    SchemaColumn,
    ForeignKey,
    SchemaTable,
    SchemaSummary,
    ModelStatus,
    FeedbackResult,
    NotebookCell,
    DashboardFigure,
    Dashboard,
    RetrainRun,
    RetrainingStatus,
    ErrorBody,
)
PLAN_EDITS: tuple[type, ...] = tuple(EDIT_TYPES.values())
"""The edits of POST edit, written to TypeScript as the tagged union ``PlanEdit``."""
HEADER = """The wire format between the ChatBI panel and its server extension.
Generated from chatbi_jupyterlab/wire.py by `python -m chatbi_jupyterlab.wire > src/wire.ts`: do not edit.
tests/test_server_extension.py fails when this file and wire.py differ."""


SURROGATE = re.compile("[\ud800-\udfff]")
"""A lone surrogate: what Python keeps of bytes that were not UTF-8; UTF-8 cannot encode it."""


def to_json(value: Any) -> str:
    """A wire object as JSON; NaN and infinities (which ``JSON.parse`` rejects) become null, and a lone
    surrogate (text that was not UTF-8, echoed back) its ``\\u`` escape, so the JSON encodes as UTF-8.

    Example:
        >>> to_json(["x\\udcff"])
        '["x\\\\udcff"]'
    """
    data = dataclasses.asdict(value) if dataclasses.is_dataclass(value) else value
    text = json.dumps(_finite(data), ensure_ascii=False, allow_nan=False)
    return SURROGATE.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value


def typescript() -> str:
    """The TypeScript interfaces of every request and response, as ``src/wire.ts`` holds them."""
    classes = (*REQUESTS, *RESPONSES, *STREAM_REQUESTS, *STREAM_MESSAGES)
    return typescript_module(classes, HEADER, {"PlanEdit": PLAN_EDITS})


if __name__ == "__main__":  # run as a script its classes would be __main__'s: print the module's own
    from chatbi_jupyterlab import wire

    print(wire.typescript(), end="")
