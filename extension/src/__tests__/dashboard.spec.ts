/**
 * The adoption dashboard tab: the server's figures drawn through the plotly mime renderer (as the
 * panel's answer chart), the day and database passed on, the empty and error states, and the labels in
 * English and Chinese.
 */
import { readFileSync } from 'fs';
import { join, resolve } from 'path';
import { afterEach, describe, expect, it } from 'vitest';
import { IRenderMimeRegistry, MimeModel } from '@jupyterlab/rendermime';
import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Widget } from '@lumino/widgets';
import { ChartRenderers, PLOTLY_MIME } from '../chart';
import { DashboardClient, DashboardView } from '../dashboard';
import { ITrans, plainTrans } from '../trans';
import {
  ConnectionList,
  Dashboard,
  DashboardFigure,
  RetrainingStatus
} from '../wire';
import { DEMO_CONNECTION } from './panels';

const NAMES: DashboardFigure['name'][] = [
  'questions',
  'shares',
  'edits',
  'latency',
  'errors',
  'versions'
];

/** A renderer that records the figure it was given, as plotly's would draw it. */
class RecordingRenderer extends Widget implements IRenderMime.IRenderer {
  static drawn: Record<string, any>[] = [];
  renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    RecordingRenderer.drawn.push(
      model.data[PLOTLY_MIME] as Record<string, any>
    );
    return Promise.resolve();
  }
}

function registry(mimeTypes = [PLOTLY_MIME]): IRenderMimeRegistry {
  return {
    mimeTypes,
    createRenderer: () => new RecordingRenderer(),
    createModel: (options: MimeModel.IOptions) => new MimeModel(options)
  } as unknown as IRenderMimeRegistry;
}

function board(questions: number, since: string | null = null): Dashboard {
  return {
    since,
    connection: null,
    questions,
    answered: questions ? questions - 1 : 0,
    outcomes: {
      accepted: 1,
      edited: 0,
      rejected: 1,
      error: 0,
      'no verdict': 1
    },
    figures: questions
      ? NAMES.map(name => ({
          name,
          title: `${name} (English)`,
          figure: {
            data: [{ type: 'bar', name, x: ['2026-03-02'], y: [questions] }],
            layout: {
              title: { text: `${name} (English)` },
              paper_bgcolor: 'rgba(0,0,0,0)'
            }
          }
        }))
      : []
  };
}

const RETRAINING: RetrainingStatus = {
  enabled: true,
  every_hours: 24,
  if_new: 20,
  connections: ['demo'],
  running: false,
  runs: 1,
  next_run_at: '2026-03-03T09:00:00+00:00',
  last_run: {
    started_at: '2026-03-02T09:00:00+00:00',
    finished_at: '2026-03-02T09:00:03+00:00',
    outcome: 'skipped',
    exit_code: 0,
    message: 'nothing to do: 0 corrections approved'
  }
};

/** The server, recording what was asked of it. */
class Server implements DashboardClient {
  asked: [string | null, string | null][] = [];
  failure: Error | null = null;
  async dashboard(
    since: string | null,
    connection: string | null
  ): Promise<Dashboard> {
    this.asked.push([since, connection]);
    if (this.failure) {
      throw this.failure;
    }
    return since ? board(0, since) : board(3);
  }
  async connections(): Promise<ConnectionList> {
    return {
      default: 'demo',
      connections: [DEMO_CONNECTION]
    };
  }
  async retraining(): Promise<RetrainingStatus> {
    return RETRAINING;
  }
}

/** The zh_CN catalogue as JupyterLab's bundle reads it. */
function chinese(): ITrans {
  const file = join(
    resolve(__dirname, '..', '..'),
    'chatbi_jupyterlab',
    'locale',
    'zh_CN',
    'LC_MESSAGES',
    'chatbi_jupyterlab.json'
  );
  const data = JSON.parse(readFileSync(file, 'utf-8')) as Record<
    string,
    string[]
  >;
  return {
    __: (msgid: string, ...args: any[]) =>
      plainTrans.__(data[msgid]?.[0] ?? `MISSING ${msgid}`, ...args)
  };
}

