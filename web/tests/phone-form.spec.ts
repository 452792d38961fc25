import { expect } from '@playwright/test';
import { expectAccessible, expectNoHorizontalScroll, openAsBastien, test } from './helpers';

test('at 360 px wide Bastien fills the request form, reads the recap and submits it', async ({ page, bastien }) => {
  test.setTimeout(60_000);
  await page.setViewportSize({ width: 360, height: 740 });
  await openAsBastien(page, bastien, '/requests/new');
  await expect(page.getByRole('heading', { level: 1, name: 'New request' })).toBeVisible();
  await expectNoHorizontalScroll(page);
  await expectAccessible(page);

  // The recap of what is missing, focused so that it is read first.
  await page.getByRole('button', { name: 'Submit the request' }).click();
  const recap = page.getByRole('alert');
  await expect(recap.getByRole('link', { name: /^Title:/ })).toBeVisible();
  await expect(recap).toBeFocused();
  await expectNoHorizontalScroll(page);
  await expectAccessible(page);
  // Its links lead to the fields.
  await recap.getByRole('link', { name: /^Description:/ }).click();
  await expect(page).toHaveURL(/#req-description$/);

  const title = `Phone ${Date.now()}: the stock update of the parts never finishes on the night batch`;
  await page.getByLabel('Category').selectOption('SOFTWARE_USAGE');
  await page.getByLabel('Kind').selectOption('ISSUE');
  await page.getByLabel('Urgency').selectOption('HIGH');
  await page.getByLabel('Title', { exact: true }).fill(title);
  await page.getByLabel('Description').fill('Since Monday the nightly job stops at 2 a.m.; nothing is written.');
  await page.getByLabel('Other addresses to notify').fill('a.very.long.address.for.the.stock.team@pieces-auto.example');
  const files = page.getByRole('group', { name: 'Files' });
  const name = 'night-batch-with-a-rather-long-file-name-2026-12-06.log';
  await files.getByLabel('Add files').setInputFiles({ name, mimeType: 'text/plain', buffer: Buffer.from('02:00 stopped\n') });
  await expect(files.getByRole('link', { name })).toBeVisible();
  await expectNoHorizontalScroll(page);
  await expectAccessible(page);

  await page.getByRole('button', { name: 'Submit the request' }).click();
  await expect(page).toHaveURL(/\/requests\/SR-\d{4}-\d{6}$/);
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expectNoHorizontalScroll(page);
  await page.getByRole('tab', { name: /Attachments/ }).click();
  await expect(page.getByRole('tabpanel').getByRole('link', { name })).toBeVisible();
  await expectNoHorizontalScroll(page);
  await expectAccessible(page);
});
