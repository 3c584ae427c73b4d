/**
 * The form controls of the plan's rows: JupyterLab-styled inputs and selects, each with an accessible
 * name, and how a control says that what was typed cannot be used.
 */
import { h } from './dom';
import { ITrans } from './trans';

/** Run `apply` when Enter is pressed in `input` (instead of submitting anything). */
export function applyOnEnter(input: HTMLElement, apply: () => void): void {
  input.addEventListener('keydown', event => {
    if (event.key === 'Enter') {
      event.preventDefault();
      apply();
    }
  });
}

/** Say `message` on `control` (nothing when it is empty): the browser shows it by the control. */
export function complain(
  control: HTMLInputElement | HTMLSelectElement,
  message: string
): void {
  control.setCustomValidity(message);
  if (message) {
    control.reportValidity();
  }
}

/**
 * Send `edit` when what was typed in `control` made one (clearing what the control said), else say
 * `message` on the control and send nothing.
 */
export function sendOrComplain<E>(
  control: HTMLInputElement | HTMLSelectElement,
  edit: E | null,
  message: string,
  onEdit: (edit: E) => void
): void {
  complain(control, edit ? '' : message);
  if (edit) {
    onEdit(edit);
  }
}

/** A `<select>` named `label` of (value, text) `options`, `value` chosen. */
export function select(
  label: string,
  options: [string, string][],
  value: string
): HTMLSelectElement {
  const node = h('select', {
    className: 'jp-ChatBI-select',
    attrs: { 'aria-label': label },
    children: options.map(([optionValue, text]) =>
      h('option', { text, attrs: { value: optionValue } })
    )
  });
  node.value = value;
  return node;
}

export function textInput(
  label: string,
  value: string,
  trans: ITrans
): HTMLInputElement {
  const input = h('input', {
    className: 'jp-ChatBI-input jp-ChatBI-planValues',
    attrs: {
      type: 'text',
      placeholder: trans.__('value, value, …'),
      'aria-label': label
    }
  });
  input.value = value;
  return input;
}

export function row(children: (HTMLElement | null)[]): HTMLElement {
  return h('div', { className: 'jp-ChatBI-planRow', children });
}

export function label(text: string): HTMLElement {
  return h('span', { className: 'jp-ChatBI-planLabel', text });
}
