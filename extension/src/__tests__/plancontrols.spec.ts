/**
 * The plan's controls that the notebook's answer view offers too: a condition's operator and values, a new
 * condition, the time window or days, the grouping, a measure's aggregate and another sort key; each sends
 * one edit, and the panel draws the answer the server returns for it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ChatBIPanel } from '../panel';
import { PlanEdit, renderPlanControls } from '../plan';
import { formatValues, parseValues, splitValues } from '../planvalues';
import { ITrans, plainTrans } from '../trans';
import { EditRequest, Plan, PlanChoices } from '../wire';
import { answer, plan } from './answer';
import { askedPanel } from './panels';

const CHOICES: PlanChoices = {
  operators: [
    { operator: '=', min_values: 1, max_values: 1 },
    { operator: 'in', min_values: 1, max_values: null },
    { operator: 'between', min_values: 2, max_values: 2 },
    { operator: 'is null', min_values: 0, max_values: 0 }
  ],
  filter_columns: [
    { name: 'region', numeric: false },
    { name: 'credit_limit', numeric: true }
  ],
  group_columns: ['region', 'regions.name', 'segment'],
  aggregates: { m2: ['count', 'sum', 'avg', 'min', 'max'] },
  sort_keys: [{ label: 'segment', key: 'segment' }],
  time_ranges: [
    {
      column: 'signup_date',
      amount: 3,
      unit: 'month',
      start: '2026-03-30',
      end: ''
    },
    {
      column: 'o.order_date',
      amount: null,
      unit: null,
      start: '2025-01-01',
      end: '2025-12-31'
    }
  ],
  units: ['day', 'week', 'month', 'year']
};

/** The test answer's plan with a second measure, SUM(credit_limit), and the choices above. */
function richPlan(overrides: Partial<Plan> = {}): Plan {
  const base = plan();
  return plan({
    measures: [
      ...base.measures,
      {
        id: 'm2',
        function: 'sum',
        column: 'credit_limit',
        distinct: false,
        alias: 'credit',
        sql: 'SUM(credit_limit)',
        editable: true
      }
    ],
    choices: CHOICES,
    ...overrides
  });
}

function controls(
  shown: Plan = richPlan(),
  trans: ITrans = plainTrans
): { node: HTMLElement; edits: PlanEdit[] } {
  const edits: PlanEdit[] = [];
  const node = renderPlanControls(shown, trans, edit => edits.push(edit))!;
  document.body.replaceChildren(node);
  return { node, edits };
}

function named<T extends HTMLElement>(node: HTMLElement, label: string): T {
  const found = node.querySelector<T>(`[aria-label="${label}"]`);
  if (!found) {
    throw new Error(`nothing named ${label}`);
  }
  return found;
}

function choose(select: HTMLSelectElement, value: string): void {
  select.value = value;
  select.dispatchEvent(new Event('change'));
}

describe('filter values as typed', () => {
  it('splits at commas outside quotes and writes back what it read', () => {
    expect(splitValues('SMB, "A, B", "say ""hi"""')).toEqual([
      'SMB',
      'A, B',
      'say "hi"'
    ]);
    expect(formatValues(['SMB', 'A, B', 5000])).toBe('SMB, "A, B", 5000');
    expect(splitValues(formatValues(['A, B', 'x"y']))).toEqual(['A, B', 'x"y']);
    expect(splitValues('  ')).toEqual([]);
  });

  it('reads numbers where the filter compared numbers, text where it compared text', () => {
    expect(parseValues('5000, 12.5', [1])).toEqual([5000, 12.5]);
    expect(parseValues('5000, SMB', ['x'])).toEqual(['5000', 'SMB']);
    expect(parseValues('7, Enterprise')).toEqual([7, 'Enterprise']);
  });
});

