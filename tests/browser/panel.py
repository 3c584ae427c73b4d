"""What a browser test does with the ChatBI side panel: open it from the command palette or with its
shortcut, find an answer's card and its parts by their ARIA roles and names, and read its SQL and its
table.

Every function takes Playwright objects; Playwright itself is not imported (see :mod:`browser`).

Example:
    >>> card_name("How many?"), result_name("How many?")
    ('Answer: How many?', 'Result: How many?')
    >>> growing_runs(["SELECT", "SELECT name", "SELECT name FROM", "SEL"])
    [['SELECT', 'SELECT name', 'SELECT name FROM'], ['SEL']]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

COMMAND = "chatbi:open-panel"
PALETTE_LABEL = "Open ChatBI Panel"
SHORTCUT = "Control+Shift+Y"
"""``Accel Shift Y`` of ``schema/plugin.json`` (Accel is Control outside macOS)."""

_BODY_ROWS = """(table) => Array.from(table.tBodies[0].rows).map(
  (row) => Array.from(row.cells).map((cell) => cell.textContent)
)"""
_COMMAND_READY = "(command) => !!window.jupyterapp && window.jupyterapp.commands.hasCommand(command)"
_WATCH_STREAMED_SQL = """() => {
  const seen = (window.chatbiStreamedSql = []);
  const feed = document.querySelector('#chatbi-panel .jp-ChatBI-feed');
  new MutationObserver(() => {
    const pending = feed.querySelector('article.jp-mod-pending[aria-busy="true"]');
    const sql = pending && pending.querySelector('.jp-ChatBI-streamedSql:not([hidden]) pre');
    const text = sql ? sql.textContent : '';
    if (text && seen[seen.length - 1] !== text) seen.push(text);
  }).observe(feed, { subtree: true, childList: true, characterData: true });
}"""


def wait_for_extension(page: Page, timeout_ms: int) -> None:
    """Wait until JupyterLab has activated the extension (its command exists)."""
    page.wait_for_function(_COMMAND_READY, arg=COMMAND, timeout=timeout_ms, polling=250)


def panel(page: Page) -> Locator:
    """The side panel: the region named ChatBI."""
    return page.get_by_role("region", name="ChatBI", exact=True)


def open_from_palette(page: Page) -> None:
    """Open the panel as a user does from the command palette: Ctrl+Shift+C, type, Enter."""
    page.evaluate("() => window.jupyterapp.commands.execute('apputils:activate-command-palette')")
    search = page.locator(".lm-CommandPalette-input")
    search.fill(PALETTE_LABEL)
    page.locator(".lm-CommandPalette-item", has_text=PALETTE_LABEL).first.click()


def collapse_right(page: Page) -> None:
    """Close the right sidebar (the panel hides)."""
    page.evaluate("() => window.jupyterapp.shell.collapseRight()")


def card_name(question: str) -> str:
    """The accessible name of the card answering ``question``."""
    return f"Answer: {question}"


def card(container: Locator, question: str) -> Locator:
    """The (newest) answer card for ``question``: an ``article`` named after it."""
    return container.get_by_role("article", name=card_name(question), exact=True).last


def result_name(question: str) -> str:
    """The accessible name of the main-area view of the whole result of ``question``."""
    return f"Result: {question}"


def part(card: Locator, name: str) -> Locator:
    """A titled part of a card (SQL, Explanation, Checks, Change the query, Result, Chart)."""
    return card.get_by_role("region", name=name, exact=True)


SQL_EDITOR = "SQL of the answer, editable"
"""The accessible name of a card's SQL: JupyterLab's CodeMirror editor, a text box."""


def sql_editor(card: Locator) -> Locator:
    """The card's SQL in its editor (CodeMirror's text box: type into it, read it)."""
    return part(card, "SQL").get_by_role("textbox", name=SQL_EDITOR, exact=True)


def sql_text(card: Locator) -> str:
    """The SQL on screen in the card's editor, its lines joined by newlines."""
    return sql_editor(card).inner_text()


def table_rows(card: Locator) -> list[list[str]]:
    """The result table's body rows as the page shows them, cell texts in order."""
    return body_rows(part(card, "Result").get_by_role("table"))


def watch_streamed_sql(page: Page) -> None:
    """From now on, note each SQL text a card being answered shows (the model's tokens as they come),
    while the card is still busy; :func:`streamed_sql` reads them."""
    page.evaluate(_WATCH_STREAMED_SQL)


def streamed_sql(page: Page) -> list[str]:
    """The SQL texts shown while cards were being answered, in order, since :func:`watch_streamed_sql`."""
    return page.evaluate("() => window.chatbiStreamedSql")


def growing_runs(texts: list[str]) -> list[list[str]]:
    """``texts`` cut where one does not carry on the one before (a new generation starts afresh)."""
    runs: list[list[str]] = []
    for text in texts:
        if runs and text.startswith(runs[-1][-1]):
            runs[-1].append(text)
        else:
            runs.append([text])
    return runs


def body_rows(table: Locator) -> list[list[str]]:
    """The body rows of the HTML ``table``, cell texts in order (the row headers of a DataFrame too)."""
    return table.evaluate(_BODY_ROWS)
