/**
 * Building DOM nodes with text only: every string lands in `textContent` or an attribute, never in
 * `innerHTML`, so database values and model text are shown as text.
 */

/** What a new element gets: classes, text, attributes and children. */
export interface IElementOptions {
  className?: string;
  text?: string;
  attrs?: Record<string, string>;
  children?: (Node | null | undefined)[];
}

/** A new `tag` element with `options` applied. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: IElementOptions = {}
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (options.className) {
    node.className = options.className;
  }
  if (options.text !== undefined) {
    node.textContent = options.text;
  }
  for (const [name, value] of Object.entries(options.attrs ?? {})) {
    node.setAttribute(name, value);
  }
  for (const child of options.children ?? []) {
    if (child) {
      node.appendChild(child);
    }
  }
  return node;
}

/** A `<button type="button">` with a visible label, an accessible name and a click handler. */
export function button(
  label: string,
  onClick: () => void,
  options: { className?: string; title?: string; ariaLabel?: string } = {}
): HTMLButtonElement {
  const node = h('button', {
    className: ['jp-ChatBI-button', options.className ?? ''].join(' ').trim(),
    text: label,
    attrs: { type: 'button' }
  });
  if (options.title) {
    node.title = options.title;
  }
  if (options.ariaLabel) {
    node.setAttribute('aria-label', options.ariaLabel);
  }
  node.addEventListener('click', onClick);
  return node;
}

let sections = 0;

/** A titled `<section>` with an accessible name (its heading) and content. */
export function section(
  className: string,
  title: string,
  children: (Node | null | undefined)[]
): HTMLElement {
  const id = `jp-ChatBI-section-${++sections}`;
  return h('section', {
    className: `jp-ChatBI-section ${className}`,
    attrs: { 'aria-labelledby': id },
    children: [
      h('h4', {
        className: 'jp-ChatBI-sectionTitle',
        text: title,
        attrs: { id }
      }),
      ...children
    ]
  });
}
