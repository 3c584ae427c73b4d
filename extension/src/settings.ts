/**
 * The panel's settings (the settings editor's "ChatBI" page, `schema/plugin.json`), and the words of
 * that page in the user's language. JupyterLab's server translates settings only from a language
 * pack's compiled catalogues, so the schema asks the registry to wait for a transform
 * (`"jupyter.lab.transform": true`) and the plugin's transform translates its titles and descriptions
 * through the extension's own catalogue ({@link translateSchema}).
 */
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { DEFAULT_PAGE_SIZE } from './pager';
import { ITrans } from './trans';

export interface IPanelSettings {
  /** The connection picked when the panel opens; the server's default when empty. */
  defaultConnection: string;
  /** Rows per page of an answer's table (in the panel and in the main area). */
  rowLimit: number;
  /** The explanations' language; `auto`: the server's setting, else the question's language. */
  language: 'auto' | 'en' | 'zh';
}

export const DEFAULT_SETTINGS: IPanelSettings = {
  defaultConnection: '',
  rowLimit: DEFAULT_PAGE_SIZE,
  language: 'auto'
};

/** The settings as the registry has them, defaults for what is missing or malformed. */
export function readSettings(
  settings: ISettingRegistry.ISettings | null
): IPanelSettings {
  if (!settings) {
    return { ...DEFAULT_SETTINGS };
  }
  const get = (key: keyof IPanelSettings): unknown =>
    settings.get(key).composite;
  const connection = get('defaultConnection');
  const rows = get('rowLimit');
  const language = get('language');
  return {
    defaultConnection: typeof connection === 'string' ? connection : '',
    rowLimit:
      typeof rows === 'number' && Number.isInteger(rows) && rows > 0
        ? rows
        : DEFAULT_SETTINGS.rowLimit,
    language: language === 'en' || language === 'zh' ? language : 'auto'
  };
}

/** What a schema says to a reader: its title and description, its properties' and their choices'. */
const WORDS = ['title', 'description'] as const;

/** Every title and description of `schema` (the settings editor's words), in order, once each. */
export function schemaWords(schema: ISettingRegistry.ISchema): string[] {
  const found = new Set<string>();
  visitWords(schema, text => {
    found.add(text);
    return text;
  });
  return [...found];
}

/**
 * A copy of `schema` with its titles and descriptions (its own, its properties', their choices') in
 * the language of `trans`; what validates settings (types, bounds, constants) stays as it was.
 */
export function translateSchema(
  schema: ISettingRegistry.ISchema,
  trans: ITrans
): ISettingRegistry.ISchema {
  const copy = JSON.parse(JSON.stringify(schema)) as ISettingRegistry.ISchema;
  // eslint-disable-next-line jupyter/no-dynamic-translation -- the schema's words, in the catalogue too
  visitWords(copy, text => trans.__(text));
  return copy;
}

/** The registry's `fetch` transform that shows `plugin`'s settings page in the language of `trans`. */
export function translatedPlugin(
  plugin: ISettingRegistry.IPlugin,
  trans: ITrans
): ISettingRegistry.IPlugin {
  return { ...plugin, schema: translateSchema(plugin.schema, trans) };
}

type Node = Record<string, unknown>;

function visitWords(schema: Node, change: (text: string) => string): void {
  const visit = (node: Node): void => {
    for (const key of WORDS) {
      if (typeof node[key] === 'string') {
        node[key] = change(node[key] as string);
      }
    }
    for (const property of Object.values((node.properties ?? {}) as Node)) {
      visit(property as Node);
    }
    for (const choice of (node.oneOf ?? []) as Node[]) {
      visit(choice);
    }
  };
  visit(schema);
}
