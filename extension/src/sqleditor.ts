/**
 * The SQL of an answer card in JupyterLab's own code editor: CodeMirror 6 made by the application's
 * editor factory (`IEditorServices`), so it is highlighted as SQL of the connection's dialect by
 * JupyterLab's language registry and themed like a notebook cell (light or dark, with the user's
 * editor settings). It is editable; Ctrl+Enter (⌘+Enter on macOS) or Shift+Enter in it runs what it
 * holds, as the card's Run button does.
 */
import { Prec } from '@codemirror/state';
import { EditorView, keymap } from '@codemirror/view';
import { CodeEditor, IEditorFactoryService } from '@jupyterlab/codeeditor';
import { h } from './dom';

export interface ISqlEditorOptions {
  /** The SQL shown at first. */
  sql: string;
  /** The database's dialect (`sqlite`, `duckdb`, `postgres`, `mysql`), or null for standard SQL. */
  dialect: string | null;
  /** The editor's accessible name. */
  label: string;
  /** Run what the editor holds (Ctrl+Enter, Shift+Enter). */
  run: () => void;
}

/** An editor of one card's SQL. */
export interface ISqlEditor {
  readonly node: HTMLElement;
  /** The SQL on screen, as edited. */
  readonly value: string;
  focus(): void;
  dispose(): void;
}

/** Makes the editor of a card's SQL. */
export type SqlEditorFactory = (options: ISqlEditorOptions) => ISqlEditor;

/** The MIME type JupyterLab's language registry highlights each dialect's SQL by. */
const MIME_TYPES: Record<string, string> = {
  sqlite: 'text/x-sqlite',
  postgres: 'text/x-pgsql',
  postgresql: 'text/x-pgsql',
  mysql: 'text/x-mysql',
  mariadb: 'text/x-mariadb'
};

/** The MIME type of `dialect`'s SQL; standard SQL for a dialect without its own (DuckDB). */
export function sqlMimeType(dialect: string | null): string {
  return MIME_TYPES[(dialect ?? '').toLowerCase()] ?? 'text/x-sql';
}

/** SQL editors from JupyterLab's editor factory (`IEditorServices.factoryService`). */
export function sqlEditorFactory(
  factory: IEditorFactoryService
): SqlEditorFactory {
  return options => new SqlEditor(factory, options);
}

class SqlEditor implements ISqlEditor {
  readonly node: HTMLElement;
  private readonly model: CodeEditor.Model;
  private readonly editor: CodeEditor.IEditor;

  constructor(factory: IEditorFactoryService, options: ISqlEditorOptions) {
    this.node = h('div', { className: 'jp-ChatBI-sqlEditor' });
    this.model = new CodeEditor.Model({
      mimeType: sqlMimeType(options.dialect)
    });
    this.model.sharedModel.setSource(options.sql);
    const run = (): boolean => {
      options.run();
      return true;
    };
    this.editor = factory.newInlineEditor({
      host: this.node,
      model: this.model,
      config: { lineNumbers: false, lineWrap: true },
      extensions: [
        // before the editor's own Enter bindings (Shift+Enter would insert a line)
        Prec.highest(
          keymap.of([
            { key: 'Mod-Enter', run },
            { key: 'Shift-Enter', run }
          ])
        ),
        EditorView.contentAttributes.of({ 'aria-label': options.label })
      ]
    });
  }

  get value(): string {
    return this.model.sharedModel.getSource();
  }

  focus(): void {
    this.editor.focus();
  }

  dispose(): void {
    this.editor.dispose();
    this.model.dispose();
  }
}
