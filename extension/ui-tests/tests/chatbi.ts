/**
 * What a UI test does with the ChatBI side panel, and finds in it by ARIA role and accessible name.
 */
import { expect } from '@jupyterlab/galata';
import type { IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';

/** `Accel Shift Y` of schema/plugin.json (Accel is Control outside macOS). */
export const SHORTCUT = 'Control+Shift+Y';
export const PALETTE_LABEL = 'Open ChatBI Panel';
export const COMMAND = 'chatbi:open-panel';

/** A question of the demo connection that the semantic model answers (no language model). */
export const QUESTION = 'How many customers are in each segment?';
/** The first answer also builds the demo database in the server's new ChatBI home. */
export const ANSWER_TIMEOUT_MS = 90_000;

/** The side panel: the region named ChatBI. */
export function panel(page: IJupyterLabPageFixture): Locator {
  return page.getByRole('region', { name: 'ChatBI', exact: true });
}

/** Wait until JupyterLab has activated the extension (its command exists). */
export async function waitForExtension(
  page: IJupyterLabPageFixture
): Promise<void> {
  await page.waitForFunction(
    command => (window as any).jupyterapp?.commands.hasCommand(command),
    COMMAND
  );
}

/**
 * Put the focus in the page, out of the panel, as a click on the file browser's (empty) listing does:
 * where JupyterLab's shortcuts apply.
 */
export async function focusOutside(
  page: IJupyterLabPageFixture
): Promise<void> {
  await page.locator('.jp-DirListing-content').click();
}

/** Open the panel from the command palette, as a user does: Ctrl+Shift+C, type, Enter. */
export async function openFromPalette(
  page: IJupyterLabPageFixture
): Promise<void> {
  await page.keyboard.press('Control+Shift+C');
  const search = page.locator('.lm-CommandPalette-input');
  await search.fill(PALETTE_LABEL);
  await search.press('Enter');
}

/** The (newest) card answering `question`: an article named after it. */
export function card(container: Locator, question: string): Locator {
  return container
    .getByRole('article', { name: `Answer: ${question}`, exact: true })
    .last();
}

/** A titled part of a card (SQL, Explanation, Result, Chart). */
export function part(card: Locator, name: string): Locator {
  return card.getByRole('region', { name, exact: true });
}

/**
 * Open the panel with its shortcut, pick the demo connection, ask `question` and wait until its card
 * is drawn (no longer busy). Returns the panel and the card.
 */
export async function askDemo(
  page: IJupyterLabPageFixture,
  question: string = QUESTION
): Promise<{ panel: Locator; card: Locator }> {
  await focusOutside(page);
  await page.keyboard.press(SHORTCUT);
  const side = panel(page);
  await side.getByRole('combobox', { name: 'Connection' }).selectOption('demo');
  await side.getByRole('textbox', { name: 'Question' }).fill(question);
  await side.getByRole('button', { name: 'Ask', exact: true }).click();
  const answer = card(side, question);
  await expect(answer).toHaveAttribute('aria-busy', 'false', {
    timeout: ANSWER_TIMEOUT_MS
  });
  return { panel: side, card: answer };
}
