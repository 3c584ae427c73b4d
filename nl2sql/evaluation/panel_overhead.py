"""What the JupyterLab panel adds to an answer: the same demo questions asked over the panel's websocket of a
real Jupyter server with the ChatBI extension (:mod:`nl2sql.evaluation.panel_server`), and through
``Assistant.ask`` in this process, both warm, on the same database with the same model.

Each question is timed from submit to its first streamed event, its first SQL token (where the model
writes one) and its finished answer (:mod:`nl2sql.evaluation.ask_timing`). The two ways take turns, one
question at a time, so that a machine busy for a while slows both alike; the overhead is taken pair by
pair (the same question in the same round, panel minus in-process), and its p50 and p95 reported, over
all answers and apart for each path (the semantic layer answers in milliseconds, the model in seconds).
Pairs of model-written answers also differ by how fast the model happened to run in each process;
"outside Assistant.ask" does not: it is the panel's time minus the server's own ``Assistant.ask`` time
for the same answer, that is the socket, the worker's queue, the answer card (explanation, plan, table,
chart) and its JSON.

Example:
    >>> panel = [AskTiming(0.012, None, 0.050, "semantic", 0.030), AskTiming(0.011, 0.4, 1.2, "sql", 1.1)]
    >>> local = [AskTiming(0.000, None, 0.031, "semantic", 0.031), AskTiming(0.000, 0.3, 1.0, "sql", 1.0)]
    >>> overhead_ms(panel, local, "finished")
    {'p50': 109.5, 'p95': 200.0}
    >>> overhead_ms(panel, local, "first_token")
    {'p50': 100.0, 'p95': 100.0}
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from nl2sql.evaluation.ask_timing import AskTiming, PanelClient, time_in_process
from nl2sql.evaluation.latency import machine, percentile
from nl2sql.evaluation.panel_server import running_server, server_config

QUESTION_IDS = (
    "demo-009",
    "demo-003",
    "demo-006",
    "demo-011",
    "demo-005",
    "demo-022",
    "demo-028",
    "demo-004",
)
"""The demo questions asked, in this order: every other one is left to the model (four in English, one of
them an anti-join), the others the semantic layer answers (two in English, two in Chinese), as the rules
read them when the list was made; the JSON and the row record the path each answer took. None counts
back from today, so the day the demo data runs to changes no answer's work."""
REPETITIONS = 5
STAGES = ("first_event", "first_token", "finished")
CONNECTION = "demo"


@dataclass
class PanelOverheadReport:
    """The timings of both ways, in the order asked: ``panel[i]`` and ``in_process[i]`` are the same
    question in the same round."""

    database: str
    model_id: str | None
    adapter_hash: str | None
    backend: str | None
    setup_seconds: float
    """Starting the server and opening the socket; opening the database in this process."""
    warmup_seconds: float
    """Asking every question once both ways (loading the model in both processes), not measured."""
    questions: list[dict[str, str]]
    repetitions: int
    panel: list[AskTiming] = field(default_factory=list)
    in_process: list[AskTiming] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)
    """The question id of each timing."""

    def summary(self) -> dict[str, Any]:
        paths = {q["id"]: path for q, path in zip(self.questions, self._paths(), strict=False)}
        return {
            "database": self.database,
            "model_id": self.model_id,
            "adapter_hash": self.adapter_hash,
            "backend": self.backend,
            "machine": machine(),
            "setup_seconds": round(self.setup_seconds, 2),
            "warmup_seconds": round(self.warmup_seconds, 2),
            "questions": [{**q, "path": paths.get(q["id"])} for q in self.questions],
            "repetitions": self.repetitions,
            "asks": len(self.panel),
            "paths_agree": all(p.path == q.path for p, q in zip(self.panel, self.in_process, strict=True)),
            "errors": sum(t.error is not None for t in [*self.panel, *self.in_process]),
            "panel_ms": {stage: stage_ms(self.panel, stage) for stage in STAGES},
            "in_process_ms": {stage: stage_ms(self.in_process, stage) for stage in STAGES},
            "overhead_ms": {stage: overhead_ms(self.panel, self.in_process, stage) for stage in STAGES},
            "finished_by_path_ms": self._by_path(),
            "panel_outside_answer_ms": _spread(
                [(t.finished - t.answer_total) * 1000 for t in self.panel if t.answer_total is not None]
            ),
        }

    def _by_path(self) -> dict[str, dict[str, dict[str, float | None]]]:
        """The finished answers' p50 and p95 and the overhead, apart for each path (the semantic layer
        answers in milliseconds, the model in seconds: one p50 over both says little)."""
        found: dict[str, dict[str, dict[str, float | None]]] = {}
        for path in sorted({t.path for t in self.in_process}):
            pairs = [(p, q) for p, q in zip(self.panel, self.in_process, strict=True) if q.path == path]
            panel, local = [p for p, _ in pairs], [q for _, q in pairs]
            found[path] = {
                "panel": stage_ms(panel, "finished"),
                "in_process": stage_ms(local, "finished"),
                "overhead": overhead_ms(panel, local, "finished"),
            }
        return found

    def to_dict(self) -> dict[str, Any]:
        """The summary and every timing (seconds), for the JSON file."""
        timings = [
            {"id": question_id, "panel": asdict(panel), "in_process": asdict(local)}
            for question_id, panel, local in zip(self.asked, self.panel, self.in_process, strict=True)
        ]
        return {**self.summary(), "timings": timings}

    def _paths(self) -> list[str]:
        return [t.path for t in self.in_process[: len(self.questions)]]


