import { beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_PAGE_SIZE,
  pageCount,
  pageRows,
  pageSizeOf,
  rangeText,
  TablePager
} from '../pager';
import { renderResult } from '../result';
import { plainTrans } from '../trans';
import { Table } from '../wire';
import { answer } from './answer';

/** A result of `count` numbered rows, of which the first `carried` are on hand. */
function numbered(count: number, carried = count, truncated = false): Table {
  return {
    columns: [
      { name: 'n', label: 'N', type: 'number' },
      { name: 'name', label: 'Name', type: 'string' }
    ],
    rows: Array.from({ length: Math.min(count, carried) }, (_, i) => [
      i + 1,
      `row ${i + 1}`
    ]),
    row_count: count,
    truncated
  };
}

function firstColumn(pager: TablePager): string[] {
  return Array.from(pager.node.querySelectorAll('tbody tr td:first-child')).map(
    cell => cell.textContent ?? ''
  );
}

function control(pager: TablePager, name: string): HTMLButtonElement {
  const found = Array.from(pager.node.querySelectorAll('button')).find(
    node => (node.getAttribute('aria-label') ?? node.textContent) === name
  );
  if (!found) {
    throw new Error(`no button ${name}`);
  }
  return found;
}

function range(pager: TablePager): string {
  return pager.node.querySelector('.jp-ChatBI-pageRange')!.textContent ?? '';
}

function press(target: HTMLElement, key: string): KeyboardEvent {
  const event = new KeyboardEvent('keydown', {
    key,
    bubbles: true,
    cancelable: true
  });
  target.dispatchEvent(event);
  return event;
}

function draw(table: Table, pageSize = 50, openAll?: () => void): TablePager {
  const pager = new TablePager(table, {
    trans: plainTrans,
    pageSize,
    openAll
  });
  document.body.replaceChildren(pager.node);
  return pager;
}

beforeEach(() => {
  document.body.replaceChildren();
});

describe('paging arithmetic', () => {
  it('counts pages, an empty result being one page', () => {
    expect(pageCount(0, 50)).toBe(1);
    expect(pageCount(50, 50)).toBe(1);
    expect(pageCount(51, 50)).toBe(2);
    expect(pageCount(1234, 50)).toBe(25);
  });

  it('gives the rows of a page, the last one short', () => {
    expect(pageRows(0, 50, 1234)).toEqual({ first: 0, count: 50 });
    expect(pageRows(24, 50, 1234)).toEqual({ first: 1200, count: 34 });
    expect(pageRows(30, 50, 1234)).toEqual({ first: 1234, count: 0 });
  });

  it('falls back to the default page size for a size that is not one', () => {
    expect(pageSizeOf(undefined)).toBe(DEFAULT_PAGE_SIZE);
    expect(pageSizeOf(0)).toBe(DEFAULT_PAGE_SIZE);
    expect(pageSizeOf(-3)).toBe(DEFAULT_PAGE_SIZE);
    expect(pageSizeOf(2.5)).toBe(DEFAULT_PAGE_SIZE);
    expect(pageSizeOf(20)).toBe(20);
  });

  it('says which rows a page shows of how many, counted from 1, grouped by thousands', () => {
    const table = numbered(1234);
    expect(rangeText(table, 0, 50, plainTrans)).toBe('rows 1–50 of 1,234');
    expect(rangeText(table, 24, 50, plainTrans)).toBe(
      'rows 1,201–1,234 of 1,234'
    );
    expect(rangeText(numbered(10000, 10000, true), 0, 50, plainTrans)).toBe(
      'rows 1–50 of 10,000+'
    );
    expect(rangeText(numbered(0), 0, 50, plainTrans)).toBe('no rows');
  });
});

