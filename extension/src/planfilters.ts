/**
 * The plan's condition controls: each condition's operator and values (and removing it), and a new
 * condition on a column of the query; values are typed comma-separated, as many as the operator takes.
 */
import { button } from './dom';
import { addFilterEdit, filterEdit } from './planedits';
import {
  applyOnEnter,
  complain,
  label,
  row,
  select,
  sendOrComplain,
  textInput
} from './planform';
import { formatValues } from './planvalues';
import { operatorWords } from './planwords';
import { ITrans } from './trans';
import { Filter, OperatorChoice, PlanChoices, PlanEdit } from './wire';

/** How many values `operator` takes, in words: what a refused count is told. */
function countMessage(operator: OperatorChoice, trans: ITrans): string {
  const { min_values: min, max_values: max } = operator;
  if (max === min) {
    return trans.__('type %1 value(s), separated by commas', min);
  }
  return trans.__('type at least %1 value(s), separated by commas', min);
}

/** The operators a filter offers: the plan's, or its own when the plan sends none. */
function operatorsOf(current: string, choices: PlanChoices): OperatorChoice[] {
  if (choices.operators.some(o => o.operator === current)) {
    return choices.operators;
  }
  return [
    { operator: current, min_values: 0, max_values: null },
    ...choices.operators
  ];
}

/** An operator `<select>` and the values box it enables (none for `is empty`). */
function operatorPicker(
  operators: OperatorChoice[],
  value: string,
  name: string,
  values: HTMLInputElement,
  trans: ITrans
): { node: HTMLSelectElement; chosen: () => OperatorChoice } {
  const node = select(
    trans.__('Operator of %1', name),
    operators.map(o => [o.operator, operatorWords(o.operator, trans)]),
    value
  );
  const chosen = (): OperatorChoice =>
    operators.find(o => o.operator === node.value) ?? operators[0];
  const sync = (): void => {
    values.disabled = chosen().max_values === 0;
    values.setCustomValidity('');
  };
  node.addEventListener('change', sync);
  sync();
  return { node, chosen };
}

export function filterControl(
  filter: Filter,
  choices: PlanChoices,
  trans: ITrans,
  onEdit: (edit: PlanEdit) => void
): HTMLElement {
  const name = filter.column ?? filter.sql;
  const input = textInput(
    trans.__('Value of %1 %2', name, filter.operator ?? ''),
    formatValues(filter.values),
    trans
  );
  const operator = operatorPicker(
    operatorsOf(filter.operator!, choices),
    filter.operator!,
    name,
    input,
    trans
  );
  const apply = (): void => {
    const edit = filterEdit(filter, operator.chosen(), input.value);
    sendOrComplain(input, edit, countMessage(operator.chosen(), trans), onEdit);
  };
  applyOnEnter(input, apply);
  return row([
    label(
      filter.clause === 'having' ? trans.__('%1 (after grouping)', name) : name
    ),
    operator.node,
    input,
    button(trans.__('Apply'), apply, {
      ariaLabel: trans.__('Apply filter on %1', name)
    }),
    button('×', () => onEdit({ type: 'RemoveFilter', filter_id: filter.id }), {
      ariaLabel: trans.__('Remove filter %1', filter.sql)
    })
  ]);
}

export function newFilterControl(
  choices: PlanChoices,
  trans: ITrans,
  onEdit: (edit: PlanEdit) => void
): HTMLElement | null {
  if (!choices.filter_columns.length || !choices.operators.length) {
    return null;
  }
  const column = select(
    trans.__('Column of the new condition'),
    [
      ['', trans.__('(choose a column)')],
      ...choices.filter_columns.map((c): [string, string] => [c.name, c.name])
    ],
    ''
  );
  const input = textInput(trans.__('Values of the new condition'), '', trans);
  const operators = choices.operators;
  const operator = operatorPicker(
    operators,
    operators.some(o => o.operator === '=') ? '=' : operators[0].operator,
    trans.__('the new condition'),
    input,
    trans
  );
  column.addEventListener('change', () => column.setCustomValidity(''));
  const apply = (): void => {
    const chosen = choices.filter_columns.find(c => c.name === column.value);
    if (!chosen) {
      complain(column, trans.__('choose a column'));
      return;
    }
    const edit = addFilterEdit(chosen, operator.chosen(), input.value);
    sendOrComplain(input, edit, countMessage(operator.chosen(), trans), onEdit);
  };
  applyOnEnter(input, apply);
  return row([
    label(trans.__('Only rows where')),
    column,
    operator.node,
    input,
    button(trans.__('Add'), apply, {
      ariaLabel: trans.__('Add the condition')
    })
  ]);
}
