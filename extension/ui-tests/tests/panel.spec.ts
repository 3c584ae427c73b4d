/**
 * The ChatBI side panel in JupyterLab, driven in Debian's Chromium through Galata: opened from the
 * command palette and with its shortcut, the demo connection picked, a question the semantic model
 * answers (no language model), and the card's SQL, summary, table and chart found by ARIA role, in the
 * light and the dark theme, readable in both.
 */
import { expect, test } from '@jupyterlab/galata';
import * as chatbi from './chatbi';
import { READABLE, contrastOf } from './contrast';

test.beforeEach(async ({ page }) => {
  await chatbi.waitForExtension(page);
});

test('the palette and the shortcut open the panel on the configured connections', async ({
  page
}) => {
  const panel = chatbi.panel(page);
  const question = panel.getByRole('textbox', { name: 'Question' });

  await chatbi.openFromPalette(page);
  await expect(panel).toBeVisible();
  await expect(question).toBeFocused();

  await page.sidebar.close('right');
  await expect(panel).toBeHidden();
  await chatbi.focusOutside(page);
  await page.keyboard.press(chatbi.SHORTCUT);
  await expect(panel).toBeVisible();
  await expect(question).toBeFocused();

  const connection = panel.getByRole('combobox', { name: 'Connection' });
  await expect(connection.getByRole('option')).toHaveText([
    'notes (sqlite)',
    'demo (sqlite)',
    'Add connection…'
  ]);
  await expect(connection).toHaveValue('notes'); // the server's first connection
});

for (const theme of ['light', 'dark'] as const) {
  test(`a question the semantic model answers shows its card in the ${theme} theme`, async ({
    page
  }, testInfo) => {
    const errors: string[] = [];
    page.on('pageerror', error => errors.push(error.message));
    if (theme === 'dark') {
      await page.theme.setDarkTheme();
    } else {
      await page.theme.setLightTheme();
    }
    expect(await page.theme.getTheme()).toBe(
      theme === 'dark' ? 'JupyterLab Dark' : 'JupyterLab Light'
    );

    const { card } = await chatbi.askDemo(page);
    await expect(card).toHaveAttribute('data-path', 'semantic');
    await expect(card.getByRole('alert')).toHaveCount(0);

    const sql = chatbi
      .part(card, 'SQL')
      .getByRole('textbox', { name: 'SQL of the answer, editable' });
    await expect(sql).toContainText(/\bSELECT\b[\s\S]*\bsegment\b/i);
    const summary = chatbi
      .part(card, 'Explanation')
      .locator('.jp-ChatBI-summary');
    await expect(summary).not.toBeEmpty();

    const table = chatbi.part(card, 'Result').getByRole('table');
    await expect(table.getByRole('columnheader').first()).toHaveText(
      /segment/i
    );
    const rows = await table.locator('tbody tr').count();
    expect(rows).toBeGreaterThan(1);
    await expect(table.locator('caption')).toHaveText(`${rows} rows`);

    const chart = chatbi.part(card, 'Chart');
    await expect(
      chart.locator('.js-plotly-plot .main-svg').first()
    ).toBeVisible();
    await expect(chart.locator('.js-plotly-plot .barlayer .point')).toHaveCount(
      rows
    );

    await page.screenshot({ path: testInfo.outputPath(`panel-${theme}.png`) });
    await card.screenshot({ path: testInfo.outputPath(`card-${theme}.png`) });
    const readable: Record<string, number> = {};
    for (const [name, element] of [
      ['SQL', sql],
      ['summary', summary],
      ['table header', table.locator('thead th').first()],
      ['table cell', table.locator('tbody td').first()]
    ] as const) {
      readable[name] = await contrastOf(element);
    }
    const unreadable = Object.entries(readable).filter(
      ([, ratio]) => ratio < READABLE
    );
    expect(unreadable, `${theme}: contrast below ${READABLE}`).toEqual([]);
    expect(errors).toEqual([]);
  });
}
