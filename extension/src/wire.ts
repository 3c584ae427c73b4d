// The wire format between the ChatBI panel and its server extension.
// Generated from chatbi_jupyterlab/wire.py by `python -m chatbi_jupyterlab.wire > src/wire.ts`: do not edit.
// tests/test_server_extension.py fails when this file and wire.py differ.

/** POST ask: a question on a connection. */
export interface AskRequest {
  question: string;
  /** The connection's name; the default connection when absent. */
  connection?: string | null;
  /** Whether the question builds on the conversation; guessed from its words when absent. */
  follow_up?: boolean | null;
  /** Start the conversation on this connection over. */
  new?: boolean;
  /**
   * The explanation's language (the panel's setting); the server's ``ChatBI.language``, else the
   * question's, when absent.
   */
  language?: 'en' | 'zh' | null;
}

/** POST run: SQL written or edited by the user, run read-only after the same checks. */
export interface RunRequest {
  sql: string;
  connection?: string | null;
  question?: string;
  /**
   * Run the SQL in place of that answer's (logged as explored, or executed when unchanged); a new
   * answer when absent.
   */
  answer_id?: string | null;
}

/** POST edit: change an answer's SQL through its plan, then run it. */
export interface EditRequest {
  answer_id: string;
  /**
   * One edit of ``explain.edits`` in its wire form: ``{"type": "SetLimit", "n": 5}`` (read by
   * ``explain.edits.edit_from_dict``; the panel's type is generated from the same classes).
   */
  edit: PlanEdit;
  /** When given, it must be the answer's connection. */
  connection?: string | null;
}

/** POST regenerate: ask the model again for an answer's question (another sample). */
export interface AnswerRequest {
  answer_id: string;
}

/** POST chart: draw an answer's result as another kind of chart. */
export interface ChartRequest {
  answer_id: string;
  kind: 'indicator' | 'line' | 'bar' | 'pie' | 'scatter' | 'table';
}

/** POST feedback: the SQL shown answers the question (accept), or not (reject). */
export interface FeedbackRequest {
  answer_id: string;
  kind: 'accept' | 'reject';
  /** Why the answer is wrong, in the user's words (reject). */
  reason?: string | null;
}

/** POST connections: open a database read-only and keep it under ``name`` while the server runs. */
export interface AddConnectionRequest {
  /** Letters, digits, spaces, ``_``, ``.`` and ``-``; not a connection's name already. */
  name: string;
  /** A SQLAlchemy URL, or the path of a SQLite or DuckDB file (relative to the server's root folder). */
  database: string;
}

/** A reading's comparison with another period (POST reading; values of ``ReadingChoices``). */
export interface ReadingComparison {
  /** ``none`` (no comparison), ``previous_period`` or ``same_period_last_year``. */
  kind: string;
  /** What is added beside both values: ``value`` (nothing), ``delta`` or ``percent``. */
  show?: string;
}

/** A reading's ranking (POST reading; values of ``ReadingChoices``). */
export interface ReadingRanking {
  /** ``none`` (every row), ``top`` or ``bottom``. */
  direction: string;
  /** How many rows are kept (in each group when ``within`` is set). */
  n?: number;
  /** A grouping or a grain of the reading to rank within; ``""`` ranks over all rows. */
  within?: string;
}

/**
 * POST reading: change a semantic answer's interpretation: take parts off (the ids of its
 * ``chips``: the ratio, a bound, a window on another date), and set its measures, grouping, time window
 * or grain (from its ``choices``; a slot left out stays as it is). The server checks the changed query
 * as a whole, compiles it from the semantic model, without the language model, and runs it.
 */
export interface ReadingRequest {
  answer_id: string;
  remove?: string[];
  /** When given, it must be the answer's connection. */
  connection?: string | null;
  /** The measures, in order (the first is the one a ranking or a ratio is by). */
  metrics?: string[] | null;
  /** The dimensions to break the measures down by. */
  group_by?: string[] | null;
  /** A window token: ``last_quarter``, ``this_year``, ``2025``, … (``all`` for no window). */
  time_range?: string | null;
  /** ``none``, ``day``, ``week``, ``month``, ``quarter`` or ``year``. */
  time_grain?: string | null;
  /** The period each value is compared with, and what is shown beside both. */
  comparison?: ReadingComparison | null;
  /** The top or bottom rows kept, overall or within a grouping. */
  ranking?: ReadingRanking | null;
  /** Each value as a percent of the whole (not together with a comparison). */
  share?: boolean | null;
}

