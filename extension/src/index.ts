/**
 * ChatBI in JupyterLab: the side panel (right sidebar), its command and shortcut, and its settings.
 */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { Clipboard, ICommandPalette } from '@jupyterlab/apputils';
import { IEditorServices } from '@jupyterlab/codeeditor';
import { INotebookTracker } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { ChatBIClient } from './api';
import { ChartRenderers } from './chart';
import { chatbiIcon } from './icon';
import { insertIntoNotebook } from './insert';
import type { DashboardTab } from './dashboard';
import type { ResultTabs } from './resultview';
import { sqlEditorFactory } from './sqleditor';
import { AnswerStream } from './stream';
// eslint-disable-next-line jupyter/prefer-lazy-imports -- the panel goes into the sidebar at activation
import { ChatBIPanel } from './panel';
// eslint-disable-next-line jupyter/prefer-lazy-imports -- the settings and their transform are needed at activation
import {
  DEFAULT_SETTINGS,
  IPanelSettings,
  readSettings,
  translatedPlugin
} from './settings';
import { DOMAIN } from './trans';

export const PLUGIN_ID = 'chatbi-jupyterlab:plugin';

export namespace CommandIDs {
  /** Open the panel (or bring it forward) and put the cursor in the question box. */
  export const open = 'chatbi:open-panel';
  /** Open the adoption dashboard in the main area (or bring it forward, refreshed). */
  export const dashboard = 'chatbi:open-dashboard';
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description:
    'Ask a database questions from a side panel; check, correct and run the SQL.',
  autoStart: true,
  requires: [IRenderMimeRegistry, IEditorServices],
  optional: [
    ICommandPalette,
    ISettingRegistry,
    ITranslator,
    INotebookTracker,
    ILayoutRestorer
  ],
  activate: (
    app: JupyterFrontEnd,
    rendermime: IRenderMimeRegistry,
    editors: IEditorServices,
    palette: ICommandPalette | null,
    registry: ISettingRegistry | null,
    translator: ITranslator | null,
    notebooks: INotebookTracker | null,
    restorer: ILayoutRestorer | null
  ) => {
    const trans = (translator ?? nullTranslator).load(DOMAIN);
    let settings: IPanelSettings = { ...DEFAULT_SETTINGS };
    const client = new ChatBIClient(app.serviceManager.serverSettings);
    // the main-area view loads the first time a result is opened there
    let results: Promise<ResultTabs> | null = null;
    // the dashboard loads the first time it is opened
    let dashboard: Promise<DashboardTab> | null = null;
    const openDashboard = async (): Promise<void> => {
      dashboard ??= import('./dashboard').then(
        module =>
          new module.DashboardTab(app, {
            client,
            charts: new ChartRenderers(rendermime, trans),
            trans
          })
      );
      (await dashboard).open();
    };
    const panel = new ChatBIPanel({
      client,
      stream: new AnswerStream(app.serviceManager.serverSettings),
      charts: new ChartRenderers(rendermime, trans),
      sqlEditor: sqlEditorFactory(editors.factoryService),
      trans,
      settings: () => settings,
      copy: copyText,
      insert: notebooks
        ? answer => insertIntoNotebook(app, notebooks, client, answer, trans)
        : undefined,
      openDashboard: () => app.commands.execute(CommandIDs.dashboard),
      openTable: async (answer, table) => {
        results ??= import('./resultview').then(
          module => new module.ResultTabs(app)
        );
        (await results).show(answer, table, {
          trans,
          pageSize: settings.rowLimit
        });
      }
    });
    panel.title.icon = chatbiIcon;
    app.shell.add(panel, 'right', { rank: 600 });
    restorer?.add(panel, panel.id);
    void panel.refreshConnections();

    app.commands.addCommand(CommandIDs.open, {
      label: trans.__('Open ChatBI Panel'),
      caption: trans.__('Ask your database a question'),
      icon: chatbiIcon,
      describedBy: { args: { type: 'object', properties: {} } },
      execute: () => {
        app.shell.activateById(panel.id);
        // After the activation messages of this frame: the command palette gives the focus back to
        // the widget it was opened from once a command ran, and that must not take it from the panel.
        requestAnimationFrame(() => panel.focusQuestion());
      }
    });
    palette?.addItem({
      command: CommandIDs.open,
      category: trans.__('ChatBI')
    });
    app.commands.addCommand(CommandIDs.dashboard, {
      label: trans.__('Open ChatBI Dashboard'),
      caption: trans.__('Adoption figures from the feedback log'),
      icon: chatbiIcon,
      describedBy: { args: { type: 'object', properties: {} } },
      execute: openDashboard
    });
    palette?.addItem({
      command: CommandIDs.dashboard,
      category: trans.__('ChatBI')
    });

    if (registry) {
      // the settings page in the user's language: the registry waits for this ("jupyter.lab.transform")
      registry.transform(PLUGIN_ID, {
        fetch: loaded => translatedPlugin(loaded, trans)
      });
      registry
        .load(PLUGIN_ID)
        .then(loaded => {
          const update = (): void => {
            settings = readSettings(loaded);
            panel.applySettings();
          };
          update();
          loaded.changed.connect(update);
        })
        .catch(reason =>
          console.error('ChatBI: cannot read the settings', reason)
        );
    }
  }
};

/** Copy `text` to the clipboard (the browser's API when the page may use it, else JupyterLab's). */
async function copyText(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
  } else {
    Clipboard.copyToSystem(text);
  }
}

export default plugin;
