/**
 * The Chinese labels: every label the panel's source puts through the translation bundle has an entry
 * in the zh_CN catalogue (and no entry is left over), with the same placeholders; and JupyterLab's own
 * translation manager, fed the catalogue as the server sends it, draws the panel in Chinese.
 */
import { readdirSync, readFileSync } from 'fs';
import { join, resolve } from 'path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { TranslationManager } from '@jupyterlab/translation/lib/manager';
import { ISettingRegistry, SettingRegistry } from '@jupyterlab/settingregistry';
import { TablePager } from '../pager';
import { schemaWords, translatedPlugin } from '../settings';
import { DOMAIN } from '../trans';
import { Table } from '../wire';

const ROOT = resolve(__dirname, '..', '..');
const SOURCES = join(ROOT, 'src');
const CATALOGUE = join(
  ROOT,
  'chatbi_jupyterlab',
  'locale',
  'zh_CN',
  'LC_MESSAGES',
  `${DOMAIN}.json`
);

const SCHEMA = join(ROOT, 'schema', 'plugin.json');
const PLUGIN_ID = 'chatbi-jupyterlab:plugin';

/** The module that translates the settings page's words, read from the schema (no literals there). */
const SCHEMA_TRANSLATOR = 'settings.ts';

function schema(): ISettingRegistry.ISchema {
  return JSON.parse(readFileSync(SCHEMA, 'utf-8')) as ISettingRegistry.ISchema;
}

/** The gettext calls of `@jupyterlab/translation`'s bundle whose first argument is a msgid. */
const GETTEXT = new Set(['__', 'gettext', '_n', 'ngettext']);

interface IMsgids {
  found: Map<string, string>;
  /** Calls whose msgid is not a string literal: no catalogue can hold them. */
  dynamic: string[];
}

