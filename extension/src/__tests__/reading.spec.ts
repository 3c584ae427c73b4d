/**
 * The "Read as" controls of a semantic answer's comparison, ranking and share: offered from the server's
 * choices, narrowed and enabled as the other controls are set, and sent together as the slots that
 * changed (POST reading's `comparison`, `ranking` and `share`).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { IReadingActions, ReadingChange, renderReading } from '../reading';
import { plainTrans } from '../trans';
import { Reading, ReadingChoices } from '../wire';

/** The choices of a revenue reading (as `query_choices` words them in English). */
function choices(overrides: Partial<ReadingChoices> = {}): ReadingChoices {
  const groupBy = [
    { value: 'region', text: 'region' },
    { value: 'channel', text: '<img src=x onerror=alert(1)>channel' }
  ];
  const grains = [
    { value: 'none', text: '(no time buckets)' },
    { value: 'month', text: 'month' },
    { value: 'quarter', text: 'quarter' },
    { value: 'year', text: 'year' }
  ];
  return {
    metrics: [
      { value: 'revenue', text: 'revenue', group_by: ['region', 'channel'] }
    ],
    group_by: groupBy,
    time_ranges: [
      { value: 'all', text: 'all time' },
      { value: 'last_quarter', text: 'last quarter' }
    ],
    grains,
    comparisons: [
      { value: 'none', text: 'no comparison' },
      { value: 'previous_period', text: 'with the previous period' },
      { value: 'same_period_last_year', text: 'with the same period last year' }
    ],
    shows: [
      { value: 'value', text: 'both values' },
      { value: 'delta', text: 'the difference' },
      { value: 'percent', text: 'the percent change' }
    ],
    directions: [
      { value: 'none', text: 'all rows' },
      { value: 'top', text: 'the top' },
      { value: 'bottom', text: 'the bottom' }
    ],
    within: [{ value: '', text: 'overall' }, ...groupBy, ...grains.slice(1)],
    share: true,
    ...overrides
  };
}

/** Revenue by region last quarter, with what the query has besides. */
function reading(
  query: Record<string, unknown> = {},
  overrides: Partial<ReadingChoices> = {}
): Reading {
  return {
    text: 'revenue by region · last quarter',
    sql: 'SELECT 1',
    notes: [],
    query: {
      metrics: ['revenue'],
      group_by: ['region'],
      time_range: 'last_quarter',
      time_grain: 'none',
      comparison: { kind: 'none', show: 'percent', against: null },
      ranking: { direction: 'none', n: 0, within: null, by: null },
      share: false,
      ...query
    },
    chips: [],
    choices: choices(overrides)
  };
}

class Recorder implements IReadingActions {
  changes: ReadingChange[] = [];
  remove(): void {
    throw new Error('no chip to take off here');
  }
  change(change: ReadingChange): void {
    this.changes.push(change);
  }
}

let actions: Recorder;

beforeEach(() => {
  actions = new Recorder();
});

/** The reading drawn in a document, and how a user finds its controls. */
function drawn(value: Reading) {
  const root = document.createElement('div');
  root.append(...renderReading(value, plainTrans, actions));
  document.body.replaceChildren(root);
  const group = root.querySelector<HTMLElement>(
    '[role="group"][aria-label="Change the reading"]'
  )!;
  const control = <T extends HTMLElement>(label: string): T =>
    group.querySelector<T>(`[aria-label="${label}"]`)!;
  const select = (label: string) => control<HTMLSelectElement>(label);
  const offered = (label: string) =>
    Array.from(select(label).options).map(option => [
      option.value,
      option.text
    ]);
  const choose = (label: string, value: string) => {
    select(label).value = value;
    select(label).dispatchEvent(new Event('change'));
  };
  const share = () =>
    Array.from(group.querySelectorAll('label'))
      .find(label => label.textContent === 'Each value as a share of the total')
      ?.querySelector<HTMLInputElement>('input[type="checkbox"]') ?? null;
  const apply = group.querySelector<HTMLButtonElement>(
    '.jp-ChatBI-applyReading'
  )!;
  return { group, control, select, offered, choose, share, apply };
}