/** One column of a result. */
export interface Column {
  /** The name in the result (what the SQL calls it). */
  name: string;
  /** A readable header for a computed column; the name otherwise. */
  label: string;
  type: 'number' | 'string' | 'boolean' | 'datetime';
}

/** A query result: rows as JSON values (NaN as null, dates and times as ISO strings). */
export interface Table {
  columns: Column[];
  /**
   * The first rows fetched (at most the server's table_rows in an answer); GET answers/{id}/table
   * and export give all of them.
   */
  rows: ((string | number | boolean | null)[])[];
  /** How many rows were fetched. */
  row_count: number;
  /** True when the database had more rows than the row limit let through. */
  truncated: boolean;
}

/** One finding about the SQL: what is wrong or suspicious, and where. */
export interface Diagnostic {
  code: string;
  severity: 'error' | 'warning';
  message: string;
  /** Offset of the first character the finding is about (0-based), when known. */
  start: number | null;
  end: number | null;
}

/** A table or column a step mentions, with its description. */
export interface StepTerm {
  name: string;
  description: string;
}

/** One step of the plain-language explanation; conditions and subqueries nest. */
export interface Step {
  kind: string;
  text: string;
  sql: string | null;
  terms: StepTerm[];
  children: Step[];
}

/** Today shifted by ``amount`` units, optionally from the start of the month or year. */
export interface RelativeDate {
  amount: number;
  unit: string;
  start_of: 'month' | 'year' | null;
}

/** One end of a time range: a fixed day or a day relative to today. */
export interface DateBound {
  date: string | null;
  relative: RelativeDate | null;
  inclusive: boolean;
  sql: string;
}

/** One AND-ed condition of WHERE or HAVING; edits name it by ``id``. */
export interface Filter {
  id: string;
  clause: 'where' | 'having';
  kind: 'value' | 'time' | 'other';
  sql: string;
  column: string | null;
  operator: string | null;
  values: (string | number | boolean | null)[];
  editable: boolean;
  start: DateBound | null;
  end: DateBound | null;
}

/** The time filters on one date column, together (what reads as "last 3 months"). */
export interface TimeRange {
  column: string;
  clause: 'where' | 'having';
  filter_ids: string[];
  start: DateBound | null;
  end: DateBound | null;
  editable: boolean;
  label: string;
}

/**
 * An aggregate in the select list.
 *
 * Example:
 *     >>> from explain.plan import plan
 *     >>> m = plan("SELECT ROUND(SUM(DISTINCT x), 2) AS total FROM t").measures[0]
 *     >>> m.function, m.column, m.distinct, m.alias, m.editable
 *     ('sum', 'x', True, 'total', True)
 */
export interface Measure {
  /** ``m1``, ``m2``, … in the order of the select list. */
  id: string;
  /** ``count``, ``sum``, ``avg``, ``min``, ``max`` (or another aggregate's name, lower case). */
  function: string;
  /** The aggregated column or expression as SQL, ``*`` for ``COUNT(*)``. */
  column: string;
  distinct: boolean;
  alias: string | null;
  /** The whole output column it sits in, without its alias (``ROUND(SUM(x), 2)``). */
  sql: string;
  /** False when the output column combines several aggregates (a ratio): it is shown, not edited. */
  editable: boolean;
}

export interface OrderItem {
  expression: string;
  descending: boolean;
}

export interface OutputColumn {
  name: string;
  sql: string;
  role: 'dimension' | 'measure' | 'window' | 'column' | 'star';
}

/** A filter operator and how many values it takes. */
export interface OperatorChoice {
  operator: string;
  min_values: number;
  /** null: any number (``in``). */
  max_values: number | null;
}

/** A column a new condition can be put on. */
export interface ColumnChoice {
  /** As the edit names it (qualified when the query reads several tables). */
  name: string;
  /** Whether it holds numbers: the values typed are read as numbers. */
  numeric: boolean;
}

/** An output column the result can be sorted by instead. */
export interface SortChoice {
  label: string;
  /** An output column's name or a measure's id, as ``SetOrder`` takes it. */
  key: string;
}

