"""Every word a user reads in an explanation, in English and Simplified Chinese.

:data:`PHRASES` holds one template per phrase id and language; :func:`phrase` fills one in. The few
rules of grammar the templates cannot carry (plurals, list joining, capitals, the spacing between
Chinese and Latin text) live here too, so the code that walks the SQL has no wording of its own.

Example:
    >>> phrase("en", "filter_one", rows="orders", condition="status is not 'cancelled'")
    "Keep only the orders where status is not 'cancelled'"
    >>> phrase("zh", "filter_one", rows="订单", condition="status 不是 'cancelled'")
    "只保留 status 不是 'cancelled' 的订单"
"""

from __future__ import annotations

import re
from string import Formatter

LANGUAGES = ("en", "zh")

PHRASES: dict[str, dict[str, str]] = {
    "en": {
        # Steps: where the rows come from.
        "source_table": "Start from {table} ({description})",
        "source_table_plain": "Start from the {table} table",
        "source_cte": "Start from {name} (computed above)",
        "source_derived": "Start from the intermediate result {name}, computed as below",
        "source_derived_anonymous": "Start from the result of the subquery below",
        "source_values": "Start from {sql}",
        "table_gloss": "{noun}",
        "table_row": "{table} row",
        "table_rows": "{table} rows",
        "cte_first": "First compute {name} as follows",
        "cte_then": "Then compute {name} as follows",
        "derived_title": "{name}: {clause}",
        "subquery_title": "Subquery {n}: {clause}",
        "branch_title": "Query {n}: {clause}",
        # Joins.
        "join_many_to_one": "Match each {left} to its {right} ({keys})",
        "join_one_to_many": "Pair each {left} with each of its {right_plural} ({keys})",
        "join_other": "Combine the rows with {right} where {keys}",
        "join_cross": "Combine every row with every row of {right}",
        "join_natural": "Combine the rows with {right} on the columns they share",
        "join_keep_left": "; keep {left_plural} without a match",
        "join_keep_right": "; keep {right_plural} without a match",
        "join_keep_both": "; keep rows without a match on either side",
        "join_same": "same {columns}",
        "join_key": "{left} = {right}",
        "derived_name": "the intermediate result {name}",
        # Filters, grouping, measures, output, order, limit.
        "filter_one": "Keep only the {rows} where {condition}",
        "filter_all": "Keep only the {rows} where all of these hold",
        "group_filter_one": "Keep only the groups where {condition}",
        "group_filter_all": "Keep only the groups where all of these hold",
        "group_one": "Group the {rows} by {keys}: one row per {names}",
        "group_many": "Group the {rows} by {keys}: one row per combination of {names}",
        "group_key_computed": "{name} ({description})",
        "aggregate_one_grouped": "For each group, compute {item}",
        "aggregate_many_grouped": "For each group, compute",
        "aggregate_one": "Over all the {rows}, compute {item}",
        "aggregate_many": "Over all the {rows}, compute",
        "compute_one": "For each row, compute {item}",
        "compute_many": "For each row, compute",
        "window_one": "Compute {item}",
        "window_many": "Compute",
        "item_named": "{name} = {description}",
        "output": "Show {columns}",
        "output_distinct": "Show the different combinations of {columns}",
        "all_columns": "all columns",
        "all_columns_of": "all columns of {table}",
        "distinct": "Remove duplicate rows",
        "order_one": "Sort by {key}, {direction}",
        "order_many": "Sort by {keys}",
        "order_key": "{key} ({direction})",
        "order_separator": ", then ",
        "stop": ".",
        "colon": ":",
        "limit_one": "Keep only the first row",
        "limit": "Keep the first {n} rows",
        "limit_unordered": "Keep {n} rows (any {n}: there is no sort order)",
        "limit_one_unordered": "Keep one row (any row: there is no sort order)",
        "offset": "Skip the first {offset} rows, then keep the next {n}",
        "set_union": "Combine the rows of the {n} queries below, removing duplicates",
        "set_union_all": "Stack the rows of the {n} queries below, keeping duplicates",
        "set_intersect": "Keep only the rows that all {n} queries below return",
        "set_except": "Take the rows of query 1 below and remove those that the other queries return",
        "statement_other": "Run {sql}",
        # Directions.
        "asc_number": "lowest first",
        "desc_number": "highest first",
        "asc_text": "A to Z",
        "desc_text": "Z to A",
        "asc_date": "earliest first",
        "desc_date": "latest first",
        # Values.
        "column_described": "{name} ({description})",
        "string": "'{value}'",
        "null": "NULL",
        "true": "true",
        "false": "false",
        "subquery_ref": "subquery {n}",
        "a_subquery": "a subquery",
        "count_rows": "the number of rows",
        "count_entities": "the number of {plural}",
        "count_values": "the number of non-empty {value} values",
        "count_distinct": "the number of different {value} values",
        "count_distinct_entities": "the number of different {plural} ({value})",
        "count_where": "the number of rows where {condition}",
        "sum": "the total of {value}",
        "sum_where": "the total of {value} where {condition}",
        "sum_distinct": "the total of the different {value} values",
        "avg": "the average {value}",
        "min": "the smallest {value}",
        "max": "the largest {value}",
        "min_date": "the earliest {value}",
        "max_date": "the latest {value}",
        "group_concat": "the {value} values joined into one text",
        "aggregate_other": "the {function} of {value}",
        "percentage": "{part} as a percentage of {whole}",
        "days_between": "the number of days from {start} to {end}",
        "date_diff": "the number of {unit} from {start} to {end}",
        "remainder": "the remainder of {left} divided by {right}",
        "concat": "{values} joined together",
        "round": "{value}, rounded to {n} decimals",
        "round_one": "{value}, rounded to 1 decimal",
        "round_whole": "{value}, rounded to a whole number",
        "cast_int": "{value} as a whole number",
        "cast_number": "{value} as a number",
        "cast_text": "{value} as text",
        "cast_date": "{value} as a date",
        "cast_other": "{value} as {type}",
        "coalesce": "{value}, or {fallback} when it is empty",
        "nullif": "{value}, or NULL when it equals {other}",
        "least": "the smallest of {values}",
        "greatest": "the largest of {values}",
        "abs": "the absolute value of {value}",
        "lower": "{value} in lower case",
        "upper": "{value} in upper case",
        "length": "the length of {value}",
        "trim": "{value} without surrounding spaces",
        "substring": "characters {start} to {end} of {value}",
        "substring_from": "{value} from character {start} on",
        "case_when": "{value} if {condition}",
        "case_else": "otherwise {value}",
        "case_no_else": "otherwise empty",
        "case_join": "; ",
        "whether": "whether {condition}",
        "date_of": "the date of {value}",
        "date_part": "the {part} of {value}",
        "date_format": "{value} written as '{format}'",
        "date_shift_after": "{amount} {unit} after {value}",
        "date_shift_before": "{amount} {unit} before {value}",
        "date_trunc": "the {unit} of {value} (its first day)",
        "relative_value": "{date} ({when})",
        "part_year": "year",
        "part_month": "month",
        "part_year_month": "year and month",
        "part_day": "day of the month",
        "part_date": "date",
        "part_week": "week of the year",
        "part_weekday": "day of the week",
        "part_hour": "hour",
        "part_minute": "minute",
        "part_day_of_year": "day of the year",
        "part_quarter": "quarter",
        "day": "day",
        "days": "days",
        "week": "week",
        "weeks": "weeks",
        "month": "month",
        "months": "months",
        "year": "year",
        "years": "years",
        # Relative dates.
        "today": "today",
        "ago": "{n} {unit} ago",
        "from_now": "{n} {unit} from now",
        "start_of_this_month": "the start of this month",
        "start_of_this_year": "the start of this year",
        "start_of_month_ago": "the start of the month {n} {unit} ago",
        "start_of_year_ago": "the start of the year {n} {unit} ago",
        "start_of_month_shifted": "the start of this month shifted by {n} {unit}",
        "start_of_year_shifted": "the start of this year shifted by {n} {unit}",
        "this_year": "this year",
        "last_year": "last year",
        "years_ago": "{n} years ago",
        "years_from_now": "{n} years from now",
        # Windows.
        "window_within": "within each {keys}",
        "window_all": "over all rows",
        "window_by": "ordered by {keys}",
        "window_rank": "the rank {within}, {by}",
        "window_dense_rank": "the rank without gaps {within}, {by}",
        "window_row_number": "the row number {within}, {by}",
        "window_ntile": "the group number (1 to {n}) {within}, {by}",
        "window_percent_rank": "the percent rank {within}, {by}",
        "window_lag": "the {value} of the previous row {within}, {by}",
        "window_lag_n": "the {value} from {n} rows before {within}, {by}",
        "window_lead": "the {value} of the next row {within}, {by}",
        "window_lead_n": "the {value} from {n} rows after {within}, {by}",
        "window_first": "the first {value} {within}, {by}",
        "window_last": "the last {value} {within}, {by}",
        "window_aggregate": "{value} {within}",
        "window_running": "{value} {within}, accumulated {by}",
        "window_other": "{value} {within}, {by}",
        # Conditions.
        "eq": "{left} is {right}",
        "neq": "{left} is not {right}",
        "gt": "{left} is greater than {right}",
        "gte": "{left} is at least {right}",
        "lt": "{left} is less than {right}",
        "lte": "{left} is at most {right}",
        "eq_columns": "{left} matches {right}",
        "neq_columns": "{left} differs from {right}",
        "eq_date": "{left} is {right}",
        "gt_date": "{left} is after {right}",
        "gte_date": "{left} is on or after {right}",
        "lt_date": "{left} is before {right}",
        "lte_date": "{left} is on or before {right}",
        "within_last": "{left} is in the last {n} {unit} (since {date})",
        "within_this_month": "{left} is in this month (since {date})",
        "within_this_year": "{left} is in this year (since {date})",
        "within_months": "{left} is in this month or the {n} {unit} before (since {date})",
        "within_years": "{left} is in this year or the {n} {unit} before (since {date})",
        "in_year": "{left} is in the year {year}{note}",
        "note": " ({text})",
        "in_year_range": "{left} is in the year {year} ({low} to {high})",
        "in_month_range": "{left} is in {month} ({low} to {high})",
        "in_year_month": "{left} is in {month}{note}",
        "in_month_of_year": "{left} is in month {month} (of any year){note}",
        "year_gt": "{left} is after the year {year}{note}",
        "year_gte": "{left} is in the year {year} or later{note}",
        "year_lt": "{left} is before the year {year}{note}",
        "year_lte": "{left} is in the year {year} or earlier{note}",
        "year_neq": "{left} is not in the year {year}{note}",
        "between": "{left} is between {low} and {high} (inclusive)",
        "between_dates": "{left} is from {low} to {high}",
        "not_between": "{left} is not between {low} and {high}",
        "in_list": "{left} is one of {values}",
        "not_in_list": "{left} is none of {values}",
        "in_subquery": "{left} is among the {column} values of {subquery}",
        "not_in_subquery": "{left} is not among the {column} values of {subquery}",
        "in_subquery_plain": "{left} is among the values of {subquery}",
        "not_in_subquery_plain": "{left} is not among the values of {subquery}",
        "like_exact": "{left} is exactly {pattern}",
        "like_starts": "{left} starts with {text}",
        "like_ends": "{left} ends with {text}",
        "like_contains": "{left} contains {text}",
        "like_pattern": "{left} matches the pattern {pattern} ({wildcards})",
        "not_like_exact": "{left} is not exactly {pattern}",
        "not_like_starts": "{left} does not start with {text}",
        "not_like_ends": "{left} does not end with {text}",
        "not_like_contains": "{left} does not contain {text}",
        "not_like_pattern": "{left} does not match the pattern {pattern} ({wildcards})",
        "like_wildcards": "% stands for any text, _ for any one character",
        "glob_wildcards": "* stands for any text, ? for any one character; case matters",
        "ignoring_case": "{condition} (ignoring case)",
        "is_null": "{left} is empty (NULL)",
        "is_not_null": "{left} is not empty",
        "is_true": "{left} is true",
        "exists": "{subquery} finds at least one row",
        "not_exists": "{subquery} finds no row",
        "not": "it is not true that {condition}",
        "holds": "{condition} holds",
        "and": "and",
        "or": "or",
        "either": "either {condition}",
        # The summary.
        "summary_count": "counts the {rows}{per}{where_short}",
        "summary_compute": "computes {measures}{per}{where_long}",
        "summary_list": "lists {columns}{distinct}{of}{where_short}",
        "summary_of": " of {table}",
        "summary_per": " per {keys}",
        "summary_where_short": " where {conditions}",
        "summary_where_long": " for the {rows} where {conditions}",
        "summary_having": ", keeping the groups where {conditions}",
        "summary_more_conditions": "{n} more conditions",
        "summary_more_condition": "1 more condition",
        "summary_more_measures": "{n} more",
        "summary_desc": ", highest {key} first",
        "summary_desc_date": ", latest {key} first",
        "summary_asc": ", sorted by {key}",
        "summary_sorted": ", sorted by {key}, {direction}",
        "summary_asc_number": ", lowest {key} first",
        "summary_asc_date": ", earliest {key} first",
        "summary_top": ", top {n}",
        "summary_top_one": ", top 1 only",
        "summary_first": ", first {n} rows",
        "summary_distinct": " (without duplicates)",
        "summary_union": "combines the rows of {n} queries",
        "summary_union_all": "stacks the rows of {n} queries",
        "summary_intersect": "returns the rows that {n} queries all return",
        "summary_except": "returns the rows of one query that {n} other queries do not return",
        "summary_union2": "combines two results: {first}; and {second}",
        "summary_union_all2": "stacks two results: {first}; and {second}",
        "summary_intersect2": "returns the rows both of these return: {first}; and {second}",
        "summary_except2": "{first}, leaving out the rows of a second query that {second}",
        "count_rows_of": "the number of {table} rows",
        "rows": "rows",
        "groups": "groups",
    },
    "zh": {
        "source_table": "从 {table}（{description}）开始",
        "source_table_plain": "从 {table} 表开始",
        "source_cte": "从上面算出的 {name} 开始",
        "source_derived": "从中间结果 {name} 开始，其计算步骤如下",
        "source_derived_anonymous": "从下面子查询的结果开始",
        "source_values": "从 {sql} 开始",
        "table_gloss": "{noun} 表",
        "cte_first": "先计算 {name}，步骤如下",
        "cte_then": "再计算 {name}，步骤如下",
        "derived_title": "{name}：{clause}",
        "subquery_title": "子查询 {n}：{clause}",
        "branch_title": "查询 {n}：{clause}",
        "join_many_to_one": "为每个 {left} 匹配对应的 {right}（{keys}）",
        "join_one_to_many": "为每个 {left} 关联它的所有 {right_plural}（{keys}）",
        "join_other": "关联 {right}，条件是 {keys}",
        "join_cross": "把每一行与 {right} 的每一行组合",
        "join_natural": "按同名列关联 {right}",
        "join_keep_left": "；没有匹配的 {left_plural} 也保留",
        "join_keep_right": "；没有匹配的 {right_plural} 也保留",
        "join_keep_both": "；两边没有匹配的行都保留",
        "join_same": "{columns} 相同",
        "join_key": "{left} = {right}",
        "derived_name": "中间结果 {name}",
        "filter_one": "只保留 {condition} 的 {rows}",
        "filter_all": "只保留同时满足以下条件的 {rows}",
        "group_filter_one": "只保留 {condition} 的分组",
        "group_filter_all": "只保留同时满足以下条件的分组",
        "group_one": "按 {keys} 分组（每个 {names} 一行）",
        "group_many": "按 {keys} 分组（{names} 的每种组合一行）",
        "group_key_computed": "{name}（{description}）",
        "aggregate_one_grouped": "对每个分组计算 {item}",
        "aggregate_many_grouped": "对每个分组计算",
        "aggregate_one": "对所有 {rows} 计算 {item}",
        "aggregate_many": "对所有 {rows} 计算",
        "compute_one": "对每一行计算 {item}",
        "compute_many": "对每一行计算",
        "window_one": "计算 {item}",
        "window_many": "计算",
        "item_named": "{name} = {description}",
        "output": "输出 {columns}",
        "output_distinct": "输出 {columns} 的不同组合",
        "all_columns": "所有列",
        "all_columns_of": "{table} 的所有列",
        "distinct": "去掉重复的行",
        "order_one": "按 {key} {direction} 排序",
        "order_many": "按 {keys} 排序",
        "order_key": "{key}（{direction}）",
        "order_separator": "，再按 ",
        "stop": "。",
        "colon": "：",
        "limit_one": "只取第一行",
        "limit": "只取前 {n} 行",
        "limit_unordered": "只取 {n} 行（没有排序，取到哪几行不确定）",
        "limit_one_unordered": "只取一行（没有排序，取到哪一行不确定）",
        "offset": "跳过前 {offset} 行，再取 {n} 行",
        "set_union": "合并下面 {n} 个查询的结果，并去掉重复的行",
        "set_union_all": "把下面 {n} 个查询的结果依次拼在一起，保留重复的行",
        "set_intersect": "只保留下面 {n} 个查询都返回的行",
        "set_except": "取下面查询 1 的结果，去掉其他查询也返回的行",
        "statement_other": "执行 {sql}",
        "asc_number": "从低到高",
        "desc_number": "从高到低",
        "asc_text": "按字母顺序",
        "desc_text": "按字母倒序",
        "asc_date": "从早到晚",
        "desc_date": "从晚到早",
        "column_described": "{name}（{description}）",
        "string": "'{value}'",
        "null": "空值（NULL）",
        "true": "真",
        "false": "假",
        "subquery_ref": "子查询 {n}",
        "a_subquery": "一个子查询",
        "count_rows": "行数",
        "count_entities": "{plural} 数",
        "count_values": "非空 {value} 的个数",
        "count_distinct": "不同 {value} 的个数",
        "count_distinct_entities": "不同 {value} 的个数",
        "count_where": "{condition} 的行数",
        "sum": "{value} 的总和",
        "sum_where": "{condition} 的 {value} 总和",
        "sum_distinct": "不同 {value} 值的总和",
        "avg": "{value} 的平均值",
        "min": "{value} 的最小值",
        "max": "{value} 的最大值",
        "min_date": "最早的 {value}",
        "max_date": "最晚的 {value}",
        "group_concat": "把 {value} 的值拼接成一段文本",
        "aggregate_other": "{value} 的 {function}",
        "percentage": "{part} 占 {whole} 的百分比",
        "days_between": "从 {start} 到 {end} 的天数",
        "date_diff": "从 {start} 到 {end} 的 {unit} 数",
        "remainder": "{left} 除以 {right} 的余数",
        "concat": "{values} 拼接在一起",
        "round": "{value}（保留 {n} 位小数）",
        "round_one": "{value}（保留 1 位小数）",
        "round_whole": "{value}（四舍五入取整）",
        "cast_int": "{value}（转为整数）",
        "cast_number": "{value}（转为数字）",
        "cast_text": "{value}（转为文本）",
        "cast_date": "{value}（转为日期）",
        "cast_other": "{value}（转为 {type}）",
        "coalesce": "{value}（为空时取 {fallback}）",
        "nullif": "{value}（等于 {other} 时取空值）",
        "least": "{values} 中最小的一个",
        "greatest": "{values} 中最大的一个",
        "abs": "{value} 的绝对值",
        "lower": "{value} 的小写形式",
        "upper": "{value} 的大写形式",
        "length": "{value} 的长度",
        "trim": "去掉首尾空格的 {value}",
        "substring": "{value} 的第 {start} 到第 {end} 个字符",
        "substring_from": "{value} 从第 {start} 个字符起的部分",
        "case_when": "如果 {condition}，则为 {value}",
        "case_else": "否则为 {value}",
        "case_no_else": "否则为空",
        "case_join": "；",
        "whether": "是否 {condition}",
        "date_of": "{value} 的日期",
        "date_part": "{value} 的 {part}",
        "date_format": "{value} 按 '{format}' 格式写出",
        "date_shift_after": "{value} 之后 {amount} {unit}",
        "date_shift_before": "{value} 之前 {amount} {unit}",
        "date_trunc": "{value} 所在的 {unit}（取第一天）",
        "relative_value": "{date}（{when}）",
        "part_year": "年份",
        "part_month": "月份",
        "part_year_month": "年月",
        "part_day": "日",
        "part_date": "日期",
        "part_week": "周数",
        "part_weekday": "星期几",
        "part_hour": "小时",
        "part_minute": "分钟",
        "part_day_of_year": "一年中的第几天",
        "part_quarter": "季度",
        "day": "天",
        "days": "天",
        "week": "周",
        "weeks": "周",
        "month": "个月",
        "months": "个月",
        "year": "年",
        "years": "年",
        "today": "今天",
        "ago": "{n} {unit} 前",
        "from_now": "{n} {unit} 后",
        "start_of_this_month": "本月初",
        "start_of_this_year": "今年年初",
        "start_of_month_ago": "{n} {unit} 前的月初",
        "start_of_year_ago": "{n} {unit} 前的年初",
        "start_of_month_shifted": "本月初移动 {n} {unit}",
        "start_of_year_shifted": "今年年初移动 {n} {unit}",
        "this_year": "今年",
        "last_year": "去年",
        "years_ago": "{n} 年前",
        "years_from_now": "{n} 年后",
        "window_within": "在每个 {keys} 内",
        "window_all": "在所有行中",
        "window_by": "按 {keys}",
        "window_rank": "{within} {by} 的排名",
        "window_dense_rank": "{within} {by} 的排名（并列不跳号）",
        "window_row_number": "{within} {by} 的行号",
        "window_ntile": "{within} {by} 分成 {n} 组后的组号",
        "window_percent_rank": "{within} {by} 的百分比排名",
        "window_lag": "{within} {by} 上一行的 {value}",
        "window_lag_n": "{within} {by} 往前第 {n} 行的 {value}",
        "window_lead": "{within} {by} 下一行的 {value}",
        "window_lead_n": "{within} {by} 往后第 {n} 行的 {value}",
        "window_first": "{within} {by} 的第一个 {value}",
        "window_last": "{within} {by} 的最后一个 {value}",
        "window_aggregate": "{within} 的 {value}",
        "window_running": "{within} {by} 累计的 {value}",
        "window_other": "{within} {by} 的 {value}",
        "eq": "{left} 为 {right}",
        "neq": "{left} 不是 {right}",
        "gt": "{left} 大于 {right}",
        "gte": "{left} 大于等于 {right}",
        "lt": "{left} 小于 {right}",
        "lte": "{left} 小于等于 {right}",
        "eq_columns": "{left} 与 {right} 相同",
        "neq_columns": "{left} 与 {right} 不同",
        "eq_date": "{left} 为 {right}",
        "gt_date": "{left} 晚于 {right}",
        "gte_date": "{left} 在 {right} 或之后",
        "lt_date": "{left} 早于 {right}",
        "lte_date": "{left} 在 {right} 或之前",
        "within_last": "{left} 在最近 {n} {unit} 内（{date} 起）",
        "within_this_month": "{left} 在本月内（{date} 起）",
        "within_this_year": "{left} 在今年内（{date} 起）",
        "within_months": "{left} 在本月及之前 {n} {unit} 内（{date} 起）",
        "within_years": "{left} 在今年及之前 {n} {unit} 内（{date} 起）",
        "in_year": "{left} 在 {year} 年 {note}",
        "note": "（{text}）",
        "in_year_range": "{left} 在 {year} 年内（{low} 至 {high}）",
        "in_month_range": "{left} 在 {month} 月内（{low} 至 {high}）",
        "in_year_month": "{left} 在 {month} 月内 {note}",
        "in_month_of_year": "{left} 在 {month} 月 {note}（任意年份）",
        "year_gt": "{left} 晚于 {year} 年 {note}",
        "year_gte": "{left} 在 {year} 年或之后 {note}",
        "year_lt": "{left} 早于 {year} 年 {note}",
        "year_lte": "{left} 在 {year} 年或之前 {note}",
        "year_neq": "{left} 不在 {year} 年 {note}",
        "between": "{left} 在 {low} 到 {high} 之间（含两端）",
        "between_dates": "{left} 在 {low} 至 {high} 期间",
        "not_between": "{left} 不在 {low} 到 {high} 之间",
        "in_list": "{left} 为 {values} 之一",
        "not_in_list": "{left} 不是 {values} 中的任何一个",
        "in_subquery": "{left} 在 {subquery} 返回的 {column} 中",
        "not_in_subquery": "{left} 不在 {subquery} 返回的 {column} 中",
        "in_subquery_plain": "{left} 在 {subquery} 返回的值中",
        "not_in_subquery_plain": "{left} 不在 {subquery} 返回的值中",
        "like_exact": "{left} 等于 {pattern}",
        "like_starts": "{left} 以 {text} 开头",
        "like_ends": "{left} 以 {text} 结尾",
        "like_contains": "{left} 包含 {text}",
        "like_pattern": "{left} 符合模式 {pattern}（{wildcards}）",
        "not_like_exact": "{left} 不等于 {pattern}",
        "not_like_starts": "{left} 不以 {text} 开头",
        "not_like_ends": "{left} 不以 {text} 结尾",
        "not_like_contains": "{left} 不包含 {text}",
        "not_like_pattern": "{left} 不符合模式 {pattern}（{wildcards}）",
        "like_wildcards": "% 表示任意文字，_ 表示任意一个字符",
        "glob_wildcards": "* 表示任意文字，? 表示任意一个字符，区分大小写",
        "ignoring_case": "{condition}（不区分大小写）",
        "is_null": "{left} 为空",
        "is_not_null": "{left} 不为空",
        "is_true": "{left} 为真",
        "exists": "{subquery} 至少能找到一行",
        "not_exists": "{subquery} 找不到任何行",
        "not": "并非 {condition}",
        "holds": "满足 {condition}",
        "and": "且",
        "or": "或",
        "either": "{condition}",
        "summary_count": "{per} 统计 {where_short} {count}",
        "summary_compute": "{per} 计算 {measures} {where_long}",
        "summary_list": "列出 {of} {columns}{distinct}{where_long}",
        "summary_of": "{table} 的",
        "summary_per": "按 {keys} 分组",
        "summary_where_short": "{conditions} 的",
        "summary_where_long": "（仅限 {conditions} 的 {rows}）",
        "summary_having": "，只保留 {conditions} 的分组",
        "summary_more_conditions": "另外 {n} 个条件",
        "summary_more_condition": "另外 1 个条件",
        "summary_more_measures": "另外 {n} 项",
        "summary_desc": "，按 {key} 从高到低排列",
        "summary_desc_date": "，按 {key} 从晚到早排列",
        "summary_asc": "，按 {key} 排序",
        "summary_sorted": "，按 {key} {direction}排列",
        "summary_asc_number": "，按 {key} 从低到高排列",
        "summary_asc_date": "，按 {key} 从早到晚排列",
        "summary_top": "，取前 {n} 行",
        "summary_top_one": "，只取第一行",
        "summary_first": "，取前 {n} 行",
        "summary_distinct": "（去重）",
        "summary_union": "合并 {n} 个查询的结果",
        "summary_union_all": "拼接 {n} 个查询的结果",
        "summary_intersect": "找出 {n} 个查询都返回的行",
        "summary_except": "找出一个查询返回、而另外 {n} 个查询没有返回的行",
        "summary_union2": "合并两部分结果：{first}；以及 {second}",
        "summary_union_all2": "拼接两部分结果：{first}；以及 {second}",
        "summary_intersect2": "找出以下两部分都有的行：{first}；以及 {second}",
        "summary_except2": "{first}，但去掉另一个查询（{second}）返回的行",
        "count_rows_of": "{table} 的行数",
        "rows": "行",
        "groups": "分组",
    },
}
"""Phrase templates by language and id; placeholders in ``{braces}``."""