def stage_ms(timings: Sequence[AskTiming], stage: str) -> dict[str, float | None]:
    """p50 and p95, in milliseconds, of ``stage`` over ``timings`` that have it.

    Example:
        >>> stage_ms([AskTiming(0.01, None, 0.05, "semantic", 0.04)], "first_token")
        {'p50': None, 'p95': None}
    """
    return _spread([value * 1000 for t in timings if (value := getattr(t, stage)) is not None])


def overhead_ms(
    panel: Sequence[AskTiming], in_process: Sequence[AskTiming], stage: str
) -> dict[str, float | None]:
    """p50 and p95, in milliseconds, of panel minus in-process for ``stage``, pair by pair (pairs where
    either lacks the stage, as a question the model wrote no SQL for, are left out)."""
    differences = [
        (mine - theirs) * 1000
        for p, q in zip(panel, in_process, strict=True)
        if (mine := getattr(p, stage)) is not None and (theirs := getattr(q, stage)) is not None
    ]
    return _spread(differences)


def _spread(values: Sequence[float]) -> dict[str, float | None]:
    return {
        key: None if (v := percentile(values, q)) is None else round(v, 1)
        for key, q in (("p50", 50), ("p95", 95))
    }


def measure_panel_overhead(
    questions: Sequence[Any],
    *,
    repetitions: int = REPETITIONS,
    model: str | None = None,
    adapter: str | None = None,
    backend: str = "auto",
    base_url: str | None = None,
    progress: bool = True,
) -> PanelOverheadReport:
    """Time ``questions`` (objects with ``id`` and ``question``), ``repetitions`` rounds, over the panel
    of a Jupyter server started for it and through ``Assistant.ask`` here, on the demo database, after
    one unmeasured round of each."""
    from nl2sql.assistant import Assistant
    from nl2sql.demo import ensure_demo_database
    from nl2sql.demo.build import data_as_of

    path = ensure_demo_database()  # built here first, so that the server finds it ready
    models = {"model": model, "adapter": adapter, "backend": backend, "base_url": base_url}
    config = server_config({CONNECTION: CONNECTION}, feedback_log="", **models)
    started = time.perf_counter()
    with (
        tempfile.TemporaryDirectory(prefix="chatbi-panel-") as folder,
        running_server(Path(folder), config) as server,
    ):
        client = PanelClient(server.stream_url, CONNECTION)
        try:
            assistant = Assistant(CONNECTION, log=None, **models)
            setup = time.perf_counter() - started
            started = time.perf_counter()
            for item in tqdm(questions, desc="warming up", unit="q", disable=not progress):
                client.ask(item.question)
                time_in_process(assistant, item.question)
            report = PanelOverheadReport(
                database=f"{CONNECTION} (data to {data_as_of(path)})",
                model_id=assistant.generator.model_id if assistant.model_loaded else None,
                adapter_hash=assistant.generator.adapter_hash if assistant.model_loaded else None,
                backend=type(assistant.generator).__name__ if assistant.model_loaded else None,
                setup_seconds=setup,
                warmup_seconds=time.perf_counter() - started,
                questions=[{"id": item.id, "question": item.question} for item in questions],
                repetitions=repetitions,
            )
            rounds = [item for _ in range(repetitions) for item in questions]
            for item in tqdm(rounds, desc="asking", unit="q", disable=not progress):
                report.panel.append(client.ask(item.question))
                report.in_process.append(time_in_process(assistant, item.question))
                report.asked.append(item.id)
        finally:
            client.close()
    return report


