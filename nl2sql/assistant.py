"""The one Python API behind the CLI, the magic and the panel: a question in, a checked answer out.

Example:
    >>> import sqlite3, tempfile, os
    >>> from nl2sql.models.base import Generation
    >>> path = os.path.join(tempfile.mkdtemp(), "shop.sqlite")
    >>> con = sqlite3.connect(path)
    >>> _ = con.executescript("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT);"
    ...                       "INSERT INTO customers (name) VALUES ('Ann'), ('Bo');")
    >>> con.commit(); con.close()
    >>> class Fixed:  # stands in for a model in this example; the real ones live in nl2sql.models
    ...     model_id, adapter_hash = "fixed", None
    ...     def generate(self, messages, **options):
    ...         return Generation("```sql\\nSELECT COUNT(*) AS n FROM customers\\n```", 10, 8)
    >>> answer = Assistant(path, generator=Fixed(), log=None).ask("How many customers are there?")
    >>> answer.sql, answer.data["n"].tolist(), answer.error
    ('SELECT COUNT(*) AS n FROM customers', [2], None)
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from explain import Diagnostic, check
from explain.autofix import mend
from feedback import FeedbackLog
from feedback.channels import TEACHING_CHANNELS
from feedback.corrections import (
    APPROVED,
    CORRECTION_KINDS,
    REVIEW_KINDS,
    curate,
    pair_key,
    question_key,
    sql_key,
)
from feedback.lessons import Lessons, lessons_key
from feedback.outcome import record_outcome
from feedback.similar import DEFAULT_EXAMPLES, CorrectionIndex, as_examples
from feedback.teaching import TEACHING_EXAMPLES
from nl2sql.answer import Answer
from nl2sql.connect import Database, open_database
from nl2sql.errors import ChatBIError, InvalidSQLError
from nl2sql.execute import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT_S, QueryResult, run_query
from nl2sql.extract import SQLStream, extract_sql
from nl2sql.glossary import Glossary, database_glossary
from nl2sql.input_checks import check_question
from nl2sql.limits import row_limit, time_limit
from nl2sql.linking import DEFAULT_BUDGET_TOKENS, pruned_schema_text
from nl2sql.models.base import Generation, Generator, Message, TokenCallback
from nl2sql.prompt import MAX_HISTORY, Example, build_messages, build_repair_messages, render_schema
from nl2sql.safety import ensure_read_only
from nl2sql.schema import Schema, load_schema
from nl2sql.selection import FALLBACK_SAMPLES, select_by_execution
from nl2sql.semantic.follow_up import follow_up_reading
from nl2sql.semantic.learned import overlay
from nl2sql.semantic.locate import data_day, database_semantic_model
from nl2sql.semantic.model import SemanticModel, VerifiedQuery
from nl2sql.semantic.route import Route, question_language, route_question, verified_route
from nl2sql.today import clock_as_of
from nl2sql.values import match_values

DEFAULT_TIME_BUDGET_S = 10.0
"""Seconds an answer may take before it stops trying more (repair, samples, a larger model)."""
DEFAULT_LOG: Any = object()
"""The default for ``log``: the feedback log in the data folder."""

if TYPE_CHECKING:
    from feedback.review import ReviewRules
    from nl2sql.shadow import ShadowRunner

__all__ = ["Answer", "Assistant"]


class Assistant:
    """Answers questions about one database with a local (or served) model.

    Args:
        db: ``demo``, a SQLAlchemy URL, a SQLite/DuckDB file path, or an open :class:`Database`.
        model: a bundled model name, a Hugging Face id or folder, or a GGUF file (default: the
            bundled Qwen2.5-Coder-0.5B-Instruct).
        adapter: a peft LoRA adapter folder.
        base_url: an OpenAI-compatible server (``http://host:port/v1``) to generate with instead.
        generator: a ready generator (overrides model, adapter and base_url).
        backend: ``auto`` (llama.cpp on a CPU when installed), ``transformers`` or ``llama.cpp``.
        max_rows: at most this many rows are fetched.
        timeout_s: a statement running longer is stopped.
        repair: give the model one more try, with the error, when its SQL does not validate.
        candidates: how many queries to generate (the greedy one, then samples at
            ``candidate_temperature``); with more than one, the result most of them agree on wins
            (:mod:`nl2sql.selection`).
        fallback_samples: when the SQL is still invalid after the repair round, sample this many more
            queries and keep the valid one most of them agree on.
        value_matching: replace a text literal its column never holds by the one value it holds that
            differs only in case, spacing or a small misspelling (:mod:`nl2sql.values`).
        constrained: while generating, only let table and column names of the schema through
            (:mod:`nl2sql.constrain`; local backends).
        linking_budget: a schema larger than this many tokens is cut down to the tables the question
            needs (:mod:`nl2sql.linking`); None shows the whole schema whatever its size.
        log: where events are appended; the default log in the data folder unless None.
        glossary: business terms for the prompt: a :class:`Glossary`, a YAML file, or None for the
            database's own (:func:`nl2sql.glossary.glossary_path`).
        examples: how many earlier corrections like the question go into the prompt (0: none); when
            none is worded like it, up to ``max(examples, 2)`` that show the tables and columns it
            needs (:mod:`feedback.teaching`). Approved corrections also lay the values and join keys
            they used over the schema the prompt shows (:mod:`feedback.schema_notes`).
        teach: the ways approved corrections reach questions (:mod:`feedback.channels`; default all):
            ``verified`` (a correction answers its own question), ``examples`` (worded like it),
            ``lessons`` (showing the schema it needs), ``notes`` (laid over the schema) and
            ``suggestions`` (accepted ones laid over the semantic model).
        corrections: the corrections to draw them from; by default the approved ones curated from
            ``log`` for this database (:func:`feedback.corrections.curate`), read again whenever a
            review, withdrawal or rejection was logged since. An accepted or edited answer is only a
            candidate until a reviewer approves it (:mod:`feedback.review`).
        review_rules: when a candidate is approved without a reviewer (default:
            :meth:`feedback.review.ReviewRules.from_environment`, off unless set).
        semantic: the database's semantic model (metrics, dimensions, synonyms): a model, a YAML file,
            None for the database's own (:mod:`nl2sql.semantic.locate`), or False to answer every
            question with generated SQL. Metric questions it reads completely are compiled from it
            without the model (:mod:`nl2sql.semantic.route`). The suggestions a reviewer accepted from
            corrections in ``log`` (value synonyms, join paths, business rules) are laid over it, again
            whenever one is decided (:mod:`nl2sql.semantic.learned`).
        today: the day relative windows count back from (default: the demo data's last day on the demo
            database, else the clock's day at each answer: :attr:`today`); generated SQL reading the
            clock is pinned to it (:mod:`nl2sql.today`).
        escalate: a larger model (``qwen2.5-coder-1.5b``, extra ``model-1_5b``; or a ready generator)
            that answers again when the model's answer fails its checks (no valid SQL, an error from
            the database, no rows); its answer replaces the first only when it passes them, and the
            notes say so.
        time_budget_s: after this many seconds an answer stops trying (no more repair round, samples or
            larger model) and returns what it has, saying so; None for no limit. Loading the model for
            the first question is not counted.
        on_stage: told each stage of an answer as it starts ("linking", "loading the model",
            "generating", "checking", "repairing", "sampling", "asking the larger model", "running"), for
            progress shown to the user. An exception it raises stops the answer and propagates.
        on_token: told the SQL as the model writes it, piece by piece (what the pieces add up to is a
            prefix of the SQL the model wrote: :class:`nl2sql.extract.SQLStream`), for the answer's own
            generation (a repair round and samples are not told); an exception it raises stops the
            writing at once and propagates (a user's cancel).

    Example:
        >>> from nl2sql.models.base import Generation
        >>> class Pieces:  # writes its answer in three pieces, as a local model does
        ...     model_id, adapter_hash = "pieces", None
        ...     def generate(self, messages, *, on_token=None, **options):
        ...         pieces = ["```sql\\nSELECT COUNT(*)", " FROM customers", "\\n```"]
        ...         for piece in pieces if on_token else []:
        ...             on_token(piece)
        ...         return Generation("".join(pieces), 10, 3)
        >>> told = []
        >>> assistant = Assistant("demo", generator=Pieces(), semantic=False, log=None,
        ...                       on_stage=told.append, on_token=told.append)
        >>> assistant.ask("How many customers are there?").sql
        'SELECT COUNT(*) FROM customers'
        >>> told
        ['linking', 'generating', 'SELECT COUNT(*)', ' FROM customers', 'checking', 'running']
    """

    def __init__(
        self,
        db: str | Path | Database,
        *,
        model: str | None = None,
        adapter: str | Path | None = None,
        base_url: str | None = None,
        generator: Generator | None = None,
        backend: str = "auto",
        max_rows: int = DEFAULT_MAX_ROWS,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        max_new_tokens: int = 256,
        repair: bool = True,
        linking_budget: int | None = DEFAULT_BUDGET_TOKENS,
        candidates: int = 1,
        candidate_temperature: float = 0.7,
        fallback_samples: int = FALLBACK_SAMPLES,
        constrained: bool = False,
        value_matching: bool = True,
        log: FeedbackLog | object | None = DEFAULT_LOG,
        glossary: Glossary | str | Path | None = None,
        examples: int = DEFAULT_EXAMPLES,
        teach: Collection[str] = TEACHING_CHANNELS,
        corrections: CorrectionIndex | None = None,
        review_rules: ReviewRules | None = None,
        semantic: SemanticModel | str | Path | bool | None = None,
        today: date | None = None,
        escalate: str | Generator | None = None,
        time_budget_s: float | None = DEFAULT_TIME_BUDGET_S,
        on_stage: Callable[[str], None] | None = None,
        on_token: TokenCallback | None = None,
    ) -> None:
        started = time.perf_counter()
        self.database = db if isinstance(db, Database) else open_database(db)
        self.schema: Schema = load_schema(self.database)
        self.glossary = (
            glossary if isinstance(glossary, Glossary) else database_glossary(self.database, glossary)
        )
        self.schema_seconds = time.perf_counter() - started
        self._model, self._adapter, self._base_url, self._backend = model, adapter, base_url, backend
        self._generator = generator
        self.max_rows, self.timeout_s = row_limit(max_rows), time_limit(timeout_s)
        self.max_new_tokens, self.repair, self.linking_budget = max_new_tokens, repair, linking_budget
        self.candidates, self.candidate_temperature = max(1, candidates), candidate_temperature
        self.fallback_samples = max(0, fallback_samples)
        self.constrained = constrained
        self.value_matching = value_matching
        self.log: FeedbackLog | None = FeedbackLog() if log is DEFAULT_LOG else log  # type: ignore[assignment]
        self.examples = max(0, examples)
        self.teach = frozenset(teach)
        self._corrections = corrections
        self._corrections_from_log = corrections is None
        self._lessons: Lessons | None = None
        self._reviewed_up_to = -1
        """The newest review, withdrawal or rejection the corrections were read after."""
        if review_rules is None:
            from feedback.review import ReviewRules

            review_rules = ReviewRules.from_environment()
        self.review_rules = review_rules
        self._routing: SemanticModel | None = None
        self._routing_key: tuple[int | str, ...] = ()
        self.connection = self.database.name
        """The name events are logged under as the connection (a notebook's ``--name``)."""
        if isinstance(semantic, SemanticModel) or semantic is False:
            self.semantic: SemanticModel | None = semantic or None
        else:
            self.semantic = database_semantic_model(
                self.database, None if semantic in (None, True) else semantic
            )
        self._semantic_file = self.semantic
        """The semantic model as given, before the suggestions accepted from corrections are laid over it."""
        self._verified_without_model = semantic is not False
        """Approved corrections answer their own questions on a database without a semantic model too
        (``semantic=False`` turns them off with the rest of the semantic layer)."""
        self._learned_key: tuple[tuple[int, str], ...] = ()
        self._learned_version = 0
        self._apply_learned()
        self._today = today or data_day(self.database)
        self.escalate = escalate
        self.time_budget_s = time_budget_s
        self.on_stage = on_stage
        self.on_token = on_token
        self._deadline: float | None = None
        self.shadow: ShadowRunner | None = None
        """The store's adapter in shadow, answering beside the active one (:mod:`nl2sql.shadow`); set
        when the model loads, if the model answers with the registry's adapter and one is in shadow."""
        self._escalation_generator: Generator | None = (
            None if escalate is None or isinstance(escalate, str) else escalate
        )

    @property
    def model_loaded(self) -> bool:
        """Whether the model is in memory (the first question loads it, which takes seconds)."""
        return self._generator is not None

    @property
    def generator(self) -> Generator:
        """The model, loaded on first use."""
        if self._generator is None:
            from nl2sql.models.resolve import load_generator

            self._generator = load_generator(
                self._model,
                str(self._adapter) if self._adapter else None,
                base_url=self._base_url,
                backend=self._backend,
                registry=self._registry,
            )
            if not self._adapter and not self._base_url and isinstance(self.log, FeedbackLog):
                from nl2sql.shadow import shadow_runner

                bounds = {"max_rows": self.max_rows, "timeout_s": self.timeout_s, "today": self._today}
                self.shadow = shadow_runner(
                    self._model,
                    self.log,
                    self.database,
                    self.schema,
                    backend=self._backend,
                    busy=lambda: bool(getattr(self._generator, "generating", False)),
                    **bounds,
                )
        return self._generator

    @property
    def escalation_generator(self) -> Generator:
        """The larger model ``escalate`` names, loaded the first time an answer needs it."""
        if self._escalation_generator is None:
            from nl2sql.models.resolve import load_generator

            assert isinstance(self.escalate, str), "no model to escalate to"
            self._escalation_generator = load_generator(
                self.escalate, None, backend=self._backend, registry=self._registry
            )
        return self._escalation_generator

    @property
    def _registry(self) -> FeedbackLog | None:
        """The store whose adapter registry names the active adapter: the one this assistant logs to
        (None: the default store)."""
        return self.log if isinstance(self.log, FeedbackLog) else None

    @property
    def corrections(self) -> CorrectionIndex:
        """The approved corrections on this database that prompts draw examples from (read on first use,
        and again once the log holds a review, withdrawal or rejection the last reading did not see)."""
        if self._corrections_from_log and self.log is not None:
            kinds = (*REVIEW_KINDS, "withdrawn", "rejected")
            latest = self.log.last_id(database=self.database.name, kinds=kinds)
            if self._corrections is None or latest != self._reviewed_up_to:
                curated = curate(self.log, self.database.name, self.schema).kept
                self._corrections, self._reviewed_up_to = CorrectionIndex(curated), latest
        if self._corrections is None:
            self._corrections = CorrectionIndex()
        return self._corrections

    def routing_model(self) -> SemanticModel | None:
        """The semantic model questions are routed with: the database's own, whose verified queries are
        joined by every approved correction (a reviewed question is answered with its SQL at once)."""
        self._apply_learned()
        if self.semantic is None:
            return None
        reviewed = self.verified_queries()
        if not reviewed:
            return self.semantic
        key = (self._learned_version, *(v.name for v in reviewed))
        if self._routing_key != key:
            self._routing = replace(
                self.semantic, verified_queries=(*self.semantic.verified_queries, *reviewed)
            )
            self._routing_key = key
        return self._routing

    @property
    def today(self) -> date:
        """The day relative windows ("last month") count back from: the one given, or the demo data's
        last day; else the clock's, read again at each use (a notebook open past midnight answers for
        the new day).

        Example:
            >>> import os, sqlite3, tempfile
            >>> path = os.path.join(tempfile.mkdtemp(), "shop.sqlite")
            >>> sqlite3.connect(path).execute("CREATE TABLE orders (id INTEGER)").connection.close()
            >>> assistant = Assistant(path, log=None)
            >>> assistant.today == date.today()
            True
            >>> assistant.today = date(2026, 3, 31)
            >>> assistant.today
            datetime.date(2026, 3, 31)
        """
        return self._today or date.today()

    @today.setter
    def today(self, day: date | None) -> None:
        self._today = day

    def verified_queries(self) -> tuple[VerifiedQuery, ...]:
        """The approved corrections on this database as verified queries: each answers its own question
        (nearly the same words) with its SQL, with or without a semantic model (none unless ``teach``
        has ``verified``)."""
        if "verified" not in self.teach:
            return ()
        return tuple(
            VerifiedQuery(
                f"correction-{c.event_id}",
                c.question,
                c.sql_on(self.today, self.database.dialect),
                c.user_name or "",
            )
            for c in self.corrections.corrections
            if c.status == APPROVED
        )

    def _apply_learned(self) -> None:
        """Lay the suggestions accepted for this database in ``log`` over the semantic model (again once
        a reviewer has decided on one since)."""
        if (
            self._semantic_file is None
            or not isinstance(self.log, FeedbackLog)
            or "suggestions" not in self.teach
        ):
            return
        from feedback.suggestions import accepted_suggestions

        accepted = accepted_suggestions(self.database.name, self.log)
        key = tuple((s.id, json.dumps(s.payload, sort_keys=True)) for s in accepted)
        if key != self._learned_key:
            self.semantic = overlay(self._semantic_file, accepted)
            self._learned_key, self._learned_version = key, self._learned_version + 1

    def similar_examples(self, question: str) -> list[Example]:
        """The earlier corrections its prompt shows ``question`` (none when off): the ones worded like
        it, else the ones that show the schema it needs (:mod:`feedback.teaching`); each kind only when
        ``teach`` has it (``examples``, ``lessons``)."""
        if not self.examples or not self.teach & {"examples", "lessons"}:
            return []
        shown = self.corrections.similar(question, self.examples)
        if not shown and len(self.corrections) and "lessons" in self.teach:
            chosen = self.lessons().teacher.choose(question, max(self.examples, TEACHING_EXAMPLES))
            return as_examples(chosen, self.today, self.database.dialect)
        return as_examples(shown if "examples" in self.teach else [], self.today, self.database.dialect)

    def lessons(self) -> Lessons:
        """What this database's corrections teach beyond their own questions (read again once they
        change)."""
        corrections = self.corrections.corrections
        if self._lessons is None or self._lessons.key != lessons_key(corrections):
            self._lessons = Lessons(corrections, self.schema)
        return self._lessons

    def messages(
        self, question: str, history: Sequence[Example] = (), *, examples: Sequence[Example] | None = None
    ) -> list[Message]:
        """The prompt ``ask`` would send for ``question`` (a follow-up to ``history`` when given).

        ``examples``: the solved questions to show first; by default :meth:`similar_examples`.
        It has no "today" line: the adapter learned relative dates as SQL (``DATE('now', …)``), and
        evaluation prompts carry none either, so the product asks exactly what was measured.
        """
        return build_messages(
            self.schema,
            question,
            examples=self.similar_examples(question) if examples is None else examples,
            schema_text=self._schema_text(question),
            terms=self.glossary.relevant(question),
            history=history,
        )

    def _schema_text(self, question: str) -> str | None:
        """The schema the prompt shows, with what approved corrections used laid over it, pruned when
        the whole one is over the linking budget; None for the whole schema as it is."""
        taught = len(self.corrections) and "notes" in self.teach
        schema = self.lessons().schema_for(question) if taught else self.schema
        if self.linking_budget is not None:
            pruned = pruned_schema_text(schema, question, budget_tokens=self.linking_budget)
            if pruned is not None:
                return pruned
        return render_schema(schema) if schema is not self.schema else None

    def ask(
        self,
        question: str,
        *,
        run: bool = True,
        history: Sequence[Example] = (),
        seed: int | None = None,
        regenerates: int | None = None,
    ) -> Answer:
        """Answer ``question``: from the semantic model when it reads the question completely (compiled
        SQL, no model; ``Answer.path`` is ``semantic``), refused when it asks to change data, else with
        SQL the model generates (``sql``), validated against the schema; then run read-only.

        ``history``: earlier questions of the conversation with their final SQL (oldest first), when
        ``question`` is a follow-up such as "now only for 2025"; :class:`nl2sql.conversation.Conversation`
        keeps it. A follow-up on a semantic answer that only changes its slots (window, grouping, filter,
        comparison) is compiled from the semantic model too (:mod:`nl2sql.semantic.follow_up`).
        ``seed``: sample another query (at ``candidate_temperature``) instead of the most likely
        one, for "Regenerate"; the same seed gives the same query. ``regenerates``: the
        :attr:`Answer.event_id` of the answer a Regenerate asks again for (or of the sample it retries);
        logged with the answer, so that the adoption figures count its question once and the
        regeneration apart (:mod:`feedback.stats`).

        Problems with the SQL (invalid, refused, timed out, rejected by the database) come back in
        ``Answer.error``; problems with the setup (no model, empty question) raise a ChatBIError.
        """
        check_question(question)  # one line for an empty, huge, NUL-bearing or non-UTF-8 question
        started = time.perf_counter()
        self._deadline = started + self.time_budget_s if self.time_budget_s else None
        timings: dict[str, float] = {}
        answer = Answer(question=question.strip(), sql="", history=list(history)[-MAX_HISTORY:])
        self._stage("linking")  # reading the question against the semantic model, the schema, the examples
        if self.semantic is not None and not history and seed is None:
            with _timed(timings, "route"):
                route = route_question(
                    answer.question,
                    self.routing_model(),
                    self.database.dialect,
                    self.today,
                    lang=question_language(question),
                )
            if route.path != "sql":
                return self._answer_by_route(answer, route, run=run, started=started, timings=timings)
            answer.readings, answer.notes = route.alternatives, [route.message] if route.message else []
        elif self.semantic is not None and history and seed is None:
            with _timed(timings, "route"):
                reading = follow_up_reading(
                    history[-1].question,
                    history[-1].sql,
                    answer.question,
                    self.semantic,
                    self.database.dialect,
                    self.today,
                )
            if reading is not None:  # a change of the previous semantic answer, compiled as well
                route = Route("semantic", reading)
                return self._answer_by_route(answer, route, run=run, started=started, timings=timings)
        elif self._verified_without_model and not history and seed is None and self.verified_queries():
            with _timed(timings, "route"):  # no semantic model: approved corrections still answer
                reviewed = SemanticModel(self.database.name, verified_queries=self.verified_queries())
                verified = verified_route(answer.question, reviewed, lang=question_language(question))
            if verified is not None:
                return self._answer_by_route(answer, verified, run=run, started=started, timings=timings)
        answer.terms = self.glossary.relevant(question)
        with _timed(timings, "prompt"):
            answer.examples = self.similar_examples(question)
            messages = self.messages(question, history, examples=answer.examples)
        if not self.model_loaded:
            self._stage("loading the model")
            loading = time.perf_counter()
            self.generator  # noqa: B018  (loads it)
            if self._deadline is not None:  # a one-time cost, not the answer's: the budget starts again
                self._deadline += time.perf_counter() - loading
        # with a larger model to ask, the small one gets no fallback samples: the time goes to the larger
        self._write_and_run(
            answer, messages, self.generator, run=run, seed=seed, timings=timings, fallback=not self.escalate
        )
        if self.escalate and _needs_escalation(answer) and self._time_left(answer, "the larger model"):
            with _timed(timings, "escalate"):
                answer = self._escalate(answer, messages, run=run, seed=seed)
        timings["total"] = time.perf_counter() - started
        answer.timings = timings
        self._log(answer, seed=seed, regenerates=regenerates)
        if self.shadow is not None and seed is None:
            self._shadow_answer(answer, messages)
        return answer

    def _shadow_answer(self, answer: Answer, messages: list[Message]) -> None:
        """Hand the prompt the active adapter answered to the adapter in shadow (it answers on a thread
        of its own; nothing here waits for it)."""
        answering = self._generator
        by_active = answering is not None and (answer.model_id, answer.adapter_hash) == (
            answering.model_id,
            answering.adapter_hash,
        )
        if self.shadow is None or answer.event_id is None or not answer.sql or not by_active:
            return  # not logged, no SQL, or the larger model answered
        self.shadow.submit_answer(
            event_id=answer.event_id,
            question=answer.question,
            messages=messages,
            active_sql=answer.sql,
            active_adapter=answer.adapter_hash,
        )

    def _write_and_run(
        self,
        answer: Answer,
        messages: list[Message],
        generator: Generator,
        *,
        run: bool,
        seed: int | None,
        timings: dict[str, float],
        fallback: bool = True,
    ) -> None:
        """Have ``generator`` write the SQL (then mend, repair, vote and, with ``fallback``, sample more
        as configured), check it and run it; everything lands in ``answer``."""
        answer.model_id, answer.adapter_hash = generator.model_id, generator.adapter_hash
        self._stage("generating")
        with _timed(timings, "generate"):
            sampling = {"temperature": self.candidate_temperature, "seed": seed} if seed is not None else {}
            generation = self._streamed(
                generator, messages, max_new_tokens=self.max_new_tokens, **sampling, **self._options()
            )
        answer.raw_output, answer.sql = generation.text, extract_sql(generation.text)
        answer.prompt_tokens += generation.prompt_tokens
        answer.output_tokens += generation.output_tokens
        self._stage("checking")
        with _timed(timings, "validate"):
            if answer.sql:
                self._autofix(answer)
            else:
                answer.diagnostics = self._check(answer.sql)
        if _first_error(answer.diagnostics) and self.repair and self._time_left(answer, "a repair round"):
            self._stage("repairing")
            with _timed(timings, "repair"):
                self._repair(answer, messages, generator)
        if self.candidates > 1 and self._time_left(answer, "more candidates"):
            self._stage("sampling")
            with _timed(timings, "candidates"):
                self._choose_among_candidates(answer, messages, range(1, self.candidates), generator)
        failed = _first_error(answer.diagnostics)
        if failed and fallback and self.fallback_samples and self._time_left(answer, "more samples"):
            self._stage("sampling")
            with _timed(timings, "fallback"):
                first = self.candidates
                seeds = range(first, first + self.fallback_samples)
                self._choose_among_candidates(answer, messages, seeds, generator)
        error = _first_error(answer.diagnostics)
        if error:
            answer.error = str(InvalidSQLError(f"the model could not write valid SQL: {error.message}"))
        elif run:
            self._stage("running")
            with _timed(timings, "execute"):
                if self.value_matching:
                    matched = match_values(answer.sql, self.database, self.schema)
                    answer.sql, answer.fixes = matched.sql, answer.fixes + matched.changes
                self._execute(answer, answer.sql)

    def _streamed(self, generator: Generator, messages: list[Message], **options: Any) -> Generation:
        """``generator.generate``, with the SQL told to ``on_token`` as it is written when one is set."""
        if self.on_token is None:
            return generator.generate(messages, **options)
        stream, told = SQLStream(), self.on_token

        def piece(text: str) -> None:
            sql = stream.feed(text)
            if sql:
                told(sql)

        generation = generator.generate(messages, on_token=piece, **options)
        rest = stream.finish(generation.text)
        if rest:
            told(rest)
        return generation

    def _escalate(self, answer: Answer, messages: list[Message], *, run: bool, seed: int | None) -> Answer:
        """Ask the larger model after the small one's answer failed its checks: its answer when it passes
        them, else the small one's; the notes say which model answered and why."""
        self._stage("asking the larger model")
        small = answer.model_id
        second = Answer(question=answer.question, sql="", history=answer.history, terms=answer.terms)
        second.examples, second.notes, second.readings = answer.examples, list(answer.notes), answer.readings
        second.prompt_tokens, second.output_tokens = answer.prompt_tokens, answer.output_tokens
        self._write_and_run(second, messages, self.escalation_generator, run=run, seed=seed, timings={})
        if _needs_escalation(second):
            answer.notes.append(f"{second.model_id} was asked too and did no better: {small}'s answer stays")
            return answer
        why = answer.error or "its query returned no rows"
        second.notes.append(f"answered by {second.model_id}: {small}'s answer failed its checks ({why})")
        second.candidates = [answer.sql, *second.candidates] if answer.sql else second.candidates
        return second

    def _answer_by_route(
        self, answer: Answer, route: Route, *, run: bool, started: float, timings: dict[str, float]
    ) -> Answer:
        """Finish an answer the semantic layer gave (verified or compiled SQL, or a refusal): no model."""
        answer.path, answer.model_id = route.path, "semantic layer"
        if route.path == "refused":
            answer.error = f"not answered: {route.message}"
        else:
            assert route.reading is not None
            answer.sql, answer.interpretation, answer.readings = (
                route.reading.sql,
                route.reading,
                route.alternatives,
            )
            answer.notes = [note for note in (route.message, *route.reading.notes) if note]
            self._stage("checking")
            with _timed(timings, "validate"):
                answer.diagnostics = self._check(answer.sql)
            if run:
                self._stage("running")
                with _timed(timings, "execute"):
                    self._execute(answer, answer.sql)
        timings["total"] = time.perf_counter() - started
        answer.timings = timings
        self._log(answer)
        return answer

    def run(self, sql: str, *, question: str = "") -> Answer:
        """Validate and run SQL written or edited by the user (read-only, like everything else)."""
        started = time.perf_counter()
        answer = Answer(question=question, sql=sql.strip())
        try:
            ensure_read_only(answer.sql, self.database.dialect)
        except ChatBIError as error:
            answer.error = str(error)
        else:
            answer.diagnostics = self._check(answer.sql)
            error = _first_error(answer.diagnostics)
            if error:
                answer.error = error.message
            else:
                self._execute(answer, answer.sql)
        answer.timings = {"total": time.perf_counter() - started}
        return answer

    def _check(self, sql: str) -> list[Diagnostic]:
        if not sql:
            return [Diagnostic("no-sql", "error", "the model's answer contains no SQL query")]
        return check(sql, self.schema)

    def _autofix(self, answer: Answer) -> None:
        """Mend dialect slips, names with one unambiguous match in the schema and forgotten joins (no
        model involved); the diagnostics are those of the mended SQL."""
        fixed = mend(answer.sql, self.schema)
        answer.sql, answer.diagnostics = fixed.sql, fixed.diagnostics
        if fixed.changes:
            answer.fixes = fixed.changes

    def _options(self) -> dict[str, Any]:
        """Per-call generation options: the schema to constrain names to, and the time left."""
        options: dict[str, Any] = {"schema": self.schema} if self.constrained else {}
        if self._deadline is not None:
            options["max_seconds"] = max(0.5, self._deadline - time.perf_counter())
        return options

    def _choose_among_candidates(
        self, answer: Answer, messages: list[Message], seeds: range, generator: Generator
    ) -> None:
        """Sample a query per seed and keep the one whose result most candidates share."""
        candidates = [answer.sql]
        for seed in seeds:
            if self._out_of_time():
                break
            generation = generator.generate(
                messages,
                max_new_tokens=self.max_new_tokens,
                temperature=self.candidate_temperature,
                seed=seed,
                **self._options(),
            )
            answer.output_tokens += generation.output_tokens
            sql = extract_sql(generation.text)
            candidates.append(mend(sql, self.schema).sql if sql else sql)
        answer.candidates = candidates
        selection = select_by_execution(candidates, self.database, self.schema, timeout_s=self.timeout_s)
        if selection.sql:
            answer.sql, answer.votes = selection.sql, selection.votes
            answer.diagnostics = self._check(answer.sql)

    def _repair(self, answer: Answer, messages: list[Message], generator: Generator) -> None:
        error = _first_error(answer.diagnostics)
        assert error is not None
        retry = build_repair_messages(messages, answer.sql or answer.raw_output, error.message)
        generation = generator.generate(retry, max_new_tokens=self.max_new_tokens, **self._options())
        sql = extract_sql(generation.text)
        answer.prompt_tokens += generation.prompt_tokens
        answer.output_tokens += generation.output_tokens
        fixed = mend(sql, self.schema) if sql else None
        diagnostics = fixed.diagnostics if fixed else self._check(sql)
        answer.repaired = True
        if fixed and not _first_error(diagnostics):
            answer.raw_output, answer.sql, answer.diagnostics = generation.text, fixed.sql, diagnostics
            answer.fixes = fixed.changes

    def _time_left(self, answer: Answer, step: str) -> bool:
        """Whether the answer's time budget allows ``step``; when not, the notes say it was skipped."""
        if not self._out_of_time():
            return True
        note = f"stopped before {step}: the {self.time_budget_s:g} s budget for an answer was spent"
        if note not in answer.notes:
            answer.notes.append(note)
        return False

    def _out_of_time(self) -> bool:
        return self._deadline is not None and time.perf_counter() >= self._deadline

    def _stage(self, stage: str) -> None:
        if self.on_stage is not None:
            self.on_stage(stage)

    def _execute(self, answer: Answer, sql: str) -> None:
        day = self.today
        on_another_day = day != date.today()  # read once: at midnight the two reads could differ
        pinned = clock_as_of(sql, self.database.dialect, day if on_another_day else None)
        if pinned != sql and on_another_day:
            answer.notes.append(f"the clock in this SQL reads {day.isoformat()}: answers are as of that day")
        try:
            result: QueryResult = run_query(
                self.database, pinned, max_rows=self.max_rows, timeout_s=self.timeout_s
            )
        except ChatBIError as error:
            answer.error = str(error)
            return
        answer.data, answer.truncated = result.to_frame(), result.truncated

    def record(
        self, kind: str, answer: Answer, *, final_sql: str | None = None, reason: str | None = None
    ) -> None:
        """Log what the user did with ``answer``: ``accepted``, ``edited`` (a fix the user vouches for),
        ``explored`` (SQL run from the answer, not a fix), ``rejected`` or ``executed``
        (:func:`feedback.outcome.record_outcome`); nothing when logging is off. An accepted or edited
        answer whose final SQL passes the gate and validates becomes a candidate correction, shown to
        the model only once approved (by a reviewer, or by ``review_rules``); a rejection takes back the
        correction of that question with that SQL."""
        if self.log is None:
            return
        record_outcome(
            self.log,
            kind,
            question=answer.question,
            generated_sql=answer.sql,
            final_sql=final_sql,
            reason=reason,
            dialect=self.database.dialect,
            database=self.database.name,
            connection=self.connection,
            schema_fingerprint=self.schema.fingerprint,
            model_id=answer.model_id,
            adapter_hash=answer.adapter_hash,
            as_of=self.today.isoformat(),  # the day its dates count from (Correction.day)
        )
        final = (final_sql if final_sql is not None else answer.sql).strip()
        if self.shadow is not None and answer.event_id is not None:
            self.shadow.submit_feedback(answer.event_id, kind, final)
        if kind == "rejected" and self._corrections is not None:
            self._corrections.remove(answer.question, final)
        if kind == "accepted":
            from feedback.review import auto_approve

            rules, timeout_s = self.review_rules, self.timeout_s
            auto_approve(
                self.log,
                self.database,
                self.schema,
                answer.question,
                final,
                rules,
                timeout_s=timeout_s,
                model=self._semantic_file,
            )
        if kind in CORRECTION_KINDS and self._corrections is not None and self._corrections_from_log:
            pair = pair_key(answer.question, final)
            kept = curate(self.log, self.database.name, self.schema).kept  # its SQL approved before
            self._corrections.add_all(c for c in kept if c.key == pair)

    def rejected_sql(self, question: str) -> set[str]:
        """The SQL (as :func:`feedback.corrections.sql_key`) rejected for ``question`` on this database."""
        if self.log is None:
            return set()
        events = self.log.events(limit=None, database=self.database.name, kinds=("rejected",))
        key = question_key(question)
        return {
            sql_key(e["final_sql"] or e["sql"] or "")
            for e in events
            if question_key(e["question"] or "") == key
        }

    def _log(self, answer: Answer, **sampling: int | None) -> None:
        """Log ``answer`` as a ``generated`` event (with the ``seed`` and ``regenerates`` of a sample
        asked for again) and keep the event's id in ``answer.event_id``."""
        if self.log is None:
            return
        answer.event_id = self.log.record(
            "generated",
            database=self.database.name,
            connection=self.connection,
            schema_fingerprint=self.schema.fingerprint,
            question=answer.question,
            sql=answer.sql,
            error=answer.error,
            model_id=answer.model_id,
            adapter_hash=answer.adapter_hash,
            timings=answer.timings,
            repaired=answer.repaired,
            examples=[example.question for example in answer.examples],
            **{name: value for name, value in sampling.items() if value is not None},
        )


class _timed:
    def __init__(self, timings: dict[str, float], stage: str) -> None:
        self.timings, self.stage = timings, stage

    def __enter__(self) -> None:
        self.started = time.perf_counter()

    def __exit__(self, *_: object) -> None:
        self.timings[self.stage] = self.timings.get(self.stage, 0.0) + time.perf_counter() - self.started


def _needs_escalation(answer: Answer) -> bool:
    """Whether an answer failed its checks: no valid SQL, an error from the database, or no rows."""
    if answer.error:
        return True
    return answer.data is not None and answer.data.empty


def _first_error(diagnostics: list[Diagnostic]) -> Diagnostic | None:
    return next((d for d in diagnostics if d.is_error), None)
