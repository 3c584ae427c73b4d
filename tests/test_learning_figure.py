"""The learning curve (``chatbi bench learning-figure``, ``bench learning --figure``): a plotly figure of
saved runs, drawn as an SVG that stands alone on a page and as an offline HTML page; and the standalone
drawing itself (:class:`explain.figure_svg.Page`)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import plotly.graph_objects as go
import pytest
from test_learning_bench import QUESTIONS

from explain.figure_svg import PALETTE, Page, figure_svg
from nl2sql.cli import main
from nl2sql.evaluation.learning_figure import LearningFigureError, learning_figure, read_learning_results


def _part(n: int, ex: float) -> dict[str, float]:
    return {"n": n, "ex": ex, "ex_at_first": 0.5, "lift": round(ex - 0.5, 4)}


def _run(databases: list[str], held_out: int, curve: list[tuple[int, float, float, float]]) -> dict:
    """A run's summary as ``bench learning --json`` writes it: per point (corrections, EX on all,
    on the covered questions, on the rest); nothing is covered at 0."""
    points = [
        {
            "corrections": corrections,
            "approved": corrections * len(databases),
            "all": _part(held_out, ex),
            "covered": _part(0 if corrections == 0 else 2, covered),
            "uncovered": _part(held_out if corrections == 0 else held_out - 2, uncovered),
        }
        for corrections, ex, covered, uncovered in curve
    ]
    return {"databases": databases, "points": [p["corrections"] for p in points], "by_point": points}


TWENTY = _run(["car_1", "world_1"], 40, [(0, 0.5, 0.0, 0.5), (10, 0.6, 0.75, 0.55), (50, 0.725, 0.9, 0.6)])
ALL = _run(["car_1", "world_1"], 70, [(0, 0.45, 0.0, 0.45), (10, 0.5, 0.7, 0.46), (50, 0.6, 0.85, 0.5)])


def test_each_run_has_a_line_for_all_covered_and_uncovered_questions() -> None:
    figure = learning_figure([TWENTY, {**ALL, "databases": ["car_1"], "teach": "examples"}])
    names = [trace.name for trace in figure.data]
    assert names == [
        "car_1, world_1: 40 held out: all",
        "car_1, world_1: 40 held out: covered",
        "car_1, world_1: 40 held out: uncovered",
        "car_1: 70 held out, teach examples: all",
        "car_1: 70 held out, teach examples: covered",
        "car_1: 70 held out, teach examples: uncovered",
    ]
    assert all(list(trace.x) == [0, 10, 50] for trace in figure.data)
    assert [list(trace.y) for trace in figure.data[:3]] == [
        [0.5, 0.6, 0.725],
        [None, 0.75, 0.9],
        [0.5, 0.55, 0.6],
    ]
    assert list(figure.data[4].y) == [None, 0.7, 0.85], "nothing is covered before a correction: a gap"
    assert list(figure.data[1].customdata) == [0, 2, 2], "how many questions each point stands for"
    assert [trace.line.color for trace in figure.data] == [PALETTE[0]] * 3 + [PALETTE[1]] * 3, (
        "a colour a run"
    )
    assert [trace.line.dash for trace in figure.data[:3]] == ["solid", "dash", "dot"], "a dash a subset"
    assert figure.layout.yaxis.range == (0, 1)
    assert figure.layout.xaxis.title.text == "corrections per database"
    assert figure.layout.title.text and figure.layout.yaxis.title.text


def test_a_run_that_retrained_has_a_star_per_subset_after_its_last_point() -> None:
    retrained = {"summary": {**TWENTY["by_point"][-1], "all": _part(40, 0.8), "uncovered": _part(38, 0.7)}}
    figure = learning_figure([{**TWENTY, "retrained": retrained}, ALL])
    stars = [trace for trace in figure.data if trace.mode == "markers"]
    assert [trace.name for trace in stars] == [
        "40 held out: all after retraining",
        "40 held out: covered after retraining",
        "40 held out: uncovered after retraining",
    ]
    assert [(list(t.x), list(t.y)) for t in stars] == [([50], [0.8]), ([50], [0.9]), ([50], [0.7])]
    assert {trace.marker.color for trace in stars} == {PALETTE[0]}, "the run's colour"
    assert len(figure.data) == 9, "the run that did not retrain has its three lines only"
    assert "after retraining" in figure_svg(figure, page=Page())


def test_runs_on_the_same_databases_are_named_by_what_they_held_out() -> None:
    figure = learning_figure([TWENTY, {**ALL, "limit_eval": None}, TWENTY])
    assert figure.layout.xaxis.title.text == "corrections per database (car_1, world_1)"
    assert [trace.name for trace in figure.data][::3] == [
        "40 held out, run 1: all",
        "70 held out (all): all",
        "40 held out, run 3: all",
    ]


def test_a_page_drawing_stands_alone_and_the_inline_one_takes_the_page_colour() -> None:
    figure = learning_figure([TWENTY])
    inline, page = figure_svg(figure), figure_svg(figure, Page(background="#fafafa", text="#111111"))
    assert "fill: currentColor" in inline and "#fafafa" not in inline
    assert "currentColor" not in page and "fill: #111111" in page
    width, height = re.search(r'viewBox="0 0 (\d+) (\d+)"', page).groups()  # type: ignore[union-attr]
    assert f'<rect width="{width}" height="{height}" fill="#fafafa"/>' in page, "its own background, all over"
    for text in (
        "corrections per database (car_1, world_1)",
        "execution accuracy (EX)",
        "40 held out: uncovered",
    ):
        assert f">{text}</text>" in page, f"{text} is written whole"
    ticks = re.findall(r'text-anchor="middle">([\d.]+)</text>', page)
    assert [t for t in ticks if t in ("0", "10", "50")] == ["0", "10", "50"], "the x axis numbers its points"
    assert [f">{n}</text>" in page for n in ("0.25", "0.75")] == [True, True], "the y axis from 0 to 1"
    assert page.count("<polyline") == 3 and page.count('stroke-dasharray="2,3"') == 2, "dotted: line, legend"


def _saved(tmp_path: Path, name: str, summary: dict) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(summary), encoding="utf-8")
    return path


def test_bench_learning_figure_draws_saved_runs_to_svg_and_offline_html(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    runs = [_saved(tmp_path, "twenty.json", TWENTY), _saved(tmp_path, "all.json", ALL)]
    svg, page = tmp_path / "figures" / "curve.svg", tmp_path / "curve.html"
    assert main(["bench", "learning-figure", *map(str, runs), "--svg", str(svg), "--html", str(page)]) == 0
    assert str(svg) in capsys.readouterr().out

    drawing = svg.read_text(encoding="utf-8")
    assert drawing.startswith('<svg class="chatbi-static-chart" xmlns="http://www.w3.org/2000/svg"')
    assert drawing.count("<polyline") == 6 and 'fill="#ffffff"' in drawing
    for color in PALETTE[:2]:
        assert f'stroke="{color}" stroke-width="2"/>' in drawing
    assert ">70 held out: covered</text>" in drawing
    live = page.read_text(encoding="utf-8")
    assert "Plotly.newPlot" in live and "70 held out: covered" in live
    assert not re.search(r"<script[^>]*\bsrc=", live), "plotly.js is inside the page: nothing is fetched"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, " does not exist"),
        ("{'by_point': [", " is not JSON (line 1: "),
        (
            json.dumps({"databases": ["car_1"], "by_point": [{"corrections": 0}]}),
            " is not what `chatbi bench",
        ),
        (json.dumps([1, 2]), " is not what `chatbi bench learning --json` writes"),
    ],
)
def test_bench_learning_figure_refuses_a_file_that_is_not_a_learning_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, message: str
) -> None:
    bad, svg = tmp_path / "run.json", tmp_path / "curve.svg"
    if content is not None:
        bad.write_text(content, encoding="utf-8")
    svg.write_text("<svg>before</svg>", encoding="utf-8")
    good = _saved(tmp_path, "good.json", TWENTY)
    assert main(["bench", "learning-figure", str(good), str(bad), "--svg", str(svg)]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"error: {bad}{message}") and error.count("\n") == 1, error
    assert svg.read_text(encoding="utf-8") == "<svg>before</svg>", "the figure drawn before is kept"
    with pytest.raises(LearningFigureError, match=re.escape(message.strip())):
        read_learning_results(bad)


def test_the_figure_is_never_written_over_a_file_that_is_not_svg_or_html(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = _saved(tmp_path, "run.json", TWENTY)
    before = run.read_text(encoding="utf-8")
    assert main(["bench", "learning-figure", str(run), "--svg", str(run)]) == 2
    assert capsys.readouterr().err == f"error: {run} is not an .svg file: the figure is written to one\n"
    assert main(["bench", "learning-figure", str(run), "--svg", "a.svg", "--html", str(run)]) == 2
    assert "is not an .html file" in capsys.readouterr().err
    assert run.read_text(encoding="utf-8") == before
    command = ["bench", "learning", "--data", "questions.jsonl", "--figure", str(tmp_path / "curve.png")]
    assert main(command) == 2, "refused before the benchmark runs"
    assert "curve.png is not an .svg file" in capsys.readouterr().err


def test_the_page_drawing_keeps_a_figure_with_no_axis_titles_or_names_plain() -> None:
    figure = go.Figure(go.Scatter(x=["a", "b"], y=[1, 2]))
    page = figure_svg(figure, Page())
    assert page.count("<text") == 1 + 5 + 2, "the (empty) title, five y ticks, two x labels: no legend"


@pytest.mark.slow
def test_bench_learning_draws_the_learning_curve_of_its_run(
    tmp_path: Path, sqlite_shop: str, capsys: pytest.CaptureFixture[str]
) -> None:
    data, out, curve = tmp_path / "shop.jsonl", tmp_path / "learning.json", tmp_path / "curve.svg"
    rows = [{"db": sqlite_shop, "question": q, "sql": sql} for q, sql in QUESTIONS for _ in range(2)]
    data.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    command = ["bench", "learning", "--data", str(data), "--points", "0,2", "--limit-eval", "3"]
    assert main([*command, "--semantic", "none", "--json", str(out), "--figure", str(curve)]) == 0
    capsys.readouterr()

    summary = read_learning_results(out)
    drawing = curve.read_text(encoding="utf-8")
    assert drawing == figure_svg(learning_figure([summary]), Page()) + "\n", (
        "the curve of the run just measured"
    )
    assert ">corrections per database (shop)</text>" in drawing and ">3 held out: all</text>" in drawing
    assert drawing.count("<polyline") >= 1, "EX on all held-out questions, from 0 to 2 corrections"
