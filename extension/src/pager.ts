/**
 * A result table shown a page at a time: the page's rows, which rows they are of how many ("rows 1–50
 * of 1,234"), Previous and Next buttons (the arrow keys, Home and End work on them too) and, in the
 * panel, a button that opens the whole result in the main area.
 */
import { button, h } from './dom';
import { formatCount, renderTable, totalText } from './table';
import { ITrans } from './trans';
import { Table } from './wire';

/** Rows per page when no setting says otherwise. */
export const DEFAULT_PAGE_SIZE = 50;

export interface IPagerOptions {
  trans: ITrans;
  /** Rows per page (the row-limit setting); {@link DEFAULT_PAGE_SIZE} when not a positive integer. */
  pageSize?: number;
  /** Open the whole result in the main area; absent where the pager is that view. */
  openAll?: () => void;
}

/** `size` when it is a positive integer, else {@link DEFAULT_PAGE_SIZE}. */
export function pageSizeOf(size: number | undefined): number {
  return size !== undefined && Number.isInteger(size) && size > 0
    ? size
    : DEFAULT_PAGE_SIZE;
}

/** How many pages `rows` rows make, `size` to a page: at least one (an empty result has one). */
export function pageCount(rows: number, size: number): number {
  return Math.max(1, Math.ceil(Math.max(0, rows) / pageSizeOf(size)));
}

/** The rows page `page` (0-based) holds: 0-based `first` and the `count` of them. */
export function pageRows(
  page: number,
  size: number,
  rows: number
): { first: number; count: number } {
  const per = pageSizeOf(size);
  const first = Math.min(Math.max(0, page) * per, Math.max(0, rows));
  return { first, count: Math.max(0, Math.min(per, rows - first)) };
}

/** What the pager says of page `page`: "rows 1–50 of 1,234" (1-based, as a reader counts). */
export function rangeText(
  table: Table,
  page: number,
  size: number,
  trans: ITrans
): string {
  const { first, count } = pageRows(page, size, table.rows.length);
  if (count === 0) {
    return trans.__('no rows');
  }
  return trans.__(
    'rows %1–%2 of %3',
    formatCount(first + 1),
    formatCount(first + count),
    totalText(table)
  );
}

/** A table paged on the client from the rows it carries. */
export class TablePager {
  readonly node: HTMLElement;
  private readonly size: number;
  private readonly range: HTMLElement;
  private readonly previousButton: HTMLButtonElement;
  private readonly nextButton: HTMLButtonElement;
  private readonly host: HTMLElement;
  private current = 0;

  constructor(
    readonly table: Table,
    private readonly options: IPagerOptions
  ) {
    const { trans } = options;
    this.size = pageSizeOf(options.pageSize);
    this.previousButton = button(trans.__('Previous'), () => this.previous(), {
      className: 'jp-ChatBI-pagePrevious',
      ariaLabel: trans.__('Previous page')
    });
    this.nextButton = button(trans.__('Next'), () => this.next(), {
      className: 'jp-ChatBI-pageNext',
      ariaLabel: trans.__('Next page')
    });
    this.range = h('span', {
      className: 'jp-ChatBI-pageRange',
      // announced when it changes; not a `status` role: the card has one, its status line
      attrs: { 'aria-live': 'polite', 'aria-atomic': 'true' }
    });
    const single = this.pages === 1;
    this.previousButton.hidden = single;
    this.nextButton.hidden = single;
    const bar = h('nav', {
      className: 'jp-ChatBI-pager',
      attrs: { 'aria-label': trans.__('Result pages') },
      children: [
        this.previousButton,
        this.range,
        this.nextButton,
        options.openAll
          ? button(trans.__('Open in main area'), () => options.openAll!(), {
              className: 'jp-ChatBI-openAll',
              title: trans.__('Open the whole result in the main area')
            })
          : null
      ]
    });
    bar.addEventListener('keydown', event => this.onKey(event));
    this.host = h('div', { className: 'jp-ChatBI-pageHost' });
    this.node = h('div', {
      className: 'jp-ChatBI-paged',
      children: [bar, this.partialNote(), this.host]
    });
    this.show(0);
  }

  /** The page shown (0-based). */
  get page(): number {
    return this.current;
  }

  /** How many pages the rows carried make. */
  get pages(): number {
    return pageCount(this.table.rows.length, this.size);
  }

  /** Show page `page` (0-based; kept within the pages there are). */
  show(page: number): void {
    const { trans } = this.options;
    this.current = Math.min(Math.max(0, Math.trunc(page)), this.pages - 1);
    const { first, count } = pageRows(
      this.current,
      this.size,
      this.table.rows.length
    );
    this.host.replaceChildren(renderTable(this.table, trans, first, count));
    this.range.textContent = rangeText(
      this.table,
      this.current,
      this.size,
      trans
    );
    this.node.dataset.page = String(this.current);
    const focused = document.activeElement;
    this.previousButton.disabled = this.current === 0;
    this.nextButton.disabled = this.current === this.pages - 1;
    // A button that becomes disabled loses the focus to the page: hand it to the other one.
    if (focused === this.nextButton && this.nextButton.disabled) {
      this.previousButton.focus();
    } else if (
      focused === this.previousButton &&
      this.previousButton.disabled
    ) {
      this.nextButton.focus();
    }
  }

  next(): void {
    this.show(this.current + 1);
  }

  previous(): void {
    this.show(this.current - 1);
  }

  private onKey(event: KeyboardEvent): void {
    const moves: Record<string, () => void> = {
      ArrowLeft: () => this.previous(),
      ArrowRight: () => this.next(),
      Home: () => this.show(0),
      End: () => this.show(this.pages - 1)
    };
    const move = moves[event.key];
    if (move && !event.altKey && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      move();
    }
  }

  /** When the panel carries fewer rows than were fetched: where the rest are. */
  private partialNote(): HTMLElement | null {
    const { table } = this;
    const { trans, openAll } = this.options;
    if (table.rows.length >= table.row_count) {
      return null;
    }
    const carried = formatCount(table.rows.length);
    return h('p', {
      className: 'jp-ChatBI-note jp-ChatBI-pagePartial',
      text: openAll
        ? trans.__(
            'The first %1 rows are here; Open in main area shows all %2.',
            carried,
            totalText(table)
          )
        : trans.__(
            'The first %1 rows are here; the CSV download has all %2.',
            carried,
            totalText(table)
          )
    });
  }
}
