/**
 * The card of a question being answered: its stage in words, the SQL as the model writes it, and a
 * Cancel button. The answer's card replaces it when the answer comes.
 */
import { button, h, section } from './dom';
import { ITrans } from './trans';

/** The stages the server names, in words. */
function stageLabel(stage: string, trans: ITrans): string {
  switch (stage) {
    case 'linking':
      return trans.__('Reading the question against the schema…');
    case 'loading the model':
      return trans.__('Loading the model (the first question takes longer)…');
    case 'generating':
      return trans.__('Writing the SQL…');
    case 'checking':
      return trans.__('Checking the SQL…');
    case 'repairing':
      return trans.__('Repairing the SQL…');
    case 'sampling':
      return trans.__('Trying other queries…');
    case 'asking the larger model':
      return trans.__('Asking the larger model…');
    case 'running':
      return trans.__('Running the query…');
    case 'cancelling':
      return trans.__('Cancelling…');
    default:
      return trans.__('%1…', stage);
  }
}

/** A question's card while it is answered. */
export class PendingCard {
  readonly node: HTMLElement;
  private readonly status: HTMLElement;
  private readonly sql: HTMLElement;
  private readonly sqlSection: HTMLElement;
  private readonly cancelButton: HTMLButtonElement;

  constructor(
    readonly question: string,
    private readonly trans: ITrans,
    /** Cancel the question; absent when it cannot be cancelled. */
    cancel?: () => void
  ) {
    this.status = h('p', {
      className: 'jp-ChatBI-status',
      text: trans.__('Answering…'),
      attrs: { role: 'status', 'aria-live': 'polite' }
    });
    this.sql = h('code');
    this.sqlSection = section(
      'jp-ChatBI-sqlSection jp-ChatBI-streamedSql',
      trans.__('SQL'),
      [h('pre', { className: 'jp-ChatBI-sql', children: [this.sql] })]
    );
    this.sqlSection.hidden = true;
    this.cancelButton = button(trans.__('Cancel'), () => {
      this.cancelButton.disabled = true;
      cancel?.();
    });
    this.cancelButton.hidden = !cancel;
    this.node = h('article', {
      className: 'jp-ChatBI-card jp-mod-pending',
      attrs: {
        'aria-busy': 'true',
        'aria-label': trans.__('Answer: %1', question)
      },
      children: [
        h('header', {
          className: 'jp-ChatBI-cardHeader',
          children: [
            h('h3', { className: 'jp-ChatBI-question', text: question })
          ]
        }),
        this.sqlSection,
        h('div', {
          className: 'jp-ChatBI-actions',
          children: [this.cancelButton]
        }),
        this.status
      ]
    });
  }

  /** The SQL written so far. */
  get sqlText(): string {
    return this.sql.textContent ?? '';
  }

  /** The answer entered `stage`; a new generation starts its SQL afresh. */
  stage(stage: string): void {
    if (stage === 'generating') {
      this.sql.textContent = '';
    }
    this.status.textContent = stageLabel(stage, this.trans);
  }

  /** The model wrote `text` of the SQL. */
  token(text: string): void {
    this.sql.textContent = this.sqlText + text;
    this.sqlSection.hidden = false;
  }

  /** Nothing more comes: say `message` (as an alert when it is an error), and put Cancel away. */
  finish(message: string, error = false): void {
    this.node.setAttribute('aria-busy', 'false');
    this.node.classList.remove('jp-mod-pending');
    this.cancelButton.hidden = true;
    if (error) {
      this.status.textContent = '';
      this.status.before(
        h('p', {
          className: 'jp-ChatBI-error',
          text: message,
          attrs: { role: 'alert' }
        })
      );
    } else {
      this.status.textContent = message;
    }
  }
}