ZH_NOUNS: dict[str, str] = {
    "account": "账户",
    "airline": "航空公司",
    "airport": "机场",
    "album": "专辑",
    "artist": "艺术家",
    "author": "作者",
    "book": "图书",
    "branch": "分支机构",
    "car": "汽车",
    "category": "类别",
    "channel": "渠道",
    "city": "城市",
    "class": "班级",
    "company": "公司",
    "concert": "演唱会",
    "country": "国家",
    "course": "课程",
    "customer": "客户",
    "department": "部门",
    "doctor": "医生",
    "employee": "员工",
    "event": "活动",
    "flight": "航班",
    "game": "比赛",
    "hospital": "医院",
    "invoice": "发票",
    "item": "商品",
    "match": "比赛",
    "movie": "电影",
    "order": "订单",
    "order item": "订单明细",
    "patient": "患者",
    "payment": "付款",
    "person": "人员",
    "player": "球员",
    "product": "产品",
    "region": "地区",
    "return": "退货",
    "school": "学校",
    "shop": "商店",
    "singer": "歌手",
    "song": "歌曲",
    "staff": "员工",
    "stadium": "体育场",
    "store": "门店",
    "student": "学生",
    "supplier": "供应商",
    "teacher": "教师",
    "team": "球队",
    "transaction": "交易",
    "user": "用户",
}
"""Chinese names for tables whose (singular) English name is a common business noun."""

