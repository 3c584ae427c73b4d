/**
 * The result table of an answer, from its JSON rows (never from HTML): a `<table>` with a caption
 * saying how many rows there are and how many are shown.
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

/** What the caption says: the rows fetched, and how many the table shows when it is fewer. */
export function tableCaption(
  table: Table,
  shown: number,
  trans: ITrans
): string {
  const more = table.truncated ? '+' : '';
  const rows =
    table.row_count === 1
      ? trans.__('1 row')
      : trans.__('%1 rows', `${table.row_count}${more}`);
  return shown < table.row_count
    ? trans.__('%1, the first %2 shown', rows, shown)
    : rows;
}

/** The table of `table`'s first `maxRows` rows (at most the rows the answer carries). */
export function renderTable(
  table: Table,
  trans: ITrans,
  maxRows: number
): HTMLElement {
  const rows = table.rows.slice(0, Math.max(0, maxRows));
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
          h('caption', { text: tableCaption(table, rows.length, trans) }),
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
