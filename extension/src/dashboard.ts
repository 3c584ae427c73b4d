/**
 * The adoption dashboard in a main-area tab: the figures of `chatbi feedback stats` and
 * notebooks/adoption.ipynb, built by the server from the feedback log the panel logs to (`GET
 * dashboard`) and drawn by JupyterLab's plotly renderer as the panel's answer chart is (no CDN; the
 * figures are themeless on a transparent page, so they read in the light and the dark theme). A day
 * and a database narrow the figures; a line says what the server's retraining schedule did last.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';
import { ChatBIClient } from './api';
import { ChartRenderers } from './chart';
import { button, h } from './dom';
import { chatbiIcon } from './icon';
import { ITrans } from './trans';
import { Dashboard, DashboardFigure, RetrainingStatus } from './wire';

/** What the dashboard needs of the server: its figures, the connections, the retraining status. */
export type DashboardClient = Pick<
  ChatBIClient,
  'dashboard' | 'connections' | 'retraining'
>;

export interface IDashboardOptions {
  client: DashboardClient;
  charts: ChartRenderers;
  trans: ITrans;
}

/** The figures' titles in the user's language, by the figure's name. */
function figureTitles(trans: ITrans): Record<DashboardFigure['name'], string> {
  return {
    questions: trans.__('Questions per day, by outcome'),
    shares: trans.__('Share of questions per day'),
    edits: trans.__('Edits by kind'),
    latency: trans.__('Answer latency per day'),
    errors: trans.__('Errors by table and column'),
    versions: trans.__('Model and adapter versions over time')
  };
}

/** The content of the dashboard tab. */
export class DashboardView extends Widget {
  private readonly since: HTMLInputElement;
  private readonly connection: HTMLSelectElement;
  private readonly summary: HTMLElement;
  private readonly retraining: HTMLElement;
  private readonly alert: HTMLElement;
  private readonly figures: HTMLElement;

  constructor(private readonly options: IDashboardOptions) {
    super();
    const { trans } = options;
    this.addClass('jp-ChatBI-dashboard');
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', trans.__('Adoption dashboard'));
    this.since = h('input', {
      className: 'jp-ChatBI-input jp-ChatBI-dashboardSince',
      attrs: { type: 'date', 'aria-label': trans.__('From (UTC day)') }
    });
    this.connection = h('select', {
      className: 'jp-ChatBI-select jp-ChatBI-dashboardConnection',
      attrs: { 'aria-label': trans.__('Database') }
    });
    this.connection.append(
      h('option', { text: trans.__('All databases'), attrs: { value: '' } })
    );
    this.since.addEventListener('change', () => void this.refresh());
    this.connection.addEventListener('change', () => void this.refresh());
    this.summary = h('p', {
      className: 'jp-ChatBI-dashboardSummary',
      attrs: { role: 'status', 'aria-live': 'polite' }
    });
    this.retraining = h('p', { className: 'jp-ChatBI-dashboardRetraining' });
    this.alert = h('p', {
      className: 'jp-ChatBI-error',
      attrs: { role: 'alert' }
    });
    this.alert.hidden = true;
    this.figures = h('div', { className: 'jp-ChatBI-dashboardFigures' });
    this.node.append(
      h('header', {
        className: 'jp-ChatBI-dashboardHeader',
        children: [
          h('h2', {
            className: 'jp-ChatBI-title',
            text: trans.__('Adoption dashboard')
          }),
          h('label', {
            children: [h('span', { text: trans.__('From') }), this.since]
          }),
          h('label', {
            children: [
              h('span', { text: trans.__('Database') }),
              this.connection
            ]
          }),
          button(trans.__('Refresh'), () => void this.refresh())
        ]
      }),
      this.summary,
      this.retraining,
      this.alert,
      this.figures
    );
  }

  /** Fill the database picker (once) and draw the figures for the day and database picked. */
  async load(): Promise<void> {
    if (this.connection.options.length === 1) {
      try {
        const list = await this.options.client.connections();
        for (const info of list.connections) {
          this.connection.append(
            h('option', { text: info.name, attrs: { value: info.name } })
          );
        }
      } catch {
        // the figures of all databases still show; refresh says what failed
      }
    }
    await this.refresh();
  }