describe('TablePager', () => {
  it('shows the first page, its range and the total, in a named navigation', () => {
    const pager = draw(numbered(1234));
    expect(firstColumn(pager)).toHaveLength(50);
    expect(firstColumn(pager)[0]).toBe('1');
    expect(range(pager)).toBe('rows 1–50 of 1,234');
    expect(
      pager.node
        .querySelector('.jp-ChatBI-pageRange')!
        .getAttribute('aria-live')
    ).toBe('polite');
    const nav = pager.node.querySelector('nav')!;
    expect(nav.getAttribute('aria-label')).toBe('Result pages');
    expect(pager.node.querySelector('caption')!.textContent).toBe('1,234 rows');
    expect(control(pager, 'Previous page').disabled).toBe(true);
    expect(control(pager, 'Next page').disabled).toBe(false);
    expect(control(pager, 'Previous page').textContent).toBe('Previous');
    expect(control(pager, 'Next page').getAttribute('type')).toBe('button');
  });

  it('pages forward and back with the buttons, disabling them at the ends', () => {
    const pager = draw(numbered(120));
    control(pager, 'Next page').click();
    expect(pager.page).toBe(1);
    expect(firstColumn(pager)[0]).toBe('51');
    expect(range(pager)).toBe('rows 51–100 of 120');
    expect(control(pager, 'Previous page').disabled).toBe(false);
    control(pager, 'Next page').click();
    expect(range(pager)).toBe('rows 101–120 of 120');
    expect(firstColumn(pager)).toHaveLength(20);
    expect(control(pager, 'Next page').disabled).toBe(true);
    control(pager, 'Next page').click();
    expect(pager.page).toBe(2);
    control(pager, 'Previous page').click();
    expect(range(pager)).toBe('rows 51–100 of 120');
  });

  it('pages with the arrow keys, Home and End on its buttons', () => {
    const pager = draw(numbered(120));
    const next = control(pager, 'Next page');
    next.focus();
    const event = press(next, 'ArrowRight');
    expect(event.defaultPrevented).toBe(true);
    expect(pager.page).toBe(1);
    press(next, 'End');
    expect(pager.page).toBe(2);
    // Next is disabled on the last page: the focus moved to Previous, not to the page
    expect(document.activeElement).toBe(control(pager, 'Previous page'));
    press(control(pager, 'Previous page'), 'Home');
    expect(pager.page).toBe(0);
    expect(document.activeElement).toBe(control(pager, 'Next page'));
    press(control(pager, 'Next page'), 'ArrowLeft');
    expect(pager.page).toBe(0);
    expect(press(control(pager, 'Next page'), 'a').defaultPrevented).toBe(
      false
    );
  });

  it('hides the page buttons when everything fits on one page', () => {
    const pager = draw(numbered(3));
    expect(range(pager)).toBe('rows 1–3 of 3');
    expect(control(pager, 'Next page').hidden).toBe(true);
    expect(control(pager, 'Previous page').hidden).toBe(true);
  });

  it('takes the page size from the options, the default without one', () => {
    expect(firstColumn(draw(numbered(30), 7))).toHaveLength(7);
    const pager = new TablePager(numbered(300), { trans: plainTrans });
    expect(pager.node.querySelectorAll('tbody tr').length).toBe(
      DEFAULT_PAGE_SIZE
    );
  });

  it('keeps a page asked for within the pages there are', () => {
    const pager = draw(numbered(120));
    pager.show(99);
    expect(pager.page).toBe(2);
    pager.show(-4);
    expect(pager.page).toBe(0);
  });

  it('offers the whole result in the main area, and says when it holds only the first rows', () => {
    const opened: string[] = [];
    const pager = draw(numbered(1234, 1000), 50, () => opened.push('all'));
    control(pager, 'Open in main area').click();
    expect(opened).toEqual(['all']);
    expect(pager.pages).toBe(20);
    pager.show(19);
    expect(range(pager)).toBe('rows 951–1,000 of 1,234');
    expect(
      pager.node.querySelector('.jp-ChatBI-pagePartial')!.textContent
    ).toBe('The first 1,000 rows are here; Open in main area shows all 1,234.');
    const whole = draw(numbered(1234));
    expect(whole.node.querySelector('.jp-ChatBI-pagePartial')).toBeNull();
    expect(
      Array.from(whole.node.querySelectorAll('button')).map(b => b.textContent)
    ).not.toContain('Open in main area');
  });

  it('writes markup in the data as text, never as HTML', () => {
    const hostile: Table = {
      columns: [{ name: '<b>x</b>', label: '<i>x</i>', type: 'string' }],
      rows: [['<img src=x onerror="alert(1)">']],
      row_count: 1,
      truncated: false
    };
    const pager = draw(hostile);
    expect(pager.node.querySelector('img, b, i')).toBeNull();
    expect(firstColumn(pager)).toEqual(['<img src=x onerror="alert(1)">']);
    expect(pager.node.querySelector('th')!.textContent).toBe('<i>x</i>');
  });
});

describe('renderResult (the main-area view)', () => {
  it('is named after the question and pages through every row', () => {
    const { node, pager } = renderResult(answer(), numbered(130), {
      trans: plainTrans,
      pageSize: 50
    });
    document.body.replaceChildren(node);
    expect(node.getAttribute('aria-label')).toBe(
      'Result: How many customers are in each segment in the West?'
    );
    expect(node.querySelector('h2')!.textContent).toBe(
      'How many customers are in each segment in the West?'
    );
    expect(node.querySelector('summary')!.textContent).toBe('SQL');
    expect(range(pager)).toBe('rows 1–50 of 130');
    expect(node.querySelector('.jp-ChatBI-openAll')).toBeNull();
    control(pager, 'Next page').click();
    control(pager, 'Next page').click();
    expect(range(pager)).toBe('rows 101–130 of 130');
  });
});