_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
_IDEOGRAPH = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_PUNCTUATION = re.compile(r"[\u3000-\u303f\uff00-\uffef]")
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9]")
_PROPER_ADJECTIVE = re.compile(r"^[A-Z][a-z]+(ish|ese|ian|an)\b")
_IRREGULAR_PLURALS = {"person": "people", "child": "children", "staff": "staff", "data": "data"}
_IRREGULAR_SINGULARS = {plural: singular for singular, plural in _IRREGULAR_PLURALS.items()}


def phrase(lang: str, key: str, /, **values: object) -> str:
    """The phrase ``key`` in ``lang``, its placeholders filled with ``values``.

    In Chinese, the spaces a template puts around a placeholder are dropped where the value meets
    Chinese text or full-width punctuation, and kept beside Latin text and digits.

    Example:
        >>> phrase("en", "limit", n=10)
        'Keep the first 10 rows'
        >>> phrase("zh", "within_last", left="order_date", n=3, unit="个月", date="2026-08-23")
        'order_date 在最近 3 个月内（2026-08-23 起）'
        >>> phrase("zh", "filter_one", condition="status 为 'completed'", rows="订单")
        "只保留 status 为 'completed' 的订单"
    """
    template = PHRASES[lang][key]
    if lang != "zh":
        return template.format(**values)
    pieces: list[tuple[str, bool]] = []
    for literal, field, spec, conversion in Formatter().parse(template):
        if literal:
            pieces.append((literal, True))
        if field is not None:
            value = values[field]
            pieces.append((format(value, spec or "") if conversion is None else str(value), False))
    return _join_zh(pieces)


