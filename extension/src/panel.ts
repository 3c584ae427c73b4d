/**
 * The ChatBI side panel: pick a connection, ask a question, and get an answer card per question.
 * Questions go over the answer stream ({@link AnswerStream}): the card shows the stage and the SQL as
 * the model writes it, with a Cancel button, until the answer replaces it (over REST when the stream
 * cannot connect). Other requests go to the REST API ({@link ChatBIClient}); an answer changed by a
 * card's control (an edit, a chart switch, Regenerate) replaces its card. The connection picker's last
 * option, "Add connection…", opens a form that adds one ({@link AddConnectionForm}) and picks it;
 * "Remove" beside the picker removes the connection picked when it was added so (one of the server's
 * settings says it cannot be removed here), and the picker falls back to the default.
 */
import { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import { AddConnectionForm } from './addconnection';
import { ApiError, ChatBIClient } from './api';
import { AnswerCard, ExportFormat } from './card';
import { ChartRenderers } from './chart';
import { button, h } from './dom';
import { PendingCard } from './pending';
import { IPanelSettings } from './settings';
import { SqlEditorFactory } from './sqleditor';
import {
  AnswerStream,
  CancelledError,
  IStreamedQuestion,
  StreamClosedError
} from './stream';
import { ITrans } from './trans';
import { Answer, AskRequest, ConnectionList, Table } from './wire';

/** How often the model's status is read while a question is being answered. */
const MODEL_POLL_MS = 1000;

/** The picker's option that opens the add-connection form: no connection's name starts with a space. */
const ADD_CONNECTION = ' add';

export interface IPanelOptions {
  client: ChatBIClient;
  /** Questions are asked over it when given (the SQL shows as it is written); else over REST. */
  stream?: AnswerStream;
  charts: ChartRenderers;
  /** Makes the editors of the cards' SQL (JupyterLab's, from `IEditorServices`). */
  sqlEditor: SqlEditorFactory;
  trans: ITrans;
  settings: () => IPanelSettings;
  copy: (text: string) => Promise<void>;
  /**
   * Insert a cell reproducing `answer` into the current notebook and say where; absent without
   * notebooks.
   */
  insert?: (answer: Answer) => Promise<string>;
  /** Open `table`, all the rows `answer` fetched, in the main area; absent without one. */
  openTable?: (answer: Answer, table: Table) => Promise<void>;
  /** Open the adoption dashboard in the main area; absent where there is none. */
  openDashboard?: () => unknown;
}

export class ChatBIPanel extends Widget {
  private readonly connection: HTMLSelectElement;
  private readonly question: HTMLTextAreaElement;
  private readonly feed: HTMLElement;
  private readonly progress: HTMLElement;
  private readonly alert: HTMLElement;
  private readonly addForm: AddConnectionForm;
  private readonly remove: HTMLButtonElement;
  /** The cards shown, by their node (to free their editors when they go). */
  private readonly cards = new Map<Element, AnswerCard>();
  /** The connections added from the panel: those "Remove" removes. */
  private removable = new Set<string>();
  /** The connection picked: the picker's value, except while it shows "Add connection…". */
  private current = '';
  private pending = 0;
  private startOver = false;
  private chosen = false;

  constructor(private readonly options: IPanelOptions) {
    super();
    const { trans } = options;
    this.id = 'chatbi-panel';
    this.addClass('jp-ChatBI-panel');
    this.title.caption = trans.__('ChatBI: ask your data');
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', trans.__('ChatBI'));

    this.connection = h('select', {
      className: 'jp-ChatBI-select jp-ChatBI-connection',
      attrs: { 'aria-label': trans.__('Connection') }
    });
    this.connection.addEventListener('change', () => this.picked());
    this.addForm = new AddConnectionForm({
      trans,
      add: request => options.client.addConnection(request),
      added: (name, list) => this.added(name, list),
      cancelled: () => this.connection.focus()
    });
    this.remove = button(
      trans.__('Remove'),
      () => void this.removeConnection(),
      {
        className: 'jp-ChatBI-removeConnection'
      }
    );
    this.question = h('textarea', {
      className: 'jp-ChatBI-input jp-ChatBI-questionBox',
      attrs: {
        rows: '3',
        'aria-label': trans.__('Question'),
        placeholder: trans.__('Ask a question about your data')
      }
    });
    this.question.addEventListener('keydown', event => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        void this.ask();
      }
    });
    const form = h('form', {
      className: 'jp-ChatBI-form',
      attrs: { 'aria-label': trans.__('Ask') },
      children: [
        this.question,
        h('div', {
          className: 'jp-ChatBI-formButtons',
          children: [
            button(trans.__('New conversation'), () => this.newConversation(), {
              title: trans.__(
                'The next question does not follow up on the earlier ones'
              )
            }),
            h('button', {
              className: 'jp-ChatBI-button jp-mod-accept',
              text: trans.__('Ask'),
              attrs: { type: 'submit' }
            })
          ]
        })
      ]
    });
    form.addEventListener('submit', event => {
      event.preventDefault();
      void this.ask();
    });
    this.progress = h('p', {
      className: 'jp-ChatBI-progress',
      attrs: { role: 'status', 'aria-live': 'polite' }
    });
    this.alert = h('p', {
      className: 'jp-ChatBI-error',
      attrs: { role: 'alert' }
    });
    this.alert.hidden = true;
    this.feed = h('div', {
      className: 'jp-ChatBI-feed',
      attrs: { role: 'feed', 'aria-label': trans.__('Answers') }
    });
    this.node.append(
      h('header', {
        className: 'jp-ChatBI-panelHeader',
        children: [
          h('h2', { className: 'jp-ChatBI-title', text: trans.__('ChatBI') }),
          h('label', {
            className: 'jp-ChatBI-connectionLabel',
            children: [
              h('span', { text: trans.__('Database') }),
              this.connection
            ]
          }),
          this.remove,
          ...(options.openDashboard
            ? [
                button(
                  trans.__('Dashboard'),
                  () => void options.openDashboard!(),
                  {
                    className: 'jp-ChatBI-openDashboard',
                    title: trans.__('Adoption figures from the feedback log')
                  }
                )
              ]
            : [])
        ]
      }),
      this.addForm.node,
      form,
      this.progress,
      this.alert,
      this.feed
    );
  }

  /** Put the cursor in the question box. */
  focusQuestion(): void {
    this.question.focus();
  }

  /** Read the connections from the server and fill the picker. */
  async refreshConnections(): Promise<void> {
    try {
      this.fillConnections(await this.options.client.connections());
      this.showError(null);
    } catch (error) {
      this.showError(
        this.options.trans.__('Cannot list the connections: %1', message(error))
      );
    }
  }

  /** Settings changed: the default connection applies unless the user picked one. */
  applySettings(): void {
    const wanted = this.options.settings().defaultConnection;
    if (!this.chosen && wanted && this.hasConnection(wanted)) {
      this.connection.value = this.current = wanted;
    }
  }

  /** Ask the question in the box on the connection picked. */
  async ask(): Promise<void> {
    const question = this.question.value.trim();
    const { client, trans, settings } = this.options;
    if (!question) {
      this.question.focus();
      return;
    }
    const language = settings().language;
    const request: AskRequest = {
      question,
      connection: this.current || null,
      new: this.startOver,
      language: language === 'auto' ? null : language
    };
    this.startOver = false;
    this.question.value = '';
    const { stream } = this.options;
    let asked: IStreamedQuestion | undefined = undefined;
    const pending = new PendingCard(
      question,
      trans,
      stream ? () => asked?.cancel() : undefined
    );
    this.feed.appendChild(pending.node);
    pending.node.scrollIntoView({ block: 'nearest' });
    asked = stream?.ask(request, pending);
    this.track(+1);
    try {
      const answer =
        (asked && (await fallBack(asked.answer))) ??
        (await client.ask(request));
      const card = this.card(answer);
      pending.node.replaceWith(card.node);
      card.node.scrollIntoView({ block: 'nearest' });
    } catch (error) {
      if (error instanceof CancelledError) {
        pending.finish(trans.__('Cancelled: nothing was answered'));
      } else {
        pending.finish(message(error), true);
      }
    } finally {
      this.track(-1);
    }
  }

  /** Activated (the command, the sidebar tab): the cursor goes to the question box. */
  protected onActivateRequest(msg: Message): void {
    if (this.isVisible) {
      this.focusQuestion();
    }
  }

  protected onAfterShow(msg: Message): void {
    this.options.charts.resize();
  }

  protected onResize(msg: Widget.ResizeMessage): void {
    this.options.charts.resize();
  }

  dispose(): void {
    for (const node of Array.from(this.cards.keys())) {
      this.release(node);
    }
    this.options.stream?.dispose();
    this.options.charts.dispose();
    super.dispose();
  }

  private card(answer: Answer): AnswerCard {
    const { client, trans, charts, settings } = this.options;
    const replace = (request: () => Promise<Answer>): void => {
      void this.change(card, request);
    };
    const card: AnswerCard = new AnswerCard(answer, {
      trans,
      pageSize: settings().rowLimit,
      sqlEditor: this.options.sqlEditor,
      actions: {
        copy: text => this.options.copy(text),
        feedback: (kind, reason) => {
          void this.run(card, async () => {
            const result = await client.feedback({
              answer_id: answer.id,
              kind,
              reason
            });
            card.setStatus(result.message);
          });
        },
        regenerate: () =>
          replace(() => client.regenerate({ answer_id: answer.id })),
        edit: edit =>
          replace(() =>
            client.edit({
              answer_id: answer.id,
              edit,
              connection: answer.connection
            })
          ),
        runSql: sql =>
          replace(() =>
            client.run({
              sql,
              connection: answer.connection,
              question: answer.question,
              answer_id: answer.id
            })
          ),
        removeReadingPart: chipId =>
          replace(() =>
            client.reading({
              answer_id: answer.id,
              remove: [chipId],
              connection: answer.connection
            })
          ),
        changeReading: change =>
          replace(() =>
            client.reading({
              answer_id: answer.id,
              connection: answer.connection,
              ...change
            })
          ),
        chart: kind =>
          replace(() => client.chart({ answer_id: answer.id, kind })),
        download: format =>
          void this.run(card, async () => {
            await this.download(answer, format);
            card.setStatus(trans.__('Downloaded as %1', format.toUpperCase()));
          }),
        insert: this.options.insert
          ? () =>
              void this.run(card, async () => {
                card.setStatus(await this.options.insert!(card.answer));
              })
          : undefined,
        openTable: this.options.openTable
          ? () =>
              void this.run(card, async () => {
                await this.options.openTable!(
                  card.answer,
                  await this.wholeTable(card.answer)
                );
                card.setStatus(trans.__('Opened in the main area'));
              })
          : undefined,
        drawChart: (host, chart) => charts.draw(host, chart)
      }
    });
    this.cards.set(card.node, card);
    return card;
  }

  /** Free what a card's node holds (its chart, its editor) before it leaves the feed. */
  private release(node: Element): void {
    this.options.charts.disposeIn(node as HTMLElement);
    this.cards.get(node)?.dispose();
    this.cards.delete(node);
  }

  /** Run `request` on `card`'s answer and draw the answer it returns in its place. */
  private async change(
    card: AnswerCard,
    request: () => Promise<Answer>
  ): Promise<void> {
    await this.run(card, async () => {
      const answer = await request();
      const next = this.card(answer);
      this.release(card.node);
      card.node.replaceWith(next.node);
    });
  }

  /** Run `work` with `card` busy (`work` says on its status line what it did); a failure is said. */
  private async run(
    card: AnswerCard,
    work: () => Promise<void>
  ): Promise<void> {
    card.setBusy(true);
    card.setStatus(this.options.trans.__('Working…'));
    this.track(+1);
    try {
      await work();
    } catch (error) {
      card.setStatus(message(error), true);
    } finally {
      card.setBusy(false);
      this.track(-1);
    }
  }

  /** All the rows `answer` fetched: those it carries when they are all, else the server's. */
  private async wholeTable(answer: Answer): Promise<Table> {
    const table = answer.table!;
    return table.rows.length >= table.row_count
      ? table
      : this.options.client.table(answer.id);
  }

  private async download(answer: Answer, format: ExportFormat): Promise<void> {
    const blob = await this.options.client.export(answer.id, format);
    const url = URL.createObjectURL(blob);
    const link = h('a', {
      attrs: { href: url, download: `chatbi-${answer.id}.${format}` }
    });
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  private fillConnections(list: ConnectionList): void {
    const { trans, settings } = this.options;
    const previous = this.current;
    const add = h('option', {
      text: trans.__('Add connection…'),
      attrs: { value: ADD_CONNECTION }
    });
    this.connection.replaceChildren(
      ...list.connections.map(info => {
        const option = h('option', {
          text: info.error
            ? trans.__('%1 (cannot open: %2)', info.name, info.error)
            : info.dialect
              ? `${info.name} (${info.dialect})`
              : info.name,
          attrs: { value: info.name }
        });
        option.disabled = info.error !== null;
        return option;
      }),
      add
    );
    const wanted = settings().defaultConnection;
    const pick = [this.chosen ? previous : '', wanted, list.default ?? ''].find(
      name => name && this.hasConnection(name)
    );
    const first = list.connections.find(info => info.error === null);
    this.current = pick ?? first?.name ?? '';
    if (!this.current) {
      // something to show that is not "Add connection…", so that picking that is a change
      const none = h('option', {
        text: trans.__('No connection yet'),
        attrs: { value: '' }
      });
      none.disabled = true;
      this.connection.prepend(none);
    }
    this.connection.value = this.current;
    this.removable = new Set(
      list.connections.filter(info => info.removable).map(info => info.name)
    );
    this.showRemove();
  }

  /**
   * "Remove" names the connection picked; for one of the server's settings it stays focusable but
   * says, on hover and when pressed, that it cannot be removed here.
   */
  private showRemove(): void {
    const { trans } = this.options;
    const name = this.current;
    this.remove.hidden = !name;
    const removable = this.removable.has(name);
    this.remove.setAttribute('aria-disabled', removable ? 'false' : 'true');
    this.remove.setAttribute(
      'aria-label',
      trans.__('Remove connection %1', name)
    );
    this.remove.title = removable
      ? trans.__('Remove %1, added from this panel', name)
      : trans.__(
          '%1 is in the server’s settings: it cannot be removed here',
          name
        );
  }

  /** Remove the connection picked, if it was added from the panel, and pick the default. */
  private async removeConnection(): Promise<void> {
    const { client, trans } = this.options;
    const name = this.current;
    if (!name) {
      return;
    }
    if (!this.removable.has(name)) {
      this.progress.textContent = this.remove.title;
      return;
    }
    this.remove.disabled = true;
    try {
      const list = await client.removeConnection(name);
      this.chosen = false;
      this.fillConnections(list);
      this.showError(null);
      this.progress.textContent = trans.__('Connection %1 removed', name);
    } catch (error) {
      this.showError(trans.__('Cannot remove %1: %2', name, message(error)));
    } finally {
      this.remove.disabled = false;
    }
  }

  /** The picker changed: a connection was picked, or "Add connection…" (which opens the form). */
  private picked(): void {
    if (this.connection.value === ADD_CONNECTION) {
      this.connection.value = this.current;
      this.addForm.open();
      return;
    }
    this.current = this.connection.value;
    this.chosen = true;
    this.showRemove();
  }

  /** The form added connection `name`: list it and pick it. */
  private added(name: string, list: ConnectionList): void {
    this.chosen = true;
    this.current = name;
    this.fillConnections(list);
    this.showError(null);
    this.progress.textContent = this.options.trans.__(
      'Connection %1 added',
      name
    );
    this.question.focus();
  }

  private hasConnection(name: string): boolean {
    return Array.from(this.connection.options).some(
      option =>
        option.value === name &&
        option.value !== ADD_CONNECTION &&
        !option.disabled
    );
  }

  private newConversation(): void {
    this.startOver = true;
    for (const node of Array.from(this.feed.children)) {
      this.release(node);
    }
    this.feed.replaceChildren();
    this.progress.textContent = this.options.trans.__('New conversation');
    this.question.focus();
  }

  private showError(text: string | null): void {
    this.alert.hidden = text === null;
    this.alert.textContent = text ?? '';
  }

  /** Count requests in flight; while any runs, say what the model is doing. */
  private track(delta: number): void {
    this.pending += delta;
    if (delta > 0 && this.pending === 1) {
      void this.pollModel();
    }
    if (this.pending === 0) {
      this.progress.textContent = '';
    }
  }

  private async pollModel(): Promise<void> {
    const { client, trans } = this.options;
    while (this.pending > 0 && !this.isDisposed) {
      try {
        const status = await client.model();
        if (this.pending > 0) {
          this.progress.textContent = status.loading
            ? trans.__('Loading the model (%1)…', status.describe)
            : status.stage
              ? trans.__('%1…', status.stage)
              : trans.__('Working…');
        }
      } catch {
        // the status is a courtesy: the request itself reports what went wrong
      }
      await new Promise(resolve => setTimeout(resolve, MODEL_POLL_MS));
    }
  }
}

/** The stream's answer; null when the stream never connected, so that the question was never sent. */
async function fallBack(answer: Promise<Answer>): Promise<Answer | null> {
  try {
    return await answer;
  } catch (error) {
    if (error instanceof StreamClosedError && error.neverOpened) {
      return null;
    }
    throw error;
  }
}

function message(error: unknown): string {
  if (error instanceof ApiError) {
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