describe('the comparison, ranking and share of a reading', () => {
  it('offers the server’s choices with the reading’s own chosen', () => {
    const { control, select, offered, share, apply } = drawn(reading());
    expect(offered('Compare with').map(([value]) => value)).toEqual([
      'none',
      'previous_period',
      'same_period_last_year'
    ]);
    expect(select('Compare with').value).toBe('none');
    expect(select('Show beside both values').value).toBe('percent');
    expect(select('Show beside both values').disabled).toBe(true);
    expect(select('Keep rows').value).toBe('none');
    expect(control<HTMLInputElement>('Number of rows to keep').disabled).toBe(
      true
    );
    expect(select('Rank within').disabled).toBe(true);
    expect(share()!.checked).toBe(false);
    expect(apply.disabled).toBe(true);
  });

  it('sends a comparison with what it shows', () => {
    const { select, choose, apply } = drawn(reading());
    choose('Compare with', 'same_period_last_year');
    expect(select('Show beside both values').disabled).toBe(false);
    choose('Show beside both values', 'delta');
    expect(apply.disabled).toBe(false);
    apply.click();
    expect(actions.changes).toEqual([
      { comparison: { kind: 'same_period_last_year', show: 'delta' } }
    ]);
    // what a comparison shows is no change while there is none
    choose('Compare with', 'none');
    expect(apply.disabled).toBe(true);
  });

  it('ranks within the groupings and the grain chosen only', () => {
    const { control, select, offered, choose, apply } = drawn(reading());
    choose('Keep rows', 'top');
    const rows = control<HTMLInputElement>('Number of rows to keep');
    expect(rows.disabled).toBe(false);
    expect(rows.value).toBe('10');
    expect(offered('Rank within')).toEqual([
      ['', 'overall'],
      ['region', 'region']
    ]);
    choose('Time grain', 'quarter');
    expect(offered('Rank within').map(([value]) => value)).toEqual([
      '',
      'region',
      'quarter',
      'year'
    ]);
    choose('Rank within', 'year');
    rows.value = '3';
    rows.dispatchEvent(new Event('input'));
    apply.click();
    expect(actions.changes).toEqual([
      {
        time_grain: 'quarter',
        ranking: { direction: 'top', n: 3, within: 'year' }
      }
    ]);
    // without the grain, a ranking within its year is overall again
    choose('Time grain', 'none');
    expect(select('Rank within').value).toBe('');
  });

  it('reads a ranking the reading has and turns it off', () => {
    const { control, select, choose, apply } = drawn(
      reading({
        ranking: { direction: 'bottom', n: 2, within: 'region', by: null }
      })
    );
    expect(select('Keep rows').value).toBe('bottom');
    expect(control<HTMLInputElement>('Number of rows to keep').value).toBe('2');
    expect(select('Rank within').value).toBe('region');
    choose('Keep rows', 'none');
    apply.click();
    expect(actions.changes).toEqual([
      { ranking: { direction: 'none', n: 2, within: 'region' } }
    ]);
  });

  it('shows a share of the whole, which no comparison can go with', () => {
    const { select, choose, share, apply } = drawn(reading());
    share()!.click();
    expect(select('Compare with').disabled).toBe(true);
    apply.click();
    expect(actions.changes).toEqual([{ share: true }]);
    share()!.click();
    expect(select('Compare with').disabled).toBe(false);
    choose('Compare with', 'previous_period');
    expect(share()!.disabled).toBe(true);
  });

  it('leaves out what the reading cannot have', () => {
    const { group, share } = drawn(
      reading(
        {},
        {
          comparisons: [{ value: 'none', text: 'no comparison' }],
          share: false
        }
      )
    );
    expect(group.querySelector('[aria-label="Compare with"]')).toBeNull();
    expect(share()).toBeNull();
    expect(group.querySelector('[aria-label="Keep rows"]')).not.toBeNull();
  });

  it('shows the choices’ words as text', () => {
    const { group, choose, offered } = drawn(reading());
    choose('Add a grouping', 'channel');
    choose('Keep rows', 'top');
    expect(offered('Rank within')[2]).toEqual([
      'channel',
      '<img src=x onerror=alert(1)>channel'
    ]);
    expect(group.querySelector('img')).toBeNull();
  });
});
