"""Execution accuracy (EX) of the pipeline over a question/SQL data set.

For each question: the product's own prompt, generation (batched on a GPU), SQL extraction,
validation against the schema, the repair round, then the predicted and the gold SQL both run
read-only and their results are compared (:mod:`nl2sql.evaluation.match`); on data that stops on a
known day (the demo's) both read that day where they read the clock (:mod:`nl2sql.today`), as the
assistant answers there. Errors and time-outs count as wrong; questions whose database is missing are
skipped and counted.

Example:
    >>> summarize_latencies([0.5, 1.0, 2.0])["p50"]
    1.0
"""

from __future__ import annotations

import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from tqdm import tqdm

from explain import check
from explain.autofix import mend
from feedback.datasets import TextToSQLExample
from feedback.similar import DEFAULT_EXAMPLES, CorrectionIndex, as_examples
from nl2sql.connect import Database
from nl2sql.errors import ChatBIError
from nl2sql.evaluation.match import orders_rows, results_match
from nl2sql.execute import run_query
from nl2sql.extract import extract_sql
from nl2sql.glossary import Glossary
from nl2sql.linking import DEFAULT_BUDGET_TOKENS, link_schema
from nl2sql.models.base import Generation, Generator, Message
from nl2sql.models.batch import generate_many
from nl2sql.prompt import build_messages, build_repair_messages, render_schema
from nl2sql.schema import DatabaseCache, Schema
from nl2sql.selection import FALLBACK_SAMPLES, select_by_execution
from nl2sql.semantic.locate import data_day
from nl2sql.today import pin_today
from nl2sql.values import match_values

EVAL_TIMEOUT_S = 30.0
EVAL_MAX_ROWS = 100_000


@dataclass(frozen=True)
class EvalSettings:
    """The pipeline techniques an evaluation switches on or off."""

    samples: bool = True
    """Sample values of text columns in the prompt."""
    linking_budget: int | None = DEFAULT_BUDGET_TOKENS
    """Schemas over this many tokens are cut to the tables the question needs; None: never."""
    autofix: bool = True
    """Mend names with one unambiguous match in the schema before anything else."""
    join_completion: bool = True
    """Part of the mending: join the table one or two foreign keys away that holds a bare column, and
    give a join condition that compares a table with itself the foreign key it lacks."""
    distinct_rows: bool = True
    """Part of the mending: DISTINCT for a listing whose join repeats its rows."""
    repair: bool = True
    """One repair round when the SQL does not validate."""
    batch_size: int = 32
    """Questions generated together (GPU); 1 measures per-question latency (CPU)."""
    max_new_tokens: int = 256
    constrained: bool = False
    """Only table and column names of the schema may be generated (local backends)."""
    candidates: int = 1
    """Queries per question: the greedy one plus samples; with more than one, the result most share wins."""
    candidate_temperature: float = 0.7
    fallback_samples: int = FALLBACK_SAMPLES
    """Queries sampled when the SQL is still invalid after the repair round; the valid ones vote."""
    glossary: bool = True
    """Business terms the question mentions, from the database's glossary, in the prompt."""
    value_matching: bool = True
    """Text literals a column never holds matched to the value it does hold (case, spacing, spelling)."""
    examples: int = DEFAULT_EXAMPLES
    """Corrections like the question shown before it, where ``evaluate`` is given corrections."""


@dataclass
class Prediction:
    db_id: str
    question: str
    gold: str
    sql: str = ""
    correct: bool = False
    error: str | None = None
    hardness: str | None = None
    repaired: bool = False
    first_sql: str | None = None
    """The SQL before the repair round, when there was one."""
    first_error: str | None = None
    """Why the first SQL did not validate."""
    prompt_tokens: int = 0
    output_tokens: int = 0
    seconds: float = 0.0
    candidates: int = 1
    """Distinct candidate queries considered."""
    value_fixes: int = 0
    """Text literals replaced by value matching."""
    fallback: bool = False
    """The SQL was still invalid after the repair round, so more queries were sampled."""