/** An editable time range as its controls show it: a window ("the last 3 months") or two days. */
export interface TimeChoice {
  /** The date column; ``SetTimeWindow`` and ``SetDateRange`` name it. */
  column: string;
  /** For "the last N units": N; null for a range of days. */
  amount: number | null;
  unit: string | null;
  /** The first day the range lets through, YYYY-MM-DD; empty for an open start. */
  start: string;
  /** The last day the range lets through, YYYY-MM-DD; empty for an open end. */
  end: string;
}

/**
 * What the plan's controls offer, worked out from the database's schema (what the notebook's answer
 * view offers).
 */
export interface PlanChoices {
  operators: OperatorChoice[];
  /** The columns of the query's tables, for a new condition. */
  filter_columns: ColumnChoice[];
  /**
   * The columns the query groups by, then those it can be grouped by too (its tables', and those it
   * can look up).
   */
  group_columns: string[];
  /** By measure id: the functions ``SetAggregate`` can give it (none for ``COUNT(*)``). */
  aggregates: Record<string, string[]>;
  /** Output columns not sorted by yet. */
  sort_keys: SortChoice[];
  time_ranges: TimeChoice[];
  /** The units of a time window. */
  units: string[];
}

/** What a user can change in the SQL without writing SQL (the edits of POST edit). */
export interface Plan {
  sql: string;
  dialect: string;
  editable: boolean;
  columns: OutputColumn[];
  filters: Filter[];
  time_range: TimeRange[];
  group_by: string[];
  measures: Measure[];
  order_by: OrderItem[];
  limit: number | null;
  /** The parts the plan does not represent; edits leave them as they are. */
  read_only: string[];
  /** What the controls offer; null when the plan cannot be edited. */
  choices?: PlanChoices | null;
}

/** The chart of the result: a plotly figure, or none when a table says it best. */
export interface Chart {
  kind: 'indicator' | 'line' | 'bar' | 'pie' | 'scatter' | 'table';
  /** The kinds that fit the result (the switcher's choices). */
  available: ('indicator' | 'line' | 'bar' | 'pie' | 'scatter' | 'table')[];
  /** Why this chart, in one sentence. */
  reason: string;
  /** Why the kind asked for was not drawn, when it was not. */
  note: string | null;
  /**
   * The plotly figure as JSON (``data`` and ``layout``, themeless on a transparent page); null for a
   * table.
   */
  figure: Record<string, unknown> | null;
}

/**
 * A question with its SQL: an earlier turn of the conversation, or a solved example shown to the
 * model.
 */
export interface Example {
  question: string;
  sql: string;
}

/** A business term of the database whose SQL the query contains. */
export interface GlossaryTerm {
  name: string;
  definition: string;
  sql: string | null;
}

/**
 * A part of a reading that can be taken off (POST reading): the ratio, a bound on a metric, or a
 * window on another date ("signup date: last year").
 */
export interface ReadingChip {
  /**
   * ``ratio``, ``per`` (an average per row), ``bound:0``, ``bound:1``, …, ``window:0``, …, or
   * ``related:0``, … (rows of another table each row has or lacks: "without orders in last 90 days"),
   * ``band:0``, … (a grouping by ranges of a number) or ``period:0``, … (a grouping by the year, quarter
   * or month of another date)
   */
  id: string;
  kind: 'ratio' | 'per' | 'bound' | 'window' | 'related' | 'band' | 'period';
  /** The part in words, in the answer's language: "units sold ≥ 50", "refund amount as % of revenue". */
  text: string;
}

/** One value a slot of a reading can take (POST reading), and how it reads. */
export interface ReadingChoice {
  value: string;
  /** In the answer's language: "last quarter (2026-01-01 to 2026-03-31)", "month", "revenue". */
  text: string;
}

/** A measure a reading can have, with the groupings it can be broken down by. */
export interface MetricChoice {
  value: string;
  text: string;
  /**
   * The dimensions (values of ``ReadingChoices.group_by``) this measure reaches without repeating
   * the rows it aggregates: a reading's grouping is among those of each of its measures.
   */
  group_by: string[];
}

/**
 * What a reading's slots can be set to (:func:`nl2sql.semantic.choices.query_choices`, as the
 * notebook's interpretation chips offer them); what the reading has already is among them.
 */
