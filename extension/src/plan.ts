/**
 * The plan's controls: change the query without writing SQL, as the notebook's answer view does: each
 * condition's operator and values, a new condition, the time window or days, the grouping, each measure's
 * aggregate, the sort and the row limit. Each control sends one edit of `explain.edits` in its wire form
 * (`{"type": "SetLimit", "n": 5}`, typed by the generated `PlanEdit`); the server rebuilds the SQL, checks
 * it again and runs it. What the controls offer comes with the plan (`Plan.choices`).
 */
import { button, h } from './dom';
import {
  dateRangeEdit,
  flipOrderEdit,
  limitEdit,
  timeWindowEdit,
  valueFilters
} from './planedits';
import { filterControl, newFilterControl } from './planfilters';
import {
  applyOnEnter,
  complain,
  label,
  row,
  select,
  sendOrComplain
} from './planform';
import { aggregateWords, unitWords } from './planwords';
import { ITrans } from './trans';
import {
  Measure,
  OrderItem,
  Plan,
  PlanChoices,
  PlanEdit,
  SortChoice,
  TimeChoice
} from './wire';

export type { PlanEdit };
export {
  addFilterEdit,
  dateRangeEdit,
  filterEdit,
  filterValueEdit,
  flipOrderEdit,
  limitEdit,
  timeWindowEdit,
  valueFilters
} from './planedits';

type OnEdit = (edit: PlanEdit) => void;

/** What a plan without choices offers: its own operators only, no columns. */
const NO_CHOICES: PlanChoices = {
  operators: [],
  filter_columns: [],
  group_columns: [],
  aggregates: {},
  sort_keys: [],
  time_ranges: [],
  units: []
};

/** The controls of `plan`, each calling `onEdit` with its edit; null when the plan cannot be edited. */
export function renderPlanControls(
  plan: Plan,
  trans: ITrans,
  onEdit: OnEdit
): HTMLElement | null {
  if (!plan.editable) {
    return null;
  }
  const choices = plan.choices ?? NO_CHOICES;
  const rows: (HTMLElement | null)[] = [
    ...valueFilters(plan).map(filter =>
      filterControl(filter, choices, trans, onEdit)
    ),
    newFilterControl(choices, trans, onEdit),
    ...choices.time_ranges.map(range =>
      timeControl(range, choices, trans, onEdit)
    ),
    groupControl(plan, choices, trans, onEdit),
    ...plan.measures.map(measure =>
      measureControl(measure, choices, trans, onEdit)
    ),
    ...plan.order_by.map(item => orderControl(item, trans, onEdit)),
    sortControl(choices.sort_keys, trans, onEdit),
    limitControl(plan, trans, onEdit)
  ];
  return h('div', {
    className: 'jp-ChatBI-plan',
    attrs: { role: 'group', 'aria-label': trans.__('Change the query') },
    children: rows
  });
}

function timeControl(
  range: TimeChoice,
  choices: PlanChoices,
  trans: ITrans,
  onEdit: OnEdit
): HTMLElement {
  if (range.amount !== null && range.unit !== null) {
    const amount = h('input', {
      className: 'jp-ChatBI-input jp-ChatBI-limit',
      attrs: {
        type: 'number',
        min: '1',
        step: '1',
        'aria-label': trans.__('Length of the time window on %1', range.column)
      }
    });
    amount.value = String(range.amount);
    const units = choices.units.includes(range.unit)
      ? choices.units
      : [range.unit, ...choices.units];
    const unit = select(
      trans.__('Unit of the time window on %1', range.column),
      units.map(u => [u, unitWords(u, trans)]),
      range.unit
    );
    const apply = (): void => {
      const edit = timeWindowEdit(range, amount.value, unit.value);
      sendOrComplain(
        amount,
        edit,
        trans.__('a whole number, at least 1'),
        onEdit
      );
    };
    applyOnEnter(amount, apply);
    return row([
      label(trans.__('%1 in the last', range.column)),
      amount,
      unit,
      button(trans.__('Apply'), apply, {
        ariaLabel: trans.__('Apply the time window on %1', range.column)
      })
    ]);
  }
  const day = (name: string, value: string): HTMLInputElement => {
    const input = h('input', {
      className: 'jp-ChatBI-input jp-ChatBI-planDate',
      attrs: { type: 'date', 'aria-label': name }
    });
    input.value = value;
    return input;
  };
  const start = day(trans.__('First day of %1', range.column), range.start);
  const end = day(trans.__('Last day of %1', range.column), range.end);
  const apply = (): void =>
    onEdit(dateRangeEdit(range, start.value, end.value));
  applyOnEnter(start, apply);
  applyOnEnter(end, apply);
  return row([
    label(range.column),
    h('span', { text: trans.__('from') }),
    start,
    h('span', { text: trans.__('to') }),
    end,
    button(trans.__('Apply'), apply, {
      ariaLabel: trans.__('Apply the dates on %1', range.column)
    })
  ]);
}

