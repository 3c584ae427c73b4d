import { beforeEach, describe, expect, it } from 'vitest';
import { AnswerCard, ChartKind, ExportFormat, ICardActions } from '../card';
import { PlanEdit } from '../plan';
import { plainTrans } from '../trans';
import { Answer, Chart } from '../wire';
import { answer, SQL } from './answer';

/** The card's actions, recording what was asked of them. */
class Recorder implements ICardActions {
  calls: unknown[][] = [];
  drawn: [HTMLElement, Chart][] = [];
  copied: string[] = [];
  insert?: () => void = () => this.calls.push(['insert']);
  openTable?: () => void = () => this.calls.push(['openTable']);

  copy(sql: string): Promise<void> {
    this.copied.push(sql);
    return Promise.resolve();
  }
  feedback(kind: 'accept' | 'reject', reason: string | null): void {
    this.calls.push(['feedback', kind, reason]);
  }
  regenerate(): void {
    this.calls.push(['regenerate']);
  }
  edit(edit: PlanEdit): void {
    this.calls.push(['edit', edit]);
  }
  chart(kind: ChartKind): void {
    this.calls.push(['chart', kind]);
  }
  download(format: ExportFormat): void {
    this.calls.push(['download', format]);
  }
  drawChart(host: HTMLElement, chart: Chart): void {
    this.drawn.push([host, chart]);
  }
}

let actions: Recorder;

function draw(value: Answer = answer()): AnswerCard {
  const card = new AnswerCard(value, {
    trans: plainTrans,
    pageSize: 50,
    actions
  });
  document.body.replaceChildren(card.node);
  return card;
}

/** The region (a titled section) named `name`. */
function region(card: AnswerCard, name: string): HTMLElement | null {
  for (const section of Array.from(card.node.querySelectorAll('section'))) {
    const title = document.getElementById(
      section.getAttribute('aria-labelledby') ?? ''
    );
    if (title?.textContent === name) {
      return section;
    }
  }
  return null;
}

function button(card: AnswerCard, name: string): HTMLButtonElement {
  const found = Array.from(card.node.querySelectorAll('button')).find(
    node => (node.getAttribute('aria-label') ?? node.textContent) === name
  );
  if (!found) {
    throw new Error(`no button ${name}`);
  }
  return found;
}

beforeEach(() => {
  actions = new Recorder();
});