@dataclass
class EvalReport:
    model_id: str
    adapter_hash: str | None
    settings: EvalSettings
    total: int
    skipped: int
    predictions: list[Prediction] = field(default_factory=list)
    seconds: float = 0.0
    with_glossary_terms: int = 0
    """Questions whose prompt carried business terms from the database's glossary."""

    @property
    def evaluated(self) -> int:
        return len(self.predictions)

    @property
    def correct(self) -> int:
        return sum(p.correct for p in self.predictions)

    @property
    def ex(self) -> float:
        return self.correct / self.evaluated if self.evaluated else 0.0

    def by_hardness(self) -> dict[str, dict[str, float]]:
        groups: dict[str, list[Prediction]] = defaultdict(list)
        for prediction in self.predictions:
            groups[prediction.hardness or "all"].append(prediction)
        order = ["easy", "medium", "hard", "extra", "simple", "moderate", "challenging"]
        return {
            name: {
                "n": len(items),
                "correct": sum(p.correct for p in items),
                "ex": round(sum(p.correct for p in items) / len(items), 4),
            }
            for name, items in sorted(groups.items(), key=lambda kv: [*order, kv[0]].index(kv[0]))
        }

    def summary(self) -> dict[str, Any]:
        """Everything but the per-question predictions, JSON-ready."""
        failures = Counter(_failure_kind(p.error) for p in self.predictions if p.error)
        return {
            "model_id": self.model_id,
            "adapter_hash": self.adapter_hash,
            "settings": asdict(self.settings),
            "total": self.total,
            "skipped": self.skipped,
            "evaluated": self.evaluated,
            "correct": self.correct,
            "ex": round(self.ex, 4),
            "by_hardness": self.by_hardness(),
            "failures": dict(failures),
            "repaired": sum(p.repaired for p in self.predictions),
            "fallback": sum(p.fallback for p in self.predictions),
            "with_glossary_terms": self.with_glossary_terms,
            "value_fixes": sum(p.value_fixes for p in self.predictions),
            "latency": summarize_latencies([p.seconds for p in self.predictions]),
            "prompt_tokens_mean": _mean([p.prompt_tokens for p in self.predictions]),
            "output_tokens_mean": _mean([p.output_tokens for p in self.predictions]),
            "questions_per_second": round(self.evaluated / self.seconds, 3) if self.seconds else None,
            "seconds": round(self.seconds, 1),
        }


def evaluate(
    examples: Sequence[TextToSQLExample],
    generator: Generator,
    settings: EvalSettings = EvalSettings(),
    *,
    progress: bool = True,
    corrections: Mapping[str, CorrectionIndex] | None = None,
) -> EvalReport:
    """Run the pipeline on ``examples`` and measure execution accuracy.

    ``corrections``: per database id, the corrections users made there; the ``settings.examples`` most
    like each question go into its prompt, as in the product.
    """
    started = time.perf_counter()
    usable = [e for e in examples if e.available]
    report = EvalReport(
        model_id=generator.model_id,
        adapter_hash=generator.adapter_hash,
        settings=settings,
        total=len(examples),
        skipped=len(examples) - len(usable),
    )
    databases = _Databases()
    run = _Run(databases, generator, settings, progress)
    prompts = [_messages(databases, e, settings, corrections or {}) for e in usable]
    schemas = [databases.schema(e) for e in usable]
    if settings.glossary:
        report.with_glossary_terms = sum(bool(databases.glossary(e).relevant(e.question)) for e in usable)
    if settings.batch_size > 1:
        generated_at = time.perf_counter()
        generations = _generate(run, prompts, schemas, "generating")
        seconds = [(time.perf_counter() - generated_at) / max(len(usable), 1)] * len(usable)
    else:
        generations, seconds = [], []
        bar = tqdm(total=len(usable), desc="generating", unit="q", disable=not progress)
        for messages, schema in zip(prompts, schemas, strict=True):
            asked_at = time.perf_counter()
            constraint = {"schema": schema} if settings.constrained else {}
            generations.append(
                generator.generate(messages, max_new_tokens=settings.max_new_tokens, **constraint)
            )
            seconds.append(time.perf_counter() - asked_at)
            bar.update(1)
        bar.close()
    predictions = [
        Prediction(
            db_id=e.db_id,
            question=e.question,
            gold=e.sql,
            sql=extract_sql(g.text),
            hardness=e.hardness,
            prompt_tokens=g.prompt_tokens,
            output_tokens=g.output_tokens,
            seconds=s,
        )
        for e, g, s in zip(usable, generations, seconds, strict=True)
    ]
    if settings.autofix:
        for prediction, example in zip(predictions, usable, strict=True):
            if prediction.sql:
                schema = databases.schema(example)
                prediction.sql = _mend(prediction.sql, schema, settings)
    if settings.repair:
        _repair(run, predictions, prompts, usable)
    if settings.candidates > 1:
        _choose_among_candidates(run, predictions, prompts, usable)
    if settings.fallback_samples:
        _fall_back_to_samples(run, predictions, prompts, usable)
    for prediction, example in tqdm(
        list(zip(predictions, usable, strict=True)), desc="executing", unit="q", disable=not progress
    ):
        if settings.value_matching and prediction.sql:
            matched = match_values(prediction.sql, databases.database(example), databases.schema(example))
            prediction.sql, prediction.value_fixes = matched.sql, len(matched.changes)
        _score(prediction, example, databases.database(example), databases.data_day(example))
    report.predictions = predictions
    report.seconds = time.perf_counter() - started
    return report


