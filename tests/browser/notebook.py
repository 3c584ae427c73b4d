"""What a browser test does with a notebook open in JupyterLab: open it once its kernel is ready, run it
cell by cell as a user would (click a cell, Ctrl+Enter, wait for its prompt to show a number), find what
went wrong on the page, switch the theme, read colours, and take a screenshot of the whole notebook.

Every function takes Playwright objects (a ``Page``, a ``Locator``); Playwright itself is not imported.
JupyterLab runs with ``expose_app_in_browser`` (see :mod:`browser.lab`), so ``window.jupyterapp`` runs
its commands and tells when a notebook and its kernel are ready.

Example:
    >>> problems_in([("output", "3 rows"), ("stderr", "a warning"), ("output", "Error displaying widget")])
    ['stderr: a warning', 'output: Error displaying widget']
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

    from browser.lab import Lab

CELL_TIMEOUT_MS = 300_000
"""The longest one cell may run: the first question loads the model (seconds, or a minute converting
it on a machine that never did), and each answer takes several seconds on two busy cores."""
READY_TIMEOUT_MS = 120_000
"""The longest JupyterLab may take to show a notebook with all its cells and a connected, idle kernel."""


_ANSWER_WIDGET = ".jp-Cell-outputArea > .jp-OutputArea-child > .jp-OutputArea-output > .jupyter-widgets"
_READY = """(path) => {
  const app = window.jupyterapp;
  const panel = app && app.shell.currentWidget;
  if (!panel || !panel.context || panel.context.path !== path || !panel.context.isReady) return null;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  const cells = panel.content.widgets.length;
  if (!kernel || kernel.status !== 'idle' || kernel.connectionStatus !== 'connected' || !cells) return null;
  return panel.node.querySelectorAll('.jp-Cell').length === cells ? panel.id : null;
}"""
_SOURCES = """(id) => {
  const panel = Array.from(window.jupyterapp.shell.widgets('main')).find((w) => w.id === id);
  return panel.content.widgets.map((cell) => [cell.model.type, cell.model.sharedModel.getSource()]);
}"""
_PROMPT_ABOVE = """([prompt, last]) => {
  const found = /\\[(\\d+)\\]/.exec(prompt.textContent);
  return found !== null && Number(found[1]) > last;
}"""
_SETTLED = "() => new Promise((done) => requestIdleCallback(() => done(), {timeout: 10000}))"
_OUTPUTS = """(panel) => Array.from(panel.querySelectorAll('.jp-OutputArea-output')).map((output) => [
  output.getAttribute('data-mime-type') === 'application/vnd.jupyter.stderr' ? 'stderr' : 'output',
  output.innerText,
])"""
_COLORS = """(element) => {
  const parse = (text) => {
    const found = /rgba?\\(([^)]*)\\)/.exec(text);
    if (!found) throw new Error('not an rgb colour: ' + text);
    const parts = found[1].split(/[\\s,\\/]+/).filter(Boolean).map(parseFloat);
    return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
  };
  const over = (top, [r, g, b]) => [0, 1, 2].map((i) => top[i] * top[3] + [r, g, b][i] * (1 - top[3]));
  const layers = [];
  for (let node = element; node; node = node.parentElement) {
    const layer = parse(getComputedStyle(node).backgroundColor);
    if (layer[3] > 0) layers.push(layer);
    if (layer[3] >= 1) break;
  }
  let background = [255, 255, 255];
  for (const layer of layers.reverse()) background = over(layer, background);
  const css = (rgb) => 'rgb(' + rgb.map((v) => Math.round(v)).join(', ') + ')';
  const text = (node) => css(over(parse(getComputedStyle(node).color), background));
  const tokens = Array.from(element.querySelectorAll('span')).map(text);
  return {text: text(element), background: css(background), tokens: Array.from(new Set(tokens))};
}"""
_GLYPHS_DRAWN = """(element, text) => {
  // A character no font has is drawn as the missing-glyph box: text drawn exactly like it has no font.
  const canvas = document.createElement('canvas');
  canvas.width = 64;
  canvas.height = 64;
  const context = canvas.getContext('2d', {willReadFrequently: true});
  context.font = '40px ' + getComputedStyle(element).fontFamily;
  const draw = (character) => {
    context.clearRect(0, 0, 64, 64);
    context.fillText(character, 4, 48);
    return context.getImageData(0, 0, 64, 64).data.join(',');
  };
  const missing = draw('\\u0378');  // unassigned in Unicode: no font has it
  return Array.from(text).filter((character) => draw(character) === missing);
}"""


@dataclass(frozen=True)
class CellRun:
    """One cell as it ran: its index among the notebook's cells, its source, how long it took."""

    index: int
    source: str
    seconds: float


def open_notebook(page: Page, lab: Lab, path: str) -> Locator:
    """Open ``path`` in a fresh workspace, the file browser closed; return its panel once all its cells
    are on the page and its kernel is connected and idle."""
    page.goto(lab.tree_url(path) + "&reset", timeout=READY_TIMEOUT_MS)
    ready = page.wait_for_function(_READY, arg=path, timeout=READY_TIMEOUT_MS, polling=250)
    page.evaluate("() => window.jupyterapp.shell.collapseLeft()")  # the file browser: room for the cells
    return page.locator(f"#{ready.json_value()}")


