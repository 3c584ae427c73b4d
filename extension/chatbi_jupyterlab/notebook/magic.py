"""The IPython magics: ``%chatbi`` manages connections and the model (``%chatbi review`` shows the
corrections waiting for a reviewer: :mod:`chatbi_jupyterlab.notebook.review_view`), ``%%ask`` / ``%ask``
answer.

A thin shell over :class:`chatbi_jupyterlab.notebook.session.NotebookSession`: arguments are parsed with
IPython's ``magic_arguments`` (so ``%ask?`` shows the help), user mistakes become ``UsageError`` (one line, no
traceback), and the answer is shown by :class:`chatbi_jupyterlab.notebook.answer_view.AnswerView` (kept in
``_ask_view``; the result DataFrame goes to ``--out VAR`` or ``_ask``, and stays the rows on screen: after an
edit, a run of edited SQL or a regenerate in the view, the variable holds the new rows).

Settings, with ``%config ChatBIMagics.<name> = value``: ``max_rows``, ``timeout``, ``shown_rows``,
``result_variable``, ``time_budget`` (seconds an answer may take before it stops trying more). While
a question runs, the cell shows its stage (loading the model, generating, checking, repairing, …), and
nothing else: the model libraries' progress bars and warnings are kept out of the notebook. Jupyter's
interrupt stops it cleanly, with one line and nothing half-answered. The answer is shown as its static
HTML and the live widget (:meth:`AnswerView.show`): an exported notebook shows it offline too.

Example:
    >>> import IPython
    >>> from IPython.testing.globalipapp import start_ipython
    >>> shell = start_ipython() or IPython.get_ipython()  # a test shell
    >>> _ = shell.extension_manager.load_extension("chatbi_jupyterlab.notebook")  # %load_ext does this
    >>> try:
    ...     shell.run_line_magic("chatbi", "frobnicate")
    ... except Exception as error:
    ...     print(type(error).__name__, error)
    UsageError unknown action frobnicate: use connect, model, status, glossary or review
"""

from __future__ import annotations

import shlex
from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring
from IPython.display import HTML, display
from traitlets import Float, Int, Unicode

from chatbi_jupyterlab.notebook.answer_html import status_html
from chatbi_jupyterlab.notebook.quiet import quiet_model_loading
from chatbi_jupyterlab.notebook.session import NotebookSession
from nl2sql.assistant import DEFAULT_TIME_BUDGET_S
from nl2sql.errors import ChatBIError
from nl2sql.execute import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT_S

CHART_CHOICES = ("auto", "indicator", "line", "bar", "pie", "scatter", "table")
ACTIONS = ("connect", "model", "status", "glossary", "review")
VIEW_VARIABLE = "_ask_view"
"""The notebook variable holding the last answer's view (to edit it, switch its chart, accept it…)."""
REVIEW_VARIABLE = "_review_view"
"""The notebook variable holding the last review view (its ``approve``, ``reject``, ``refresh``)."""


