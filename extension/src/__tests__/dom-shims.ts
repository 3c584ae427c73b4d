/**
 * What JupyterLab's editor needs of a browser that jsdom lacks, so that the cards' SQL editor (CodeMirror
 * through JupyterLab's factory) runs in the unit tests: drag events (Lumino's drag and drop), media
 * queries (the toolkit's styles) and text layout (CodeMirror measures the text; jsdom lays none out).
 */
if (typeof globalThis.DragEvent === 'undefined') {
  (globalThis as any).DragEvent = class extends MouseEvent {};
}
if (typeof window.matchMedia !== 'function') {
  window.matchMedia = (query: string) =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addListener: () => undefined,
      removeListener: () => undefined,
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
      dispatchEvent: () => false
    }) as MediaQueryList;
}
const noRect = (): DOMRect =>
  ({
    x: 0,
    y: 0,
    left: 0,
    right: 0,
    top: 0,
    bottom: 0,
    width: 0,
    height: 0
  }) as DOMRect;
Range.prototype.getClientRects ??= () => [] as unknown as DOMRectList;
Range.prototype.getBoundingClientRect ??= noRect;
