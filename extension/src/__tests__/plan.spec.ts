import { describe, expect, it } from 'vitest';
import {
  filterValueEdit,
  flipOrderEdit,
  limitEdit,
  PlanEdit,
  renderPlanControls,
  valueFilters
} from '../plan';
import { plainTrans } from '../trans';
import { plan } from './answer';

function controls(overrides = {}): { node: HTMLElement; edits: PlanEdit[] } {
  const edits: PlanEdit[] = [];
  const node = renderPlanControls(plan(overrides), plainTrans, edit =>
    edits.push(edit)
  )!;
  document.body.replaceChildren(node);
  return { node, edits };
}

function buttonNamed(node: HTMLElement, name: string): HTMLButtonElement {
  const found = Array.from(node.querySelectorAll('button')).find(
    button => (button.getAttribute('aria-label') ?? button.textContent) === name
  );
  if (!found) {
    throw new Error(`no button ${name}`);
  }
  return found;
}

describe('the edits', () => {
  it('reads a row limit: a whole number from 1, or nothing for all rows', () => {
    expect(limitEdit(' 5 ')).toEqual({ type: 'SetLimit', n: 5 });
    expect(limitEdit('')).toEqual({ type: 'SetLimit', n: null });
    expect(['0', '-1', '2.5', 'five'].map(limitEdit)).toEqual([
      null,
      null,
      null,
      null
    ]);
  });

  it('types a new filter value like the old one', () => {
    const [region] = valueFilters(plan());
    expect(filterValueEdit(region, 'East')).toEqual({
      type: 'SetFilterValue',
      filter_id: 'f1',
      values: ['East']
    });
    const amount = { ...region, values: [100] };
    expect(filterValueEdit(amount, '250').values).toEqual([250]);
    expect(filterValueEdit(amount, 'lots').values).toEqual(['lots']);
  });

  it('flips the order of a sort key', () => {
    expect(
      flipOrderEdit({ expression: 'customers', descending: true })
    ).toEqual({
      type: 'SetOrder',
      key: 'customers',
      descending: false
    });
  });
});

describe('renderPlanControls', () => {
  it('draws nothing for a plan that cannot be edited', () => {
    expect(
      renderPlanControls(plan({ editable: false }), plainTrans, () => {})
    ).toBeNull();
  });

  it('sends the row limit typed, and refuses one that is not a count', () => {
    const { node, edits } = controls({ limit: 10 });
    const input = node.querySelector<HTMLInputElement>(
      'input[aria-label="Row limit"]'
    )!;
    expect(input.value).toBe('10');
    input.value = '3';
    buttonNamed(node, 'Apply limit').click();
    input.value = '0';
    buttonNamed(node, 'Apply limit').click();
    expect(edits).toEqual([{ type: 'SetLimit', n: 3 }]);
    expect(input.validationMessage).not.toBe('');
  });

  it('changes and removes a filter, and flips the sort', () => {
    const { node, edits } = controls();
    const value = node.querySelector<HTMLInputElement>(
      'input[aria-label="Value of region ="]'
    )!;
    expect(value.value).toBe('West');
    value.value = 'East';
    value.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
    buttonNamed(node, "Remove filter region = 'West'").click();
    buttonNamed(node, 'Sort ascending').click();
    expect(edits).toEqual([
      { type: 'SetFilterValue', filter_id: 'f1', values: ['East'] },
      { type: 'RemoveFilter', filter_id: 'f1' },
      { type: 'SetOrder', key: 'customers', descending: false }
    ]);
  });
});