describe('the condition controls', () => {
  it('changes the operator with its values, and sends none for "is empty"', () => {
    const { node, edits } = controls();
    const operator = named<HTMLSelectElement>(node, 'Operator of region');
    const values = named<HTMLInputElement>(node, 'Value of region =');
    expect(operator.value).toBe('=');
    expect(Array.from(operator.options).map(o => o.textContent)).toEqual([
      'is',
      'is one of',
      'is between',
      'is empty'
    ]);
    choose(operator, 'in');
    values.value = 'West, "North, East"';
    named(node, 'Apply filter on region').click();
    choose(operator, 'is null');
    expect(values.disabled).toBe(true);
    named(node, 'Apply filter on region').click();
    expect(edits).toEqual([
      {
        type: 'SetFilterOperator',
        filter_id: 'f1',
        operator: 'in',
        values: ['West', 'North, East']
      },
      {
        type: 'SetFilterOperator',
        filter_id: 'f1',
        operator: 'is null',
        values: []
      }
    ]);
  });

  it('refuses values that are not as many as the operator takes', () => {
    const { node, edits } = controls();
    choose(named<HTMLSelectElement>(node, 'Operator of region'), 'between');
    const values = named<HTMLInputElement>(node, 'Value of region =');
    values.value = 'West';
    values.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
    expect(edits).toEqual([]);
    expect(values.validationMessage).toBe(
      'type 2 value(s), separated by commas'
    );
  });

  it('adds a condition on a column of the query, its values read as the column holds them', () => {
    const { node, edits } = controls();
    const column = named<HTMLSelectElement>(
      node,
      'Column of the new condition'
    );
    named(node, 'Add the condition').click();
    expect(edits).toEqual([]);
    expect(column.validationMessage).toBe('choose a column');
    choose(column, 'credit_limit');
    choose(
      named<HTMLSelectElement>(node, 'Operator of the new condition'),
      'in'
    );
    named<HTMLInputElement>(node, 'Values of the new condition').value =
      '5000, 7500';
    named(node, 'Add the condition').click();
    expect(edits).toEqual([
      {
        type: 'AddFilter',
        column: 'credit_limit',
        operator: 'in',
        values: [5000, 7500],
        clause: 'where'
      }
    ]);
  });
});

describe('the time controls', () => {
  it('sets the window of a range that is "the last N units"', () => {
    const { node, edits } = controls();
    const amount = named<HTMLInputElement>(
      node,
      'Length of the time window on signup_date'
    );
    expect(amount.value).toBe('3');
    amount.value = '0';
    named(node, 'Apply the time window on signup_date').click();
    expect(amount.validationMessage).not.toBe('');
    amount.value = '6';
    choose(
      named<HTMLSelectElement>(node, 'Unit of the time window on signup_date'),
      'week'
    );
    named(node, 'Apply the time window on signup_date').click();
    expect(edits).toEqual([
      { type: 'SetTimeWindow', target: 'signup_date', amount: 6, unit: 'week' }
    ]);
  });

  it('sets the days of another range, an emptied day leaving that end open', () => {
    const { node, edits } = controls();
    const first = named<HTMLInputElement>(node, 'First day of o.order_date');
    const last = named<HTMLInputElement>(node, 'Last day of o.order_date');
    expect([first.type, first.value, last.value]).toEqual([
      'date',
      '2025-01-01',
      '2025-12-31'
    ]);
    first.value = '2025-02-01';
    last.value = '';
    named(node, 'Apply the dates on o.order_date').click();
    expect(edits).toEqual([
      {
        type: 'SetDateRange',
        target: 'o.order_date',
        start: '2025-02-01',
        end: null
      }
    ]);
  });
});

describe('the grouping, measure and sort controls', () => {
  it('drops a grouping column and adds one of those not grouped by yet', () => {
    const { node, edits } = controls();
    const add = named<HTMLSelectElement>(node, 'Also group by');
    expect(Array.from(add.options).map(o => o.value)).toEqual([
      '',
      'region',
      'regions.name'
    ]);
    named(node, 'Stop grouping by segment').click();
    choose(add, 'regions.name');
    expect(edits).toEqual([
      { type: 'RemoveGroupBy', column: 'segment' },
      { type: 'AddGroupBy', column: 'regions.name' }
    ]);
  });

  it("changes a measure's aggregate; COUNT(*), which can only count, has no control", () => {
    const { node, edits } = controls();
    expect(
      node.querySelector('[aria-label="Aggregate of customers"]')
    ).toBeNull();
    const credit = named<HTMLSelectElement>(node, 'Aggregate of credit');
    expect(credit.value).toBe('sum');
    expect(credit.selectedOptions[0].textContent).toBe('total');
    choose(credit, 'avg');
    expect(edits).toEqual([
      { type: 'SetAggregate', measure_id: 'm2', function: 'avg' }
    ]);
  });

  it('sorts by another column, high to low unless asked otherwise', () => {
    const { node, edits } = controls();
    named(node, 'Sort the result').click();
    expect(edits).toEqual([]);
    choose(named<HTMLSelectElement>(node, 'Sort instead by'), 'segment');
    named(node, 'Sort the result').click();
    choose(named<HTMLSelectElement>(node, 'Sort direction'), 'false');
    named(node, 'Sort the result').click();
    expect(edits).toEqual([
      { type: 'SetOrder', key: 'segment', descending: true },
      { type: 'SetOrder', key: 'segment', descending: false }
    ]);
  });
});

