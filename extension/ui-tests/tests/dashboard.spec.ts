/**
 * The adoption dashboard tab (`GET dashboard`), driven in Debian's Chromium through Galata: a question
 * asked in the panel is logged, the panel's Dashboard button opens the tab, and its header, its summary
 * and its six plotly figures are found by ARIA role and name, drawn and readable in the light and the
 * dark theme.
 */
import { expect, test } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';
import * as chatbi from './chatbi';
import { READABLE, contrastOf } from './contrast';

/** The figures' titles (dashboard.ts), each the name of its region. */
const FIGURES = [
  'Questions per day, by outcome',
  'Share of questions per day',
  'Edits by kind',
  'Answer latency per day',
  'Errors by table and column',
  'Model and adapter versions over time'
];

test.beforeEach(async ({ page }) => {
  await chatbi.waitForExtension(page);
});

/** The figures drawn: each region holds a plotly plot with its title, and the text reads. */
async function expectDrawn(dashboard: Locator, theme: string): Promise<void> {
  for (const name of FIGURES) {
    const figure = dashboard.getByRole('region', { name, exact: true });
    await expect(figure).toBeVisible();
    await expect(
      figure.locator('.js-plotly-plot .main-svg').first()
    ).toBeVisible();
    await expect(figure.locator('.js-plotly-plot .gtitle')).toHaveText(name);
  }
  const title = dashboard.getByRole('heading', { name: 'Adoption dashboard' });
  const summary = dashboard.getByRole('status');
  const readable: Record<string, number> = {
    title: await contrastOf(title),
    summary: await contrastOf(summary)
  };
  const unreadable = Object.entries(readable).filter(
    ([, ratio]) => ratio < READABLE
  );
  expect(unreadable, `${theme}: contrast below ${READABLE}`).toEqual([]);
}

test('the dashboard tab draws the logged question in the light and the dark theme', async ({
  page
}, testInfo) => {
  const errors: string[] = [];
  page.on('pageerror', error => errors.push(error.message));
  await page.theme.setLightTheme();

  const { panel } = await chatbi.askDemo(page);

  await panel.getByRole('button', { name: 'Dashboard', exact: true }).click();
  const tab = page.getByRole('tab', { name: 'ChatBI Dashboard' });
  await expect(tab).toHaveAttribute('aria-selected', 'true');
  const dashboard = page
    .getByRole('tabpanel', { name: 'ChatBI Dashboard' })
    .getByRole('region', { name: 'Adoption dashboard', exact: true });
  await expect(dashboard).toBeVisible();
  await expect(dashboard.getByRole('status')).toHaveText(
    /^1 questions, 1 answered without error, /
  );
  await expect(dashboard.getByRole('alert')).toBeHidden();
  await expect(
    dashboard.getByRole('combobox', { name: 'Database' }).getByRole('option')
  ).toHaveText(['All databases', 'notes', 'demo']);
  await expect(
    dashboard.getByRole('button', { name: 'Refresh' })
  ).toBeVisible();
  await expectDrawn(dashboard, 'light');
  await dashboard.screenshot({
    path: testInfo.outputPath('dashboard-light.png')
  });

  // narrowed to a database no question was asked of: no figures, and a line that says so
  await dashboard
    .getByRole('combobox', { name: 'Database' })
    .selectOption('notes');
  await expect(dashboard.getByRole('status')).toHaveText(
    'No questions were logged in this period.'
  );
  await expect(dashboard.getByRole('region')).toHaveCount(0);
  await dashboard.getByRole('combobox', { name: 'Database' }).selectOption('');

  await page.theme.setDarkTheme();
  expect(await page.theme.getTheme()).toBe('JupyterLab Dark');
  await page.getByRole('tab', { name: 'ChatBI Dashboard' }).click();
  await expectDrawn(dashboard, 'dark');
  await dashboard.screenshot({
    path: testInfo.outputPath('dashboard-dark.png')
  });
  expect(errors).toEqual([]);
});