export interface ReadingChoices {
  metrics: MetricChoice[];
  group_by: ReadingChoice[];
  /** The windows, each with its dates in words. */
  time_ranges: ReadingChoice[];
  grains: ReadingChoice[];
  /**
   * The periods the values can be compared with; only ``none`` when the reading cannot be compared
   * (it has a ratio or a bound on a metric).
   */
  comparisons: ReadingChoice[];
  /** What a comparison adds beside both values. */
  shows: ReadingChoice[];
  /** Every row, the top rows or the bottom rows. */
  directions: ReadingChoice[];
  /**
   * What a ranking can be within: ``""`` (overall), each grouping, each grain; a reading ranks within
   * one of its own groupings, or its grain or a coarser one.
   */
  within: ReadingChoice[];
  /** Whether each value can be shown as a share of the whole (not beside a ratio). */
  share: boolean;
}

/** How a semantic answer read the question: in words, and the SQL compiled from it. */
export interface Reading {
  text: string;
  sql: string;
  notes: string[];
  /** The semantic query (metrics, grouping, time range, filters); null for a verified query. */
  query: Record<string, unknown> | null;
  /**
   * Its ratio, its bounds on metrics and its windows on other dates, each removable
   * (:mod:`nl2sql.semantic.chips`).
   */
  chips: ReadingChip[];
  /**
   * What its measures, grouping, window and grain can be changed to; null for a verified query, a
   * listing, and the other readings of the question.
   */
  choices: ReadingChoices | null;
}

/** One answer, as the panel shows it; POST edit, run, regenerate and chart return it changed. */
export interface Answer {
  /** Names the answer in later requests (edit, feedback, export); the server keeps the latest ones. */
  id: string;
  connection: string;
  question: string;
  /** The SQL shown: the generated one until an edit, a run or a regenerate worked. */
  sql: string;
  /**
   * The SQL the model answered with: the first answer's, or after a regenerate the regenerated one
   * (the "generated" side of feedback).
   */
  generated_sql: string;
  /** Whether the SQL shown was changed from ``generated_sql`` (an edit or a run; a regenerate is none). */
  edited: boolean;
  /** The sample number of the regenerated answer shown (1, 2, …); 0 for the first answer. */
  sample: number;
  path: 'verified' | 'semantic' | 'sql' | 'refused';
  /** How it was answered, in words. */
  path_label: string;
  /** One line saying what went wrong, or null. */
  error: string | null;
  /** What the last request did to the answer, in one line. */
  status: string;
  /** What the SQL does, in one sentence; null when it cannot be explained. */
  summary: string | null;
  lang: string;
  steps: Step[];
  diagnostics: Diagnostic[];
  plan: Plan | null;
  /** The result; null when the SQL did not run. */
  table: Table | null;
  chart: Chart | null;
  /** Seconds per stage (route, prompt, generate, validate, repair, execute, total). */
  timings: Record<string, number>;
  model_id: string;
  adapter_hash: string | null;
  /** Earlier corrections like the question, shown to the model before it. */
  examples: Example[];
  /** The earlier questions and SQL a follow-up was sent with. */
  history: Example[];
  terms_used: GlossaryTerm[];
  /** What the reader should know about how the answer was reached. */
  notes: string[];
  /** Names mended against the schema without the model. */
  fixes: string[];
  repaired: boolean;
  interpretation: Reading | null;
  /** Other ways to understand the question. */
  readings: Reading[];
}

/**
 * A connection the server was configured with, or one added from the panel; never its URL or
 * credentials.
 */
export interface ConnectionInfo {
  name: string;
  /** sqlite, duckdb, postgres or mysql; null when it could not be opened. */
  dialect: string | null;
  tables: number | null;
  default: boolean;
  /** Why it could not be opened, or null. */
  error: string | null;
  /**
   * Added from the panel, so ``DELETE connections/{name}`` removes it; false for a connection of the
   * server's settings (``ChatBI.connections``), which only its administrator removes.
   */
  removable: boolean;
}

/**
 * GET connections; POST connections with the connection added; DELETE connections/{name} without
 * the connection removed (the default falls back to the server's first connection when it was that).
 */
export interface ConnectionList {
  connections: ConnectionInfo[];
  default: string | null;
}

export interface SchemaColumn {
  name: string;
  type: string;
  nullable: boolean;
  primary_key: boolean;
  comment: string | null;
}

