import { describe, expect, it } from 'vitest';
import { formatValue, renderTable, tableCaption } from '../table';
import { plainTrans } from '../trans';
import { Table } from '../wire';
import { answer } from './answer';

const table = answer().table!;

function bodyTexts(node: HTMLElement): string[][] {
  return Array.from(node.querySelectorAll('tbody tr')).map(row =>
    Array.from(row.querySelectorAll('td')).map(cell => cell.textContent ?? '')
  );
}

describe('renderTable', () => {
  it('shows the headers and every row of the JSON as text', () => {
    const node = renderTable(table, plainTrans);
    const headers = Array.from(node.querySelectorAll('th')).map(
      th => th.textContent
    );
    expect(headers).toEqual(['Segment', 'Customers']);
    expect(node.querySelector('th')!.getAttribute('scope')).toBe('col');
    expect(bodyTexts(node)).toEqual([
      ['Consumer', '4000'],
      ['SMB', '2600'],
      ['', '3']
    ]);
    expect(node.querySelector('caption')!.textContent).toBe('3 rows');
  });

  it('marks nulls and numbers, and shows the slice of rows asked for', () => {
    const node = renderTable(table, plainTrans, 0, 2);
    expect(bodyTexts(node)).toHaveLength(2);
    expect(node.querySelector('caption')!.textContent).toBe('3 rows');
    expect(bodyTexts(renderTable(table, plainTrans, 1, 5))).toEqual([
      ['SMB', '2600'],
      ['', '3']
    ]);
    const cells = renderTable(table, plainTrans).querySelectorAll(
      'tbody tr:last-child td'
    );
    expect(cells[0].classList.contains('jp-ChatBI-null')).toBe(true);
    expect(cells[1].classList.contains('jp-ChatBI-number')).toBe(true);
  });

  it('writes markup in the data as text, never as HTML', () => {
    const hostile: Table = {
      columns: [{ name: '<b>x</b>', label: '<b>x</b>', type: 'string' }],
      rows: [['<img src=x onerror="alert(1)">']],
      row_count: 1,
      truncated: false
    };
    const node = renderTable(hostile, plainTrans);
    expect(node.querySelector('img')).toBeNull();
    expect(node.querySelector('b')).toBeNull();
    expect(bodyTexts(node)).toEqual([['<img src=x onerror="alert(1)">']]);
    expect(node.querySelector('th')!.textContent).toBe('<b>x</b>');
  });
});

describe('tableCaption and formatValue', () => {
  it('says when the database had more rows than were fetched', () => {
    expect(
      tableCaption({ ...table, row_count: 1, rows: [['a', 1]] }, plainTrans)
    ).toBe('1 row');
    expect(tableCaption({ ...table, truncated: true }, plainTrans)).toBe(
      '3+ rows'
    );
    expect(tableCaption({ ...table, row_count: 1234 }, plainTrans)).toBe(
      '1,234 rows'
    );
  });

  it('writes JSON values as they read', () => {
    expect(
      [null, true, false, 2.5, 'x', '2026-06-30'].map(formatValue)
    ).toEqual(['', 'true', 'false', '2.5', 'x', '2026-06-30']);
  });
});
