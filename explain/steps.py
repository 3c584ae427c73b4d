"""The steps of an explanation, built from the AST in the order a database logically runs a query:
sources and joins, row filters, grouping, measures, group filters, computed and window columns, the
result columns, duplicates, order and limit; CTEs, subqueries and set-operation branches as nested steps.

Example:
    >>> Step("limit", "Keep the first 10 rows", sql="LIMIT 10").to_dict()["sql"]
    'LIMIT 10'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlglot import exp

from explain.describe_expression import Describer, Term
from explain.phrases import counted_noun, entity, join_clauses, join_list, phrase, table_gloss
from explain.query_parts import (
    category,
    clause,
    conjuncts,
    is_group_key,
    joins_of,
    set_branches,
    unwrap_query,
)
from explain.summary import summarize

BULLET_KINDS = frozenset({"condition", "item", "subquery"})
"""Step kinds shown as bullets ("- ") rather than numbered."""


@dataclass(frozen=True)
class Step:
    """One step of an explanation: what the query does at that point, in one sentence.

    Example:
        >>> Step("limit", "Keep the first 10 rows", sql="LIMIT 10").to_dict()["text"]
        'Keep the first 10 rows'
    """

    kind: str
    """source, join, filter, group, aggregate, group-filter, compute, window, output, distinct, order,
    limit, set-operation, cte; nested: condition, item, subquery."""
    text: str
    """The sentence, without final punctuation."""
    children: tuple[Step, ...] = ()
    """Nested steps: the conditions of a filter, the steps of a subquery, CTE or set-operation branch."""
    sql: str | None = None
    """The SQL fragment this step explains."""
    terms: tuple[Term, ...] = ()
    """Tables and columns the step mentions that the schema describes, with their descriptions."""

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON and the UI.

        Example:
            >>> Step("filter", "Keep rows where a is 1", sql="a = 1").to_dict()
            {'kind': 'filter', 'text': 'Keep rows where a is 1', 'sql': 'a = 1', 'terms': [], 'children': []}
        """
        return {
            "kind": self.kind,
            "text": self.text,
            "sql": self.sql,
            "terms": [{"name": term.name, "description": term.description} for term in self.terms],
            "children": [child.to_dict() for child in self.children],
        }