def join_list(lang: str, items: list[str], conjunction: str = "and") -> str:
    """``items`` as a list a reader expects: "a, b and c" or "a、b 和 c".

    Example:
        >>> join_list("en", ["name", "city", "segment"])
        'name, city and segment'
        >>> join_list("zh", ["name", "city"], "or")
        'name 或 city'
    """
    if len(items) <= 1:
        return "".join(items)
    if lang == "zh":
        word = {"and": "和", "or": "或"}.get(conjunction, conjunction)
        pieces: list[tuple[str, bool]] = []
        for index, item in enumerate(items):
            if index:
                pieces.append((f" {word} " if index == len(items) - 1 else "、", True))
            pieces.append((item, False))
        return _join_zh(pieces)
    word = {"and": "and", "or": "or"}.get(conjunction, conjunction)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


def join_clauses(lang: str, clauses: list[str], conjunction: str = "and") -> str:
    """Conditions joined by "and"/"or" (且/或).

    Example:
        >>> join_clauses("zh", ["status 不是 'cancelled'", "另外 1 个条件"])
        "status 不是 'cancelled' 且另外 1 个条件"
    """
    separator = f" {phrase(lang, conjunction)} "
    if lang != "zh":
        return separator.join(clauses)
    pieces: list[tuple[str, bool]] = []
    for index, clause in enumerate(clauses):
        if index:
            pieces.append((separator, True))
        pieces.append((clause, False))
    return _join_zh(pieces)


