/** What the checks found in the SQL: errors and warnings, each said in words (not by colour alone). */
import { h } from './dom';
import { ITrans } from './trans';
import { Diagnostic } from './wire';

/** A list of `diagnostics`, errors first; null when there are none. */
export function renderDiagnostics(
  diagnostics: Diagnostic[],
  trans: ITrans
): HTMLUListElement | null {
  if (!diagnostics.length) {
    return null;
  }
  const ordered = [...diagnostics].sort(
    (a, b) => Number(a.severity !== 'error') - Number(b.severity !== 'error')
  );
  return h('ul', {
    className: 'jp-ChatBI-diagnostics',
    attrs: { 'aria-label': trans.__('Diagnostics') },
    children: ordered.map(item =>
      h('li', {
        className: `jp-ChatBI-diagnostic jp-mod-${item.severity}`,
        attrs: { 'data-code': item.code },
        children: [
          h('strong', {
            text:
              item.severity === 'error'
                ? trans.__('Error:')
                : trans.__('Warning:')
          }),
          document.createTextNode(' '),
          h('span', { text: item.message })
        ]
      })
    )
  });
}