def cell_sources(page: Page, panel: Locator) -> list[tuple[str, str]]:
    """``(cell type, source)`` of every cell of the notebook, in order."""
    return [tuple(cell) for cell in page.evaluate(_SOURCES, panel.get_attribute("id"))]


def run_cell_by_cell(page: Page, panel: Locator, *, timeout_ms: int = CELL_TIMEOUT_MS) -> list[CellRun]:
    """Run every code cell in order as a user would: click its prompt, press Ctrl+Enter, and wait until
    its prompt shows an execution count above the last one (``[*]`` while it runs) and the page has
    drawn what it output."""
    cells, runs, last = panel.locator(".jp-Cell"), [], 0
    for index, (kind, source) in enumerate(cell_sources(page, panel)):
        if kind != "code":
            continue
        prompt = cells.nth(index).locator(".jp-InputPrompt")
        started = time.monotonic()
        prompt.click()
        page.keyboard.press("Control+Enter")
        page.wait_for_function(_PROMPT_ABOVE, arg=[prompt.element_handle(), last], timeout=timeout_ms)
        last = int(re.search(r"\d+", prompt.inner_text()).group())
        runs.append(CellRun(index, source, time.monotonic() - started))
        page.evaluate(_SETTLED)  # the outputs drawn before the next cell's kernel work takes the CPUs
    return runs


def code_cell(panel: Locator, runs: Iterable[CellRun], fragment: str) -> Locator:
    """The cell (among ``runs``) whose source contains ``fragment``."""
    index = next(run.index for run in runs if fragment in run.source)
    return panel.locator(".jp-Cell").nth(index)


def answer_widget(cell: Locator) -> Locator:
    """The live answer widget a ``%%ask`` cell shows: the top widget view of its outputs."""
    return cell.locator(
        ".jp-Cell-outputArea > .jp-OutputArea-child > .jp-OutputArea-output > .jupyter-widgets"
    )


def page_outputs(panel: Locator) -> list[tuple[str, str]]:
    """Every output in the notebook (those inside widgets too) as ``("stderr" | "output", text)``."""
    return [tuple(output) for output in panel.evaluate(_OUTPUTS)]


def problems_in(outputs: Iterable[tuple[str, str]]) -> list[str]:
    """The outputs that show something went wrong: anything on stderr (JupyterLab draws it as an alarm:
    a warning, a progress bar or a traceback), a traceback anywhere, a widget JupyterLab could not draw."""
    alarms = ("Traceback (most recent call last)", "Error displaying widget")
    return [
        f"{kind}: {text.strip()[:2000]}"
        for kind, text in outputs
        if kind == "stderr" or any(alarm in text for alarm in alarms)
    ]


def logged_messages(page: Page) -> list[str]:
    """What JupyterLab's log console holds for the current notebook: among others, what widget callbacks
    (a button's click handler) wrote or raised, which no cell shows."""
    page.evaluate("() => window.jupyterapp.commands.execute('logconsole:open')")
    console = page.locator(".jp-LogConsolePanel").last
    console.wait_for(state="attached")
    messages = console.locator(".jp-OutputArea-output").all_inner_texts()
    page.evaluate("() => window.jupyterapp.commands.execute('logconsole:open')")  # toggles it closed
    return [message.strip() for message in messages if message.strip()]


def clipboard_text(page: Page, *, timeout_s: float = 5.0) -> str:
    """What the clipboard holds, once something is there (the page's context may read the clipboard)."""
    deadline = time.monotonic() + timeout_s
    text = ""
    while not text and time.monotonic() < deadline:
        text = page.evaluate("() => navigator.clipboard.readText()")
        if not text:
            page.wait_for_timeout(100)
    return text


def set_theme(page: Page, theme: str) -> None:
    """Switch JupyterLab to ``theme`` (as Settings ▸ Theme does) and wait until it is applied."""
    page.evaluate("(theme) => window.jupyterapp.commands.execute('apputils:change-theme', {theme})", theme)
    page.wait_for_function("(theme) => document.body.dataset.jpThemeName === theme", arg=theme)
    page.wait_for_timeout(500)  # the theme's stylesheet, then a frame drawn with it


def colors(element: Locator) -> dict[str, Any]:
    """The text colour of ``element``, its distinct token (span) colours and the background it is drawn
    on (through transparent parents), as opaque ``rgb()`` strings."""
    return element.evaluate(_COLORS)


def missing_glyphs(element: Locator, text: str) -> list[str]:
    """The characters of ``text`` that ``element``'s fonts cannot draw (shown as boxes)."""
    return element.evaluate(_GLYPHS_DRAWN, text)


def screenshot(page: Page, panel: Locator, path: str, *, width: int = 1280, most: int = 15_000) -> None:
    """A picture of the whole notebook from its first cell: the window made as tall as its cells (up to
    ``most`` pixels), then put back."""
    size = page.viewport_size
    scroller = panel.locator(".jp-WindowedPanel-outer")
    height = scroller.evaluate("(s) => s.scrollHeight + window.innerHeight - s.clientHeight")
    page.set_viewport_size({"width": width, "height": min(max(height, 600), most)})
    scroller.evaluate("(s) => { s.scrollTop = 0; }")
    page.wait_for_timeout(1_000)  # plotly redraws its charts for the new size
    page.screenshot(path=path)
    page.set_viewport_size(size)