def sentence(lang: str, clause: str) -> str:
    """``clause`` as a sentence: capitalised with a full stop, or with a Chinese full stop.

    Example:
        >>> sentence("en", "counts the orders"), sentence("zh", "统计订单数")
        ('Counts the orders.', '统计订单数。')
    """
    clause = clause.strip()
    if lang == "zh":
        return clause if clause.endswith("。") else clause + "。"
    clause = capitalized(lang, clause)
    return clause if clause.endswith((".", "?", "!")) else clause + "."


def capitalized(lang: str, text: str) -> str:
    """``text`` with a capital first letter (English only).

    Example:
        >>> capitalized("en", "start here")
        'Start here'
    """
    return text[:1].upper() + text[1:] if lang == "en" else text


def lowered(lang: str, text: str) -> str:
    """``text`` with a small first letter, unless it starts an acronym ("CNY", "ID") (English only).

    Example:
        >>> lowered("en", "One row per order"), lowered("en", "ID of the order")
        ('one row per order', 'ID of the order')
    """
    if lang != "en" or _ACRONYM.match(text) or _PROPER_ADJECTIVE.match(text):
        return text
    return text[:1].lower() + text[1:]


def has_cjk(text: str | None) -> bool:
    """Whether ``text`` holds any Chinese, Japanese or Korean character.

    Example:
        >>> has_cjk("华东地区有多少客户？"), has_cjk("How many?")
        (True, False)
    """
    return bool(text) and _CJK.search(text) is not None  # type: ignore[arg-type]


