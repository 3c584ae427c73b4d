/**
 * The "Read as" controls of a semantic answer, driven in Debian's Chromium through Galata: a ranking
 * and then a comparison chosen in the card are compiled again on the server from the semantic model (no
 * language model), and the card's SQL and result change with them.
 */
import { expect, test } from '@jupyterlab/galata';
import * as chatbi from './chatbi';

test.beforeEach(async ({ page }) => {
  await chatbi.waitForExtension(page);
});

test('a ranking and a comparison chosen in "Read as" change the SQL and the result', async ({
  page
}, testInfo) => {
  const errors: string[] = [];
  page.on('pageerror', error => errors.push(error.message));
  const { card } = await chatbi.askDemo(page);
  await expect(card).toHaveAttribute('data-path', 'semantic');

  const sql = chatbi
    .part(card, 'SQL')
    .getByRole('textbox', { name: 'SQL of the answer, editable' });
  const table = chatbi.part(card, 'Result').getByRole('table');
  await expect(table.locator('tbody tr')).toHaveCount(3);
  await expect(sql).not.toContainText('LIMIT');
  const controls = chatbi
    .part(card, 'Read as')
    .getByRole('group', { name: 'Change the reading' });
  const apply = controls.getByRole('button', { name: 'Apply reading' });
  await expect(apply).toBeDisabled();

  // the top two segments
  await controls
    .getByRole('combobox', { name: 'Keep rows' })
    .selectOption('top');
  await controls
    .getByRole('spinbutton', { name: 'Number of rows to keep' })
    .fill('2');
  await apply.click();
  await expect(sql).toContainText(/ORDER BY[\s\S]*DESC[\s\S]*LIMIT 2/i);
  await expect(table.locator('tbody tr')).toHaveCount(2);
  await expect(table.locator('caption')).toHaveText('2 rows');
  await expect(card.getByRole('alert')).toHaveCount(0);

  // last year against the year before, with the percent change
  await controls
    .getByRole('combobox', { name: 'Time window' })
    .selectOption('last_year');
  await controls
    .getByRole('combobox', { name: 'Compare with' })
    .selectOption('same_period_last_year');
  await expect(
    controls.getByRole('combobox', { name: 'Show beside both values' })
  ).toBeEnabled();
  await expect(
    controls.getByRole('checkbox', {
      name: 'Each value as a share of the total'
    })
  ).toBeDisabled();
  await apply.click();
  await expect(sql).toContainText('customer_count_change_pct');
  await expect(table.getByRole('columnheader')).toHaveCount(4);
  await expect(table.locator('tbody tr')).toHaveCount(2);
  await expect(card.getByRole('alert')).toHaveCount(0);
  await card.screenshot({ path: testInfo.outputPath('read-as-compared.png') });
  expect(errors).toEqual([]);
});
