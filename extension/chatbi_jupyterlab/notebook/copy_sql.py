"""The "Copy SQL" button: copies the SQL an answer shows to the clipboard, in the browser.

The SQL is never written into JavaScript. The button's fixed handler reads the text of the answer's SQL block
(``<pre class="chatbi-sql">``, whose content :func:`~chatbi_jupyterlab.notebook.answer_html.highlight_sql`
escapes) inside the nearest element of class ``chatbi-answer``: the live widget, or the static copy of an
answer. So it copies the SQL on screen, edits included, and nothing in the SQL can run. The handler uses the
clipboard API, or the older ``execCommand("copy")`` where the page is not a secure context (a notebook server
reached over plain http). In Python the SQL is ``view.sql``.

Example:
    >>> button = copy_sql_button()
    >>> button.startswith('<button type="button" class="chatbi-copy-sql'), "Copy SQL</button>" in button
    (True, True)
    >>> "querySelector(&#x27;pre.chatbi-sql&#x27;)" in button  # the handler reads the SQL block
    True
"""

from __future__ import annotations

import html

COPY_SQL_CLASS = "chatbi-copy-sql"
"""The button's CSS class (browser tests find it by this)."""
ANSWER_CLASS = "chatbi-answer"
"""The class of the element holding one answer: the live widget's box, or the static copy's div."""
LABEL = "Copy SQL"

# A fixed handler: `this` is the button. The SQL is read from the page, never written into the script.
_HANDLER = (
    "var b=this,a=b.closest('." + ANSWER_CLASS + "'),p=a&&a.querySelector('pre.chatbi-sql');"
    "if(!p)return false;var t=p.textContent;"
    "var say=function(m){b.textContent=m;setTimeout(function(){b.textContent='" + LABEL + "'},1500)};"
    "var old=function(){var x=document.createElement('textarea');x.value=t;x.setAttribute('readonly','');"
    "x.style.position='fixed';x.style.opacity='0';document.body.appendChild(x);x.select();var ok=false;"
    "try{ok=document.execCommand('copy')}catch(e){}x.remove();say(ok?'Copied':'Copy failed')};"
    "if(navigator.clipboard&&window.isSecureContext){navigator.clipboard.writeText(t)"
    ".then(function(){say('Copied')},old)}else{old()}return false;"
)


def copy_sql_button() -> str:
    """The button as HTML: it copies the text of the SQL block of the answer it is in.

    It carries ipywidgets' button classes, so in JupyterLab it looks like the view's other buttons.

    Example:
        >>> "onclick=" in copy_sql_button() and "<script" not in copy_sql_button()
        True
    """
    return (
        f'<button type="button" class="{COPY_SQL_CLASS} jupyter-button widget-button"'
        f' title="Copy the SQL shown to the clipboard" onclick="{html.escape(_HANDLER, quote=True)}">'
        f"{LABEL}</button>"
    )