function groupControl(
  plan: Plan,
  choices: PlanChoices,
  trans: ITrans,
  onEdit: OnEdit
): HTMLElement | null {
  if (!plan.measures.length && !plan.group_by.length) {
    return null;
  }
  const chips = h('ul', {
    className: 'jp-ChatBI-chips',
    attrs: { 'aria-label': trans.__('Grouped by') },
    children: plan.group_by.map(column =>
      h('li', {
        className: 'jp-ChatBI-chip',
        children: [
          h('span', { text: column }),
          button('×', () => onEdit({ type: 'RemoveGroupBy', column }), {
            className: 'jp-ChatBI-chipRemove',
            ariaLabel: trans.__('Stop grouping by %1', column)
          })
        ]
      })
    )
  });
  const open = choices.group_columns.filter(c => !plan.group_by.includes(c));
  const add = select(
    trans.__('Also group by'),
    [
      ['', trans.__('(add a column)')],
      ...open.map((c): [string, string] => [c, c])
    ],
    ''
  );
  add.disabled = open.length === 0;
  add.addEventListener('change', () => {
    if (add.value) {
      onEdit({ type: 'AddGroupBy', column: add.value });
    }
  });
  return row([label(trans.__('Grouped by')), chips, add]);
}

function measureControl(
  measure: Measure,
  choices: PlanChoices,
  trans: ITrans,
  onEdit: OnEdit
): HTMLElement | null {
  const functions = choices.aggregates[measure.id];
  if (!functions || functions.length < 2) {
    return null;
  }
  const name = measure.alias ?? measure.sql;
  const picker = select(
    trans.__('Aggregate of %1', name),
    functions.map(f => [f, aggregateWords(f, trans)]),
    measure.function
  );
  picker.addEventListener('change', () =>
    onEdit({
      type: 'SetAggregate',
      measure_id: measure.id,
      function: picker.value
    })
  );
  return row([label(name), picker, h('span', { text: measure.column })]);
}

function orderControl(
  item: OrderItem,
  trans: ITrans,
  onEdit: OnEdit
): HTMLElement {
  return row([
    label(trans.__('Sorted by %1', item.expression)),
    h('span', {
      text: item.descending ? trans.__('descending') : trans.__('ascending')
    }),
    button(
      item.descending
        ? trans.__('Sort ascending')
        : trans.__('Sort descending'),
      () => onEdit(flipOrderEdit(item))
    )
  ]);
}

function sortControl(
  keys: SortChoice[],
  trans: ITrans,
  onEdit: OnEdit
): HTMLElement | null {
  if (!keys.length) {
    return null;
  }
  const key = select(
    trans.__('Sort instead by'),
    [
      ['', trans.__('(choose a column)')],
      ...keys.map((k): [string, string] => [k.key, k.label])
    ],
    ''
  );
  const direction = select(
    trans.__('Sort direction'),
    [
      ['true', trans.__('high to low')],
      ['false', trans.__('low to high')]
    ],
    'true'
  );
  key.addEventListener('change', () => key.setCustomValidity(''));
  const apply = (): void => {
    if (!key.value) {
      complain(key, trans.__('choose a column'));
      return;
    }
    onEdit({
      type: 'SetOrder',
      key: key.value,
      descending: direction.value === 'true'
    });
  };
  return row([
    label(trans.__('Sort instead by')),
    key,
    direction,
    button(trans.__('Sort'), apply, { ariaLabel: trans.__('Sort the result') })
  ]);
}

function limitControl(plan: Plan, trans: ITrans, onEdit: OnEdit): HTMLElement {
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
    sendOrComplain(
      input,
      edit,
      trans.__('a whole number of rows, at least 1'),
      onEdit
    );
  };
  applyOnEnter(input, apply);
  return row([
    label(trans.__('Rows')),
    input,
    button(trans.__('Apply limit'), apply)
  ]);
}
