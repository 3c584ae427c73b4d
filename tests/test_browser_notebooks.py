"""JupyterLab, in headless Chromium, runs the notebooks cell by cell as a user would, and they run clean:
every cell finishes, nothing on the page shows an error (no traceback in an output, none logged by a
widget's callback, no script error), every ``%%ask`` answer shows its live widget (the SQL, what it does,
the result table and a chart) and the widget's buttons do what they say when clicked. The SQL stays
readable in the light and in the dark theme (the quickstart runs in the light one, then switches; the
other notebook runs in the dark one).

Playwright drives Debian's Chromium (``make browser`` installs it, with the CJK and emoji fonts); it
never downloads a browser. Without Chromium or the ``playwright`` package (the ``dev`` extra) the module
skips. ``CHATBI_TEST_CHROMIUM`` names another Chromium. Screenshots of each notebook go to
``CHATBI_TEST_SCREENSHOTS`` (default: a pytest temporary folder; the test prints where).
"""

from __future__ import annotations

import datetime
import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import notebook as nb
from browser.contrast import READABLE, contrast_ratio
from browser.lab import Lab, running_lab

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the browser test drives Chromium with Playwright (the dev extra)"
)
pytest.importorskip("jupyterlab")
pytest.importorskip("ipywidgets")

from browser.chromium import CHROMIUM  # noqa: E402

if CHROMIUM is None:
    pytest.skip("no Chromium to drive: make browser (apt-get install chromium)", allow_module_level=True)

from browser.chromium import chromium_fixture, page_errors_fixture, page_fixture  # noqa: E402, F401
from playwright.sync_api import Locator, Page, expect  # noqa: E402

expect.set_options(timeout=15_000)  # what the page shows may take a while on two busy cores

NOTEBOOKS = Path(__file__).parent.parent / "notebooks"
pytestmark = [pytest.mark.slow, pytest.mark.browser]

