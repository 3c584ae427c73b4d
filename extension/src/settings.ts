/** The panel's settings (the settings editor's "ChatBI" page, `schema/plugin.json`). */
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { DEFAULT_PAGE_SIZE } from './pager';

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
