/**
 * The form that adds a connection from the panel: a name and a database (a SQLAlchemy URL, or the path
 * of a SQLite or DuckDB file). The server opens it read-only as the CLI does and keeps it until it
 * stops (`POST connections`); what it refuses is said in the form, which keeps what was typed.
 */
import { button, h } from './dom';
import { ITrans } from './trans';
import { AddConnectionRequest, ConnectionList } from './wire';

export interface IAddConnectionOptions {
  trans: ITrans;
  /** Ask the server to add the connection; the connections with it. */
  add: (request: AddConnectionRequest) => Promise<ConnectionList>;
  /** The connection `name` was added; `list` has it. */
  added: (name: string, list: ConnectionList) => void;
  /** The form was put away without adding anything. */
  cancelled: () => void;
}

/** The add-connection form; hidden until {@link AddConnectionForm.open}. */
export class AddConnectionForm {
  readonly node: HTMLFormElement;
  readonly name: HTMLInputElement;
  readonly database: HTMLInputElement;
  private readonly alert: HTMLElement;
  private readonly status: HTMLElement;
  private readonly addButton: HTMLButtonElement;
  private busy = false;

  constructor(private readonly options: IAddConnectionOptions) {
    const { trans } = options;
    this.name = input(trans.__('Name'), 'sales');
    this.database = input(
      trans.__('Database'),
      trans.__('shop.sqlite, or postgresql://user@host/db')
    );
    this.alert = h('p', {
      className: 'jp-ChatBI-error',
      attrs: { role: 'alert' }
    });
    this.alert.hidden = true;
    this.status = h('p', {
      className: 'jp-ChatBI-status',
      attrs: { role: 'status', 'aria-live': 'polite' }
    });
    this.addButton = h('button', {
      className: 'jp-ChatBI-button jp-mod-accept',
      text: trans.__('Add'),
      attrs: { type: 'submit' }
    });
    this.node = h('form', {
      className: 'jp-ChatBI-addConnection',
      attrs: { 'aria-label': trans.__('Add connection') },
      children: [
        field(trans.__('Name'), this.name),
        field(trans.__('Database'), this.database),
        h('p', {
          className: 'jp-ChatBI-hint',
          text: trans.__(
            'A SQLAlchemy URL, or the path of a SQLite or DuckDB file from the server’s root folder. It opens read-only and stays until the server stops.'
          )
        }),
        this.alert,
        h('div', {
          className: 'jp-ChatBI-formButtons',
          children: [
            button(trans.__('Cancel'), () => this.cancel()),
            this.addButton
          ]
        }),
        this.status
      ]
    });
    this.node.hidden = true;
    this.node.addEventListener('submit', event => {
      event.preventDefault();
      void this.submit();
    });
    this.node.addEventListener('keydown', event => {
      if (event.key === 'Escape') {
        event.preventDefault();
        this.cancel();
      }
    });
    for (const box of [this.name, this.database]) {
      box.addEventListener('input', () => box.setCustomValidity(''));
    }
  }

  get isOpen(): boolean {
    return !this.node.hidden;
  }

  /** Show the form, the cursor in its first box. */
  open(): void {
    this.node.hidden = false;
    this.name.focus();
  }

  /** Put the form away; what was typed goes (a URL may hold a password). */
  close(): void {
    this.node.hidden = true;
    this.name.value = '';
    this.database.value = '';
    this.say(null);
    this.status.textContent = '';
  }

  /** Send what was typed; on success close and tell the panel, else say why in the form. */
  async submit(): Promise<void> {
    const { trans } = this.options;
    if (this.busy) {
      return;
    }
    const name = this.name.value.trim();
    const database = this.database.value.trim();
    if (!required(this.name, name, trans.__('Name the connection'))) {
      return;
    }
    if (
      !required(
        this.database,
        database,
        trans.__('Give a database URL or a file path')
      )
    ) {
      return;
    }
    this.setBusy(true);
    this.say(null);
    this.status.textContent = trans.__('Connecting…');
    try {
      const list = await this.options.add({ name, database });
      this.close();
      this.options.added(name, list);
    } catch (error) {
      this.status.textContent = '';
      this.say(error instanceof Error ? error.message : String(error));
    } finally {
      this.setBusy(false);
    }
  }

  private cancel(): void {
    if (!this.busy) {
      this.close();
      this.options.cancelled();
    }
  }

  private setBusy(busy: boolean): void {
    this.busy = busy;
    this.addButton.disabled = busy;
    this.node.setAttribute('aria-busy', String(busy));
  }

  private say(message: string | null): void {
    this.alert.hidden = message === null;
    this.alert.textContent = message ?? '';
  }
}

function input(label: string, placeholder: string): HTMLInputElement {
  return h('input', {
    className: 'jp-ChatBI-input',
    attrs: {
      type: 'text',
      'aria-label': label,
      placeholder,
      autocomplete: 'off',
      spellcheck: 'false'
    }
  });
}

function field(label: string, box: HTMLInputElement): HTMLElement {
  return h('label', {
    className: 'jp-ChatBI-field',
    children: [h('span', { text: label }), box]
  });
}

/** Whether `value` was given; if not, `box` says `message` and gets the cursor. */
function required(
  box: HTMLInputElement,
  value: string,
  message: string
): boolean {
  box.setCustomValidity(value ? '' : message);
  if (!value) {
    box.reportValidity();
    box.focus();
  }
  return Boolean(value);
}
