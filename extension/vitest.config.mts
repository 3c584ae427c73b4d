import { defineConfig } from 'vitest/config';

// Unit tests of the panel's DOM builders (src/__tests__), in jsdom: they import @jupyterlab/translation's
// manager (the Chinese catalogue loaded as JupyterLab loads it) and JupyterLab's CodeMirror editor (the
// cards' SQL), which needs a few browser APIs jsdom lacks (dom-shims.ts) and the toolkit of
// @jupyterlab/ui-components transformed by Vite (its ES modules import files without extensions).
export default defineConfig({
  test: {
    environment: 'jsdom',
    include: ['src/__tests__/**/*.spec.ts'],
    setupFiles: ['src/__tests__/dom-shims.ts'],
    server: {
      deps: { inline: [/@jupyter\/web-components/, /@microsoft\/fast-/] }
    }
  }
});