def _mend(sql: str, schema: Schema, settings: EvalSettings) -> str:
    return mend(sql, schema, joins=settings.join_completion, distinct=settings.distinct_rows).sql


def _messages(
    databases: _Databases,
    example: TextToSQLExample,
    settings: EvalSettings,
    corrections: Mapping[str, CorrectionIndex],
) -> list[Message]:
    schema = databases.schema(example)
    index = corrections.get(example.db_id)
    shown = index.similar(example.question, settings.examples) if index is not None else []
    terms = databases.glossary(example).relevant(example.question) if settings.glossary else []
    question = example.question if not example.evidence else f"{example.question}\nHint: {example.evidence}"
    schema_text = None
    if settings.linking_budget is not None:
        linking = link_schema(
            schema, question, budget_tokens=settings.linking_budget, samples=settings.samples
        )
        if linking.pruned:
            schema_text = render_schema(linking.schema(schema), samples=settings.samples)
    return build_messages(
        schema,
        question,
        examples=as_examples(shown),
        samples=settings.samples,
        schema_text=schema_text,
        terms=terms,
    )


def _repair(
    run: _Run,
    predictions: list[Prediction],
    prompts: list[list[Message]],
    examples: list[TextToSQLExample],
) -> None:
    failing = []
    for index, (prediction, example) in enumerate(zip(predictions, examples, strict=True)):
        errors = _errors(prediction.sql, run.databases.schema(example))
        if errors:
            failing.append((index, build_repair_messages(prompts[index], prediction.sql or "(none)", errors)))
    if not failing:
        return
    schemas = [run.databases.schema(examples[index]) for index, _ in failing]
    answers = _generate(run, [m for _, m in failing], schemas, "repairing")
    for (index, _), generation in zip(failing, answers, strict=True):
        sql = extract_sql(generation.text)
        if sql and run.settings.autofix:
            sql = _mend(sql, run.databases.schema(examples[index]), run.settings)
        prediction = predictions[index]
        prediction.repaired = True
        prediction.first_sql = prediction.sql
        prediction.first_error = _errors(prediction.sql, run.databases.schema(examples[index]))
        prediction.output_tokens += generation.output_tokens
        if not _errors(sql, run.databases.schema(examples[index])):
            prediction.sql = sql


def _choose_among_candidates(
    run: _Run,
    predictions: list[Prediction],
    prompts: list[list[Message]],
    examples: list[TextToSQLExample],
    seeds: range | None = None,
) -> None:
    pools = [[p.sql] for p in predictions]
    for seed in seeds or range(1, run.settings.candidates):
        schemas = [run.databases.schema(example) for example in examples]
        samples = _generate(
            run,
            prompts,
            schemas,
            f"sampling {seed}",
            temperature=run.settings.candidate_temperature,
            seed=seed,
        )
        for pool, generation, example in zip(pools, samples, examples, strict=True):
            sql = extract_sql(generation.text)
            if sql and run.settings.autofix:
                sql = _mend(sql, run.databases.schema(example), run.settings)
            pool.append(sql)
    for prediction, pool, example in zip(predictions, pools, examples, strict=True):
        chosen = select_by_execution(pool, run.databases.database(example), run.databases.schema(example))
        if chosen.sql:
            prediction.sql = chosen.sql
        prediction.candidates = len(set(pool))


