"""The chart part of the answer view: the chart of a result, and a switcher over the kinds that fit it.

The chart is chosen by :func:`chatbi_jupyterlab.notebook.chart.choose_chart` (or is the kind asked for), drawn
by :func:`chatbi_jupyterlab.notebook.figure.build_figure`, and shown in an ``ipywidgets.Output`` as plotly's
own ``application/vnd.plotly.v1+json`` output, which JupyterLab, VS Code and nteract draw. That output carries
no template and a transparent background, with grey grid lines, so the chart reads in light and dark themes
alike; the view's stylesheet (:func:`chatbi_jupyterlab.notebook.answer_outputs.live_style`) writes its text in
the theme's colour (:func:`plotly_bundle`).

Example:
    >>> import pandas as pd
    >>> panel = ChartPanel("How many customers are in each segment?")
    >>> panel.show(pd.DataFrame({"segment": ["Consumer", "SMB"], "customers": [4000, 2600]}))
    >>> panel.kind, list(panel.switch.options), panel.figure.data[0].type
    ('bar', ['bar', 'pie', 'table'], 'bar')
    >>> panel.switch.value = "pie"
    >>> panel.kind, list(panel.output.outputs[0]["data"])
    ('pie', ['application/vnd.plotly.v1+json'])
    >>> panel.draw("scatter"), panel.kind
    (False, 'pie')
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import plotly.io as pio

from chatbi_jupyterlab.notebook.answer_html import status_html
from chatbi_jupyterlab.notebook.chart import (
    ChartChoice,
    ChartError,
    available_kinds,
    choice_for,
    choose_chart,
)
from chatbi_jupyterlab.notebook.figure import build_figure
from explain.figure_svg import PALETTE

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

PLOTLY_MIMETYPE = "application/vnd.plotly.v1+json"
PLOTLY_CLASS = "chatbi-plotly"
"""The class of the Output widget the live chart is drawn in."""
TRANSPARENT = "rgba(0,0,0,0)"
GRID_COLOR = "rgba(128,128,128,0.25)"
"""Grid lines: grey and faint, on a light or a dark page alike (as in the static chart)."""
AXIS_COLOR = "rgba(128,128,128,0.6)"
"""Zero lines and axis lines."""
TEXT_COLOR = "#888888"
"""Text where the theme's colour does not reach (the view's stylesheet sets the rest): legible on both."""


def plotly_bundle(figure: go.Figure) -> dict[str, Any]:
    """The mime bundle of ``figure`` as the live chart shows it: without ``layout.template`` (a renderer
    may pick one for the theme; the figure's own would pin a white page), on a transparent page, with grey
    grid lines and plotly's colours, so it reads in JupyterLab's light and dark themes.

    Example:
        >>> import plotly.graph_objects as go
        >>> figure = go.Figure(go.Bar(x=["a"], y=[1]), layout={"template": "plotly_white"})
        >>> layout = plotly_bundle(figure)[PLOTLY_MIMETYPE]["layout"]
        >>> "template" in layout, layout["paper_bgcolor"], layout["xaxis"]["gridcolor"]
        (False, 'rgba(0,0,0,0)', 'rgba(128,128,128,0.25)')
    """
    data = figure.to_dict()
    layout = data.setdefault("layout", {})
    layout.pop("template", None)
    layout.update(paper_bgcolor=TRANSPARENT, plot_bgcolor=TRANSPARENT, colorway=list(PALETTE))
    layout.setdefault("font", {}).setdefault("color", TEXT_COLOR)
    layout["modebar"] = {"bgcolor": TRANSPARENT, "color": AXIS_COLOR, "activecolor": TEXT_COLOR}
    cartesian = any(trace.get("type", "scatter") in ("bar", "scatter", "scattergl") for trace in data["data"])
    colors = {"gridcolor": GRID_COLOR, "zerolinecolor": AXIS_COLOR, "linecolor": AXIS_COLOR}
    for name in ["xaxis", "yaxis"] if cartesian else []:
        layout[name] = colors | layout.get(name, {})
    return pio.renderers["plotly_mimetype"].to_mimebundle(data)


class ChartPanel:
    """The chart of one result at a time, with its switcher.

    Args:
        question: the question the result answers (it can tip bars into a pie).
        wanted: the chart kind to draw whenever it fits; chosen by rules when None. Switching sets it,
            so a new result of the same answer keeps the kind the user picked.

    Attributes:
        switch: ToggleButtons over the kinds that fit the result.
        note: why this chart (or why the kind asked for does not fit).
        output: the Output widget the figure is shown in.
        widget: the three of them; hidden when there is no result.
        figure: the figure shown, None for a table or no result.
        kind: the kind shown, None when there is no result.
    """

    def __init__(self, question: str = "", wanted: str | None = None) -> None:
        self.question, self.wanted = question, wanted
        self.frame: pd.DataFrame | None = None
        self.partial = False
        self.figure: go.Figure | None = None
        self.kind: str | None = None
        self.switch = widgets.ToggleButtons(options=["table"], style={"button_width": "auto"})
        self.switch.observe(self._switched, names="value")
        self.note = widgets.HTML()
        self.output = widgets.Output()
        self.output.add_class(PLOTLY_CLASS)
        self.widget = widgets.VBox([self.switch, self.note, self.output])
        self._quiet = False

    def show(self, frame: pd.DataFrame | None, *, partial: bool = False) -> None:
        """Draw ``frame`` as the kind wanted when it fits, else as chosen; hide everything for None.
        ``partial``: the rows are not all there are (no pie then)."""
        self.frame, self.partial = frame, partial
        if frame is None:
            self.figure, self.kind = None, None
            self.output.outputs = ()
            self.widget.layout.display = "none"
            return
        self.widget.layout.display = ""
        note, choice = "", None
        if self.wanted:
            try:
                choice = choice_for(frame, self.wanted, self.question, partial=partial)
            except ChartError as error:
                note = f"{error}; drawn as chosen instead"
        try:
            self._draw(choice or choose_chart(frame, self.question, partial=partial))
        except ChartError as error:
            self._draw(ChartChoice("table", reason=str(error)))
        if note:
            self.note.value = status_html(note, "warning")

    def draw(self, kind: str) -> bool:
        """Switch to a ``kind`` chart; False, with the note saying why, when it does not fit the result."""
        if self.frame is None:
            return False
        try:
            self._draw(choice_for(self.frame, kind, self.question, partial=self.partial))
        except ChartError as error:
            self.note.value = status_html(str(error), "warning")
            self._sync()
            return False
        self.wanted = kind
        return True

    def _draw(self, choice: ChartChoice) -> None:
        """Draw ``choice``; :class:`ChartError`, with nothing changed, when it cannot be drawn."""
        assert self.frame is not None
        figure = build_figure(self.frame, choice)
        self.figure, self.kind = figure, choice.kind
        self.note.value = status_html(choice.reason if figure else f"{choice.reason} (the table above)")
        bundle = plotly_bundle(figure) if figure else None
        self.output.outputs = (
            ({"output_type": "display_data", "data": bundle, "metadata": {}},) if bundle else ()
        )
        self._sync()

    def _sync(self) -> None:
        """The switcher offers the kinds that fit the result and shows the kind drawn."""
        kinds = (
            list(available_kinds(self.frame, partial=self.partial)) if self.frame is not None else ["table"]
        )
        if self.kind and self.kind not in kinds:
            kinds.append(self.kind)
        self._quiet = True
        try:
            if list(self.switch.options) != kinds:
                self.switch.options = kinds
            self.switch.value = self.kind or "table"
        finally:
            self._quiet = False

    def _switched(self, change: dict[str, Any]) -> None:
        if not self._quiet and change["new"] and change["new"] != self.kind:
            self.draw(change["new"])