describe('every plan control', () => {
  it('has an accessible name, and words through the translation bundle', () => {
    const shout: ITrans = {
      __: (msgid: string, ...args: unknown[]) =>
        plainTrans.__(msgid, ...args).toUpperCase()
    };
    const { node } = controls(richPlan(), shout);
    for (const control of Array.from(
      node.querySelectorAll('input, select, button')
    )) {
      const name =
        control.getAttribute('aria-label') ?? control.textContent ?? '';
      expect(name.trim(), control.outerHTML).not.toBe('');
    }
    const operator = named<HTMLSelectElement>(node, 'OPERATOR OF REGION');
    expect(operator.options[0].textContent).toBe('IS');
    expect(
      named(node, 'UNIT OF THE TIME WINDOW ON SIGNUP_DATE').textContent
    ).toContain('MONTHS');
  });

  it('shows names and values from the database as text', () => {
    const hostile = '<img src=x onerror="alert(1)">';
    const { node } = controls(
      richPlan({
        group_by: [hostile],
        choices: {
          ...CHOICES,
          filter_columns: [{ name: hostile, numeric: false }]
        }
      })
    );
    expect(node.querySelector('img')).toBeNull();
    expect(node.textContent).toContain(hostile);
  });

  it('offers only the old controls when the plan comes without choices', () => {
    const { node } = controls(plan());
    expect(
      node.querySelector('[aria-label="Column of the new condition"]')
    ).toBeNull();
    expect(
      named<HTMLSelectElement>(node, 'Operator of region').options.length
    ).toBe(1);
    expect(named(node, 'Row limit')).toBeTruthy();
  });
});

describe('a plan control in the panel', () => {
  let Panel: typeof ChatBIPanel;

  beforeAll(async () => {
    Element.prototype.scrollIntoView ??= () => undefined; // no layout in jsdom
    Panel = (await import('../panel')).ChatBIPanel;
  });

  it('sends its edit to POST edit and draws the SQL, steps and rows returned', async () => {
    const first = answer({ path: 'sql', plan: richPlan() });
    const averaged =
      "SELECT segment, COUNT(*) AS customers, AVG(credit_limit) AS credit FROM customers WHERE region = 'West' GROUP BY segment ORDER BY customers DESC";
    const sent: EditRequest[] = [];
    const panel = await askedPanel(Panel, first, {
      edit: async (request: EditRequest) => {
        sent.push(request);
        return {
          ...first,
          sql: averaged,
          edited: true,
          status: 'ran the edited query: 1 row',
          steps: [
            {
              kind: 'select',
              text: 'Average the credit limit',
              sql: null,
              terms: [],
              children: []
            }
          ],
          plan: richPlan({ sql: averaged }),
          table: { ...first.table!, rows: [['Consumer', 4000]], row_count: 1 }
        };
      }
    });
    choose(named<HTMLSelectElement>(panel.node, 'Aggregate of credit'), 'avg');
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(sent).toEqual([
      {
        answer_id: 'a1',
        edit: { type: 'SetAggregate', measure_id: 'm2', function: 'avg' },
        connection: 'demo'
      }
    ]);
    const card = panel.node.querySelector<HTMLElement>(
      'article.jp-ChatBI-card'
    )!;
    expect(card.textContent).toContain('AVG(credit_limit)');
    expect(card.textContent).toContain('Average the credit limit');
    expect(card.textContent).toContain('ran the edited query: 1 row');
    expect(card.querySelectorAll('tbody tr').length).toBe(1);
  });
});
