"""How much reviewed corrections on a database the assistant has not seen lift accuracy there, measured
through the product's own loop.

For each database its questions are shuffled with a fixed seed: the first ``max(points)`` are the pool a
user works through, the rest (at most ``limit_eval``, after the first ``skip_eval`` of them) are held
out; or the held-out questions come from elsewhere (the business set's test split, its dev split being
the pool), shuffled with the same seed. ``skip_eval`` keeps a measurement on questions that no earlier
reading of held-out answers has seen.
Each pool question is asked through :class:`nl2sql.assistant.Assistant` with a fresh feedback store
(SQLite); the user accepts a right answer and edits a wrong one into the gold SQL
(:meth:`~nl2sql.assistant.Assistant.record`), a reviewer approves the candidate as ``chatbi feedback
approve`` does (:func:`feedback.review.approve`: its SQL runs again) and accepts what it suggests for the
semantic model, as ``chatbi feedback accept-suggestion`` does. After each point's number of corrections
a fresh Assistant on that store answers the held-out questions, so the corrections reach it only by the
product's routes: verified queries, prompt examples, schema notes, and suggestions laid over the
semantic model. ``LearningPlan.teach`` keeps some of them from it, to measure what each gives
(:mod:`feedback.channels`); with several settings each answers the held-out questions at every point
from the same store (at 0 corrections, where nothing can reach them, the first setting's answers stand
for all). With ``LearningPlan.retrain`` the adapter is then trained further on every database's
approved corrections and the held-out questions are asked once more, beside the same stores
(:mod:`nl2sql.evaluation.learning_retrain`). Answers are judged as the evaluation of the data judges
them (:mod:`nl2sql.evaluation.learning_judge`).

A held-out question is *covered* at a point when a correction made by then has its query or its question,
values aside (:mod:`nl2sql.evaluation.coverage`); the lift on the uncovered ones is what corrections teach
beyond their own queries. Each subset's lift compares the same questions at the point and at the first
point.

Example:
    >>> split_pool(list(range(10)), pool=4, seed=0, limit_eval=3)
    ([7, 8, 1, 5], [3, 4, 2])
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from tqdm import tqdm

from feedback.channels import TEACHING_CHANNELS, channels_name
from feedback.corrections import curate, question_key
from feedback.datasets import TextToSQLExample, seeded_shuffle
from feedback.log import FeedbackLog
from feedback.review import ReviewError, ReviewRules, approve, review_queue
from feedback.suggestions import ACCEPTED, PENDING, SuggestionError, SuggestionStore
from nl2sql.answer import Answer
from nl2sql.connect import Database, open_database
from nl2sql.errors import ChatBIError
from nl2sql.evaluation.business import BusinessExample
from nl2sql.evaluation.coverage import covered_by
from nl2sql.evaluation.latency import machine
from nl2sql.evaluation.learning_judge import JUDGES, Judge
from nl2sql.evaluation.learning_report import RETRAINED, by_point, retrained_point
from nl2sql.evaluation.learning_retrain import Retraining, retrain_on
from nl2sql.models.base import Generator
from nl2sql.schema import load_schema
from nl2sql.semantic.locate import database_semantic_model
from nl2sql.semantic.model import SemanticModel

DEFAULT_DATABASES = ("world_1", "car_1", "dog_kennels", "flight_2")
"""Spider dev databases (never trained on) with the most questions; cre_Doc_Template_Mgt and
student_transcripts_tracking, the next two, are kept apart for tuning how corrections are used."""
DEFAULT_POINTS = (0, 10, 25, 50)
DEFAULT_LIMIT_EVAL = 20
SEMANTIC_CHOICES = ("bootstrap", "none", "curated")
USER, REVIEWER = "analyst", "reviewer"
T = TypeVar("T")
Example = TextToSQLExample | BusinessExample
"""A question with its gold SQL and its database's file (the business set's: None when out of scope)."""


class TooFewQuestionsError(ChatBIError, ValueError):
    """A database has too few questions for its corrections and one held-out question."""


class NoSemanticModelError(ChatBIError, ValueError):
    """``semantic="curated"`` on a database that has no semantic model of its own."""


@dataclass(frozen=True)
class LearningPlan:
    """What one learning benchmark runs."""

    points: tuple[int, ...] = DEFAULT_POINTS
    """Numbers of corrections after which the held-out questions are asked (ascending)."""
    limit_eval: int | None = DEFAULT_LIMIT_EVAL
    """Held-out questions per database at most (None: every question the pool leaves)."""
    skip_eval: int = 0
    """Held-out questions passed over first, per database: those earlier runs held out and were read
    for (``skip_eval=120`` with ``limit_eval=None`` asks only the ones a 120-question run left)."""
    seed: int = 0
    """Which questions form the pool and which are held out."""
    semantic: str = "bootstrap"
    """``bootstrap``: the database has the semantic model ``chatbi semantic init`` writes, over which
    accepted suggestions are laid; ``curated``: its own, as the product finds it (the demo's shipped
    model; a database without one is refused); ``none``: it has none (corrections come back as verified
    queries and prompt examples only). A database with a model of its own is then answered with no
    semantic layer at all (``Assistant(semantic=False)``), which keeps approved corrections from answering
    as verified queries too."""
    judge: str = "results"
    """How answers are judged (:data:`nl2sql.evaluation.learning_judge.JUDGES`): ``results`` as ``chatbi
    eval`` does, ``business`` as ``chatbi eval --data business`` does (refusals of what the data cannot
    answer are right)."""
    accept_suggestions: bool = True
    """The reviewer accepts every suggestion approvals make (one contradicting an accepted one is
    rejected)."""
    time_budget_s: float | None = None
    """Each answer's time budget (:class:`nl2sql.assistant.Assistant`); none by default, so that a machine
    others load does not change what is measured."""
    teach: tuple[frozenset[str], ...] = (frozenset(TEACHING_CHANNELS),)
    """The ways corrections reach the held-out questions (:mod:`feedback.channels`), one setting or
    several compared on the same corrections; the summary reports the first, ``by_teach`` each. The user
    working through the pool has them all, so the store holds the same corrections whatever this is."""
    retrain: Retraining | None = None
    """After the last point, train the adapter further on every database's approved corrections and ask
    the held-out questions once more with it (:mod:`nl2sql.evaluation.learning_retrain`), as the first
    setting of ``teach``; None: prompt examples only."""

    def __post_init__(self) -> None:
        if not self.points or list(self.points) != sorted(set(self.points)) or self.points[0] < 0:
            raise ValueError(f"points must be distinct, ascending and not negative: {self.points}")
        if self.semantic not in SEMANTIC_CHOICES:
            raise ValueError(f"semantic must be one of {', '.join(SEMANTIC_CHOICES)}, not {self.semantic!r}")
        if self.judge not in JUDGES:
            raise ValueError(f"judge must be one of {', '.join(JUDGES)}, not {self.judge!r}")
        if self.limit_eval is not None and self.limit_eval < 1:
            raise ValueError(f"limit_eval must be at least 1, not {self.limit_eval}")
        if self.skip_eval < 0:
            raise ValueError(f"skip_eval must not be negative, not {self.skip_eval}")
        unknown = set().union(*self.teach) - set(TEACHING_CHANNELS) if self.teach else set()
        if unknown:
            raise ValueError(f"no way of teaching {', '.join(sorted(unknown))}")
        if not self.teach or len(set(self.teach)) < len(self.teach):
            raise ValueError("teach must name one setting or several different ones")

    @property
    def teach_names(self) -> list[str]:
        """How results name each setting of ``teach`` (:func:`feedback.channels.channels_name`)."""
        return [channels_name(frozenset(setting)) for setting in self.teach]


def split_pool(
    items: Sequence[T], *, pool: int, seed: int, limit_eval: int | None, skip_eval: int = 0
) -> tuple[list[T], list[T]]:
    """The shuffled items: the first ``pool`` to correct, then, past ``skip_eval`` more, at most
    ``limit_eval`` to hold out.

    Example:
        >>> split_pool(list(range(10)), pool=4, seed=0, limit_eval=None, skip_eval=3)
        ([7, 8, 1, 5], [0, 9, 6])
    """
    shuffled = seeded_shuffle(items, seed)
    held_out = shuffled[pool + skip_eval :]
    return shuffled[:pool], held_out[:limit_eval] if limit_eval is not None else held_out


def measure_learning(
    examples: Sequence[Example],
    generator: Generator,
    databases: Sequence[str],
    plan: LearningPlan = LearningPlan(),
    *,
    held_out: Sequence[Example] | None = None,
    progress: bool = True,
) -> dict[str, Any]:
    """EX on each database's held-out questions after each of ``plan.points`` corrections (see the
    module docstring); per point, per database, and per question.

    ``held_out``: the questions to hold out (each database's, shuffled with ``plan.seed``, at most
    ``plan.limit_eval``), never corrected; None holds out what each database's pool leaves of
    ``examples``.

    Raises:
        TooFewQuestionsError: a database has too few questions for the pool and one held-out question.
        NoSemanticModelError: ``plan.semantic`` is ``curated`` and a database has no model of its own.
    """
    started, load_before = datetime.now(UTC), _load()
    splits = {db_id: _split(examples, held_out, db_id, plan) for db_id in databases}
    with tempfile.TemporaryDirectory(prefix="chatbi-learning-") as folder:
        settings = {
            db_id: _Setting.of(pool[0].db_path, plan, Path(folder) / db_id)
            for db_id, (pool, _) in splits.items()
        }
        runs = {
            db_id: _learn_on(settings[db_id], pool, held_out, generator, plan, progress)
            for db_id, (pool, held_out) in splits.items()
        }
        retrained = _retrained(settings, splits, runs, plan, Path(folder), progress) if plan.retrain else None
    questions = [question for run in runs.values() for question in run["questions"]]
    if retrained is not None:
        retrained["summary"] = retrained_point(questions, runs, plan.points)
    return {
        "model_id": generator.model_id,
        "adapter_hash": generator.adapter_hash,
        "machine": machine(),
        "load_average": {"before": load_before, "after": _load()},
        "started_at": started.isoformat(timespec="seconds"),
        "seconds": round((datetime.now(UTC) - started).total_seconds(), 1),
        "points": list(plan.points),
        "limit_eval": plan.limit_eval,
        "skip_eval": plan.skip_eval,
        "seed": plan.seed,
        "semantic": plan.semantic,
        "judge": plan.judge,
        "accept_suggestions": plan.accept_suggestions,
        "time_budget_s": plan.time_budget_s,
        "teach": plan.teach_names[0],
        "databases": list(databases),
        "held_out": {db_id: len(held_out) for db_id, (_, held_out) in splits.items()},
        "by_point": by_point(questions, runs, plan.points),
        "by_database": {
            db_id: by_point(run["questions"], {db_id: run}, plan.points) for db_id, run in runs.items()
        },
        "corrections": {db_id: run["corrections"] for db_id, run in runs.items()},
        "by_teach": {
            name: by_point([q for run in runs.values() for q in run["by_teach"][name]], runs, plan.points)
            for name in plan.teach_names
        },
        **({RETRAINED: retrained} if retrained is not None else {}),
        "questions": questions,
        "questions_by_teach": {
            name: [q for run in runs.values() for q in run["by_teach"][name]] for name in plan.teach_names[1:]
        },
    }


def _split(
    examples: Sequence[Example], held_out: Sequence[Example] | None, db_id: str, plan: LearningPlan
) -> tuple[list[Example], list[Example]]:
    """``db_id``'s pool and held-out questions (see :func:`measure_learning`)."""
    questions = [e for e in examples if e.db_id == db_id and e.available]
    if held_out is None:
        pool, kept = split_pool(
            questions,
            pool=plan.points[-1],
            seed=plan.seed,
            limit_eval=plan.limit_eval,
            skip_eval=plan.skip_eval,
        )
    else:
        pool = seeded_shuffle(questions, plan.seed)[: plan.points[-1]]
        others = [e for e in held_out if e.db_id == db_id and e.available]
        kept = split_pool(
            others, pool=0, seed=plan.seed, limit_eval=plan.limit_eval, skip_eval=plan.skip_eval
        )[1]
    if len(pool) < plan.points[-1] or not kept:
        raise TooFewQuestionsError(
            f"{db_id} has {len(questions)} usable questions: {plan.points[-1]} corrections leave none"
            " to hold out"
            if held_out is None
            else f"{db_id} has {len(questions)} questions to correct and {len(kept)} to hold out:"
            f" {plan.points[-1]} corrections and one held-out question are needed"
        )
    if plan.semantic == "curated" and database_semantic_model(open_database(pool[0].db_path)) is None:
        raise NoSemanticModelError(
            f"{db_id} has no semantic model of its own to measure: use --semantic bootstrap or none"
        )
    return pool, kept


