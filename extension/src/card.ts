/**
 * One answer as a card: the question, how a semantic answer read it (with its ratio and bounds to
 * take off, and its measures, grouping, window and grain to change), the SQL in JupyterLab's editor
 * (with Run and Copy), what it does (summary and steps), the checks' findings, the plan's controls,
 * the result table, the chart, and the buttons that act on the answer. The card only draws; what a
 * button does is the panel's ({@link ICardActions}).
 */
import { button, h, section } from './dom';
import { renderDiagnostics } from './diagnostics';
import { PlanEdit, renderPlanControls } from './plan';
import { ReadingChange, renderReading } from './reading';
import { ISqlEditor, SqlEditorFactory } from './sqleditor';
import { renderSteps } from './steps';
import { TablePager } from './pager';
import { ITrans } from './trans';
import { Answer, Chart, ChartRequest } from './wire';

export type ChartKind = ChartRequest['kind'];
export type FeedbackKind = 'accept' | 'reject';
export type ExportFormat = 'csv' | 'xlsx';

/** What the card's controls ask for; the panel sends the requests and redraws the card. */
export interface ICardActions {
  copy(sql: string): Promise<void>;
  feedback(kind: FeedbackKind, reason: string | null): void;
  regenerate(): void;
  edit(edit: PlanEdit): void;
  /** Run `sql` (the SQL as edited in the card) in place of the answer's; the server checks it. */
  runSql(sql: string): void;
  /** Take a part (the ratio, a bound: a chip's id) off the semantic reading, compiled again. */
  removeReadingPart(chipId: string): void;
  /** Set slots of the semantic reading (measures, grouping, window, grain), compiled again. */
  changeReading(change: ReadingChange): void;
  chart(kind: ChartKind): void;
  download(format: ExportFormat): void;
  /** Insert a cell that reproduces the result; absent when there is no notebook to insert into. */
  insert?: () => void;
  /** Open the whole result (all rows fetched) in the main area; absent where there is none. */
  openTable?: () => void;
  /** Draw `chart.figure` into `host` (through JupyterLab's renderers). */
  drawChart(host: HTMLElement, chart: Chart): void;
}

export interface ICardOptions {
  trans: ITrans;
  /** Rows per page of the result table (the row-limit setting). */
  pageSize: number;
  actions: ICardActions;
  /** Makes the editor the SQL is shown and edited in (JupyterLab's, from `IEditorServices`). */
  sqlEditor: SqlEditorFactory;
}

/** The controls a busy card leaves enabled: they act on what the card shows, not on the server. */
const KEEP_ENABLED =
  '.jp-ChatBI-copy, .jp-ChatBI-pagePrevious, .jp-ChatBI-pageNext';

let sqlHints = 0;

/** A drawn answer, with the status line the panel writes to while a request on it runs. */
export class AnswerCard {
  readonly node: HTMLElement;
  private readonly status: HTMLElement;
  private editor: ISqlEditor | null = null;
  private busy = false;
  private disabledWhileBusy: (
    HTMLButtonElement | HTMLInputElement | HTMLSelectElement
  )[] = [];

  constructor(
    readonly answer: Answer,
    private readonly options: ICardOptions
  ) {
    const { trans } = options;
    this.status = h('p', {
      className: 'jp-ChatBI-status',
      text: answer.status,
      attrs: { role: 'status', 'aria-live': 'polite' }
    });
    this.node = h('article', {
      className: 'jp-ChatBI-card',
      attrs: {
        'aria-label': trans.__('Answer: %1', answer.question),
        'data-answer-id': answer.id,
        'data-path': answer.path,
        'aria-busy': 'false'
      },
      children: [
        this.header(),
        answer.error
          ? h('p', {
              className: 'jp-ChatBI-error',
              text: answer.error,
              attrs: { role: 'alert' }
            })
          : null,
        answer.interpretation ? this.reading() : null,
        answer.sql ? this.sql() : null,
        this.explanation(),
        this.diagnostics(),
        answer.plan ? this.plan() : null,
        answer.table ? this.table() : null,
        answer.chart ? this.chart(answer.chart) : null,
        this.actions(),
        this.status
      ]
    });
  }

  /** Say `message` on the card's status line (an error drawn as one). */
  setStatus(message: string, error = false): void {
    this.status.textContent = message;
    this.status.classList.toggle('jp-mod-error', error);
  }