class StepBuilder:
    """Walks one statement and builds its steps, nested where the SQL nests.

    Example:
        >>> import datetime, sqlglot
        >>> from nl2sql.schema import Column, Schema, Table
        >>> schema = Schema("sqlite", (Table("t", (Column("a", "INT"),)),))
        >>> tree = sqlglot.parse_one("SELECT a FROM t WHERE a > 1 ORDER BY a LIMIT 2")
        >>> steps = StepBuilder(Describer(tree, schema, "en", datetime.date(2026, 1, 1))).query(tree)
        >>> [(step.kind, step.text) for step in steps]  # doctest: +NORMALIZE_WHITESPACE
        [('source', 'Start from the t table'), ('filter', 'Keep only the t rows where a is greater than 1'),
         ('output', 'Show a'), ('order', 'Sort by a, lowest first'), ('limit', 'Keep the first 2 rows')]
    """

    def __init__(self, describer: Describer) -> None:
        self.d = describer
        self.lang = describer.lang
        self.local: set[str] = set()
        """Lower-cased CTE names seen so far (they shadow tables of the same name)."""

    def query(self, node: exp.Expression) -> list[Step]:
        """The steps of a query (a SELECT, a set operation, VALUES), CTEs first.

        Example:
            >>> import datetime, sqlglot
            >>> from nl2sql.schema import Schema
            >>> tree = sqlglot.parse_one("SELECT 1 UNION SELECT 2")
            >>> builder = StepBuilder(Describer(tree, Schema("sqlite", ()), "en", datetime.date(2026, 1, 1)))
            >>> [(step.kind, [child.text for child in step.children]) for step in builder.query(tree)]
            [('set-operation', ['Query 1: lists 1', 'Query 2: lists 2'])]
        """
        node = unwrap_query(node)
        steps = self._ctes(node) if isinstance(node, exp.Query) else []
        if isinstance(node, exp.SetOperation):
            return steps + self._set_operation(node)
        if isinstance(node, exp.Select):
            return steps + self._select(node)
        return [*steps, Step("source", phrase(self.lang, "source_values", sql=self.d.sql(node)))]

    def _ctes(self, node: exp.Query) -> list[Step]:
        steps = []
        for index, cte in enumerate(node.ctes):
            name = cte.alias_or_name
            self.local.add(name.lower())
            key = "cte_first" if index == 0 else "cte_then"
            steps.append(Step("cte", phrase(self.lang, key, name=name), tuple(self.query(cte.this))))
        return steps

    def _select(self, node: exp.Select) -> list[Step]:
        d = self.d
        with d.entering(node, self.local):
            steps = self._sources(node)
            where = clause(node, exp.Where)
            if where is not None:
                steps.append(self._filter(where.this, "filter"))
            group = clause(node, exp.Group)
            keys = [d.key_label(key, node) for key in (group.expressions if group is not None else [])]
            if group is not None and keys:
                steps.append(self._group(keys, group))
            projections = node.expressions
            kinds = [category(projection) for projection in projections]
            for index, projection in enumerate(projections):
                if kinds[index] == "compute" and is_group_key(projection, keys):
                    kinds[index] = "key"
            grouped = bool(keys) or "aggregate" in kinds
            steps.extend(self._computed(projections, kinds, "aggregate", grouped=bool(keys)))
            having = clause(node, exp.Having)
            if having is not None:
                steps.append(self._filter(having.this, "group-filter"))
            steps.extend(self._computed(projections, kinds, "compute", grouped=grouped))
            steps.extend(self._computed(projections, kinds, "window", grouped=grouped))
            if "plain" in kinds:
                labels = [d.projection_label(projection) for projection in projections]
                text = phrase(self.lang, "output", columns=join_list(self.lang, labels))
                steps.append(Step("output", text, terms=d.take_terms()))
            if clause(node, exp.Distinct) is not None:
                steps.append(Step("distinct", phrase(self.lang, "distinct"), sql="DISTINCT"))
            steps.extend(self._order_and_limit(node))
        return steps

    def _sources(self, node: exp.Select) -> list[Step]:
        source = clause(node, exp.From)
        steps = [] if source is None else [self._source(source.this, source)]
        steps.extend(self._join(join) for join in joins_of(node))
        return steps

    def _source(self, target: exp.Expression, node: exp.Expression) -> Step:
        d, lang = self.d, self.lang
        sql = d.sql(node)
        if isinstance(target, exp.Table) and target.name.lower() in self.local:
            return Step("source", phrase(lang, "source_cte", name=target.name), sql=sql)
        if isinstance(target, exp.Table) and d.schema.has_table(target.name):
            table = d.schema.table(target.name)
            d.note_table(table.name, table.comment)
            description = d.short_description(table.comment) or table_gloss(lang, table.name)
            if description:
                text = phrase(lang, "source_table", table=table.name, description=description)
            else:
                text = phrase(lang, "source_table_plain", table=table.name)
            return Step("source", text, sql=sql, terms=d.take_terms())
        if isinstance(target, exp.Subquery):
            children = tuple(self.query(target.this))
            if target.alias:
                return Step("source", phrase(lang, "source_derived", name=target.alias), children, sql=None)
            return Step("source", phrase(lang, "source_derived_anonymous"), children, sql=None)
        if isinstance(target, exp.Table):
            return Step("source", phrase(lang, "source_table_plain", table=target.name), sql=sql)
        return Step("source", phrase(lang, "source_values", sql=d.sql(target)), sql=sql)

    def _join(self, join: exp.Join) -> Step:
        d, lang = self.d, self.lang
        target = join.this
        children: tuple[Step, ...] = ()
        if isinstance(target, exp.Subquery):
            children = tuple(self.query(target.this))
            right_name = phrase(lang, "derived_name", name=target.alias or "")
        elif isinstance(target, exp.Table) and target.name.lower() not in self.local:
            right_name = target.name
            if d.schema.has_table(target.name):
                table = d.schema.table(target.name)
                d.note_table(table.name, table.comment)
        else:
            right_name = target.alias_or_name or d.sql(target)
        alias = target.alias_or_name.lower()
        on, using = join.args.get("on"), join.args.get("using")
        relation = d.join_relation(join, self.local)
        if (join.method or "").upper() == "NATURAL":
            text = phrase(lang, "join_natural", right=right_name)
        elif on is None and not using:
            text = phrase(lang, "join_cross", right=right_name)
        elif relation is not None:
            kind, left, right = relation
            text = phrase(
                lang,
                f"join_{kind}",
                left=entity(lang, left),
                right=entity(lang, right),
                right_plural=entity(lang, right, plural=True),
                keys=self._join_keys(on, using, alias),
            )
        else:
            text = phrase(lang, "join_other", right=right_name, keys=self._join_keys(on, using, alias))
        side = (join.side or "").upper()
        if side == "LEFT":
            left = relation[1] if relation else self._other_table(on, alias)
            left_rows = entity(lang, left, plural=True) if left else phrase(lang, "rows")
            text += phrase(lang, "join_keep_left", left_plural=left_rows)
        elif side == "RIGHT":
            right_rows = (
                entity(lang, target.name, plural=True) if isinstance(target, exp.Table) else right_name
            )
            text += phrase(lang, "join_keep_right", right_plural=right_rows)
        elif side == "FULL":
            text += phrase(lang, "join_keep_both")
        terms = d.take_terms()
        return Step("join", text, children + self._subqueries(), sql=d.sql(join), terms=terms)

    def _join_keys(self, on: exp.Expression | None, using: list[exp.Expression] | None, alias: str) -> str:
        """The join condition, key pairs written ``left = right`` with the joined table's side last."""
        d, lang = self.d, self.lang
        if using:
            return phrase(lang, "join_same", columns=join_list(lang, [column.name for column in using]))
        parts = []
        for part in conjuncts(on) if on is not None else []:
            left, right = part.this, part.expression
            if isinstance(part, exp.EQ) and isinstance(left, exp.Column) and isinstance(right, exp.Column):
                if self._belongs(left, alias) and not self._belongs(right, alias):
                    left, right = right, left
                parts.append(phrase(lang, "join_key", left=d.qualified(left), right=d.qualified(right)))
            else:
                parts.append(d.condition(part))
        return join_clauses(lang, parts)

    def _belongs(self, column: exp.Column, alias: str) -> bool:
        """Whether ``column`` reads the table or subquery called ``alias``."""
        binding = self.d.bindings.of(column)
        return (column.table or (binding.alias if binding else "")).lower() == alias

    def _other_table(self, on: exp.Expression | None, alias: str) -> str | None:
        """The schema table on the other side of a join condition from ``alias``, if there is one."""
        for column in on.find_all(exp.Column) if on is not None else []:
            binding = self.d.bindings.of(column)
            if binding is None or self._belongs(column, alias):
                continue
            if self.d.bindings.source_table(column, column.table or binding.alias) is not None:
                return binding.table.name
        return None

    def _filter(self, condition: exp.Expression, kind: str) -> Step:
        d, lang = self.d, self.lang
        parts = conjuncts(condition)
        rows = self._rows_noun()
        prefix = "filter" if kind == "filter" else "group_filter"
        if len(parts) == 1:
            text = phrase(lang, f"{prefix}_one", rows=rows, condition=d.condition(parts[0]))
            terms = d.take_terms()
            return Step(kind, text, self._subqueries(), sql=d.sql(condition), terms=terms)
        children = []
        for part in parts:
            text = d.condition(part)
            terms = d.take_terms()
            children.append(Step("condition", text, self._subqueries(), sql=d.sql(part), terms=terms))
        return Step(kind, phrase(lang, f"{prefix}_all", rows=rows), tuple(children), sql=d.sql(condition))

    def _group(self, keys: list[tuple[str, exp.Expression]], group: exp.Expression) -> Step:
        d, lang = self.d, self.lang
        described = []
        for label, expression in keys:
            d.current = label
            description = d.value(expression)
            d.current = None
            plain = description == label or label == d.sql(expression)
            described.append(
                label if plain else phrase(lang, "group_key_computed", name=label, description=description)
            )
        names = join_list(lang, [label for label, _ in keys])
        key = "group_one" if len(keys) == 1 else "group_many"
        text = phrase(lang, key, rows=self._rows_noun(), keys=join_list(lang, described), names=names)
        return Step("group", text, self._subqueries(), sql=d.sql(group), terms=d.take_terms())

    def _computed(
        self, projections: list[exp.Expression], kinds: list[str], kind: str, grouped: bool
    ) -> list[Step]:
        d, lang = self.d, self.lang
        chosen = [projection for projection, found in zip(projections, kinds, strict=True) if found == kind]
        if not chosen:
            return []
        items = []
        for projection in chosen:
            d.current = projection.alias if isinstance(projection, exp.Alias) else None
            description = d.value(projection.unalias(), describe=True)
            d.current = None
            if isinstance(projection, exp.Alias):
                description = phrase(lang, "item_named", name=projection.alias, description=description)
            items.append(
                Step("item", description, self._subqueries(), sql=d.sql(projection), terms=d.take_terms())
            )
        if kind == "window":
            prefix = "window_{}"
        elif grouped:
            prefix = "aggregate_{}_grouped"
        else:
            prefix = "aggregate_{}" if kind == "aggregate" else "compute_{}"
        rows = self._rows_noun()
        if len(items) == 1:
            only = items[0]
            text = phrase(lang, prefix.format("one"), item=only.text, rows=rows)
            return [Step(kind, text, only.children, sql=only.sql, terms=only.terms)]
        return [Step(kind, phrase(lang, prefix.format("many"), rows=rows), tuple(items))]

    def _order_and_limit(self, node: exp.Query) -> list[Step]:
        d, lang = self.d, self.lang
        steps = []
        order = clause(node, exp.Order)
        if order is not None and order.expressions:
            if len(order.expressions) == 1:
                ordered = order.expressions[0]
                label, expression = d.key_label(ordered.this, node)
                direction = d.direction(expression, bool(ordered.args.get("desc")))
                text = phrase(lang, "order_one", key=label, direction=direction)
            else:
                keys = [self._order_key(ordered, node) for ordered in order.expressions]
                text = phrase(lang, "order_many", keys=phrase(lang, "order_separator").join(keys))
            steps.append(Step("order", text, self._subqueries(), sql=d.sql(order), terms=d.take_terms()))
        limit = clause(node, exp.Limit) or clause(node, exp.Fetch)
        offset = clause(node, exp.Offset)
        if limit is not None:
            count = limit.args.get("count") if isinstance(limit, exp.Fetch) else limit.expression
            skip = offset.expression if offset is not None else limit.args.get("offset")
            n = d.value(count) if count is not None else "?"
            ordered = order is not None
            if skip is not None:
                text = phrase(lang, "offset", offset=d.value(skip), n=n)
            elif n == "1":
                text = phrase(lang, "limit_one" if ordered else "limit_one_unordered")
            else:
                text = phrase(lang, "limit" if ordered else "limit_unordered", n=n)
            sql = d.sql(limit) + (f" {d.sql(offset)}" if offset is not None else "")
            steps.append(Step("limit", text, sql=sql.strip()))
        return steps

    def _order_key(self, ordered: exp.Expression, node: exp.Query) -> str:
        label, expression = self.d.key_label(ordered.this, node)
        direction = self.d.direction(expression, bool(ordered.args.get("desc")))
        return phrase(self.lang, "order_key", key=label, direction=direction)

    def _set_operation(self, node: exp.SetOperation) -> list[Step]:
        lang = self.lang
        branches = set_branches(node)
        children = []
        for number, branch in enumerate(branches, 1):
            steps = tuple(self.query(branch))
            clause_text = summarize(branch, self.d, self.local)
            children.append(
                Step("subquery", phrase(lang, "branch_title", n=number, clause=clause_text), steps)
            )
        if isinstance(node, exp.Union):
            key = "set_union" if node.args.get("distinct") else "set_union_all"
        elif isinstance(node, exp.Intersect):
            key = "set_intersect"
        else:
            key = "set_except"
        step = Step("set-operation", phrase(lang, key, n=len(branches)), tuple(children))
        with self.d.entering(node, self.local):
            return [step, *self._order_and_limit(node)]

    def _subqueries(self) -> tuple[Step, ...]:
        """Steps for the subqueries the describer numbered since the last call."""
        steps = []
        for number, query in self.d.take_subqueries():
            children = tuple(self.query(query))
            clause_text = summarize(query, self.d, self.local)
            steps.append(
                Step("subquery", phrase(self.lang, "subquery_title", n=number, clause=clause_text), children)
            )
        return tuple(steps)

    def _rows_noun(self) -> str:
        noun = counted_noun(self.lang, self.d.rows) if self.d.rows else None
        return noun or phrase(self.lang, "rows")