@dataclass(frozen=True)
class _Setting:
    """One database as the benchmark measures it: its schema, semantic model, judge and store."""

    database: Database
    schema: Any
    semantic: SemanticModel | bool | None
    judge: Judge
    store: Path
    """The feedback store's file (SQLite, fresh)."""

    @classmethod
    def of(cls, db_path: Path | str, plan: LearningPlan, folder: Path) -> _Setting:
        database = open_database(db_path)
        schema = load_schema(database)
        folder.mkdir(parents=True, exist_ok=True)
        semantic = _semantic(database, schema, plan.semantic)
        return cls(database, schema, semantic, JUDGES[plan.judge](database), folder / "feedback.sqlite")

    def assistant(
        self, generator: Generator, log: FeedbackLog, plan: LearningPlan, teach: frozenset[str]
    ) -> Any:
        """A fresh assistant on the store: all it knows of the corrections comes from there."""
        from nl2sql.assistant import Assistant

        return Assistant(
            self.database,
            generator=generator,
            log=log,
            semantic=self.semantic,
            review_rules=ReviewRules(),
            time_budget_s=plan.time_budget_s,
            teach=teach,
        )


def _learn_on(
    setting: _Setting,
    pool: list[Example],
    held_out: list[Example],
    generator: Generator,
    plan: LearningPlan,
    progress: bool,
) -> dict[str, Any]:
    """Work through ``pool`` as a user and a reviewer would, asking ``held_out`` at each point."""
    database, schema = setting.database, setting.schema
    by_teach: dict[str, list[dict[str, Any]]] = {
        name: [
            {"database": e.db_id, "question": e.question, "gold": e.sql, "covered": {}, "answers": {}}
            for e in held_out
        ]
        for name in plan.teach_names
    }
    first = by_teach[plan.teach_names[0]]
    taught: list[dict[str, Any]] = []
    reached: dict[int, dict[str, Any]] = {}
    log = FeedbackLog(setting.store, user=USER)
    user = setting.assistant(generator, log, plan, frozenset(TEACHING_CHANNELS))
    bar = tqdm(
        total=len(held_out) * len(plan.points) * len(plan.teach) + len(pool),
        desc=database.name,
        unit="q",
        disable=not progress,
    )
    for done in range(plan.points[-1] + 1):
        if done in plan.points:
            for teach, rows in zip(plan.teach, by_teach.values(), strict=True):
                answering = setting.assistant(generator, log, plan, teach)
                for row, same, example in zip(rows, first, held_out, strict=True):
                    row["covered"][str(done)] = covered_by(example, pool[:done])
                    nothing_taught = done == 0 and rows is not first  # the same prompt as the first's
                    row["answers"][str(done)] = (
                        same["answers"][str(done)]
                        if nothing_taught
                        else _asked(answering, example, setting.judge)
                    )
                    bar.update(1)
            reached[done] = _store_state(log, database, schema)
        if done < plan.points[-1]:
            taught.append(
                _correct(
                    user,
                    log,
                    pool[done],
                    setting.judge,
                    accept=plan.accept_suggestions,
                    model=_model(setting.semantic),
                )
            )
            bar.update(1)
    bar.close()
    log.close()
    return {"questions": first, "by_teach": by_teach, "corrections": {"taught": taught, "store": reached}}