def panel_questions(count: int | None = None) -> list[Any]:
    """The first ``count`` of :data:`QUESTION_IDS` (all when None), as demo questions.

    Example:
        >>> [q.id for q in panel_questions(2)]
        ['demo-009', 'demo-003']
    """
    from nl2sql.demo import load_demo_questions

    by_id = {q.id: q for q in load_demo_questions()}
    return [by_id[question_id] for question_id in QUESTION_IDS[:count]]


def panel_row(summary: dict[str, Any], command: str) -> str:
    """One Markdown row for BENCHMARKS.md's panel overhead table.

    Example:
        >>> spread = {"p50": 2.0, "p95": 3.0}
        >>> summary = {"database": "demo", "model_id": "m", "backend": "B", "machine": "x86_64, 2 cores",
        ...     "questions": [{"path": "sql"}, {"path": "semantic"}], "asks": 10, "repetitions": 5,
        ...     "panel_ms": {s: spread for s in STAGES}, "in_process_ms": {s: spread for s in STAGES},
        ...     "overhead_ms": {s: spread for s in STAGES}, "panel_outside_answer_ms": spread,
        ...     "finished_by_path_ms": {"sql": {"panel": spread, "in_process": {"p50": 1.5}}}}
        >>> panel_row(summary, "chatbi bench panel").split(" | ")[4:9]
        ['2 (1 sql, 1 semantic) × 5', '2.0 / 2.0', '2.0 / 2.0', '– / –', '2.0 / 1.5']
    """
    panel, local, over = summary["panel_ms"], summary["in_process_ms"], summary["overhead_ms"]
    by_path = summary["finished_by_path_ms"]
    kinds: dict[str, int] = {}
    for question in summary["questions"]:
        kinds[question["path"]] = kinds.get(question["path"], 0) + 1
    mix = ", ".join(f"{n} {path}" for path, n in kinds.items())
    outside = summary["panel_outside_answer_ms"]
    cells = [
        summary["database"],
        summary["model_id"] or "semantic layer only",
        summary["backend"] or "–",
        summary["machine"],
        f"{len(summary['questions'])} ({mix}) × {summary['repetitions']}",
        _pair(panel["first_event"]["p50"], local["first_event"]["p50"]),
        _pair(panel["first_token"]["p50"], local["first_token"]["p50"]),
        _path_pair(by_path.get("semantic")),
        _path_pair(by_path.get("sql")),
        " / ".join(_ms(over[stage]["p50"]) for stage in STAGES),
        _ms(over["finished"]["p95"]),
        f"{_ms(outside['p50'])} / {_ms(outside['p95'])}",
        time.strftime("%Y-%m-%d"),
        f"`{command}`",
    ]
    return "| " + " | ".join(cells) + " |"


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def _pair(panel: float | None, local: float | None) -> str:
    return f"{_ms(panel)} / {_ms(local)}"


def _path_pair(spreads: dict[str, dict[str, float | None]] | None) -> str:
    """The p50s of one path's answers, panel / in-process; dashes when no question took that path."""
    spreads = spreads or {}
    return _pair(spreads.get("panel", {}).get("p50"), spreads.get("in_process", {}).get("p50"))


PANEL_HEADING = "## Panel overhead (websocket answer vs Assistant.ask in one process, warm)"
PANEL_HEADER = (
    "| db | model | backend | machine | questions × rounds | first event p50 ms (panel / in-process)"
    " | first SQL token p50 ms (panel / in-process) | semantic-layer answer p50 ms (panel / in-process)"
    " | model-written SQL answer p50 ms (panel / in-process)"
    " | overhead p50 ms, paired (first event / first token / answer) | overhead p95 ms, paired (answer)"
    " | panel outside Assistant.ask p50 / p95 ms | date | command |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
)