/** The msgids of the panel's source, read from its syntax tree (with where each is first used). */
function msgids(): IMsgids {
  const found = new Map<string, string>();
  const dynamic: string[] = [];
  for (const name of readdirSync(SOURCES).filter(f => f.endsWith('.ts'))) {
    const text = readFileSync(join(SOURCES, name), 'utf-8');
    const source = ts.createSourceFile(
      name,
      text,
      ts.ScriptTarget.ES2020,
      true
    );
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        const callee = node.expression;
        const called = ts.isPropertyAccessExpression(callee)
          ? callee.name.text
          : ts.isIdentifier(callee)
            ? callee.text
            : null;
        if (called && GETTEXT.has(called)) {
          const where = `${name}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
          const first = node.arguments[0];
          if (first && ts.isStringLiteralLike(first)) {
            if (!found.has(first.text)) {
              found.set(first.text, where);
            }
          } else {
            dynamic.push(where);
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  for (const text of schemaWords(schema())) {
    if (!found.has(text)) {
      found.set(text, 'schema/plugin.json');
    }
  }
  return { found, dynamic };
}

type Catalogue = Record<string, unknown> & {
  '': Record<string, string>;
};

function catalogue(): Catalogue {
  return JSON.parse(readFileSync(CATALOGUE, 'utf-8')) as Catalogue;
}

function placeholders(text: string): string[] {
  return [...new Set(text.match(/%\d+/g) ?? [])].sort();
}

describe('the zh_CN catalogue', () => {
  const { found, dynamic } = msgids();
  const data = catalogue();
  const entries = Object.keys(data).filter(key => key !== '');

  it('is read from the source: the labels are there, each a literal', () => {
    expect(found.size).toBeGreaterThan(50);
    expect(found.has('rows %1–%2 of %3')).toBe(true);
    expect(found.has('Open ChatBI Panel')).toBe(true);
    expect(found.get('Rows per page')).toBe('schema/plugin.json');
    expect(dynamic.map(where => where.split(':')[0])).toEqual([
      SCHEMA_TRANSLATOR
    ]);
  });

  it('has a Chinese entry for every label the panel uses', () => {
    const missing = [...found]
      .filter(([msgid]) => !(msgid in data))
      .map(([msgid, where]) => `${where}: ${msgid}`);
    expect(missing).toEqual([]);
  });

  it('has no entry the panel no longer uses', () => {
    expect(entries.filter(msgid => !found.has(msgid))).toEqual([]);
  });

  it('gives one translation per label, with the same placeholders', () => {
    const wrong = entries.filter(msgid => {
      const value = data[msgid];
      return (
        !Array.isArray(value) ||
        value.length !== 1 ||
        typeof value[0] !== 'string' ||
        !value[0].trim() ||
        placeholders(value[0]).join() !== placeholders(msgid).join()
      );
    });
    expect(wrong).toEqual([]);
  });

  it('has the header JupyterLab needs: domain, language as the bundle names it, plural forms', () => {
    expect(data['']).toMatchObject({
      domain: DOMAIN,
      language: 'zh-CN',
      plural_forms: 'nplurals=1; plural=0;'
    });
  });
});

describe("JupyterLab's translation manager with the catalogue", () => {
  /** The manager as JupyterLab makes it, with the server's answer for `locale`. */
  async function bundleFor(locale: string) {
    const manager = new TranslationManager('', undefined, undefined, {
      fetch: async () => ({
        data: locale === 'en' ? {} : { [DOMAIN]: catalogue() },
        message: ''
      })
    } as any);
    await manager.fetch(locale);
    return manager.load(DOMAIN);
  }

  it('translates the labels, placeholders filled', async () => {
    const trans = await bundleFor('zh_CN');
    expect(trans.__('Open ChatBI Panel')).toBe('打开 ChatBI 面板');
    expect(trans.__('rows %1–%2 of %3', '1', '50', '1,234')).toBe(
      '第 1–50 行，共 1,234 行'
    );
  });

  it('draws the pager in Chinese, and in English without the language', async () => {
    const table: Table = {
      columns: [{ name: 'n', label: 'n', type: 'number' }],
      rows: Array.from({ length: 120 }, (_, i) => [i]),
      row_count: 120,
      truncated: false
    };
    const zh = new TablePager(table, { trans: await bundleFor('zh_CN') });
    expect(zh.node.querySelector('.jp-ChatBI-pageRange')!.textContent).toBe(
      '第 1–50 行，共 120 行'
    );
    expect(zh.node.querySelector('nav')!.getAttribute('aria-label')).toBe(
      '结果分页'
    );
    const en = new TablePager(table, { trans: await bundleFor('en') });
    expect(en.node.querySelector('.jp-ChatBI-pageRange')!.textContent).toBe(
      'rows 1–50 of 120'
    );
  });
});

describe('the settings page in Chinese', () => {
  /** A registry as JupyterLab makes it: the plugins preloaded, one waiting for its transform. */
  function registry(): SettingRegistry {
    const plugin: ISettingRegistry.IPlugin = {
      id: PLUGIN_ID,
      raw: '{}',
      schema: schema(),
      data: { composite: {}, user: {} },
      version: '0.1.0'
    };
    const connector = {
      fetch: async () => plugin,
      list: async () => ({ ids: [PLUGIN_ID], values: [plugin] }),
      save: async () => undefined,
      remove: async () => undefined
    } as any;
    return new SettingRegistry({ connector, plugins: [plugin] });
  }

  it('waits for the plugin to translate its titles and descriptions', async () => {
    const manager = new TranslationManager('', undefined, undefined, {
      fetch: async () => ({ data: { [DOMAIN]: catalogue() }, message: '' })
    } as any);
    await manager.fetch('zh_CN');
    const trans = manager.load(DOMAIN);
    const settings = registry();
    expect(PLUGIN_ID in settings.plugins).toBe(false);
    settings.transform(PLUGIN_ID, {
      fetch: plugin => translatedPlugin(plugin, trans)
    });
    const loaded = await settings.load(PLUGIN_ID);
    const shown = settings.plugins[PLUGIN_ID]!.schema;
    const rows = shown.properties!.rowLimit;
    expect([shown.description, rows.title]).toEqual([
      'ChatBI 侧边栏设置。',
      '每页行数'
    ]);
    expect(rows.description).toMatch(/^回答的结果表每页显示的行数/);
    expect(
      (shown.properties!.language.oneOf as { title: string }[]).map(
        choice => choice.title
      )
    ).toEqual(['自动', '英语', '中文']);
    expect([rows.minimum, rows.default, loaded.composite.rowLimit]).toEqual([
      1, 50, 50
    ]);
    expect(schema().properties!.rowLimit.title).toBe('Rows per page');
  });
});