def _retrained(
    settings: dict[str, _Setting],
    splits: dict[str, tuple[list[Example], list[Example]]],
    runs: dict[str, dict[str, Any]],
    plan: LearningPlan,
    folder: Path,
    progress: bool,
) -> dict[str, Any]:
    """Retrain on every store's approved corrections (``plan.retrain``) and ask each database's held-out
    questions again with the new adapter, as the first setting of ``plan.teach``; what the training did."""
    assert plan.retrain is not None
    corrections: list[TextToSQLExample] = []
    for db_id, setting in settings.items():
        log = FeedbackLog(setting.store)
        approved = curate(log, setting.database.name, setting.schema).kept
        log.close()
        path = Path(splits[db_id][0][0].db_path)
        corrections += [c.as_example(path, dialect=setting.database.dialect) for c in approved]
    generator, training = retrain_on(corrections, plan.retrain, folder, progress=progress)
    last = str(plan.points[-1])
    total = sum(len(held_out) for _, held_out in splits.values())
    bar = tqdm(total=total, desc="retrained", unit="q", disable=not progress)
    for db_id, setting in settings.items():
        log = FeedbackLog(setting.store, user=USER)
        answering = setting.assistant(generator, log, plan, plan.teach[0])
        for row, example in zip(runs[db_id]["questions"], splits[db_id][1], strict=True):
            row["covered"][RETRAINED] = row["covered"][last]
            row["answers"][RETRAINED] = _asked(answering, example, setting.judge)
            bar.update(1)
        log.close()
    bar.close()
    return training