@magics_class
class ChatBIMagics(Magics):
    """``%chatbi``, ``%%ask`` and ``%ask``."""

    max_rows = Int(DEFAULT_MAX_ROWS, help="At most this many rows are fetched per query.").tag(config=True)
    timeout = Float(DEFAULT_TIMEOUT_S, help="A query running longer (seconds) is stopped.").tag(config=True)
    shown_rows = Int(10, help="Rows of the result shown at first ('Show more rows' adds more).").tag(
        config=True
    )
    time_budget = Float(
        DEFAULT_TIME_BUDGET_S, help="Seconds an answer may take before it stops trying more."
    ).tag(config=True)
    result_variable = Unicode("_ask", help="Where the result DataFrame goes when --out is not given.").tag(
        config=True
    )

    def __init__(self, shell: Any = None, **kwargs: Any) -> None:
        super().__init__(shell=shell, **kwargs)
        self.session = NotebookSession(max_rows=self.max_rows, timeout_s=self.timeout)

    @line_magic
    def chatbi(self, line: str) -> Any:
        """Manage ChatBI in this notebook.

        %chatbi connect demo | URL | FILE [--name NAME] [--glossary YAML]
        %chatbi model [NAME] [--adapter DIR|none] [--backend auto|transformers|llama.cpp] [--base-url URL]
        %chatbi status
        %chatbi glossary [--db NAME]
        %chatbi review [--db NAME]
        """
        words = shlex.split(line)
        if not words or words[0] not in ACTIONS:
            action = words[0] if words else "(none)"
            raise UsageError(f"unknown action {action}: use {', '.join(ACTIONS[:-1])} or {ACTIONS[-1]}")
        action, rest = words[0], " ".join(shlex.quote(w) for w in words[1:])
        try:
            return getattr(self, f"_{action}")(rest)
        except ChatBIError as error:
            raise UsageError(str(error)) from None

    @magic_arguments()
    @argument("spec", help="demo, a SQLAlchemy URL, or a SQLite/DuckDB file")
    @argument("--name", default=None, help="what to call the connection (default: the database's name)")
    @argument("--glossary", default=None, help="a YAML glossary of business terms for this database")
    def _connect(self, rest: str) -> None:
        args = parse_argstring(self._connect, rest)
        self.session.max_rows, self.session.timeout_s = self.max_rows, self.timeout
        assistant = self.session.connect(args.spec, name=args.name, glossary=args.glossary)
        schema = assistant.schema
        print(
            f"connected {self.session.current}: {assistant.database.dialect}, {len(schema.tables)} tables"
            f" ({', '.join(t.name for t in schema.tables[:8])}{', …' if len(schema.tables) > 8 else ''})"
        )
        if schema.skipped:
            print(schema.skipped_note())

    @magic_arguments()
    @argument("name", nargs="?", default=None, help="bundled model name, Hugging Face id/folder or .gguf")
    @argument("--adapter", default=None, help="a peft LoRA adapter folder, or 'none'")
    @argument("--backend", default=None, help="auto, transformers or llama.cpp")
    @argument("--base-url", default=None, help="an OpenAI-compatible server, e.g. http://host:8000/v1")
    def _model(self, rest: str) -> None:
        args = parse_argstring(self._model, rest)
        if args.name or args.adapter or args.backend or args.base_url:
            self.session.set_model(
                model=args.name, adapter=args.adapter, backend=args.backend, base_url=args.base_url
            )
        print(self.session.model.describe())

    def _status(self, rest: str) -> None:
        print(self.session.status())

    @magic_arguments()
    @argument("--db", default=None, help="which connection (default: the current one)")
    def _glossary(self, rest: str) -> None:
        args = parse_argstring(self._glossary, rest)
        glossary = self.session.assistant(args.db).glossary
        print(f"{glossary.path or '(no file)'}\n{glossary.to_text()}")

    @magic_arguments()
    @argument("--db", default=None, help="which connection (default: the current one)")
    def _review(self, rest: str) -> None:
        """The candidate corrections on the connection waiting for a reviewer, to approve or reject."""
        args = parse_argstring(self._review, rest)
        assistant = self.session.assistant(args.db)
        if assistant.log is None:
            raise UsageError("feedback logging is off in this session: there is nothing to review")
        from chatbi_jupyterlab.notebook.review_view import ReviewView

        view = ReviewView(assistant.log, assistant.database, assistant.schema)
        self.shell.user_ns[REVIEW_VARIABLE] = view
        view.show()

    @line_cell_magic
    @magic_arguments()
    @argument("question", nargs="*", help="the question (for %%ask: the cell body)")
    @argument("--db", default=None, help="which connection (default: the current one)")
    @argument("--out", default=None, help="the variable that receives the result DataFrame")
    @argument("--no-run", action="store_true", help="write and check the SQL, do not run it")
    @argument("--chart", default="auto", choices=CHART_CHOICES, help="the chart to draw (default: chosen)")
    @argument(
        "--lang", default=None, choices=("en", "zh"), help="explanation language (default: the question's)"
    )
    @argument("--new", action="store_true", help="start a new conversation: not a follow-up")
    @argument(
        "--follow-up", action="store_true", help="build on the previous question (default: when it reads so)"
    )
    def ask(self, line: str, cell: str | None = None) -> None:
        """Ask the current database a question in plain language (English or Chinese).

        %ask How many customers are there?
        %%ask --chart bar --out by_segment
        How many customers are in each segment?
        """
        args = parse_argstring(self.ask, line)
        question = (cell if cell is not None else " ".join(args.question)).strip()
        if not question:
            raise UsageError("ask what? write the question after %ask, or in the %%ask cell")
        progress = display(HTML(status_html("asking…")), display_id=True)

        def show_stage(stage: str) -> None:  # what the answer is doing now, in place of the last stage
            if progress is not None:
                progress.update(HTML(status_html(f"{stage}…")))

        assistant = None
        try:
            assistant = self.session.assistant(args.db)
            assistant.max_rows, assistant.timeout_s = self.max_rows, self.timeout
            assistant.time_budget_s, assistant.on_stage = self.time_budget, show_stage
            if not assistant.model_loaded:
                show_stage(f"loading the model if this question needs it ({self.session.model.describe()})")
            with quiet_model_loading():  # the stage line says so; no progress bar left in the notebook
                answer = self.session.ask(
                    question, db=args.db, run=not args.no_run, new=args.new, follow_up=args.follow_up or None
                )
        except ChatBIError as error:
            raise UsageError(str(error)) from None
        except KeyboardInterrupt:
            raise UsageError("interrupted: nothing was answered, and the conversation is as it was") from None
        finally:
            if assistant is not None:
                assistant.on_stage = None
            if progress is not None:
                progress.update(HTML(""))
        variable = args.out or self.result_variable
        if answer.data is not None:
            self.shell.user_ns[variable] = answer.data
        from chatbi_jupyterlab.notebook.answer_view import AnswerView

        def keep_in_step(frame: Any) -> None:  # the variable holds the rows on screen, edits included
            if frame is not None:
                self.shell.user_ns[variable] = frame

        view = AnswerView(
            answer,
            self.session,
            db=args.db or self.session.current,
            chart=None if args.chart == "auto" else args.chart,
            lang=args.lang,
            shown_rows=self.shown_rows,
            on_result=keep_in_step,
        )
        self.shell.user_ns[VIEW_VARIABLE] = view
        view.show()


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext chatbi_jupyterlab.notebook`` (or ``%load_ext nl2sql``) lands here: register the magics."""
    ipython.register_magics(ChatBIMagics)