  /**
   * Disable the card's controls while a request on it runs, and say so; afterwards enable those it
   * disabled (a control disabled for its own reason, such as Previous on the first page, stays so).
   * Copy and the table's paging work on what is shown and stay usable.
   */
  setBusy(busy: boolean): void {
    this.busy = busy;
    this.node.setAttribute('aria-busy', busy ? 'true' : 'false');
    if (!busy) {
      for (const control of this.disabledWhileBusy) {
        control.disabled = false;
      }
      this.disabledWhileBusy = [];
      return;
    }
    for (const control of Array.from(
      this.node.querySelectorAll<
        HTMLButtonElement | HTMLInputElement | HTMLSelectElement
      >('button, input, select')
    )) {
      if (!control.disabled && !control.matches(KEEP_ENABLED)) {
        control.disabled = true;
        this.disabledWhileBusy.push(control);
      }
    }
  }

  /** The SQL as it is on screen (edited or not). */
  get sqlShown(): string {
    return this.editor?.value ?? this.answer.sql;
  }

  /** Free the SQL editor; the card is not shown again. */
  dispose(): void {
    this.editor?.dispose();
    this.editor = null;
  }

  private header(): HTMLElement {
    const { answer } = this;
    return h('header', {
      className: 'jp-ChatBI-cardHeader',
      children: [
        h('h3', { className: 'jp-ChatBI-question', text: answer.question }),
        h('span', {
          className: 'jp-ChatBI-path',
          text: [answer.connection, answer.path_label]
            .filter(Boolean)
            .join(' · ')
        }),
        this.origin(),
        this.history()
      ]
    });
  }

  /**
   * Where the SQL shown comes from when it is not the model's first answer: a regeneration (another
   * sample of the model, judged on its own) and whether it was edited since.
   */
  private origin(): HTMLElement | null {
    const { answer } = this;
    const { trans } = this.options;
    const labels = [
      answer.sample > 0
        ? trans.__('Regenerated (sample %1)', answer.sample)
        : null,
      answer.edited ? trans.__('Edited') : null
    ].filter((label): label is string => label !== null);
    return labels.length
      ? h('span', { className: 'jp-ChatBI-origin', text: labels.join(' · ') })
      : null;
  }

  /** The earlier questions a follow-up was sent with (the context the model saw). */
  private history(): HTMLElement | null {
    const { history } = this.answer;
    if (!history.length) {
      return null;
    }
    return h('details', {
      className: 'jp-ChatBI-history',
      children: [
        h('summary', {
          text: this.options.trans.__(
            'Follows up on %1 earlier question(s)',
            history.length
          )
        }),
        h('ol', {
          children: history.map(turn =>
            h('li', {
              children: [
                h('span', { text: turn.question }),
                h('code', { className: 'jp-ChatBI-historySql', text: turn.sql })
              ]
            })
          )
        })
      ]
    });
  }

  private reading(): HTMLElement {
    const { trans, actions } = this.options;
    return section(
      'jp-ChatBI-readingSection',
      trans.__('Read as'),
      renderReading(this.answer.interpretation!, trans, {
        remove: chipId => actions.removeReadingPart(chipId),
        change: change => actions.changeReading(change)
      })
    );
  }

  private sql(): HTMLElement {
    const { trans, actions } = this.options;
    const hint = h('p', {
      className: 'jp-ChatBI-hint jp-ChatBI-sqlHint',
      text: trans.__(
        'Edit the SQL, then Run (Ctrl+Enter or Shift+Enter in it): the server checks it and runs it read-only.'
      ),
      attrs: { id: `jp-ChatBI-sqlHint-${++sqlHints}` }
    });
    this.editor = this.options.sqlEditor({
      sql: this.answer.sql,
      dialect: this.answer.plan?.dialect ?? null,
      label: trans.__('SQL of the answer, editable'),
      run: () => this.runSql()
    });
    const run = button(trans.__('Run'), () => this.runSql(), {
      className: 'jp-ChatBI-runSql',
      ariaLabel: trans.__('Run the SQL shown'),
      title: trans.__('Run the SQL as edited (Ctrl+Enter)')
    });
    run.setAttribute('aria-describedby', hint.id);
    const copy = button(
      trans.__('Copy'),
      () => {
        actions.copy(this.sqlShown).then(
          () => this.setStatus(trans.__('SQL copied')),
          () => this.setStatus(trans.__('Copy failed'), true)
        );
      },
      { className: 'jp-ChatBI-copy', ariaLabel: trans.__('Copy SQL') }
    );
    return section('jp-ChatBI-sqlSection', trans.__('SQL'), [
      h('div', {
        className: 'jp-ChatBI-sqlButtons',
        children: [run, copy]
      }),
      this.editor.node,
      hint
    ]);
  }

  /** Send the SQL on screen to be run in place of the answer's (not while a request runs). */
  private runSql(): void {
    if (this.busy) {
      return;
    }
    const sql = this.sqlShown.trim();
    if (!sql) {
      this.setStatus(this.options.trans.__('There is no SQL to run'), true);
      return;
    }
    this.options.actions.runSql(sql);
  }

