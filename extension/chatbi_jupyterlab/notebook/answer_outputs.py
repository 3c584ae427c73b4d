"""An answer is shown as two outputs: its static HTML, and the live widget that hides it.

A notebook saved or exported with widget state makes nbconvert (and other viewers) prefer an output's
widget view over its ``text/html`` fallback; the widget then needs a widget manager and require.js from
a CDN, so offline the answer would be blank. So the static answer (SQL, explanation, table, chart as SVG;
no script) is an output of its own, with its own display id so every edit updates it. The live widget is
a second output; its first child is a ``<style>`` that hides the static copy of the same answer. Where
the widget renders (JupyterLab, an export read online) only the widget shows; where it cannot (an
offline export, GitHub, a notebook reopened without its kernel) the static copy shows.

The same ``<style>`` gives the live plotly chart the theme's text colour: the chart is sent without a
template, on a transparent background (:func:`chatbi_jupyterlab.notebook.answer_chart.plotly_bundle`).

Example:
    >>> bundle = static_bundle("a1b2", "<p>answer</p>", "the answer")
    >>> print(bundle["text/html"])
    <div class="chatbi-static" data-chatbi-answer="a1b2">
    <p>answer</p>
    </div>
    >>> '.chatbi-static[data-chatbi-answer="a1b2"]{display:none}' in live_style("a1b2")
    True
"""

from __future__ import annotations

import re

from chatbi_jupyterlab.notebook.answer_chart import PLOTLY_CLASS

STATIC_CLASS = "chatbi-static"
"""The class of the static copy's wrapper; ``data-chatbi-answer`` says which answer it is."""
_ID = re.compile(r"[0-9a-z-]+")


def display_id(answer_id: str) -> str:
    """The display id of an answer's static copy: every output shown with it follows the edits.

    Example:
        >>> display_id("a1b2")
        'chatbi-answer-a1b2'
    """
    return f"chatbi-answer-{_checked(answer_id)}"


def static_bundle(answer_id: str, page: str, text: str) -> dict[str, str]:
    """The static copy's mime bundle: ``page`` (the answer's HTML) in a wrapper naming the answer, and
    ``text`` for where HTML is not shown."""
    wrapper = f'<div class="{STATIC_CLASS}" data-chatbi-answer="{_checked(answer_id)}">'
    return {"text/html": f"{wrapper}\n{page}\n</div>", "text/plain": text}


def live_style(answer_id: str) -> str:
    """The ``<style>`` the live widget carries: it hides the static copy of answer ``answer_id`` (and, in
    JupyterLab, the empty output area around it), and writes the live chart's text in the theme's colour.

    Example:
        >>> style = live_style("a1b2")
        >>> style.startswith("<style>") and style.endswith("</style>"), "var(--jp-ui-font-color1" in style
        (True, True)
    """
    static = f'.{STATIC_CLASS}[data-chatbi-answer="{_checked(answer_id)}"]'
    # Hover labels (.nums, .name) and text on pie slices keep the colours plotly picks for their background.
    text = f".{PLOTLY_CLASS} .main-svg text:not(.slicetext):not(.nums):not(.name)"
    return (
        f"<style>{static}{{display:none}}"
        f".jp-OutputArea-child:has(> .jp-OutputArea-output > {static}){{display:none}}"
        f"{text}{{fill:var(--jp-ui-font-color1, #444444) !important}}</style>"
    )


def _checked(answer_id: str) -> str:
    """An answer id goes into HTML attributes and CSS selectors: only lower-case letters, digits, -."""
    if not _ID.fullmatch(answer_id):
        raise ValueError(f"not an answer id: {answer_id!r}")
    return answer_id