def entity(lang: str, table: str, *, plural: bool = False) -> str:
    """What a row of ``table`` is called in prose: "order" / "orders", or 订单 (or the table name).

    Example:
        >>> entity("en", "order_items"), entity("en", "orders", plural=True), entity("zh", "orders")
        ('order item', 'orders', '订单')
        >>> entity("zh", "singer_in_concert"), entity("en", "singer_in_concert")
        ('singer_in_concert', 'singer_in_concert row')
    """
    words = table.replace("_", " ").split()
    if not words:
        return table
    if not (table.isupper() or table.islower()):
        words = [word.lower() if not _ACRONYM.match(word) else word for word in words]
    singular = " ".join([*words[:-1], _singular(words[-1])])
    if lang == "zh":
        return ZH_NOUNS.get(singular.lower(), table)
    last = words[-1]
    if (len(words) > 1 and _singular(last) == last) or len(last) < 3 or not last.isalpha():
        # "singer_in_concert", "t1": no noun phrase, so "singer_in_concert row(s)"
        return phrase(lang, "table_rows" if plural else "table_row", table=table)
    if plural:
        return " ".join([*words[:-1], _plural(_singular(words[-1]))])
    return singular


def _singular(word: str) -> str:
    lower = word.lower()
    if lower in _IRREGULAR_SINGULARS:
        return _IRREGULAR_SINGULARS[lower]
    if lower.endswith("ies") and len(lower) > 4:
        return word[:-3] + "y"
    if lower.endswith(("sses", "xes", "ches", "shes", "uses")):
        return word[:-2]
    if lower.endswith(("ss", "us", "is")) or not lower.endswith("s"):
        return word
    return word[:-1]