def _fall_back_to_samples(
    run: _Run,
    predictions: list[Prediction],
    prompts: list[list[Message]],
    examples: list[TextToSQLExample],
) -> None:
    """Sample ``run.settings.fallback_samples`` more queries for each question whose SQL is still invalid
    (seeds after those of the candidates), and let the valid ones vote."""
    invalid = [
        index
        for index, (prediction, example) in enumerate(zip(predictions, examples, strict=True))
        if _errors(prediction.sql, run.databases.schema(example))
    ]
    if not invalid:
        return
    first_seed = max(run.settings.candidates, 1)
    _choose_among_candidates(
        run,
        [predictions[i] for i in invalid],
        [prompts[i] for i in invalid],
        [examples[i] for i in invalid],
        seeds=range(first_seed, first_seed + run.settings.fallback_samples),
    )
    for index in invalid:
        predictions[index].fallback = True


def _generate(
    run: _Run, prompts: list[list[Message]], schemas: list[Schema], description: str, **sampling: Any
) -> list[Generation]:
    """Batched generation with a progress bar; names constrained to each prompt's schema if asked."""
    bar = tqdm(total=len(prompts), desc=description, unit="q", disable=not run.progress)
    answers = generate_many(
        run.generator,
        prompts,
        max_new_tokens=run.settings.max_new_tokens,
        batch_size=run.settings.batch_size,
        progress=bar,
        schemas=schemas if run.settings.constrained else None,
        **sampling,
    )
    bar.close()
    return answers


def _errors(sql: str, schema: Schema) -> str | None:
    if not sql:
        return "the answer contains no SQL query"
    first = next((d for d in check(sql, schema) if d.is_error), None)
    return first.message if first else None


def _score(prediction: Prediction, example: TextToSQLExample, database: Database, day: date | None) -> None:
    """Run the gold and the predicted query; on data that stops on ``day``, both read it as the clock."""
    try:
        gold_sql = pin_today(example.sql, database.dialect, day) if day else example.sql
        gold = run_query(database, gold_sql, max_rows=EVAL_MAX_ROWS, timeout_s=EVAL_TIMEOUT_S)
    except ChatBIError as error:
        prediction.error = f"gold failed: {error}"
        return
    if not prediction.sql:
        prediction.error = "no SQL"
        return
    try:
        predicted_sql = pin_today(prediction.sql, database.dialect, day) if day else prediction.sql
        predicted = run_query(database, predicted_sql, max_rows=EVAL_MAX_ROWS, timeout_s=EVAL_TIMEOUT_S)
    except ChatBIError as error:
        prediction.error = str(error)
        return
    prediction.correct = results_match(gold.rows, predicted.rows, ordered=orders_rows(example.sql))


class _Databases:
    """The shared cache, addressed by example."""

    def __init__(self) -> None:
        self._cache = DatabaseCache()
        self._days: dict[Path, date | None] = {}

    def database(self, example: TextToSQLExample) -> Database:
        return self._cache.database(example.db_path)

    def schema(self, example: TextToSQLExample) -> Schema:
        return self._cache.schema(example.db_path)

    def data_day(self, example: TextToSQLExample) -> date | None:
        """The day the example's data stops on (:func:`data_day`), read once per database."""
        if example.db_path not in self._days:
            self._days[example.db_path] = data_day(self.database(example))
        return self._days[example.db_path]

    def glossary(self, example: TextToSQLExample) -> Glossary:
        return self._cache.glossary(example.db_path)


@dataclass(frozen=True)
class _Run:
    """What every stage after the first generation works with."""

    databases: _Databases
    generator: Generator
    settings: EvalSettings
    progress: bool


def summarize_latencies(seconds: Sequence[float]) -> dict[str, float | None]:
    """p50 and p95 of per-question seconds."""
    values = sorted(s for s in seconds if s)
    if not values:
        return {"p50": None, "p95": None}
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    return {"p50": round(statistics.median(values), 3), "p95": round(p95, 3)}


def _failure_kind(error: str | None) -> str:
    text = (error or "").lower()
    for marker, kind in (
        ("gold failed", "gold failed"),
        ("no sql", "no SQL"),
        ("refused", "refused"),
        ("longer than", "timeout"),
        ("no such column", "no such column"),
        ("no such table", "no such table"),
    ):
        if marker in text:
            return kind
    return "other"


def _mean(values: Sequence[int]) -> float:
    return round(sum(values) / len(values), 1) if values else 0.0
