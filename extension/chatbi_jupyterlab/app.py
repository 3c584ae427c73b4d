"""The server extension: the ``ChatBI`` settings (traitlets, ``c.ChatBI.…`` in a Jupyter config file or
``--ChatBI.…`` on the command line) and the handler table.

One session, one worker and one model per server process (:mod:`chatbi_jupyterlab.service`). The kernel
(``%%ask``) is another process: a notebook that asks there loads a second copy of the model.

Example:
    >>> ChatBI.name, sorted(ChatBI.class_own_traits(config=True))[:4]
    ('chatbi', ['adapter', 'backend', 'base_url', 'connections'])
"""

from __future__ import annotations

from jupyter_server.extension.application import ExtensionApp
from traitlets import Dict, Enum, Float, Integer, TraitError, Unicode, validate

from chatbi_jupyterlab.answer_wire import TABLE_ROWS
from chatbi_jupyterlab.handlers import RETRAINING_SETTING, SERVICE_SETTING, handlers, unknown_paths
from chatbi_jupyterlab.retraining import RetrainScheduler
from chatbi_jupyterlab.service import ChatBIService, ServiceSettings
from chatbi_jupyterlab.stream import handlers as stream_handlers
from nl2sql.assistant import DEFAULT_TIME_BUDGET_S
from nl2sql.execute import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT_S
from nl2sql.own_query_timeout import set_own_query_timeout


class ChatBI(ExtensionApp):
    """Ask a database questions from JupyterLab's side panel."""

    name = "chatbi"
    load_other_extensions = True

    connections = Dict(
        key_trait=Unicode(),
        value_trait=Unicode(),
        default_value={"demo": "demo"},
        help="Databases the panel may ask, by name: a SQLAlchemy URL, a SQLite or DuckDB file, or 'demo' "
        "(the embedded demo database). They open read-only; the panel sees their names, never the URLs.",
    ).tag(config=True)
    default_connection = Unicode(
        None, allow_none=True, help="The connection asked when a request names none (the first by default)."
    ).tag(config=True)
    max_rows = Integer(DEFAULT_MAX_ROWS, help="Rows fetched per query, at most.").tag(config=True)
    table_rows = Integer(
        TABLE_ROWS, help="Rows an answer carries to the panel; export downloads all rows fetched."
    ).tag(config=True)
    timeout = Float(DEFAULT_TIMEOUT_S, help="Seconds a query may run before it is stopped.").tag(config=True)
    time_budget = Float(
        DEFAULT_TIME_BUDGET_S,
        help="Seconds an answer may take before it stops trying more (a repair round, samples, a larger "
        "model) and returns what it has; generation stops there too. Raise it on a slow or busy machine.",
    ).tag(config=True)
    language = Enum(
        ["en", "zh"], None, allow_none=True, help="The explanations' language; the question's when unset."
    ).tag(config=True)
    model = Unicode(
        None,
        allow_none=True,
        help="The model: a bundled name, a GGUF file, a Hugging Face id (bundled default).",
    ).tag(config=True)
    adapter = Unicode(
        None, allow_none=True, help="A LoRA adapter folder, or 'none' (the active adapter by default)."
    ).tag(config=True)
    base_url = Unicode(
        None, allow_none=True, help="An OpenAI-compatible server (http://host:port/v1) to generate with."
    ).tag(config=True)
    backend = Enum(
        ["auto", "transformers", "llama.cpp"],
        "auto",
        help="How a local model runs (llama.cpp on a CPU: auto).",
    ).tag(config=True)
    feedback_log = Unicode(
        None,
        allow_none=True,
        help="Where accepts, rejects and runs are logged (the same log and events as the notebook's): "
        "a SQLite file or a PostgreSQL URL; unset for $CHATBI_FEEDBACK_URL, else the default log in the "
        "ChatBI data folder; '' to log nothing.",
    ).tag(config=True)
    own_query_timeout = Float(
        None,
        allow_none=True,
        help="Seconds each statement ChatBI runs itself (catalog, row counts, sample values, grants) may "
        "take before the table is left out as busy; unset for $CHATBI_OWN_QUERY_TIMEOUT, else 10.",
    ).tag(config=True)
    max_answers = Integer(
        200, help="Answers kept for edits, feedback and export; the least recently used are forgotten."
    ).tag(config=True)
    retrain_every_hours = Float(
        None,
        allow_none=True,
        help="Every so many hours, run `chatbi retrain --if-new N` (N: ChatBI.retrain_if_new) on the "
        "connections that are database files, as a child process; it trains only with enough new approved "
        "corrections and promotes only an adapter that measures better. Unset or 0: never (the default).",
    ).tag(config=True)
    retrain_if_new = Integer(
        20,
        help="Corrections approved since the last training that a scheduled retraining needs to train.",
    ).tag(config=True)

    @validate("retrain_if_new")
    def _check_retrain_if_new(self, proposal: dict) -> int:
        if proposal["value"] < 1:
            raise TraitError(
                f"ChatBI.retrain_if_new is a number of corrections (1 or more), not {proposal['value']}"
            )
        return proposal["value"]

    def initialize_settings(self) -> None:
        set_own_query_timeout(self.own_query_timeout)
        settings = ServiceSettings(
            connections=dict(self.connections),
            default_connection=self.default_connection,
            max_rows=self.max_rows,
            timeout_s=self.timeout,
            time_budget_s=self.time_budget,
            language=self.language,
            model=self.model,
            adapter=self.adapter,
            base_url=self.base_url,
            backend=self.backend,
            feedback_log=self.feedback_log,
            max_answers=self.max_answers,
            table_rows=self.table_rows,
        )
        self.service = ChatBIService(settings, self.log)
        self.settings[SERVICE_SETTING] = self.service
        self.service.start()
        self.retraining = RetrainScheduler(
            every_hours=self.retrain_every_hours,
            if_new=self.retrain_if_new,
            connections=self.service.settings.connections,
            log=self.feedback_log,
            logger=self.log,
        )
        self.settings[RETRAINING_SETTING] = self.retraining
        self.serverapp.io_loop.add_callback(self.retraining.start)

    def initialize_handlers(self) -> None:
        self.handlers.extend([*handlers(), *stream_handlers(), *unknown_paths()])

    async def stop_extension(self) -> None:
        await self.retraining.stop()
        await self.service.aclose()