const shown: Widget[] = [];

async function open(
  server: Server,
  trans: ITrans = plainTrans,
  mimeTypes?: string[]
): Promise<DashboardView> {
  RecordingRenderer.drawn = [];
  const view = new DashboardView({
    client: server,
    charts: new ChartRenderers(registry(mimeTypes), trans),
    trans
  });
  Widget.attach(view, document.body);
  shown.push(view);
  await view.load();
  await new Promise(done => setTimeout(done, 0));
  return view;
}

afterEach(() => {
  shown.splice(0).forEach(widget => widget.dispose());
});

describe('the adoption dashboard', () => {
  it('draws the six figures of the server with the plotly renderer', async () => {
    const server = new Server();
    const view = await open(server);
    const sections = view.node.querySelectorAll(
      'section.jp-ChatBI-dashboardFigure'
    );
    expect([...sections].map(node => node.getAttribute('data-figure'))).toEqual(
      NAMES
    );
    expect(sections[0].getAttribute('aria-label')).toBe(
      'Questions per day, by outcome'
    );
    expect(RecordingRenderer.drawn.map(figure => figure.data[0].name)).toEqual(
      NAMES
    );
    expect(RecordingRenderer.drawn[0].layout.title.text).toBe(
      'Questions per day, by outcome'
    );
    expect(RecordingRenderer.drawn[0].layout.paper_bgcolor).toBe(
      'rgba(0,0,0,0)'
    );
    expect(view.node.querySelector('[role="status"]')!.textContent).toBe(
      '3 questions, 2 answered without error, 1 accepted, 0 edited, 1 rejected'
    );
    expect(
      view.node.querySelector('.jp-ChatBI-dashboardRetraining')!.textContent
    ).toContain(
      'Last run 2026-03-02T09:00:03+00:00: skipped (nothing to do: 0 corrections approved)'
    );
    expect(server.asked).toEqual([[null, null]]);
  });

  it('asks again for the day and database picked, and says when there is nothing', async () => {
    const server = new Server();
    const view = await open(server);
    const picker = view.node.querySelector('select') as HTMLSelectElement;
    expect([...picker.options].map(option => option.value)).toEqual([
      '',
      'demo'
    ]);
    picker.value = 'demo';
    const since = view.node.querySelector(
      'input[type="date"]'
    ) as HTMLInputElement;
    since.value = '2026-03-03';
    await view.refresh();
    expect(server.asked.at(-1)).toEqual(['2026-03-03', 'demo']);
    expect(view.node.querySelectorAll('section').length).toBe(0);
    expect(view.node.querySelector('[role="status"]')!.textContent).toBe(
      'No questions were logged in this period.'
    );
  });

  it('shows the server’s message when the figures cannot be read', async () => {
    const server = new Server();
    server.failure = new Error('the server logs nothing');
    const view = await open(server);
    const alert = view.node.querySelector('[role="alert"]') as HTMLElement;
    expect(alert.hidden).toBe(false);
    expect(alert.textContent).toBe(
      'Cannot read the adoption figures: the server logs nothing'
    );
  });

  it('says so when the server has no plotly renderer', async () => {
    const view = await open(new Server(), plainTrans, []);
    expect(RecordingRenderer.drawn).toEqual([]);
    expect(
      view.node.querySelector('.jp-ChatBI-dashboardChart')!.textContent
    ).toContain('No chart renderer');
  });

  it('reads in Chinese', async () => {
    const view = await open(new Server(), chinese());
    expect(view.node.textContent).not.toContain('MISSING');
    expect(view.node.querySelector('h2')!.textContent).toBe('使用情况仪表板');
    expect(RecordingRenderer.drawn[0].layout.title.text).toBe(
      '每日问题数（按结果）'
    );
    expect(view.node.querySelector('[role="status"]')!.textContent).toBe(
      '3 个问题，2 个无错误回答，1 个被接受，0 个被修改，1 个被拒绝'
    );
  });
});