export interface ForeignKey {
  columns: string[];
  ref_table: string;
  ref_columns: string[];
}

export interface SchemaTable {
  name: string;
  comment: string | null;
  row_count: number | null;
  columns: SchemaColumn[];
  primary_key: string[];
  foreign_keys: ForeignKey[];
}

/** GET connections/{name}/schema: the tables the assistant sees (sample values left out). */
export interface SchemaSummary {
  connection: string;
  dialect: string;
  tables: SchemaTable[];
}

/** GET model: which model answers, whether it is in memory, and what the worker is doing. */
export interface ModelStatus {
  describe: string;
  /** Whether the language model is in memory (it loads on the first question that needs it). */
  loaded: boolean;
  /** True while a question waits for the model to load. */
  loading: boolean;
  model_id: string | null;
  adapter_hash: string | null;
  /** What the question being answered is doing now (loading the model, generating, checking, …). */
  stage: string | null;
  /** Requests in the worker's queue, the running one included. */
  queued: number;
  /** Why the model last failed to load, or null. */
  error: string | null;
}

/** POST feedback: what was logged. */
export interface FeedbackResult {
  answer_id: string;
  kind: 'accept' | 'reject';
  logged: boolean;
  message: string;
}

/**
 * GET answers/{id}/cell: a code cell that reproduces an answer's result (its SQL run read-only, and
 * its chart), for "Insert into notebook".
 */
export interface NotebookCell {
  answer_id: string;
  source: string;
}

/** One figure of the adoption dashboard (:func:`feedback.dashboard.dashboard_figures`). */
export interface DashboardFigure {
  name: 'questions' | 'shares' | 'edits' | 'latency' | 'errors' | 'versions';
  title: string;
  /** The plotly figure as JSON, themeless on a transparent page (as :attr:`Chart.figure`). */
  figure: Record<string, unknown>;
}

/**
 * GET dashboard: the adoption figures of the feedback log the panel logs to (``chatbi feedback
 * stats``); no figures when the period holds no question.
 */
export interface Dashboard {
  /** The first UTC day counted (``YYYY-MM-DD``); null for the whole log. */
  since: string | null;
  /** The connection the figures are about; null for all. */
  connection: string | null;
  questions: number;
  answered: number;
  /** What became of the questions: accepted, edited, rejected, error, no verdict → how many. */
  outcomes: Record<string, number>;
  figures: DashboardFigure[];
}

/** One run of ``chatbi retrain --if-new N`` by the server's schedule. */
export interface RetrainRun {
  started_at: string;
  finished_at: string;
  /**
   * ``skipped``: too few new corrections; ``trained``: measured, the adapter in use kept;
   * ``promoted``: the new adapter measured better and answers from now on.
   */
  outcome: 'skipped' | 'trained' | 'promoted' | 'failed';
  exit_code: number;
  /** The command's last line. */
  message: string;
}

/** GET retraining: the server's retraining schedule (``ChatBI.retrain_every_hours``) and its last run. */
export interface RetrainingStatus {
  enabled: boolean;
  every_hours: number | null;
  /** Corrections that must be approved since the last training for a run to train. */
  if_new: number;
  /** The connections it learns from: those that are database files. */
  connections: string[];
  running: boolean;
  /** Runs since the server started. */
  runs: number;
  next_run_at: string | null;
  last_run: RetrainRun | null;
}

/** Every error response: one message, never a traceback. */
export interface ErrorBody {
  message: string;
}

/** Ask a question over the stream. */
export interface StreamAsk {
  type: 'ask';
  /**
   * Chosen by the panel, unique among its questions being answered; every message about this question
   * carries it.
   */
  request_id: string;
  ask: AskRequest;
}

/**
 * Stop answering a question: at the next piece of SQL written, or the next stage (a question still
 * queued is never started). The server says ``cancelling`` at once, then ``cancelled``.
 */
export interface StreamCancel {
  type: 'cancel';
  request_id: string;
}

/**
 * A question's answer entered a stage: ``linking``, ``loading the model``, ``generating``,
 * ``checking``, ``repairing``, ``sampling``, ``asking the larger model``, ``running``; and
 * ``cancelling`` when a cancel was received.
 */
export interface StreamStage {
  type: 'stage';
  request_id: string;
  stage: string;
}