  private explanation(): HTMLElement | null {
    const { answer } = this;
    const notes = [...answer.notes, ...answer.fixes];
    if (!answer.summary && !answer.steps.length && !notes.length) {
      return null;
    }
    return section(
      'jp-ChatBI-explanation',
      this.options.trans.__('Explanation'),
      [
        answer.summary
          ? h('p', {
              className: 'jp-ChatBI-summary',
              text: answer.summary,
              attrs: { lang: answer.lang }
            })
          : null,
        renderSteps(answer.steps),
        notes.length
          ? h('ul', {
              className: 'jp-ChatBI-notes',
              children: notes.map(note => h('li', { text: note }))
            })
          : null
      ]
    );
  }

  private diagnostics(): HTMLElement | null {
    const list = renderDiagnostics(this.answer.diagnostics, this.options.trans);
    return list
      ? section('jp-ChatBI-checks', this.options.trans.__('Checks'), [list])
      : null;
  }

  private plan(): HTMLElement | null {
    const { trans, actions } = this.options;
    const controls = renderPlanControls(this.answer.plan!, trans, edit =>
      actions.edit(edit)
    );
    return controls
      ? section('jp-ChatBI-planSection', trans.__('Change the query'), [
          controls
        ])
      : null;
  }

  private table(): HTMLElement {
    const { trans, pageSize, actions } = this.options;
    const pager = new TablePager(this.answer.table!, {
      trans,
      pageSize,
      openAll: actions.openTable ? () => actions.openTable!() : undefined
    });
    return section('jp-ChatBI-result', trans.__('Result'), [pager.node]);
  }

  private chart(chart: Chart): HTMLElement {
    const { trans, actions } = this.options;
    const host = h('div', { className: 'jp-ChatBI-chart' });
    if (chart.figure) {
      actions.drawChart(host, chart);
    } else {
      host.textContent = trans.__('(the table above)');
    }
    let switcher: HTMLElement | null = null;
    if (chart.available.length > 1) {
      const select = h('select', {
        className: 'jp-ChatBI-select',
        attrs: { 'aria-label': trans.__('Chart type') },
        children: chart.available.map(kind =>
          h('option', { text: kind, attrs: { value: kind } })
        )
      });
      select.value = chart.kind;
      select.addEventListener('change', () =>
        actions.chart(select.value as ChartKind)
      );
      switcher = select;
    }
    return section('jp-ChatBI-chartSection', trans.__('Chart'), [
      switcher,
      h('p', { className: 'jp-ChatBI-chartReason', text: chart.reason }),
      chart.note
        ? h('p', { className: 'jp-ChatBI-note', text: chart.note })
        : null,
      host
    ]);
  }

  private actions(): HTMLElement {
    const { trans, actions } = this.options;
    const reason = h('input', {
      className: 'jp-ChatBI-input jp-ChatBI-reason',
      attrs: {
        type: 'text',
        placeholder: trans.__('what is wrong? (optional)'),
        'aria-label': trans.__('What is wrong')
      }
    });
    const send = button(trans.__('Send'), () =>
      actions.feedback('reject', reason.value.trim() || null)
    );
    const rejecting = h('div', {
      className: 'jp-ChatBI-rejecting',
      children: [reason, send],
      attrs: { hidden: '' }
    });
    const buttons: (HTMLElement | null)[] = [
      button('👍', () => actions.feedback('accept', null), {
        ariaLabel: trans.__('Good answer'),
        title: trans.__('The SQL answers the question')
      }),
      button(
        '👎',
        () => {
          rejecting.hidden = false;
          reason.focus();
        },
        {
          ariaLabel: trans.__('Wrong answer'),
          title: trans.__('The SQL is wrong')
        }
      ),
      button(trans.__('Regenerate'), () => actions.regenerate(), {
        title: trans.__('Ask the model for another query')
      }),
      this.answer.table
        ? button(trans.__('CSV'), () => actions.download('csv'), {
            ariaLabel: trans.__('Download CSV')
          })
        : null,
      this.answer.table
        ? button(trans.__('Excel'), () => actions.download('xlsx'), {
            ariaLabel: trans.__('Download Excel')
          })
        : null,
      actions.insert && this.answer.table
        ? button(trans.__('Insert into notebook'), () => actions.insert!())
        : null
    ];
    return h('div', {
      className: 'jp-ChatBI-actions',
      children: [
        h('div', {
          className: 'jp-ChatBI-buttons',
          attrs: { role: 'toolbar', 'aria-label': trans.__('Answer actions') },
          children: buttons
        }),
        rejecting
      ]
    });
  }
}
