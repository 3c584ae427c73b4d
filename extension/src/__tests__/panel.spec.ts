/**
 * The panel's requests for a card's controls: the SQL as edited sent to POST run in place of the
 * answer, a changed reading to POST reading, and the answer the server returns drawn in the card's
 * place (its editor freed).
 */
import { EditorView } from '@codemirror/view';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ChatBIPanel } from '../panel';
import { Answer, ReadingRequest, RunRequest } from '../wire';
import { answer } from './answer';
import { askedPanel } from './panels';

const EDITED = 'SELECT segment FROM customers';

describe('the panel', () => {
  let Panel: typeof ChatBIPanel;

  beforeAll(async () => {
    Element.prototype.scrollIntoView ??= () => undefined; // no layout in jsdom
    Panel = (await import('../panel')).ChatBIPanel;
  });

  /** A panel whose client answers one question and records the runs and readings asked for. */
  async function asked(first: Answer): Promise<{
    panel: ChatBIPanel;
    runs: RunRequest[];
    readings: ReadingRequest[];
  }> {
    const runs: RunRequest[] = [];
    const readings: ReadingRequest[] = [];
    const panel = await askedPanel(Panel, first, {
      run: async (request: RunRequest) => {
        runs.push(request);
        return { ...first, sql: request.sql, edited: true, status: 'ran it' };
      },
      reading: async (request: ReadingRequest) => {
        readings.push(request);
        return { ...first, status: 'read again' };
      }
    });
    return { panel, runs, readings };
  }

  function card(panel: ChatBIPanel): HTMLElement {
    return panel.node.querySelector<HTMLElement>('article.jp-ChatBI-card')!;
  }

  function named(panel: ChatBIPanel, label: string): HTMLElement {
    return card(panel).querySelector<HTMLElement>(`[aria-label="${label}"]`)!;
  }

  const settle = () => new Promise(resolve => setTimeout(resolve, 0));

  it('runs the SQL as edited in place of the answer, and draws the answer returned', async () => {
    const { panel, runs } = await asked(answer());
    const before = card(panel);
    const box = named(panel, 'SQL of the answer, editable');
    const view = EditorView.findFromDOM(box)!;
    view.dispatch({
      changes: { from: 0, to: view.state.doc.length, insert: EDITED }
    });
    box.dispatchEvent(
      new KeyboardEvent('keydown', {
        key: 'Enter',
        ctrlKey: true,
        bubbles: true,
        cancelable: true
      })
    );
    await settle();
    expect(runs).toEqual([
      {
        sql: EDITED,
        connection: 'demo',
        question: 'How many customers are in each segment in the West?',
        answer_id: 'a1'
      }
    ]);
    expect(before.isConnected).toBe(false);
    expect(before.querySelector('.cm-editor')).toBeNull(); // its editor was freed
    expect(named(panel, 'SQL of the answer, editable').textContent).toBe(
      EDITED
    );
    expect(card(panel).querySelector('.jp-ChatBI-origin')!.textContent).toBe(
      'Edited'
    );
  });

  it('sends the slots of the reading that changed', async () => {
    const reading = {
      text: 'customer count',
      sql: 'SELECT 1',
      notes: [],
      query: { metrics: ['customer_count'], time_range: 'all' },
      chips: [],
      choices: {
        metrics: [
          { value: 'customer_count', text: 'customer count', group_by: [] }
        ],
        group_by: [],
        time_ranges: [
          { value: 'all', text: 'all time' },
          { value: 'last_year', text: 'last year' }
        ],
        grains: [{ value: 'none', text: '(no time buckets)' }],
        comparisons: [{ value: 'none', text: 'no comparison' }],
        shows: [{ value: 'percent', text: 'the percent change' }],
        directions: [
          { value: 'none', text: 'all rows' },
          { value: 'top', text: 'the top' }
        ],
        within: [{ value: '', text: 'overall' }],
        share: false
      }
    };
    const { panel, readings } = await asked(
      answer({ path: 'semantic', interpretation: reading })
    );
    const window = named(panel, 'Time window') as HTMLSelectElement;
    window.value = 'last_year';
    window.dispatchEvent(new Event('change'));
    const keep = named(panel, 'Keep rows') as HTMLSelectElement;
    keep.value = 'top';
    keep.dispatchEvent(new Event('change'));
    named(panel, 'Change the reading')
      .querySelector<HTMLButtonElement>('.jp-ChatBI-applyReading')!
      .click();
    await settle();
    expect(readings).toEqual([
      {
        answer_id: 'a1',
        connection: 'demo',
        time_range: 'last_year',
        ranking: { direction: 'top', n: 10, within: '' }
      }
    ]);
    expect(card(panel).querySelector('[role="status"]')!.textContent).toBe(
      'read again'
    );
  });
});
