import { beforeAll, describe, expect, it } from 'vitest';
import { AddConnectionForm } from '../addconnection';
import type { ChatBIClient } from '../api';
import { ApiError } from '../errors';
import type { ChatBIPanel } from '../panel';
import { plainTrans } from '../trans';
import {
  AddConnectionRequest,
  Answer,
  AskRequest,
  ConnectionList
} from '../wire';
import { answer } from './answer';
import { DEMO_CONNECTION, showPanel } from './panels';

const DEMO = DEMO_CONNECTION;
const LISTED: ConnectionList = { connections: [DEMO], default: 'demo' };
const WITH_SHOP: ConnectionList = {
  connections: [
    DEMO,
    {
      name: 'shop',
      dialect: 'sqlite',
      tables: 2,
      default: false,
      error: null,
      removable: true
    }
  ],
  default: 'demo'
};

/** A server's answer the test hands out when it likes. */
function later<T>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
} {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

function buttonNamed(node: HTMLElement, name: string): HTMLButtonElement {
  const found = Array.from(node.querySelectorAll('button')).find(
    button => button.textContent === name
  );
  if (!found) {
    throw new Error(`no button ${name}`);
  }
  return found;
}

function alertOf(node: HTMLElement): HTMLElement {
  return node.querySelector<HTMLElement>('[role="alert"]')!;
}

function form(): {
  form: AddConnectionForm;
  sent: AddConnectionRequest[];
  reply: ReturnType<typeof later<ConnectionList>>[];
  said: string[];
} {
  const sent: AddConnectionRequest[] = [];
  const reply: ReturnType<typeof later<ConnectionList>>[] = [];
  const said: string[] = [];
  const added = new AddConnectionForm({
    trans: plainTrans,
    add: request => {
      sent.push(request);
      const answer = later<ConnectionList>();
      reply.push(answer);
      return answer.promise;
    },
    added: (name, list) =>
      said.push(`added ${name}: ${list.connections.length}`),
    cancelled: () => said.push('cancelled')
  });
  document.body.replaceChildren(added.node);
  return { form: added, sent, reply, said };
}

describe('AddConnectionForm', () => {
  it('is hidden until opened, then named and focused on its first box', () => {
    const { form: added } = form();
    expect(added.node.hidden).toBe(true);
    added.open();
    expect(added.node.hidden).toBe(false);
    expect(added.node.getAttribute('aria-label')).toBe('Add connection');
    expect(document.activeElement).toBe(added.name);
    expect(added.name.getAttribute('aria-label')).toBe('Name');
    expect(added.database.getAttribute('aria-label')).toBe('Database');
  });

  it('sends nothing without a name or a database, and says which is missing', async () => {
    const { form: added, sent } = form();
    added.open();
    await added.submit();
    expect(added.name.validationMessage).toBe('Name the connection');
    added.name.value = 'shop';
    added.name.dispatchEvent(new Event('input'));
    expect(added.name.validationMessage).toBe('');
    added.database.value = '   ';
    await added.submit();
    expect(added.database.validationMessage).toBe(
      'Give a database URL or a file path'
    );
    expect(document.activeElement).toBe(added.database);
    expect(sent).toEqual([]);
  });

  it('posts the name and the database trimmed, busy until the server answers, then closes and forgets them', async () => {
    const { form: added, sent, reply, said } = form();
    added.open();
    added.name.value = ' shop ';
    added.database.value = ' data/shop.sqlite ';
    const submitted = added.submit();
    expect(sent).toEqual([{ name: 'shop', database: 'data/shop.sqlite' }]);
    expect(buttonNamed(added.node, 'Add').disabled).toBe(true);
    expect(added.node.querySelector('[role="status"]')!.textContent).toBe(
      'Connecting…'
    );
    await added.submit(); // pressed again while busy: nothing more is sent
    expect(sent).toHaveLength(1);
    reply[0].resolve(WITH_SHOP);
    await submitted;
    expect(said).toEqual(['added shop: 2']);
    expect(added.node.hidden).toBe(true);
    expect([added.name.value, added.database.value]).toEqual(['', '']);
    expect(buttonNamed(added.node, 'Add').disabled).toBe(false);
  });

  it('says what the server refused, as text, and keeps what was typed', async () => {
    const { form: added, reply, said } = form();
    added.open();
    added.name.value = 'shop';
    added.database.value = 'missing.sqlite';
    const submitted = added.submit();
    reply[0].reject(
      new ApiError('no such database file: <b>missing.sqlite</b>', 400)
    );
    await submitted;
    const alert = alertOf(added.node);
    expect(alert.hidden).toBe(false);
    expect(alert.textContent).toBe(
      'no such database file: <b>missing.sqlite</b>'
    );
    expect(alert.querySelector('b')).toBeNull();
    expect(added.node.hidden).toBe(false);
    expect([added.name.value, added.database.value]).toEqual([
      'shop',
      'missing.sqlite'
    ]);
    expect(buttonNamed(added.node, 'Add').disabled).toBe(false);
    expect(said).toEqual([]);
  });

  it('goes away with Cancel or Escape, forgetting what was typed', () => {
    const { form: added, said } = form();
    added.open();
    added.database.value = 'postgresql://me:pw@db/shop';
    buttonNamed(added.node, 'Cancel').click();
    expect(added.node.hidden).toBe(true);
    expect(added.database.value).toBe('');
    added.open();
    added.name.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Escape', bubbles: true })
    );
    expect(added.node.hidden).toBe(true);
    expect(said).toEqual(['cancelled', 'cancelled']);
  });
});