def _plural(word: str) -> str:
    lower = word.lower()
    if lower in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[lower]
    if lower.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    if lower.endswith("y") and len(lower) > 1 and lower[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def _join_zh(pieces: list[tuple[str, bool]]) -> str:
    """Join template text and values; a template's space survives only between Chinese and Latin text."""
    chars = [(char, literal) for text, literal in pieces for char in text]
    out: list[str] = []
    for index, (char, literal) in enumerate(chars):
        if char == " " and literal:
            after = next((c for c, lit in chars[index + 1 :] if not (c == " " and lit)), "")
            before = out[-1] if out else ""
            if (
                not before
                or not after
                or before == " "
                or after == " "
                or _PUNCTUATION.match(before)
                or _PUNCTUATION.match(after)
                or (_IDEOGRAPH.match(before) and _IDEOGRAPH.match(after))
            ):
                continue
        out.append(char)
    return "".join(out)


def counted_noun(lang: str, table: str) -> str | None:
    """The plural noun rows of ``table`` are counted in ("orders", 订单), or None when the language has
    no word for them (a Chinese name that is not in :data:`ZH_NOUNS`).

    Example:
        >>> counted_noun("en", "singer"), counted_noun("zh", "orders"), counted_noun("zh", "concert_singer")
        ('singers', '订单', None)
    """
    if lang == "zh":
        noun = entity(lang, table)
        return noun if noun != table else None
    return entity(lang, table, plural=True)


def table_gloss(lang: str, table: str) -> str | None:
    """A short gloss for a table the schema does not describe (订单表), where the language needs one.

    Example:
        >>> table_gloss("zh", "orders"), table_gloss("en", "orders"), table_gloss("zh", "t1")
        ('订单表', None, None)
    """
    noun = counted_noun(lang, table) if lang == "zh" else None
    return phrase(lang, "table_gloss", noun=noun) if noun else None
