/**
 * The result table of an answer, from its JSON rows (never from HTML): a `<table>` of a slice of the
 * rows, with a caption saying how many rows the result has.
 */
import { h } from './dom';
import { ITrans } from './trans';
import { Column, Table } from './wire';

type Value = Table['rows'][number][number];

/** How a cell value reads: null as an empty cell, everything else as its JSON value's text. */
export function formatValue(value: Value): string {
  if (value === null) {
    return '';
  }
  if (typeof value === 'boolean') {
    return value ? 'true' : 'false';
  }
  return String(value);
}

const COUNT_FORMAT = new Intl.NumberFormat('en-US', { useGrouping: true });

/** A count with its thousands grouped, `1,234` (the same in English and Chinese). */
export function formatCount(count: number): string {
  return COUNT_FORMAT.format(count);
}

/** The total as the pager and the caption say it: `1,234`, or `10,000+` when the result was cut. */
export function totalText(table: Table): string {
  return `${formatCount(table.row_count)}${table.truncated ? '+' : ''}`;
}

/** What the caption says: how many rows the result has. */
export function tableCaption(table: Table, trans: ITrans): string {
  return table.row_count === 1 && !table.truncated
    ? trans.__('1 row')
    : trans.__('%1 rows', totalText(table));
}

/** The table of `count` of `table`'s rows from row `first` (0-based; all the rows it carries by default). */
export function renderTable(
  table: Table,
  trans: ITrans,
  first = 0,
  count: number = table.rows.length
): HTMLElement {
  const start = Math.max(0, first);
  const rows = table.rows.slice(start, start + Math.max(0, count));
  const head = h('tr', {
    children: table.columns.map(column =>
      h('th', {
        text: column.label || column.name,
        attrs: { scope: 'col', title: column.name, 'data-type': column.type }
      })
    )
  });
  const body = rows.map(row =>
    h('tr', {
      children: row.map((value, index) => cell(value, table.columns[index]))
    })
  );
  return h('div', {
    className: 'jp-ChatBI-tableWrap',
    children: [
      h('table', {
        className: 'jp-ChatBI-table',
        children: [
          h('caption', { text: tableCaption(table, trans) }),
          h('thead', { children: [head] }),
          h('tbody', { children: body })
        ]
      })
    ]
  });
}

function cell(value: Value, column: Column | undefined): HTMLElement {
  const node = h('td', { text: formatValue(value) });
  if (value === null) {
    node.classList.add('jp-ChatBI-null');
  }
  if (column?.type === 'number') {
    node.classList.add('jp-ChatBI-number');
  }
  return node;
}