/**
 * SQL the model just wrote (while ``generating``): the tokens of a question, joined, are a prefix of
 * the SQL the model wrote (the answer's ``generated_sql`` unless it was mended).
 */
export interface StreamToken {
  type: 'token';
  request_id: string;
  text: string;
}

/** The question's answer, complete: the last message about it. */
export interface StreamDone {
  type: 'done';
  request_id: string;
  answer: Answer;
}

/** The question was cancelled: the last message about it (nothing was answered or logged). */
export interface StreamCancelled {
  type: 'cancelled';
  request_id: string;
}

/**
 * A question could not be answered, or a message was not understood (``request_id`` null when it
 * named no question): one message, never a traceback; ``status`` as the REST API would answer it.
 */
export interface StreamError {
  type: 'error';
  request_id: string | null;
  message: string;
  status: number;
}

/**
 * Give filter ``filter_id`` new values, as many as its operator takes.
 *
 * Example:
 *     >>> from explain.plan import plan
 *     >>> plan("SELECT * FROM t WHERE x IN (1, 2)").apply(SetFilterValue("f1", [3, "it's"]))
 *     "SELECT * FROM t WHERE x IN (3, 'it''s')"
 */
export interface SetFilterValue {
  type: 'SetFilterValue';
  filter_id: string;
  values: unknown[];
}

/**
 * Change the operator of filter ``filter_id``; ``values`` when the new one takes another number.
 *
 * Example:
 *     >>> from explain.plan import plan
 *     >>> plan("SELECT * FROM t WHERE x = 1").apply(SetFilterOperator("f1", "between", [1, 5]))
 *     'SELECT * FROM t WHERE x BETWEEN 1 AND 5'
 */
export interface SetFilterOperator {
  type: 'SetFilterOperator';
  filter_id: string;
  operator: string;
  values?: unknown[] | null;
}

/**
 * AND a new condition ``column operator values`` to WHERE (or to HAVING).
 *
 * Example:
 *     >>> from explain.plan import plan
 *     >>> plan("SELECT * FROM t WHERE a = 1 OR b = 2").apply(AddFilter("c", "is not null"))
 *     'SELECT * FROM t WHERE (a = 1 OR b = 2) AND c IS NOT NULL'
 */
export interface AddFilter {
  type: 'AddFilter';
  column: string;
  operator: string;
  values?: unknown[];
  clause?: string;
}

/**
 * Drop filter ``filter_id`` (any filter, also one that is not editable).
 *
 * Example:
 *     >>> from explain.plan import plan
 *     >>> plan("SELECT * FROM t WHERE a = 1 AND b = 2").apply(RemoveFilter("f1"))
 *     'SELECT * FROM t WHERE b = 2'
 */
export interface RemoveFilter {
  type: 'RemoveFilter';
  filter_id: string;
}

/**
 * Limit ``target`` to the last ``amount`` days/weeks/months/years (``column >= today - amount``).
 *
 * ``target`` is a time filter's id, whose whole time range (every time filter on that column) is
 * replaced, or a date column, which gets the window (replacing its time range when it has one).
 *
 * Example:
 *     >>> from explain.plan import plan
 *     >>> p = plan("SELECT COUNT(*) FROM orders WHERE d BETWEEN '2025-01-01' AND '2025-12-31'")
 *     >>> p.apply(SetTimeWindow("f1", 3, "month"))
 *     "SELECT COUNT(*) FROM orders WHERE d >= DATE('now', '-3 month')"
 */
export interface SetTimeWindow {
  type: 'SetTimeWindow';
  target: string;
  amount: number;
  unit: string;
}

/**
 * Limit ``target`` (a time filter's id, or a date column) to the days ``start`` to ``end``, both
 * included; either may be None for an open end. Dates are written as ``'YYYY-MM-DD'`` strings.
 *
 * Example:
 *     >>> from explain.plan import plan
 *     >>> p = plan("SELECT * FROM t WHERE d >= DATE('now', '-30 days')")
 *     >>> p.apply(SetDateRange("f1", "2025-01-01", None))
 *     "SELECT * FROM t WHERE d >= '2025-01-01'"
 */
export interface SetDateRange {
  type: 'SetDateRange';
  target: string;
  start: string | null;
  end: string | null;
}