describe('the connection picker', () => {
  let Panel: typeof ChatBIPanel;

  beforeAll(async () => {
    // Lumino's drag and drop, which the panel's widget loads, needs a DragEvent that jsdom lacks.
    (globalThis as any).DragEvent ??= class extends MouseEvent {};
    Element.prototype.scrollIntoView ??= () => undefined; // no layout in jsdom
    Panel = (await import('../panel')).ChatBIPanel;
  });

  /** A panel on a client that answers the connections and records the questions. */
  function panel(
    listed: ConnectionList = LISTED,
    removed: (name: string) => Promise<ConnectionList> = async () => LISTED
  ): {
    panel: ChatBIPanel;
    picker: HTMLSelectElement;
    adds: AddConnectionRequest[];
    asked: AskRequest[];
    removes: string[];
  } {
    const adds: AddConnectionRequest[] = [];
    const asked: AskRequest[] = [];
    const removes: string[] = [];
    const client = {
      connections: async () => listed,
      addConnection: async (request: AddConnectionRequest) => {
        adds.push(request);
        return WITH_SHOP;
      },
      removeConnection: (name: string) => {
        removes.push(name);
        return removed(name);
      },
      ask: async (request: AskRequest): Promise<Answer> => {
        asked.push(request);
        return answer({ connection: request.connection ?? 'demo' });
      },
      model: () => new Promise(() => undefined)
    } as unknown as ChatBIClient;
    const shown = showPanel(Panel, client);
    const picker = shown.node.querySelector<HTMLSelectElement>(
      'select[aria-label="Connection"]'
    )!;
    return { panel: shown, picker, adds, asked, removes };
  }

  function options(picker: HTMLSelectElement): string[] {
    return Array.from(picker.options).map(option => option.text);
  }

  function pick(picker: HTMLSelectElement, text: string): void {
    picker.value = Array.from(picker.options).find(
      option => option.text === text
    )!.value;
    picker.dispatchEvent(new Event('change'));
  }

  it('ends with "Add connection…", which opens the form and leaves the connection picked', async () => {
    const { panel: shown, picker } = panel();
    await shown.refreshConnections();
    expect(options(picker)).toEqual(['demo (sqlite)', 'Add connection…']);
    expect(picker.value).toBe('demo');
    const added = shown.node.querySelector<HTMLFormElement>(
      'form[aria-label="Add connection"]'
    )!;
    expect(added.hidden).toBe(true);
    pick(picker, 'Add connection…');
    expect(added.hidden).toBe(false);
    expect(picker.value).toBe('demo');
    expect(document.activeElement!.getAttribute('aria-label')).toBe('Name');
  });

  it('picks the connection added, and asks on it', async () => {
    const { panel: shown, picker, adds, asked } = panel();
    await shown.refreshConnections();
    pick(picker, 'Add connection…');
    const added = shown.node.querySelector<HTMLFormElement>(
      'form[aria-label="Add connection"]'
    )!;
    added.querySelector<HTMLInputElement>('input[aria-label="Name"]')!.value =
      'shop';
    added.querySelector<HTMLInputElement>(
      'input[aria-label="Database"]'
    )!.value = '/data/shop.sqlite';
    added.requestSubmit();
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(adds).toEqual([{ name: 'shop', database: '/data/shop.sqlite' }]);
    expect(options(picker)).toEqual([
      'demo (sqlite)',
      'shop (sqlite)',
      'Add connection…'
    ]);
    expect(picker.value).toBe('shop');
    expect(added.hidden).toBe(true);
    expect(shown.node.querySelector('.jp-ChatBI-progress')!.textContent).toBe(
      'Connection shop added'
    );
    const question = shown.node.querySelector<HTMLTextAreaElement>(
      'textarea[aria-label="Question"]'
    )!;
    expect(document.activeElement).toBe(question);
    question.value = 'How many customers?';
    await shown.ask();
    expect(asked.map(request => request.connection)).toEqual(['shop']);
    expect(
      shown.node
        .querySelector('article.jp-ChatBI-card')!
        .getAttribute('aria-label')
    ).toBe('Answer: How many customers are in each segment in the West?');
  });

  it('says there is no connection yet when the server has none', async () => {
    const { panel: shown, picker } = panel({ connections: [], default: null });
    await shown.refreshConnections();
    expect(options(picker)).toEqual(['No connection yet', 'Add connection…']);
    expect(picker.value).toBe('');
  });

  function removeButton(shown: ChatBIPanel): HTMLButtonElement {
    return shown.node.querySelector<HTMLButtonElement>(
      '.jp-ChatBI-removeConnection'
    )!;
  }

  function progress(shown: ChatBIPanel): string | null {
    return shown.node.querySelector('.jp-ChatBI-progress')!.textContent;
  }

  it('removes a connection added from the panel, and falls back to the default', async () => {
    const { panel: shown, picker, removes } = panel(WITH_SHOP);
    await shown.refreshConnections();
    pick(picker, 'shop (sqlite)');
    const remove = removeButton(shown);
    expect(remove.textContent).toBe('Remove');
    expect(remove.getAttribute('aria-label')).toBe('Remove connection shop');
    expect(remove.getAttribute('aria-disabled')).toBe('false');
    remove.click();
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(removes).toEqual(['shop']);
    expect(options(picker)).toEqual(['demo (sqlite)', 'Add connection…']);
    expect(picker.value).toBe('demo');
    expect(progress(shown)).toBe('Connection shop removed');
    expect(remove.getAttribute('aria-label')).toBe('Remove connection demo');
    expect(remove.getAttribute('aria-disabled')).toBe('true');
  });

  it('says that a connection of the server’s settings cannot be removed, and asks nothing', async () => {
    const { panel: shown, picker, removes } = panel(WITH_SHOP);
    await shown.refreshConnections();
    expect(picker.value).toBe('demo');
    const remove = removeButton(shown);
    expect(remove.getAttribute('aria-disabled')).toBe('true');
    const why = 'demo is in the server’s settings: it cannot be removed here';
    expect(remove.title).toBe(why);
    remove.click();
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(removes).toEqual([]);
    expect(progress(shown)).toBe(why);
    expect(options(picker)).toEqual([
      'demo (sqlite)',
      'shop (sqlite)',
      'Add connection…'
    ]);
  });

  it('keeps the connection and says why when the server refuses to remove it', async () => {
    const { panel: shown, picker } = panel(WITH_SHOP, async () => {
      throw new ApiError('no connection named <i>shop</i>', 404);
    });
    await shown.refreshConnections();
    pick(picker, 'shop (sqlite)');
    removeButton(shown).click();
    await new Promise(resolve => setTimeout(resolve, 0));
    const alert = shown.node.querySelector<HTMLElement>(
      '.jp-ChatBI-panelHeader ~ [role="alert"]'
    )!;
    expect(alert.hidden).toBe(false);
    expect(alert.textContent).toBe(
      'Cannot remove shop: no connection named <i>shop</i>'
    );
    expect(picker.value).toBe('shop');
    expect(removeButton(shown).disabled).toBe(false);
  });

  it('shows no Remove without a connection', async () => {
    const { panel: shown } = panel({ connections: [], default: null });
    await shown.refreshConnections();
    expect(removeButton(shown).hidden).toBe(true);
  });
});
