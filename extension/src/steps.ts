/** The plain-language steps of an answer's SQL, as nested ordered lists. */
import { h } from './dom';
import { Step } from './wire';

/** An `<ol>` of `steps`, each step's children nested under it; null when there are none. */
export function renderSteps(steps: Step[]): HTMLOListElement | null {
  if (!steps.length) {
    return null;
  }
  return h('ol', {
    className: 'jp-ChatBI-steps',
    children: steps.map(step =>
      h('li', {
        attrs: { 'data-kind': step.kind },
        children: [
          h('span', {
            text: step.text,
            attrs: step.sql ? { title: step.sql } : {}
          }),
          renderSteps(step.children)
        ]
      })
    )
  });
}
