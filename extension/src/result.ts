/**
 * An answer's whole result, as the main area shows it: the question, where it was asked, the SQL,
 * and every row fetched in the same paged table as the card's.
 */
import { h } from './dom';
import { TablePager } from './pager';
import { ITrans } from './trans';
import { Answer, Table } from './wire';

export interface IResultOptions {
  trans: ITrans;
  /** Rows per page (the row-limit setting). */
  pageSize: number;
}

/** The view of `table` (all the rows `answer` fetched), built with text only. */
export function renderResult(
  answer: Answer,
  table: Table,
  options: IResultOptions
): { node: HTMLElement; pager: TablePager } {
  const { trans, pageSize } = options;
  const pager = new TablePager(table, { trans, pageSize });
  const node = h('article', {
    className: 'jp-ChatBI-wholeResult',
    attrs: {
      'aria-label': trans.__('Result: %1', answer.question),
      'data-answer-id': answer.id
    },
    children: [
      h('header', {
        className: 'jp-ChatBI-cardHeader',
        children: [
          h('h2', { className: 'jp-ChatBI-question', text: answer.question }),
          h('span', {
            className: 'jp-ChatBI-path',
            text: [answer.connection, answer.path_label]
              .filter(Boolean)
              .join(' · ')
          })
        ]
      }),
      answer.sql
        ? h('details', {
            className: 'jp-ChatBI-resultSql',
            children: [
              h('summary', { text: trans.__('SQL') }),
              h('pre', {
                className: 'jp-ChatBI-sql',
                children: [h('code', { text: answer.sql })]
              })
            ]
          })
        : null,
      pager.node
    ]
  });
  return { node, pager };
}