/**
 * Group by ``column`` too, and show it: it is added to the select list before the measures.
 *
 * Example:
 *     >>> from explain.plan import plan
 *     >>> plan("SELECT a, COUNT(*) FROM t GROUP BY a").apply(AddGroupBy("b"))
 *     'SELECT a, b, COUNT(*) FROM t GROUP BY a, b'
 */
export interface AddGroupBy {
  type: 'AddGroupBy';
  column: string;
  alias?: string | null;
}

/**
 * Stop grouping by ``column`` (or an output alias); its output column and ordering on it go too.
 *
 * Example:
 *     >>> from explain.plan import plan
 *     >>> plan("SELECT a, b, COUNT(*) FROM t GROUP BY a, b ORDER BY b").apply(RemoveGroupBy("b"))
 *     'SELECT a, COUNT(*) FROM t GROUP BY a'
 */
export interface RemoveGroupBy {
  type: 'RemoveGroupBy';
  column: string;
}

/**
 * Change measure ``measure_id``'s function (count, sum, avg, min, max), optionally its column and
 * whether it is DISTINCT; wrappers such as ``ROUND(…, 2)`` and the alias stay.
 *
 * Example:
 *     >>> from explain.plan import plan
 *     >>> plan("SELECT ROUND(SUM(x), 2) AS total FROM t").apply(SetAggregate("m1", "avg"))
 *     'SELECT ROUND(AVG(x), 2) AS total FROM t'
 */
export interface SetAggregate {
  type: 'SetAggregate';
  measure_id: string;
  function: string;
  column?: string | null;
  distinct?: boolean | null;
}

/**
 * Add ``function(column)`` (``column`` ``*`` for ``COUNT(*)``) to the select list of an aggregate query.
 *
 * Example:
 *     >>> from explain.plan import plan
 *     >>> plan("SELECT a, COUNT(*) AS n FROM t GROUP BY a").apply(AddMeasure("max", "x", "top"))
 *     'SELECT a, COUNT(*) AS n, MAX(x) AS top FROM t GROUP BY a'
 */
export interface AddMeasure {
  type: 'AddMeasure';
  function: string;
  column?: string;
  alias?: string | null;
  distinct?: boolean;
}

/**
 * Remove the output column that measure ``measure_id`` is in (and ordering on it).
 *
 * Example:
 *     >>> from explain.plan import plan
 *     >>> plan("SELECT a, COUNT(*) AS n, SUM(x) FROM t GROUP BY a ORDER BY n").apply(RemoveMeasure("m1"))
 *     'SELECT a, SUM(x) FROM t GROUP BY a'
 */
export interface RemoveMeasure {
  type: 'RemoveMeasure';
  measure_id: string;
}

/**
 * Sort by ``key``: an output alias, a measure id, or a column/expression. A key already in ORDER BY
 * only changes direction; a new key replaces the ORDER BY.
 *
 * Example:
 *     >>> from explain.plan import plan
 *     >>> plan("SELECT a, SUM(x) AS s FROM t GROUP BY a ORDER BY a").apply(SetOrder("m1", descending=True))
 *     'SELECT a, SUM(x) AS s FROM t GROUP BY a ORDER BY s DESC'
 */
export interface SetOrder {
  type: 'SetOrder';
  key: string;
  descending?: boolean;
}

/**
 * Remove ``key`` from ORDER BY, or the whole ORDER BY when ``key`` is None.
 *
 * Example:
 *     >>> from explain.plan import plan
 *     >>> plan("SELECT a FROM t ORDER BY a, b DESC").apply(RemoveOrder("a"))
 *     'SELECT a FROM t ORDER BY b DESC'
 */
export interface RemoveOrder {
  type: 'RemoveOrder';
  key?: string | null;
}

/**
 * Return at most ``n`` rows (``n`` ≥ 1), or all of them when ``n`` is None.
 *
 * Example:
 *     >>> from explain.plan import plan
 *     >>> plan("SELECT a FROM t LIMIT 10").apply(SetLimit(None))
 *     'SELECT a FROM t'
 */
export interface SetLimit {
  type: 'SetLimit';
  n: number | null;
}

export type PlanEdit = SetFilterValue | SetFilterOperator | AddFilter | RemoveFilter | SetTimeWindow | SetDateRange | AddGroupBy | RemoveGroupBy | SetAggregate | AddMeasure | RemoveMeasure | SetOrder | RemoveOrder | SetLimit;
