/**
 * The plan's controls: change the query without writing SQL. Each control sends one edit of
 * `explain.edits` in its wire form (`{"type": "SetLimit", "n": 5}`); the server rebuilds the SQL,
 * checks it again and runs it.
 */
import { button, h } from './dom';
import { ITrans } from './trans';
import { Filter, OrderItem, Plan } from './wire';

/** One edit, as POST edit takes it. */
export type PlanEdit = Record<string, unknown> & { type: string };

/** The edit that sets the row limit to `text` (empty: no limit); null when `text` is not a count. */
export function limitEdit(text: string): PlanEdit | null {
  const trimmed = text.trim();
  if (trimmed === '') {
    return { type: 'SetLimit', n: null };
  }
  const n = Number(trimmed);
  return Number.isInteger(n) && n >= 1 ? { type: 'SetLimit', n } : null;
}

/** The edit that gives single-valued filter `filter` the value `text`, typed like its old value. */
export function filterValueEdit(filter: Filter, text: string): PlanEdit {
  const old = filter.values[0];
  const number = Number(text.trim());
  const value =
    typeof old === 'number' && text.trim() !== '' && !Number.isNaN(number)
      ? number
      : text;
  return { type: 'SetFilterValue', filter_id: filter.id, values: [value] };
}

/** The edit that sorts by `item` the other way round. */
export function flipOrderEdit(item: OrderItem): PlanEdit {
  return {
    type: 'SetOrder',
    key: item.expression,
    descending: !item.descending
  };
}

/** The filters whose one value can be typed in a box. */
export function valueFilters(plan: Plan): Filter[] {
  return plan.filters.filter(
    filter =>
      filter.editable &&
      filter.kind === 'value' &&
      filter.values.length === 1 &&
      filter.operator !== null
  );
}

/** The controls of `plan`, each calling `onEdit` with its edit; null when the plan cannot be edited. */
export function renderPlanControls(
  plan: Plan,
  trans: ITrans,
  onEdit: (edit: PlanEdit) => void
): HTMLElement | null {
  if (!plan.editable) {
    return null;
  }
  const rows: HTMLElement[] = [limitControl(plan, trans, onEdit)];
  for (const filter of valueFilters(plan)) {
    rows.push(filterControl(filter, trans, onEdit));
  }
  for (const item of plan.order_by) {
    rows.push(orderControl(item, trans, onEdit));
  }
  return h('div', {
    className: 'jp-ChatBI-plan',
    attrs: { role: 'group', 'aria-label': trans.__('Change the query') },
    children: rows
  });
}

/** Run ``apply`` when Enter is pressed in ``input`` (instead of submitting anything). */
function applyOnEnter(input: HTMLElement, apply: () => void): void {
  input.addEventListener('keydown', event => {
    if (event.key === 'Enter') {
      event.preventDefault();
      apply();
    }
  });
}

function limitControl(
  plan: Plan,
  trans: ITrans,
  onEdit: (edit: PlanEdit) => void
): HTMLElement {
  const input = h('input', {
    className: 'jp-ChatBI-input jp-ChatBI-limit',
    attrs: {
      type: 'number',
      min: '1',
      step: '1',
      placeholder: trans.__('all'),
      'aria-label': trans.__('Row limit')
    }
  });
  input.value = plan.limit === null ? '' : String(plan.limit);
  const apply = (): void => {
    const edit = limitEdit(input.value);
    input.setCustomValidity(
      edit ? '' : trans.__('a whole number of rows, at least 1')
    );
    if (edit) {
      onEdit(edit);
    } else {
      input.reportValidity();
    }
  };
  applyOnEnter(input, apply);
  return h('div', {
    className: 'jp-ChatBI-planRow',
    children: [
      h('span', { className: 'jp-ChatBI-planLabel', text: trans.__('Rows') }),
      input,
      button(trans.__('Apply limit'), apply)
    ]
  });
}

function filterControl(
  filter: Filter,
  trans: ITrans,
  onEdit: (edit: PlanEdit) => void
): HTMLElement {
  const input = h('input', {
    className: 'jp-ChatBI-input',
    attrs: {
      type: 'text',
      'aria-label': trans.__(
        'Value of %1 %2',
        filter.column ?? '',
        filter.operator ?? ''
      )
    }
  });
  const old = filter.values[0];
  input.value = old === null ? '' : String(old);
  const apply = (): void => onEdit(filterValueEdit(filter, input.value));
  applyOnEnter(input, apply);
  return h('div', {
    className: 'jp-ChatBI-planRow',
    children: [
      h('span', {
        className: 'jp-ChatBI-planLabel',
        text: `${filter.column ?? filter.sql} ${filter.operator ?? ''}`
      }),
      input,
      button(trans.__('Apply'), apply, {
        ariaLabel: trans.__('Apply filter on %1', filter.column ?? filter.sql)
      }),
      button(
        '×',
        () => onEdit({ type: 'RemoveFilter', filter_id: filter.id }),
        { ariaLabel: trans.__('Remove filter %1', filter.sql) }
      )
    ]
  });
}

function orderControl(
  item: OrderItem,
  trans: ITrans,
  onEdit: (edit: PlanEdit) => void
): HTMLElement {
  return h('div', {
    className: 'jp-ChatBI-planRow',
    children: [
      h('span', {
        className: 'jp-ChatBI-planLabel',
        text: trans.__('Sorted by %1', item.expression)
      }),
      h('span', {
        text: item.descending ? trans.__('descending') : trans.__('ascending')
      }),
      button(
        item.descending
          ? trans.__('Sort ascending')
          : trans.__('Sort descending'),
        () => onEdit(flipOrderEdit(item))
      )
    ]
  });
}