LIGHT, DARK = "JupyterLab Light", "JupyterLab Dark"
KERNEL_CONFIG = {"ChatBIMagics": {"time_budget": 30.0}}
"""A model-written answer may take 30 s instead of 10 (``%config ChatBIMagics.time_budget``, as a user
of a slow machine would set it): on two cores shared with JupyterLab and Chromium, one generation alone
can pass 10 s, and the answer then comes back cut off. This test checks the page, not the model's speed."""
ACTION_TIMEOUT_MS = 60_000
"""The longest a button that does not ask the model may take to say what it did (the first Accept
loads the embedding model that finds earlier corrections)."""
ANSWER_TIMEOUT_MS = 180_000
"""The longest a button that asks the model again (Regenerate) may take to say what happened."""
REGENERATED = re.compile(
    r"regenerated \(sample \d+\)|sample \d+ failed|offered only queries rejected|cannot regenerate"
)
"""What the status line says once Regenerate is done, whether or not the model found another query."""


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory, isolated_home: Path) -> Iterator[Lab]:
    """JupyterLab serving copies of the two notebooks, with a ChatBI home of its own (a fresh demo
    database and feedback log); ``isolated_home`` sets the demo's day and the shared model cache, which
    its kernels inherit."""
    folder = tmp_path_factory.mktemp("lab")
    root = folder / "notebooks"
    root.mkdir()
    for name in ("quickstart.ipynb", "connect-your-database.ipynb"):
        shutil.copy(NOTEBOOKS / name, root / name)
    with running_lab(folder / "jupyter", root=root, kernel_config=KERNEL_CONFIG) as running:
        yield running


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("CHATBI_TEST_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        return Path(folder)
    return tmp_path_factory.mktemp("screenshots")


def test_quickstart_runs_clean_and_its_answer_buttons_work(
    page: Page, page_errors: list[str], lab: Lab, screenshots: Path
) -> None:
    panel = nb.open_notebook(page, lab, "quickstart.ipynb")
    nb.set_theme(page, LIGHT)
    runs = nb.run_cell_by_cell(page, panel)
    _print_times("quickstart.ipynb", runs)
    _assert_clean(page, panel, page_errors, lab)

    asks = [run for run in runs if run.source.startswith("%%ask")]
    assert len(asks) == 6, [run.source for run in asks]
    for run in asks:
        _assert_answer_shown(panel.locator(".jp-Cell").nth(run.index), run.source)

    segments = nb.answer_widget(nb.code_cell(panel, runs, "customers are in each segment"))
    expect(segments.locator(".js-plotly-plot .barlayer .point")).to_have_count(3)  # Consumer, SMB, Enterprise
    brands = nb.answer_widget(nb.code_cell(panel, runs, "How many products does each brand have?"))
    # switch_chart("pie") in the next cell redraws the chart on screen
    expect(brands.locator(".js-plotly-plot .pielayer .slice").first).to_be_visible()
    chinese = nb.answer_widget(nb.code_cell(panel, runs, "每个品牌有多少个产品"))
    expect(chinese.locator(".chatbi-summary")).to_contain_text("产品")
    question = chinese.get_by_text("每个品牌有多少个产品？").first
    assert nb.missing_glyphs(question, "每个品牌有多少个产品") == [], (
        "Chinese is drawn as boxes: fonts missing"
    )

    _click_through(page, segments, lab)
    _assert_clean(page, panel, page_errors, lab)

    _assert_sql_readable(panel, LIGHT)
    nb.screenshot(page, panel, str(screenshots / "quickstart-light.png"))
    nb.set_theme(page, DARK)
    _assert_sql_readable(panel, DARK)
    nb.screenshot(page, panel, str(screenshots / "quickstart-dark.png"))
    print(f"screenshots: {screenshots}")

    # The explanation names the days the SQL runs on: the database's clock (the demo's last day, which
    # "First read as" names too), not the machine's. Here: the window widened to 90 days from Python.
    as_of = datetime.date.fromisoformat(os.environ["CHATBI_DEMO_AS_OF"])
    since = (as_of - datetime.timedelta(days=90)).isoformat()
    recent = nb.answer_widget(nb.code_cell(panel, runs, "How many orders were placed in the last 30 days?"))
    expect(recent.locator(".chatbi-summary")).to_contain_text(f"in the last 90 days (since {since})")


def test_connect_your_database_runs_clean_in_the_dark_theme(
    page: Page, page_errors: list[str], lab: Lab, screenshots: Path
) -> None:
    panel = nb.open_notebook(page, lab, "connect-your-database.ipynb")
    nb.set_theme(page, DARK)
    runs = nb.run_cell_by_cell(page, panel)
    _print_times("connect-your-database.ipynb", runs)
    _assert_clean(page, panel, page_errors, lab)

    (ask,) = [run for run in runs if run.source.startswith("%%ask")]
    cell = panel.locator(".jp-Cell").nth(ask.index)
    _assert_answer_shown(cell, ask.source)
    answer = nb.answer_widget(cell)
    # the next cells correct the SQL when it misses the join (view.run_sql) and accept it (view.accept)
    expect(answer.locator("pre.chatbi-sql")).to_contain_text(re.compile("JOIN", re.IGNORECASE))
    expect(answer.locator("table.chatbi-table")).to_contain_text("Enterprise")
    expect(answer).to_contain_text("accepted: thank you")

    _assert_sql_readable(panel, DARK)
    nb.screenshot(page, panel, str(screenshots / "connect-your-database-dark.png"))
    print(f"screenshots: {screenshots}")


def _print_times(name: str, runs: list[nb.CellRun]) -> None:
    print(f"{name}: {sum(run.seconds for run in runs):.1f} s")
    for run in runs:
        print(f"  {run.seconds:6.1f} s  {run.source.splitlines()[0][:70] if run.source else ''}")


def _assert_clean(page: Page, panel: Locator, page_errors: list[str], lab: Lab) -> None:
    """No cell output shows an error, no widget callback logged one, no script on the page failed."""
    problems = nb.problems_in(nb.page_outputs(panel))
    problems += [f"log console: {message[:2000]}" for message in nb.logged_messages(page)]
    problems += [f"page error: {error}" for error in page_errors]
    assert not problems, "\n\n".join(problems) + f"\n\nJupyterLab's log:\n{lab.log_text()[-3000:]}"


def _assert_answer_shown(cell: Locator, source: str) -> None:
    """The cell shows one live answer widget with the SQL, its explanation, the result table and a chart
    (or the note saying why the table is the chart); its static copy, if any, is hidden."""
    widget = nb.answer_widget(cell)
    expect(widget, f"no live answer for {source!r}").to_have_count(1)
    expect(widget).to_be_visible()
    try:
        expect(widget.locator("pre.chatbi-sql")).to_contain_text(re.compile(r"\bSELECT\b", re.IGNORECASE))
        expect(widget.locator(".chatbi-summary")).to_be_visible()
        expect(widget.locator("table.chatbi-table")).to_be_visible()
        chart = widget.locator(".js-plotly-plot .main-svg").first.or_(widget.get_by_text("(the table above)"))
        expect(chart.first, "no chart").to_be_visible()
    except AssertionError as error:
        raise AssertionError(f"{error}\n\nThe answer to {source!r} shows:\n{_shown(widget)}") from None
    for static in cell.locator(".chatbi-static").all():
        expect(static, "the static copy shows beside the live answer").to_be_hidden()


def _shown(widget: Locator) -> str:
    """The answer's text without the plan's controls (their many options)."""
    return re.sub(r"\n(Change the query|修改查询)\n.*?\n(Run\n)", r"\n…\n\2", widget.inner_text(), flags=re.S)


def _button(widget: Locator, label: str) -> Locator:
    """The button of ``widget`` labelled ``label`` (its accessible name also holds its icon's glyph)."""
    return widget.locator("button").filter(has_text=re.compile(rf"^\s*{re.escape(label)}\s*$"))


def _click_through(page: Page, widget: Locator, lab: Lab) -> None:
    """Use every control of one answer (three result rows, a bar chart) and check what each one did:
    the status line, the SQL, the rows and the chart on screen, and the feedback log."""
    sql, rows = widget.locator("pre.chatbi-sql"), widget.locator("table.chatbi-table tbody tr")
    expect(rows).to_have_count(3)

    def click(label: str, says: str | re.Pattern[str], timeout_ms: int = ACTION_TIMEOUT_MS) -> None:
        started = time.monotonic()
        _button(widget, label).click()
        expect(widget, f"after {label}").to_contain_text(says, timeout=timeout_ms)
        print(f"  {label}: {time.monotonic() - started:.1f} s")

    copy = widget.locator(".chatbi-copy-sql")
    if copy.count():  # the Copy SQL button, where the answer view has it
        copy.click()
        expect(copy).not_to_have_text("Copy failed")
        assert nb.clipboard_text(page).strip() == sql.inner_text().strip()

    def choose_chart(kind: str) -> None:
        widget.locator(f'button.widget-toggle-button[data-value="{kind}"]').click()

    choose_chart("pie")
    expect(widget.locator(".js-plotly-plot .pielayer .slice")).to_have_count(3, timeout=ACTION_TIMEOUT_MS)
    choose_chart("table")
    expect(widget.locator(".js-plotly-plot")).to_have_count(0, timeout=ACTION_TIMEOUT_MS)
    expect(widget.get_by_text("(the table above)")).to_be_visible()
    choose_chart("bar")
    expect(widget.locator(".js-plotly-plot .barlayer .point")).to_have_count(3, timeout=ACTION_TIMEOUT_MS)

    click("Accept", "accepted: thank you")

    limit = widget.locator(".widget-text", has_text="rows to show").locator("input")
    limit.fill("2")
    limit.press("Tab")
    click("Apply changes", "ran the edited query: 2 rows")
    expect(sql).to_contain_text("LIMIT 2")
    expect(rows).to_have_count(2)

    _button(widget, "Edit SQL").click()
    editor = widget.locator("textarea")
    expect(editor).to_be_visible()
    edited = editor.input_value().replace("LIMIT 2", "LIMIT 1")
    assert "LIMIT 1" in edited, editor.input_value()
    editor.fill(edited)
    click("Run", "ran the edited query: 1 row")
    expect(sql).to_contain_text("LIMIT 1")
    expect(rows).to_have_count(1)

    click("Regenerate", REGENERATED, ANSWER_TIMEOUT_MS)
    expect(sql).to_contain_text("SELECT")

    widget.get_by_placeholder("what is wrong? (optional)").fill("only to test the button")
    click("Reject", "rejected (only to test the button): thank you")

    from feedback.log import FeedbackLog

    kinds = [event["kind"] for event in FeedbackLog(lab.home / "data" / "feedback.sqlite").events(limit=None)]
    assert {"accepted", "explored", "rejected"} <= set(kinds), kinds


def _assert_sql_readable(panel: Locator, theme: str) -> None:
    """Every answer's SQL on screen (the live widget's), its text and each token colour, reaches WCAG AA
    against the background it is drawn on."""
    blocks = panel.locator(".jupyter-widgets pre.chatbi-sql")
    assert blocks.count(), "no SQL on screen"
    ratios: dict[str, float] = {}
    for block in blocks.all():
        found = nb.colors(block)
        for color in [found["text"], *found["tokens"]]:
            ratios[f"{color} on {found['background']}"] = contrast_ratio(color, found["background"])
    unreadable = {pair: round(ratio, 2) for pair, ratio in ratios.items() if ratio < READABLE}
    assert not unreadable, f"{theme}: SQL colours below {READABLE}: {unreadable}"
    print(f"  {theme}: SQL contrast {min(ratios.values()):.2f} to {max(ratios.values()):.2f}")
