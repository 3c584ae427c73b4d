"""Debian's Chromium driven by Playwright, as both browser tests use it: one browser per test module and
a fresh window per test that may use the clipboard (the Copy buttons).

Import it after checking that Playwright is installed; the fixtures are used by name:

    from browser.chromium import chromium_fixture, page_errors_fixture, page_fixture  # noqa: F401
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from playwright import sync_api
from playwright.sync_api import Browser, Page

CHROMIUM = shutil.which(os.environ.get("CHATBI_TEST_CHROMIUM") or "chromium")
"""The browser binary (``make browser`` installs Debian's); None when there is none."""
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    *(["--no-sandbox"] if os.geteuid() == 0 else []),
]


@pytest.fixture(scope="module", name="chromium")
def chromium_fixture() -> Iterator[Browser]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(name="page")
def page_fixture(chromium: Browser) -> Iterator[Page]:
    """A fresh window that may read and write the clipboard."""
    context = chromium.new_context(
        viewport={"width": 1400, "height": 1000}, permissions=["clipboard-read", "clipboard-write"]
    )
    context.set_default_timeout(30_000)
    yield context.new_page()
    context.close()


@pytest.fixture(name="page_errors")
def page_errors_fixture(page: Page) -> list[str]:
    """Uncaught JavaScript errors on the page (a widget or a chart that failed to draw)."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors
