import { EditorView } from '@codemirror/view';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { AnswerCard, ChartKind, ExportFormat, ICardActions } from '../card';
import { PlanEdit } from '../plan';
import { ReadingChange } from '../reading';
import { sqlMimeType } from '../sqleditor';
import { plainTrans } from '../trans';
import { Answer, Chart, Reading } from '../wire';
import { answer, SQL } from './answer';
import { jupyterLabSqlEditors } from './editors';

const sqlEditor = jupyterLabSqlEditors();

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
  runSql(sql: string): void {
    this.calls.push(['run', sql]);
  }
  removeReadingPart(chipId: string): void {
    this.calls.push(['reading', chipId]);
  }
  changeReading(change: ReadingChange): void {
    this.calls.push(['change', change]);
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
    actions,
    sqlEditor
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

/** A reading of customer counts by segment whose slots can be changed. */
function changeable(): Reading {
  return {
    text: 'customer count by segment',
    sql: SQL,
    notes: [],
    query: {
      metrics: ['customer_count'],
      group_by: ['segment'],
      time_range: 'all',
      time_grain: 'none'
    },
    chips: [],
    choices: {
      metrics: [
        {
          value: 'customer_count',
          text: 'customer count',
          group_by: ['segment', 'region']
        },
        {
          value: 'revenue',
          text: '<b>revenue</b>',
          group_by: ['segment', 'region', 'category']
        }
      ],
      group_by: [
        { value: 'segment', text: 'segment' },
        { value: 'region', text: 'region' },
        { value: 'category', text: 'category' }
      ],
      time_ranges: [
        { value: 'all', text: 'all time' },
        { value: 'last_year', text: 'last year (2025-01-01 to 2025-12-31)' }
      ],
      grains: [
        { value: 'none', text: '(no time buckets)' },
        { value: 'month', text: 'month' }
      ],
      comparisons: [{ value: 'none', text: 'no comparison' }],
      shows: [{ value: 'percent', text: 'the percent change' }],
      directions: [{ value: 'none', text: 'all rows' }],
      within: [{ value: '', text: 'overall' }],
      share: false
    }
  };
}

/** The SQL's editor: CodeMirror's text box. */
function sqlBox(card: AnswerCard): HTMLElement {
  return region(card, 'SQL')!.querySelector<HTMLElement>(
    '[role="textbox"][aria-label="SQL of the answer, editable"]'
  )!;
}

/** Type `text` over the SQL, as the editor takes a user's input. */
function typeSql(card: AnswerCard, text: string): void {
  const view = EditorView.findFromDOM(sqlBox(card))!;
  view.dispatch({
    changes: { from: 0, to: view.state.doc.length, insert: text },
    userEvent: 'input.type'
  });
}

function press(card: AnswerCard, init: KeyboardEventInit): void {
  sqlBox(card).dispatchEvent(
    new KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...init })
  );
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
    expect(sqlBox(card).textContent).toBe(SQL);
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

  it('labels a regenerated answer as a regeneration, not as an edit', () => {
    const origin = (value: Answer): string | null =>
      draw(value).node.querySelector('.jp-ChatBI-origin')?.textContent ?? null;
    expect(origin(answer())).toBeNull();
    const regenerated = `${SQL} LIMIT 3`;
    expect(
      origin(
        answer({ sql: regenerated, generated_sql: regenerated, sample: 2 })
      )
    ).toBe('Regenerated (sample 2)');
    expect(
      origin(
        answer({
          sql: `${regenerated} OFFSET 1`,
          generated_sql: regenerated,
          sample: 2,
          edited: true
        })
      )
    ).toBe('Regenerated (sample 2) · Edited');
    expect(origin(answer({ sql: `${SQL} LIMIT 3`, edited: true }))).toBe(
      'Edited'
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

  it('shows how a semantic answer read the question, and takes its ratio, a bound or a date window off', () => {
    expect(region(draw(), 'Read as')).toBeNull();
    const card = draw(
      answer({
        path: 'semantic',
        interpretation: {
          text: 'refund amount, revenue by channel · refund amount as % of revenue · revenue ≥ 1,000',
          sql: SQL,
          notes: [],
          query: { metrics: ['refund_amount', 'revenue'], ratio: true },
          choices: null,
          chips: [
            {
              id: 'ratio',
              kind: 'ratio',
              text: 'refund amount as % of revenue'
            },
            { id: 'bound:0', kind: 'bound', text: '<b>revenue</b> ≥ 1,000' },
            { id: 'window:0', kind: 'window', text: 'signup date: last year' }
          ]
        }
      })
    );
    const reading = region(card, 'Read as')!;
    expect(reading.querySelector('.jp-ChatBI-readingText')!.textContent).toBe(
      'refund amount, revenue by channel · refund amount as % of revenue · revenue ≥ 1,000'
    );
    const chips = reading.querySelector(
      'ul[aria-label="Parts of the reading"]'
    )!;
    expect(
      Array.from(chips.querySelectorAll('li')).map(li => [
        li.getAttribute('data-kind'),
        li.querySelector('span')!.textContent
      ])
    ).toEqual([
      ['ratio', 'refund amount as % of revenue'],
      ['bound', '<b>revenue</b> ≥ 1,000'],
      ['window', 'signup date: last year']
    ]);
    expect(chips.querySelector('b')).toBeNull();
    expect(button(card, 'Remove signup date: last year').title).toBe(
      'Count everyone, whatever this date'
    );
    button(card, 'Remove <b>revenue</b> ≥ 1,000').click();
    button(card, 'Remove refund amount as % of revenue').click();
    button(card, 'Remove signup date: last year').click();
    expect(actions.calls).toEqual([
      ['reading', 'bound:0'],
      ['reading', 'ratio'],
      ['reading', 'window:0']
    ]);
  });

  it('offers the measures, the groupings they reach, the window and the grain, and applies them together', () => {
    const card = draw(
      answer({ path: 'semantic', interpretation: changeable() })
    );
    const controls = region(card, 'Read as')!.querySelector<HTMLElement>(
      '[role="group"][aria-label="Change the reading"]'
    )!;
    const chipsOf = (label: string) =>
      Array.from(
        controls.querySelectorAll(`ul[aria-label="${label}"] > li > span`)
      ).map(span => span.textContent);
    const picker = (label: string) =>
      controls.querySelector<HTMLSelectElement>(
        `select[aria-label="${label}"]`
      )!;
    const offered = (label: string) =>
      Array.from(picker(label).options).map(option => option.text);
    const choose = (label: string, value: string) => {
      picker(label).value = value;
      picker(label).dispatchEvent(new Event('change'));
    };
    const apply = button(card, 'Apply reading');

    expect(chipsOf('Measures')).toEqual(['customer count']);
    expect(chipsOf('By')).toEqual(['segment']);
    expect(offered('Add a grouping')).toEqual(['Add a grouping…', 'region']);
    expect(offered('Time window')).toEqual([
      'all time',
      'last year (2025-01-01 to 2025-12-31)'
    ]);
    expect(picker('Time window').value).toBe('all');
    expect(picker('Time grain').value).toBe('none');
    expect(apply.disabled).toBe(true);

    choose('Time window', 'last_year');
    expect(apply.disabled).toBe(false);
    apply.click();
    expect(actions.calls).toEqual([['change', { time_range: 'last_year' }]]);

    choose('Add a measure', 'revenue');
    button(card, 'Remove customer count').click();
    expect(chipsOf('Measures')).toEqual(['<b>revenue</b>']);
    expect(controls.querySelector('b')).toBeNull();
    expect(offered('Add a grouping')).toEqual([
      'Add a grouping…',
      'region',
      'category'
    ]);
    choose('Add a grouping', 'category');
    choose('Time grain', 'month');
    apply.click();
    expect(actions.calls[1]).toEqual([
      'change',
      {
        metrics: ['revenue'],
        group_by: ['segment', 'category'],
        time_range: 'last_year',
        time_grain: 'month'
      }
    ]);
    choose('Time window', 'all');
    choose('Time grain', 'none');
    button(card, 'Remove category').click();
    button(card, 'Remove <b>revenue</b>').click();
    choose('Add a measure', 'customer_count');
    expect(apply.disabled).toBe(true);
  });

  it('shows a reading without parts to take off as its words only', () => {
    const reading = region(
      draw(
        answer({
          interpretation: {
            text: 'revenue by region',
            sql: SQL,
            notes: [],
            query: null,
            chips: [],
            choices: null
          }
        })
      ),
      'Read as'
    )!;
    expect(reading.textContent).toBe('Read asrevenue by region');
    expect(reading.querySelector('button')).toBeNull();
  });

  it("shows the SQL in JupyterLab's editor, highlighted as the dialect's SQL", async () => {
    const card = draw();
    const box = sqlBox(card);
    expect(box.getAttribute('contenteditable')).toBe('true');
    expect(box.closest('.jp-ChatBI-sqlEditor')).not.toBeNull();
    await vi.waitFor(() =>
      expect(box.getAttribute('data-language')).toBe('sql')
    );
    // the keywords are told apart from the names: the line is drawn in highlighted pieces
    await vi.waitFor(() =>
      expect(box.querySelector('.cm-line span')).not.toBeNull()
    );
    expect(sqlMimeType('sqlite')).toBe('text/x-sqlite');
    expect(sqlMimeType('postgres')).toBe('text/x-pgsql');
    expect(sqlMimeType('duckdb')).toBe('text/x-sql');
    card.dispose();
    expect(region(card, 'SQL')!.querySelector('.cm-editor')).toBeNull();
  });

  it('runs the SQL as edited from Run, Ctrl+Enter and Shift+Enter, and copies what is on screen', async () => {
    const card = draw();
    typeSql(card, 'SELECT segment FROM customers');
    button(card, 'Run the SQL shown').click();
    press(card, { key: 'Enter', ctrlKey: true });
    press(card, { key: 'Enter', shiftKey: true });
    expect(actions.calls).toEqual([
      ['run', 'SELECT segment FROM customers'],
      ['run', 'SELECT segment FROM customers'],
      ['run', 'SELECT segment FROM customers']
    ]);
    expect(sqlBox(card).textContent).toBe('SELECT segment FROM customers');
    expect(card.sqlShown).toBe('SELECT segment FROM customers');
    button(card, 'Copy SQL').click();
    await Promise.resolve();
    expect(actions.copied).toEqual(['SELECT segment FROM customers']);

    card.setBusy(true);
    expect(button(card, 'Run the SQL shown').disabled).toBe(true);
    press(card, { key: 'Enter', ctrlKey: true });
    expect(actions.calls).toHaveLength(3);
    card.setBusy(false);

    typeSql(card, '  ');
    button(card, 'Run the SQL shown').click();
    expect(actions.calls).toHaveLength(3);
    expect(card.node.querySelector('[role="status"]')!.textContent).toBe(
      'There is no SQL to run'
    );
    expect(
      button(card, 'Run the SQL shown').getAttribute('aria-describedby')
    ).toBe(region(card, 'SQL')!.querySelector('.jp-ChatBI-sqlHint')!.id);
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

  it('shows markup in an error, a diagnostic, the status and a cell as text', () => {
    const script = '<script>alert(1)</script>';
    const image = '<img src="https://evil.example/x.png" onerror="alert(1)">';
    const card = draw(
      answer({
        error: `no such table: ${image}`,
        status: `not run: ${script}`,
        diagnostics: [
          {
            code: 'unknown-table',
            severity: 'error',
            message: `no table ${image}`,
            start: null,
            end: null
          }
        ],
        table: {
          columns: [{ name: script, label: script, type: 'string' }],
          rows: [[image]],
          row_count: 1,
          truncated: false
        },
        chart: null
      })
    );
    const status = card.node.querySelector('[role="status"]')!;
    expect(status.textContent).toBe(`not run: ${script}`);
    card.setStatus(`not run: ${image}`, true);
    expect(card.node.querySelector('img, script')).toBeNull();
    expect(card.node.querySelector('[role="alert"]')!.textContent).toBe(
      `no such table: ${image}`
    );
    expect(status.textContent).toBe(`not run: ${image}`);
    expect(card.node.textContent).toContain(`no table ${image}`);
    expect(card.node.querySelector('th')!.textContent).toBe(script);
    expect(card.node.querySelector('td')!.textContent).toBe(image);
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
