/**
 * The card's plan controls in JupyterLab: a column added to the grouping and another sort key chosen,
 * each through a labelled form control, and the card drawn again with the server's new SQL and rows.
 */
import { expect, test } from '@jupyterlab/galata';
import * as chatbi from './chatbi';

test.beforeEach(async ({ page }) => {
  await chatbi.waitForExtension(page);
});

test('the plan controls regroup and sort the answer', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', error => errors.push(error.message));
  const { card } = await chatbi.askDemo(page);
  const sql = chatbi
    .part(card, 'SQL')
    .getByRole('textbox', { name: 'SQL of the answer, editable' });
  const rows = chatbi.part(card, 'Result').locator('tbody tr');
  const segments = await rows.count();
  const controls = chatbi
    .part(card, 'Change the query')
    .getByRole('group', { name: 'Change the query' });

  await controls
    .getByRole('combobox', { name: 'Also group by' })
    .selectOption('city');
  await expect(sql).toContainText(/GROUP BY[\s\S]*city/i);
  await expect(card).toHaveAttribute('aria-busy', 'false');
  expect(await rows.count()).toBeGreaterThan(segments);
  await expect(
    controls.getByRole('button', { name: 'Stop grouping by city' })
  ).toBeVisible();

  await controls
    .getByRole('combobox', { name: 'Sort instead by' })
    .selectOption('segment');
  await controls
    .getByRole('combobox', { name: 'Sort direction' })
    .selectOption({ label: 'low to high' });
  await controls.getByRole('button', { name: 'Sort the result' }).click();
  await expect(sql).toContainText(/ORDER BY[\s\S]*segment/i);
  await expect(card.getByRole('alert')).toHaveCount(0);
  expect(errors).toEqual([]);
});
