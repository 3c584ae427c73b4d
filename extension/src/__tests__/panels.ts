/**
 * Shared pieces of the panel tests: the demo connection as the server lists it, a shown panel, and one
 * that has asked a question.
 */
import type { ChatBIClient } from '../api';
import type { ChartRenderers } from '../chart';
import type { ChatBIPanel } from '../panel';
import { DEFAULT_SETTINGS } from '../settings';
import { plainTrans } from '../trans';
import { Answer, ConnectionInfo } from '../wire';
import { jupyterLabSqlEditors } from './editors';

/** The demo database, as `GET connections` lists it. */
export const DEMO_CONNECTION: ConnectionInfo = {
  name: 'demo',
  dialect: 'sqlite',
  tables: 8,
  default: true,
  error: null,
  removable: false
};

/** Charts that draw nothing (jsdom has no plotly). */
const NO_CHARTS = {
  draw: () => undefined,
  disposeIn: () => undefined,
  resize: () => undefined,
  dispose: () => undefined
} as unknown as ChartRenderers;

/**
 * A panel of class `Panel` (imported once the test's shims are in place) on `client`, in the document.
 */
export function showPanel(
  Panel: typeof ChatBIPanel,
  client: ChatBIClient
): ChatBIPanel {
  const panel = new Panel({
    client,
    charts: NO_CHARTS,
    sqlEditor: jupyterLabSqlEditors(),
    trans: plainTrans,
    settings: () => DEFAULT_SETTINGS,
    copy: async () => undefined
  });
  document.body.replaceChildren(panel.node);
  return panel;
}

/**
 * A shown panel of class `Panel` whose client lists no connections, answers every question with `first`
 * and has the further `methods` (run, reading, edit…), once `first`'s question was asked in it.
 */
export async function askedPanel(
  Panel: typeof ChatBIPanel,
  first: Answer,
  methods: Partial<ChatBIClient> = {}
): Promise<ChatBIPanel> {
  const client = {
    connections: async () => ({ connections: [], default: null }),
    ask: async () => first,
    model: () => new Promise(() => undefined),
    ...methods
  } as unknown as ChatBIClient;
  const panel = showPanel(Panel, client);
  panel.node.querySelector<HTMLTextAreaElement>('textarea')!.value =
    first.question;
  await panel.ask();
  return panel;
}
