import { defineConfig } from 'vitest/config';

// Unit tests of the panel's DOM builders (src/__tests__), in jsdom: they import no JupyterLab package
// but @jupyterlab/translation's manager (the Chinese catalogue loaded as JupyterLab loads it).
export default defineConfig({
  test: {
    environment: 'jsdom',
    include: ['src/__tests__/**/*.spec.ts']
  }
});
