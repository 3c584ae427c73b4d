/** Shared pieces of the panel tests: the demo connection as the server lists it, and a shown panel. */
import type { ChatBIClient } from '../api';
import type { ChartRenderers } from '../chart';
import type { ChatBIPanel } from '../panel';
import { DEFAULT_SETTINGS } from '../settings';
import { plainTrans } from '../trans';
import { ConnectionInfo } from '../wire';
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
