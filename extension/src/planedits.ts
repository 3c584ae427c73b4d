/**
 * The edits the plan's controls send, built from what the user typed or chose: each is one edit of
 * `explain.edits` in its wire form (the generated `PlanEdit` types).
 */
import { fitsOperator, parseValues } from './planvalues';
import {
  AddFilter,
  ColumnChoice,
  Filter,
  OperatorChoice,
  OrderItem,
  Plan,
  PlanEdit,
  SetDateRange,
  SetFilterValue,
  SetLimit,
  SetOrder,
  SetTimeWindow,
  TimeChoice
} from './wire';

/** The edit that sets the row limit to `text` (empty: no limit); null when `text` is not a count. */
export function limitEdit(text: string): SetLimit | null {
  const trimmed = text.trim();
  if (trimmed === '') {
    return { type: 'SetLimit', n: null };
  }
  const n = Number(trimmed);
  return Number.isInteger(n) && n >= 1 ? { type: 'SetLimit', n } : null;
}

/** The edit that gives filter `filter` the values typed in `text`, typed like its old values. */
export function filterValueEdit(filter: Filter, text: string): SetFilterValue {
  return {
    type: 'SetFilterValue',
    filter_id: filter.id,
    values: parseValues(text, filter.values)
  };
}

/**
 * The edit that gives filter `filter` the operator `operator` and the values typed in `text` (none for
 * an operator that takes none); null when they are not as many as the operator takes.
 */
export function filterEdit(
  filter: Filter,
  operator: OperatorChoice,
  text: string
): PlanEdit | null {
  const values =
    operator.max_values === 0 ? [] : parseValues(text, filter.values);
  if (!fitsOperator(operator, values.length)) {
    return null;
  }
  return operator.operator === filter.operator
    ? { type: 'SetFilterValue', filter_id: filter.id, values }
    : {
        type: 'SetFilterOperator',
        filter_id: filter.id,
        operator: operator.operator,
        values
      };
}

/** The edit that adds the condition `column operator text`; null when the values do not fit. */
export function addFilterEdit(
  column: ColumnChoice,
  operator: OperatorChoice,
  text: string
): AddFilter | null {
  const like = column.numeric ? [0] : [''];
  const values = operator.max_values === 0 ? [] : parseValues(text, like);
  if (!fitsOperator(operator, values.length)) {
    return null;
  }
  return {
    type: 'AddFilter',
    column: column.name,
    operator: operator.operator,
    values,
    clause: 'where'
  };
}

/** The edit that sets the time window on `range`'s column to the last `amount` `unit`s; null when `amount` is not a count. */
export function timeWindowEdit(
  range: TimeChoice,
  amount: string,
  unit: string
): SetTimeWindow | null {
  const n = Number(amount.trim());
  if (amount.trim() === '' || !Number.isInteger(n) || n < 1) {
    return null;
  }
  return { type: 'SetTimeWindow', target: range.column, amount: n, unit };
}

/** The edit that limits `range`'s column to the days `start` to `end` (YYYY-MM-DD; empty: open). */
export function dateRangeEdit(
  range: TimeChoice,
  start: string,
  end: string
): SetDateRange {
  return {
    type: 'SetDateRange',
    target: range.column,
    start: start || null,
    end: end || null
  };
}

/** The edit that sorts by `item` the other way round. */
export function flipOrderEdit(item: OrderItem): SetOrder {
  return {
    type: 'SetOrder',
    key: item.expression,
    descending: !item.descending
  };
}

/** The filters whose operator and values can be changed. */
export function valueFilters(plan: Plan): Filter[] {
  return plan.filters.filter(
    filter =>
      filter.editable && filter.kind === 'value' && filter.operator !== null
  );
}