  /** Ask the server for the figures again and draw them. */
  async refresh(): Promise<void> {
    const { client, trans } = this.options;
    this.summary.textContent = trans.__('Reading the feedback log…');
    try {
      const [board, status] = await Promise.all([
        client.dashboard(
          this.since.value || null,
          this.connection.value || null
        ),
        client.retraining().catch(() => null)
      ]);
      this.alert.hidden = true;
      this.drawBoard(board);
      this.retraining.textContent = status ? this.describe(status) : '';
    } catch (error) {
      this.summary.textContent = '';
      this.alert.textContent = trans.__(
        'Cannot read the adoption figures: %1',
        error instanceof Error ? error.message : String(error)
      );
      this.alert.hidden = false;
    }
  }

  private drawBoard(board: Dashboard): void {
    const { charts, trans } = this.options;
    charts.disposeIn(this.figures);
    this.figures.replaceChildren();
    if (!board.figures.length) {
      this.summary.textContent = trans.__(
        'No questions were logged in this period.'
      );
      return;
    }
    this.summary.textContent = trans.__(
      '%1 questions, %2 answered without error, %3 accepted, %4 edited, %5 rejected',
      board.questions,
      board.answered,
      board.outcomes['accepted'] ?? 0,
      board.outcomes['edited'] ?? 0,
      board.outcomes['rejected'] ?? 0
    );
    const titles = figureTitles(trans);
    for (const figure of board.figures) {
      const title = titles[figure.name] ?? figure.title;
      const host = h('div', { className: 'jp-ChatBI-dashboardChart' });
      this.figures.append(
        h('section', {
          className: 'jp-ChatBI-dashboardFigure',
          attrs: { 'aria-label': title, 'data-figure': figure.name },
          children: [host]
        })
      );
      charts.draw(host, { figure: titled(figure.figure, title) });
    }
  }

  private describe(status: RetrainingStatus): string {
    const { trans } = this.options;
    if (!status.enabled) {
      return trans.__('Scheduled retraining: off');
    }
    const every = trans.__(
      'Scheduled retraining every %1 hours when %2 corrections are new',
      status.every_hours,
      status.if_new
    );
    const last = status.last_run;
    return last
      ? `${every}. ${trans.__('Last run %1: %2 (%3)', last.finished_at, last.outcome, last.message)}`
      : `${every}. ${trans.__('No run yet.')}`;
  }

  protected onResize(): void {
    this.options.charts.resize();
  }

  dispose(): void {
    if (!this.isDisposed) {
      this.options.charts.disposeIn(this.figures);
    }
    super.dispose();
  }
}

/** `figure` with its layout's title replaced by `title` (the figure itself is left as it is). */
function titled(
  figure: Record<string, unknown>,
  title: string
): Record<string, unknown> {
  const layout = (figure['layout'] ?? {}) as Record<string, unknown>;
  return { ...figure, layout: { ...layout, title: { text: title } } };
}

/** Opens the dashboard in the main area: one tab, brought forward and refreshed when opened again. */
export class DashboardTab {
  private widget: MainAreaWidget<DashboardView> | null = null;

  constructor(
    private readonly app: JupyterFrontEnd,
    private readonly options: IDashboardOptions
  ) {}

  open(): void {
    if (!this.widget || this.widget.isDisposed) {
      this.widget = new MainAreaWidget({
        content: new DashboardView(this.options)
      });
      // MainAreaWidget names its content "main area content": name the dashboard's region again
      this.widget.content.node.setAttribute(
        'aria-label',
        this.options.trans.__('Adoption dashboard')
      );
      this.widget.id = 'chatbi-dashboard';
      this.widget.title.icon = chatbiIcon;
      this.widget.title.label = this.options.trans.__('ChatBI Dashboard');
      this.widget.title.closable = true;
      this.app.shell.add(this.widget, 'main');
      void this.widget.content.load();
    } else {
      void this.widget.content.refresh();
    }
    this.app.shell.activateById(this.widget.id);
  }
}