describe('AnswerCard', () => {
  it('is an article named after the question, with its parts as named regions', () => {
    const card = draw();
    expect(card.node.tagName).toBe('ARTICLE');
    expect(card.node.getAttribute('aria-label')).toBe(
      'Answer: How many customers are in each segment in the West?'
    );
    expect(card.node.getAttribute('aria-busy')).toBe('false');
    expect(region(card, 'SQL')!.querySelector('pre')!.textContent).toBe(SQL);
    expect(
      region(card, 'Explanation')!.querySelector('.jp-ChatBI-summary')!
        .textContent
    ).toBe('Counts the customers of the West region in each segment.');
    const steps = region(card, 'Explanation')!.querySelectorAll('ol > li');
    expect(Array.from(steps).map(step => step.firstChild!.textContent)).toEqual(
      ['Read customers', 'Keep the rows where', 'region is West']
    );
    expect(region(card, 'Result')!.querySelectorAll('tbody tr')).toHaveLength(
      3
    );
    expect(region(card, 'Change the query')).not.toBeNull();
    expect(card.node.querySelector('[role="status"]')!.textContent).toBe(
      'answered'
    );
  });

  it('shows the earlier questions a follow-up was sent with', () => {
    expect(draw().node.querySelector('details')).toBeNull();
    const history = [
      { question: 'How many customers?', sql: 'SELECT COUNT(*) FROM customers' }
    ];
    const details = draw(answer({ history })).node.querySelector('details')!;
    expect(details.querySelector('summary')!.textContent).toBe(
      'Follows up on 1 earlier question(s)'
    );
    expect(details.querySelector('li')!.textContent).toBe(
      'How many customers?SELECT COUNT(*) FROM customers'
    );
  });

  it('lists errors before warnings, each said in words', () => {
    const items = region(draw(), 'Checks')!.querySelectorAll('li');
    expect(Array.from(items).map(item => item.textContent)).toEqual([
      'Error: no column regoin',
      'Warning: no LIMIT'
    ]);
    expect(items[0].classList.contains('jp-mod-error')).toBe(true);
    expect(items[1].classList.contains('jp-mod-warning')).toBe(true);
  });

  it('hands the figure to the chart renderer, and switches the chart kind', () => {
    const card = draw();
    const chart = region(card, 'Chart')!;
    expect(actions.drawn).toHaveLength(1);
    expect(chart.contains(actions.drawn[0][0])).toBe(true);
    expect(actions.drawn[0][1].kind).toBe('bar');
    const select = chart.querySelector<HTMLSelectElement>(
      'select[aria-label="Chart type"]'
    )!;
    expect(Array.from(select.options).map(option => option.value)).toEqual([
      'bar',
      'pie',
      'table'
    ]);
    select.value = 'pie';
    select.dispatchEvent(new Event('change'));
    expect(actions.calls).toEqual([['chart', 'pie']]);
  });

  it('sends feedback, regenerates, downloads, inserts and copies the SQL', async () => {
    const card = draw();
    button(card, 'Good answer').click();
    const reason = card.node.querySelector<HTMLInputElement>(
      'input[aria-label="What is wrong"]'
    )!;
    expect(reason.closest<HTMLElement>('.jp-ChatBI-rejecting')!.hidden).toBe(
      true
    );
    button(card, 'Wrong answer').click();
    expect(reason.closest<HTMLElement>('.jp-ChatBI-rejecting')!.hidden).toBe(
      false
    );
    reason.value = ' counts the wrong region ';
    button(card, 'Send').click();
    button(card, 'Regenerate').click();
    button(card, 'Download CSV').click();
    button(card, 'Insert into notebook').click();
    expect(actions.calls).toEqual([
      ['feedback', 'accept', null],
      ['feedback', 'reject', 'counts the wrong region'],
      ['regenerate'],
      ['download', 'csv'],
      ['insert']
    ]);
    button(card, 'Copy SQL').click();
    await Promise.resolve();
    await Promise.resolve();
    expect(actions.copied).toEqual([SQL]);
    expect(card.node.querySelector('[role="status"]')!.textContent).toBe(
      'SQL copied'
    );
  });

  it('offers no insertion without a notebook or a result', () => {
    actions.insert = undefined;
    expect(() => button(draw(), 'Insert into notebook')).toThrow();
    actions = new Recorder();
    const failed = draw(
      answer({ table: null, chart: null, error: 'the database said no' })
    );
    expect(() => button(failed, 'Insert into notebook')).toThrow();
    expect(failed.node.querySelector('[role="alert"]')!.textContent).toBe(
      'the database said no'
    );
  });

  it('shows model text and database values as text', () => {
    const card = draw(
      answer({
        question: '<img src=x onerror=alert(1)>',
        summary: '<script>alert(1)</script>',
        sql: "SELECT '<b>bold</b>'"
      })
    );
    expect(card.node.querySelector('img, script, b')).toBeNull();
    expect(card.node.querySelector('h3')!.textContent).toBe(
      '<img src=x onerror=alert(1)>'
    );
  });

  it('disables its controls while busy, except Copy', () => {
    const card = draw();
    card.setBusy(true);
    expect(card.node.getAttribute('aria-busy')).toBe('true');
    expect(button(card, 'Regenerate').disabled).toBe(true);
    expect(card.node.querySelector<HTMLSelectElement>('select')!.disabled).toBe(
      true
    );
    expect(button(card, 'Copy SQL').disabled).toBe(false);
    card.setBusy(false);
    expect(button(card, 'Regenerate').disabled).toBe(false);
  });

  it('pages its result, and leaves a page button disabled for its own reason so after busy', () => {
    const rows = Array.from({ length: 120 }, (_, i) => [`s${i + 1}`, i]);
    const base = answer().table!;
    const card = draw(answer({ table: { ...base, rows, row_count: 1234 } }));
    const result = region(card, 'Result')!;
    const rangeOf = () =>
      result.querySelector('.jp-ChatBI-pageRange')!.textContent;
    expect(rangeOf()).toBe('rows 1–50 of 1,234');
    expect(result.querySelectorAll('tbody tr')).toHaveLength(50);
    expect(button(card, 'Previous page').disabled).toBe(true);
    card.setBusy(true);
    expect(button(card, 'Open in main area').disabled).toBe(true);
    expect(button(card, 'Next page').disabled).toBe(false);
    card.setBusy(false);
    expect(button(card, 'Previous page').disabled).toBe(true);
    expect(button(card, 'Open in main area').disabled).toBe(false);
    button(card, 'Next page').click();
    expect(rangeOf()).toBe('rows 51–100 of 1,234');
    button(card, 'Open in main area').click();
    expect(actions.calls).toEqual([['openTable']]);
    expect(card.node.querySelectorAll('[role="status"]')).toHaveLength(1);
  });

  it('offers no main-area view where there is none', () => {
    actions.openTable = undefined;
    expect(() => button(draw(), 'Open in main area')).toThrow();
  });
});