def _semantic(database: Database, schema: Any, setting: str) -> SemanticModel | bool | None:
    """What the assistants get as ``semantic`` for ``setting`` (:attr:`LearningPlan.semantic`)."""
    if setting == "bootstrap":
        from nl2sql.semantic.bootstrap import bootstrap_model

        return bootstrap_model(database, schema)
    if setting == "curated":
        return None  # the assistant finds the database's own, as the product does
    return False if database_semantic_model(database) is not None else None


def _asked(assistant: Any, example: Example, judge: Judge) -> dict[str, Any]:
    """Ask ``example`` and judge the answer."""
    answer: Answer = assistant.ask(example.question)
    scores = assistant.corrections.scores(example.question) if len(assistant.corrections) else []
    return {
        "right": judge.right(example.sql, answer),
        "path": answer.path,
        "sql": answer.sql,
        "error": answer.error,
        "examples": [shown.question for shown in answer.examples],
        "closest_correction": round(max(scores), 3) if scores else None,
        "seconds": round(answer.timings.get("total", 0.0), 3),
        "timings": {stage: round(seconds, 3) for stage, seconds in answer.timings.items()},
        "prompt_tokens": answer.prompt_tokens,
        "out_of_time": any("budget for an answer was spent" in note for note in answer.notes),
    }


