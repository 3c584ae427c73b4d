"""The interpretation of a semantic answer as chips the user can change: metrics, grouping, time window
and grain, comparison, ranking and filters, and the ratio and bounds (:mod:`nl2sql.semantic.chips`), which
can be removed. Changing them recompiles the SQL from the semantic model, without the language model
(:func:`nl2sql.semantic.route.reading_of`); the answer view runs the new SQL.

Example:
    >>> from datetime import date
    >>> from nl2sql.semantic.load import parse_model
    >>> from nl2sql.semantic.query import SemanticQuery
    >>> from nl2sql.semantic.route import reading_of
    >>> model = parse_model("{name: shop, tables: [{name: orders, base_table: {table: orders},"
    ...     " dimensions: [{name: region, expr: region}],"
    ...     " time_dimensions: [{name: order_date, expr: order_date}],"
    ...     " facts: [{name: amount, expr: amount}], metrics: [{name: revenue, expr: SUM(amount)}]}]}")
    >>> today = date(2026, 6, 30)
    >>> first = reading_of(SemanticQuery(metrics=("revenue",)), model, dialect="sqlite", today=today)
    >>> chips = InterpretationControls(first, model, dialect="sqlite", today=today)
    >>> chips.group_by.value = ["region"]
    >>> chips.time_range.value = "last_quarter"
    >>> chips.reading().text
    'revenue by region · last quarter (2026-01-01 to 2026-03-31)'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from nl2sql.semantic.chips import query_chips, without_chips
from nl2sql.semantic.choices import RANKED_ROWS, groupings, query_choices, with_slots, within_choices
from nl2sql.semantic.describe import field_text, metric_text
from nl2sql.semantic.query import SemanticQuery
from nl2sql.semantic.route import reading_of

if TYPE_CHECKING:
    from datetime import date

    from nl2sql.semantic.model import SemanticModel
    from nl2sql.semantic.route import Reading

WORDS = {
    "en": {
        "title": "Read as (change and apply: the SQL is rebuilt from the semantic model)",
        "metrics": "measure",
        "group_by": "by",
        "time": "time",
        "grain": "per",
        "comparison": "compare",
        "show": "showing",
        "ranking": "keep",
        "within": "within",
        "filters": "only",
        "parts": "with",
        "share": "as a share of the whole (%)",
        "apply": "Apply reading",
    },
    "zh": {
        "title": "理解为（修改后应用：按语义模型重新生成 SQL）",
        "metrics": "指标",
        "group_by": "按",
        "time": "时间",
        "grain": "每",
        "comparison": "对比",
        "show": "显示",
        "ranking": "保留",
        "within": "范围",
        "filters": "只看",
        "parts": "附加",
        "share": "显示占比（%）",
        "apply": "应用",
    },
}  # fmt: skip
"""What the chips' labels say, in English and Chinese; the choices' words are
:mod:`nl2sql.semantic.choices`'s, as the panel's."""


class InterpretationControls:
    """Chips for the semantic query behind ``reading``; :meth:`reading` is the reading they stand for.

    Args:
        reading: the reading shown (its ``query`` must be set: verified queries have none).
        model: the semantic model it was compiled from; its metrics and dimensions are the choices.
        dialect: the database's SQL dialect.
        today: the day relative windows count back from (the database's today).
        lang: ``en`` or ``zh``.
        on_apply: called with the new reading when the user clicks Apply.

    Attributes:
        metrics, group_by, filters: TagsInput chips (filters can only be removed).
        parts: TagsInput chips of the ratio and the bounds on metrics (they can only be removed).
        time_range, grain, comparison, show, direction, within: Dropdowns; ``n``: the number of rows
            ranking keeps.
        share: a Checkbox: each value as a percent of the whole.
        apply_button: "Apply reading"; ``widget``: all of them.
    """

    def __init__(
        self,
        reading: Reading,
        model: SemanticModel,
        *,
        dialect: str,
        today: date,
        lang: str = "en",
        on_apply: Callable[[Reading], Any] | None = None,
    ) -> None:
        if reading.query is None:
            raise ValueError("a verified query has no interpretation to change")
        self.query, self.model, self.dialect, self.today, self.lang = (
            reading.query,
            model,
            dialect,
            today,
            lang,
        )
        words = WORDS.get(lang, WORDS["en"])
        query = reading.query
        choices = query_choices(query, model, today=today, lang=lang)  # the panel offers the same
        self.metrics = widgets.TagsInput(
            value=list(query.metrics), allowed_tags=[m.value for m in choices.metrics], allow_duplicates=False
        )
        self.group_by = widgets.TagsInput(value=list(query.group_by), allow_duplicates=False)
        self.group_by.allowed_tags = self._groupings()
        self.metrics.observe(lambda _: setattr(self.group_by, "allowed_tags", self._groupings()), "value")
        self.time_range = widgets.Dropdown(
            options=[(c.text, c.value) for c in choices.time_ranges], value=query.time_range
        )
        self.grain = widgets.Dropdown(
            options=[(c.text, c.value) for c in choices.grains], value=query.time_grain, layout=_NARROW
        )
        self.choices = choices
        self.comparison = widgets.Dropdown(
            options=[(c.text, c.value) for c in choices.comparisons], value=query.comparison.kind
        )
        self.show = widgets.Dropdown(
            options=[(c.text, c.value) for c in choices.shows], value=query.comparison.show
        )
        self.direction = widgets.Dropdown(
            options=[(c.text, c.value) for c in choices.directions],
            value=query.ranking.direction,
            layout=_NARROW,
        )
        within = [value for _, value in self._within()]
        self.within = widgets.Dropdown(
            options=self._within(), value=query.ranking.within if query.ranking.within in within else ""
        )
        for slot in (self.group_by, self.grain):
            slot.observe(lambda _: self._refresh_within(), "value")
        self.share = widgets.Checkbox(value=query.share, description=words["share"], indent=False)
        self.share.disabled = not choices.share
        self.n = widgets.BoundedIntText(
            value=query.ranking.n or RANKED_ROWS, min=1, max=10_000, layout=_NARROW
        )
        # a window on another date is one of the parts below ("signup date: last year"), not a tag here
        self._filter_tags = {_filter_tag(f): f for f in query.filters if f.op != "during"}
        self._filter_tags.update({name: name for name in query.named_filters})
        self.filters = widgets.TagsInput(
            value=list(self._filter_tags), allowed_tags=list(self._filter_tags), allow_duplicates=False
        )
        self._parts = {chip.text: chip.id for chip in query_chips(query, model, lang=lang)}
        self.parts = widgets.TagsInput(
            value=list(self._parts), allowed_tags=list(self._parts), allow_duplicates=False
        )
        self.apply_button = widgets.Button(description=words["apply"], icon="check", button_style="primary")
        self.status = widgets.HTML()
        if on_apply is not None:
            self.apply_button.on_click(lambda _: on_apply(self.reading()))
        rows = [
            widgets.HTML(f"<b>{words['title']}</b>"),
            _row(words["metrics"], self.metrics),
            _row(words["group_by"], self.group_by),
            _row(words["time"], self.time_range, _label(words["grain"]), self.grain),
            _row(words["comparison"], self.comparison, _label(words["show"]), self.show),
            _row(words["ranking"], self.direction, self.n, _label(words["within"]), self.within),
            _row("", self.share),
        ]
        if self._filter_tags:
            rows.append(_row(words["filters"], self.filters))
        if self._parts:
            rows.append(_row(words["parts"], self.parts))
        self.widget = widgets.VBox([*rows, self.apply_button])

    def changed_query(self) -> SemanticQuery:
        """The semantic query the chips stand for now; the measures, grouping, window and grain are
        changed as the panel's "Read as" changes them (:func:`nl2sql.semantic.choices.with_slots`), and so
        are the comparison, the ranking and the share.

        Raises:
            SemanticQueryError: no measure is left, or a slot holds what it cannot.
        """
        removed = [chip_id for text, chip_id in self._parts.items() if text not in self.parts.value]
        query = without_chips(self.query, removed)
        kept = set(self.filters.value)
        query = replace(
            query,
            filters=tuple(f for f in query.filters if f.op == "during" or _filter_tag(f) in kept),
            named_filters=tuple(name for name in query.named_filters if name in kept),
        )
        return with_slots(
            query,
            metrics=list(self.metrics.value),
            group_by=list(self.group_by.value),
            time_range=self.time_range.value,
            time_grain=self.grain.value,
            comparison=self.comparison.value,
            show=self.show.value,
            direction=self.direction.value,
            n=int(self.n.value),
            within=self.within.value,
            share=bool(self.share.value),
        )

    def reading(self) -> Reading:
        """The reading of :meth:`changed_query`, compiled and in words.

        Raises:
            SemanticQueryError: the chips ask for something the semantic model cannot compile (no
                metric, a ranking by a metric that is gone, …), with a message for the user.
        """
        query = self.changed_query()
        return reading_of(query, self.model, dialect=self.dialect, today=self.today, lang=self.lang)

    def _within(self) -> list[tuple[str, str]]:
        """What the ranking can be within for the groupings and grain chosen (as the panel offers)."""
        found = within_choices(self.choices, list(self.group_by.value), self.grain.value)
        return [(c.text, c.value) for c in found]

    def _refresh_within(self) -> None:
        chosen, options = self.within.value, self._within()
        self.within.options = options
        self.within.value = chosen if chosen in [value for _, value in options] else ""

    def _groupings(self) -> list[str]:
        """The dimensions the chosen measures can be broken down by, and those chosen already."""
        return _with(list(groupings(self.model, self.metrics.value)), self.group_by.value)

    def labels(self) -> dict[str, str]:
        """How the chosen metrics and groupings read in the answer's language (for tooltips)."""
        found = {m: metric_text(m, self.model, lang=self.lang) for m in self.metrics.value}
        found.update({g: field_text(g, self.model, lang=self.lang) for g in self.group_by.value})
        return found


_NARROW = widgets.Layout(width="130px")


def _with(choices: list[str], present: tuple[str, ...] | list[str]) -> list[str]:
    """``choices`` with whatever is chosen already (a synonym the query used) kept too."""
    return list(dict.fromkeys([*choices, *present]))


def _filter_tag(item: Any) -> str:
    values = ", ".join(str(v) for v in item.values)
    return f"{item.field} {item.op} {values}".strip()


def _label(text: str) -> widgets.Label:
    return widgets.Label(text, layout=widgets.Layout(min_width="70px"))


def _row(label: str, *controls: widgets.Widget) -> widgets.HBox:
    return widgets.HBox([_label(label), *controls])
