/**
 * What a UI test does with the ChatBI side panel, and finds in it by ARIA role and accessible name.
 */
import type { IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';

/** `Accel Shift Y` of schema/plugin.json (Accel is Control outside macOS). */
export const SHORTCUT = 'Control+Shift+Y';
export const PALETTE_LABEL = 'Open ChatBI Panel';
export const COMMAND = 'chatbi:open-panel';

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
