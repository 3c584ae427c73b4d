import { describe, expect, it } from 'vitest';
import { PendingCard } from '../pending';
import { plainTrans } from '../trans';

function shown(card: PendingCard): { sql: string | null; status: string } {
  const section = card.node.querySelector<HTMLElement>(
    '.jp-ChatBI-streamedSql'
  )!;
  return {
    sql: section.hidden ? null : card.node.querySelector('pre')!.textContent,
    status: card.node.querySelector('[role="status"]')!.textContent ?? ''
  };
}

function cancelButton(card: PendingCard): HTMLButtonElement {
  return Array.from(card.node.querySelectorAll('button')).find(
    b => b.textContent === 'Cancel'
  )!;
}

describe('PendingCard', () => {
  it('shows the stage in words and the SQL as it is written', () => {
    const card = new PendingCard('Top products?', plainTrans, () => undefined);
    document.body.replaceChildren(card.node);
    expect(card.node.getAttribute('aria-busy')).toBe('true');
    expect(card.node.getAttribute('aria-label')).toBe('Answer: Top products?');
    expect(shown(card)).toEqual({ sql: null, status: 'Answering…' });
    card.stage('generating');
    card.token('SELECT');
    card.token(' name');
    expect(shown(card)).toEqual({
      sql: 'SELECT name',
      status: 'Writing the SQL…'
    });
    card.stage('checking');
    expect(shown(card).status).toBe('Checking the SQL…');
    card.stage('asking the larger model');
    card.stage('generating'); // another model writes afresh
    expect(card.sqlText).toBe('');
    card.stage('something new');
    expect(shown(card).status).toBe('something new…');
  });

  it('has a Cancel button that asks once, and goes away when the answer is over', () => {
    const asked: string[] = [];
    const card = new PendingCard('Slow?', plainTrans, () =>
      asked.push('cancel')
    );
    const cancel = cancelButton(card);
    expect(cancel.hidden).toBe(false);
    cancel.click();
    expect(asked).toEqual(['cancel']);
    expect(cancel.disabled).toBe(true);
    card.finish('Cancelled: nothing was answered');
    expect(cancel.hidden).toBe(true);
    expect(card.node.getAttribute('aria-busy')).toBe('false');
    expect(shown(card).status).toBe('Cancelled: nothing was answered');
    expect(card.node.querySelector('[role="alert"]')).toBeNull();
  });

  it('shows an error as an alert, as text, and no Cancel without a stream', () => {
    const card = new PendingCard('Bad?', plainTrans);
    expect(cancelButton(card).hidden).toBe(true);
    card.finish('<b>no</b> connection named crm', true);
    const alert = card.node.querySelector('[role="alert"]')!;
    expect(alert.textContent).toBe('<b>no</b> connection named crm');
    expect(alert.querySelector('b')).toBeNull();
  });
});