def _model(semantic: SemanticModel | bool | None) -> SemanticModel | None:
    """The semantic model given to the assistants, when one is (a reviewer reads corrections with it)."""
    return semantic if isinstance(semantic, SemanticModel) else None


def _correct(
    user: Any,
    log: FeedbackLog,
    example: Example,
    judge: Judge,
    *,
    accept: bool,
    model: SemanticModel | None = None,
) -> dict[str, Any]:
    """The user asks ``example``, accepts a right answer or edits a wrong one into the gold SQL; the
    reviewer approves the candidate (what it teaches read with ``model``, by default the database's own)
    and (with ``accept``) accepts what it suggests."""
    answer: Answer = user.ask(example.question)
    right = judge.right(example.sql, answer)
    if right:
        user.record("accepted", answer)
    else:
        user.record("edited", answer, final_sql=example.sql)
    outcome: dict[str, Any] = {
        "question": example.question,
        "answered_right": right,
        "path": answer.path,
        "kind": "accepted" if right else "edited",
        "approved": False,
        "reason": None,
        "suggestions_accepted": 0,
    }
    database, schema = user.database, user.schema
    key = question_key(example.question)
    candidates = [c for c in review_queue(log, database, schema) if question_key(c.question) == key]
    if not candidates:
        dropped = [d for d in curate(log, database.name, schema).dropped if question_key(d.question) == key]
        outcome["reason"] = dropped[-1].reason if dropped else "no candidate"
    for candidate in candidates:
        try:
            approve(log, candidate.event_id, database, schema, reviewer=REVIEWER, model=model)
        except ReviewError as error:
            outcome["reason"] = str(error)
        else:
            outcome["approved"] = True
    if accept:
        outcome["suggestions_accepted"] = _accept_suggestions(log, database.name)
    return outcome


def _accept_suggestions(log: FeedbackLog, database: str) -> int:
    """Accept every pending suggestion about ``database`` (one contradicting an accepted one is
    rejected, as a reviewer would); how many were accepted."""
    store = SuggestionStore(log)
    accepted = 0
    for suggestion in store.suggestions(database, PENDING):
        at = log.clock()
        try:
            store.decide(suggestion.id, ACCEPTED, by=REVIEWER, at=at, database=database)
        except SuggestionError as error:
            store.decide(suggestion.id, "rejected", by=REVIEWER, at=at, reason=str(error), database=database)
        else:
            accepted += 1
    return accepted


def _store_state(log: FeedbackLog, database: Database, schema: Any) -> dict[str, Any]:
    """What the store holds for ``database``: approved corrections, suggestions by status, and what the
    accepted ones say (one line each, oldest first)."""
    store = SuggestionStore(log)
    suggestions = store.suggestions(database.name)
    return {
        "approved": len(curate(log, database.name, schema).kept),
        "suggestions": dict(Counter(s.status for s in suggestions)),
        "accepted": [f"{s.kind}: {s.describe()}" for s in suggestions if s.status == ACCEPTED],
    }


def _load() -> float | None:
    """The one-minute load average (others share the machine), where the system tells it."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None
