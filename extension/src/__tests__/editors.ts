/**
 * SQL editors as the panel gets them in JupyterLab: CodeMirror editors from `CodeMirrorEditorFactory`
 * with JupyterLab's default languages, themes and extensions, and the binding of the editor to its model, the
 * registries JupyterLab's own codemirror plugins build.
 */
import type { IYText } from '@jupyter/ydoc';
import {
  CodeMirrorEditorFactory,
  EditorExtensionRegistry,
  EditorLanguageRegistry,
  EditorThemeRegistry,
  ybinding
} from '@jupyterlab/codemirror';
import { sqlEditorFactory, SqlEditorFactory } from '../sqleditor';

export function jupyterLabSqlEditors(): SqlEditorFactory {
  const languages = new EditorLanguageRegistry();
  for (const language of EditorLanguageRegistry.getDefaultLanguages()) {
    languages.addLanguage(language);
  }
  const themes = new EditorThemeRegistry();
  for (const theme of EditorThemeRegistry.getDefaultThemes()) {
    themes.addTheme(theme);
  }
  const extensions = new EditorExtensionRegistry();
  for (const extension of EditorExtensionRegistry.getDefaultExtensions({
    themes
  })) {
    extensions.addExtension(extension);
  }
  extensions.addExtension({
    name: 'shared-model-binding',
    factory: options => {
      const sharedModel = options.model.sharedModel as IYText;
      return EditorExtensionRegistry.createImmutableExtension(
        ybinding({
          ytext: sharedModel.ysource,
          undoManager: sharedModel.undoManager ?? undefined
        })
      );
    }
  });
  return sqlEditorFactory(
    new CodeMirrorEditorFactory({ languages, extensions })
  );
}
