"""Helpers for the browser tests: a JupyterLab server of their own (:mod:`browser.lab`), and what a test
does with a notebook page in Chromium (:mod:`browser.notebook`) and checks in it (:mod:`browser.contrast`).

Nothing here imports Playwright at load time: the suite's doctest run imports these modules where
Playwright is not installed.
"""
