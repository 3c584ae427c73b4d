"""``chatbi bench panel``: the panel's overhead over Assistant.ask. Its options, the pairwise overhead
arithmetic, the JSON and the BENCHMARKS.md row are checked on timings written here; one slow test runs the
whole benchmark (a Jupyter server with the extension, the real model) on one question, once."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
from test_cli import chatbi

from nl2sql.cli_measure import add_measure_commands
from nl2sql.evaluation.ask_timing import AskTiming
from nl2sql.evaluation.panel_overhead import (
    PANEL_HEADER,
    PANEL_HEADING,
    QUESTION_IDS,
    PanelOverheadReport,
    overhead_ms,
    panel_questions,
    panel_row,
    stage_ms,
)
from nl2sql.evaluation.panel_server import server_command, server_config
from nl2sql.evaluation.report import append_benchmark


def parse(*args: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_measure_commands(parser.add_subparsers(dest="command"))
    return parser.parse_args(["bench", "panel", *args])


def sql_timing(first_token: float, finished: float, total: float) -> AskTiming:
    return AskTiming(first_token / 2, first_token, finished, "sql", total)


def semantic_timing(finished: float, total: float) -> AskTiming:
    return AskTiming(0.002, None, finished, "semantic", total)


@pytest.fixture
def report() -> PanelOverheadReport:
    """Two questions (one for the model, one for the semantic layer), two rounds."""
    panel = [sql_timing(0.30, 1.00, 0.90), semantic_timing(0.08, 0.03), sql_timing(0.32, 1.40, 1.29),
             semantic_timing(0.10, 0.04)]  # fmt: skip
    local = [sql_timing(0.25, 0.90, 0.90), semantic_timing(0.03, 0.03), sql_timing(0.26, 1.30, 1.30),
             semantic_timing(0.04, 0.04)]  # fmt: skip
    return PanelOverheadReport(
        database="demo (data to 2026-06-30)",
        model_id="qwen2.5-coder-0.5b",
        adapter_hash="1eb9d8e17925" * 5,
        backend="LlamaCppGenerator",
        setup_seconds=5.0,
        warmup_seconds=12.0,
        questions=[{"id": "demo-009", "question": "Q1"}, {"id": "demo-003", "question": "Q2"}],
        repetitions=2,
        panel=panel,
        in_process=local,
        asked=["demo-009", "demo-003", "demo-009", "demo-003"],
    )


def test_the_options_and_their_defaults() -> None:
    args = parse()
    assert (args.bench_command, args.questions, args.repetitions, args.backend) == ("panel", None, 5, "auto")
    args = parse("--questions", "1", "--repetitions", "2", "--json", "out.json", "--benchmarks", "B.md")
    assert (args.questions, args.repetitions, args.json, args.benchmarks) == (1, 2, "out.json", "B.md")


@pytest.mark.parametrize("option", ["--questions", "--repetitions"])
@pytest.mark.parametrize("value", ["0", "-2", "two"])
def test_counts_below_one_are_refused_before_anything_starts(option: str, value: str) -> None:
    with pytest.raises(SystemExit):
        parse(option, value)


def test_the_questions_alternate_between_the_model_and_the_semantic_layer() -> None:
    questions = panel_questions()
    assert [q.id for q in questions] == list(QUESTION_IDS) and len(set(QUESTION_IDS)) == 8
    assert [q.id for q in panel_questions(1)] == ["demo-009"]
    assert {q.lang for q in questions} == {"en", "zh"}


def test_the_overhead_is_taken_pair_by_pair(report: PanelOverheadReport) -> None:
    # finished: 100, 50, 100, 60 ms over the in-process answer → p50 80, p95 (nearest rank) 100
    assert overhead_ms(report.panel, report.in_process, "finished") == {"p50": 80.0, "p95": 100.0}
    # first token: only the model's answers have one: 50 and 60 ms
    assert overhead_ms(report.panel, report.in_process, "first_token") == {"p50": 55.0, "p95": 60.0}
    assert stage_ms(report.panel, "first_token") == {"p50": 310.0, "p95": 320.0}
    assert stage_ms(report.in_process[1::2], "first_token") == {"p50": None, "p95": None}


def test_the_summary_names_paths_overheads_and_time_outside_the_answer(report: PanelOverheadReport) -> None:
    summary = report.summary()
    assert [q["path"] for q in summary["questions"]] == ["sql", "semantic"]
    assert summary["asks"] == 4 and summary["paths_agree"] and summary["errors"] == 0
    assert summary["panel_ms"]["finished"] == {"p50": 550.0, "p95": 1400.0}
    assert summary["in_process_ms"]["finished"] == {"p50": 470.0, "p95": 1300.0}
    # the panel's time minus the server's own Assistant.ask time: 100, 50, 110, 60 ms
    assert summary["panel_outside_answer_ms"] == {"p50": 80.0, "p95": 110.0}
    assert summary["finished_by_path_ms"] == {
        "semantic": {
            "panel": {"p50": 90.0, "p95": 100.0},
            "in_process": {"p50": 35.0, "p95": 40.0},
            "overhead": {"p50": 55.0, "p95": 60.0},
        },
        "sql": {
            "panel": {"p50": 1200.0, "p95": 1400.0},
            "in_process": {"p50": 1100.0, "p95": 1300.0},
            "overhead": {"p50": 100.0, "p95": 100.0},
        },
    }
    report.panel[1].path = "sql"
    assert not report.summary()["paths_agree"]


def test_the_json_keeps_every_timing_beside_the_summary(report: PanelOverheadReport, tmp_path: Path) -> None:
    out = tmp_path / "panel.json"
    out.write_text(json.dumps(report.to_dict()), encoding="utf-8")
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written["overhead_ms"]["finished"]["p50"] == 80.0
    assert [t["id"] for t in written["timings"]] == report.asked
    assert (
        written["timings"][0]["panel"]["finished"] == 1.0
        and written["timings"][0]["in_process"]["path"] == "sql"
    )


def test_the_row_goes_under_its_own_heading(report: PanelOverheadReport, tmp_path: Path) -> None:
    benchmarks = tmp_path / "BENCHMARKS.md"
    benchmarks.write_text("# Benchmarks\n\n## CPU latency\n\n| a |\n|---|\n| 1 |\n", encoding="utf-8")
    command = (
        "chatbi bench panel --json benchmarks/results/panel_overhead_cpu.json --benchmarks BENCHMARKS.md"
    )
    row = panel_row(report.summary(), command)
    append_benchmark(benchmarks, row, PANEL_HEADING, PANEL_HEADER)
    append_benchmark(benchmarks, row, PANEL_HEADING, PANEL_HEADER)
    text = benchmarks.read_text(encoding="utf-8")
    assert text.count(PANEL_HEADING) == 1 and text.count(row) == 2 and "| 1 |\n" in text
    cells = row.strip("| ").split(" | ")
    assert len(cells) == PANEL_HEADER.splitlines()[1].count("---")
    assert cells[4] == "2 (1 sql, 1 semantic) × 2"
    assert cells[5:12] == [
        "76.0 / 63.5",  # first event: the semantic answers' 2 ms pull the p50 down
        "310.0 / 255.0",  # first SQL token
        "90.0 / 35.0",  # answers of the semantic layer
        "1200.0 / 1100.0",  # answers with model-written SQL
        "12.5 / 55.0 / 80.0",
        "100.0",
        "80.0 / 110.0",
    ]
    assert cells[-1] == f"`{command}`"


def test_the_server_is_configured_with_the_extension_and_its_settings() -> None:
    config = server_config({"demo": "demo"}, feedback_log="", model=None, backend="llama.cpp")
    assert config["ServerApp"]["jpserver_extensions"] == {"chatbi_jupyterlab": True}
    assert config["ChatBI"] == {"connections": {"demo": "demo"}, "feedback_log": "", "backend": "llama.cpp"}
    command = server_command(8123, "abc", Path("/srv/x"))
    assert "--ServerApp.ip=127.0.0.1" in command and "--ServerApp.port=8123" in command
    assert "--IdentityProvider.token=abc" in command and "--ServerApp.port_retries=0" in command


def test_a_bad_count_is_one_line_on_the_command_line() -> None:
    result = chatbi("bench", "panel", "--repetitions", "0")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "is not a whole number of at least 1" in result.stderr


@pytest.mark.slow
def test_the_benchmark_runs_end_to_end_on_one_question(tmp_path: Path) -> None:
    pytest.importorskip("chatbi_jupyterlab", reason="the extension is not installed: make install")
    out, benchmarks = tmp_path / "results" / "panel.json", tmp_path / "BENCHMARKS.md"
    result = chatbi("bench", "panel", "--questions", "1", "--repetitions", "1", "--json", str(out),
                    "--benchmarks", str(benchmarks))  # fmt: skip
    assert result.returncode == 0, result.stderr
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written["asks"] == 1 and written["paths_agree"] and written["errors"] == 0
    assert [q["path"] for q in written["questions"]] == ["sql"]
    assert written["model_id"] == "qwen2.5-coder-0.5b" and written["database"].startswith("demo (data to ")
    panel, local = written["timings"][0]["panel"], written["timings"][0]["in_process"]
    for timing in (panel, local):
        assert 0 <= timing["first_event"] <= timing["first_token"] <= timing["finished"]
    assert panel["answer_total"] <= panel["finished"]
    assert written["overhead_ms"]["finished"]["p50"] is not None
    assert written["command"].startswith("chatbi bench panel --questions 1")
    text = benchmarks.read_text(encoding="utf-8")
    assert PANEL_HEADING in text and "| 1 (1 sql) × 1 |" in text
