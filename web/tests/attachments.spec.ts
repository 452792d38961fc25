import { expect } from '@playwright/test';
import { expectAccessible, openAsBastien, test } from './helpers';

test('Bastien attaches files to a draft, removes one, then submits the request with the other', async ({ page, bastien }) => {
  await openAsBastien(page, bastien, '/requests/new');
  await expect(page.getByRole('heading', { level: 1, name: 'New request' })).toBeVisible();
  const files = page.getByRole('group', { name: 'Files' });
  await files.getByLabel('Add files').setInputFiles([
    { name: 'stock-log.txt', mimeType: 'text/plain', buffer: Buffer.from('2026-12-06 nightly stock update failed\n'.repeat(2000)) },
    { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('to be removed') },
  ]);
  await expect(files.getByRole('status')).toHaveText('2 files were attached.');
  await expect(files.getByRole('link', { name: 'stock-log.txt' })).toBeVisible();
  await expect(files.getByRole('link', { name: 'notes.txt' })).toBeVisible();
  await expectAccessible(page);

  await files.getByRole('button', { name: 'Remove notes.txt' }).click();
  await expect(files.getByRole('status')).toHaveText('notes.txt was removed.');
  await expect(files.getByRole('link', { name: 'notes.txt' })).toHaveCount(0);

  const title = `Night batch with a log ${Date.now()}`;
  await page.getByLabel('Category').selectOption('SOFTWARE_USAGE');
  await page.getByLabel('Kind').selectOption('ISSUE');
  await page.getByLabel('Urgency').selectOption('MEDIUM');
  await page.getByLabel('Title', { exact: true }).fill(title);
  await page.getByLabel('Description').fill('The nightly stock update fails; the log is attached.');
  await page.getByRole('button', { name: 'Save as draft' }).click();
  await expect(page.getByText('Draft saved.')).toBeVisible();
  await page.getByRole('button', { name: 'Submit the request' }).click();
  await expect(page).toHaveURL(/\/requests\/SR-\d{4}-\d{6}$/);
  await page.getByRole('tab', { name: /Attachments/ }).click();
  await expect(page.getByRole('tabpanel').getByRole('link', { name: 'stock-log.txt' })).toBeVisible();
  await expect(page.getByRole('tabpanel')).not.toContainText('notes.txt');
});

test('Bastien sends a message with a file', async ({ page, bastien }) => {
  await openAsBastien(page, bastien, '/requests?queue=ACTIVE&scope=PERSONAL&state=SUPPORT_ANALYSIS');
  await page.getByRole('link', { name: /^SR-/ }).first().click();
  await page.getByRole('button', { name: 'Add a message' }).click();
  const name = `screen-${Date.now()}.txt`;
  await page.getByRole('textbox', { name: 'Message' }).fill('Here is what the screen shows.');
  await page.getByLabel(/^Attach files/).setInputFiles({ name, mimeType: 'text/plain', buffer: Buffer.from('Error 42 at line 7') });
  await page.getByRole('button', { name: 'Send the message' }).click();
  await expect(page.getByText('Your message was added.')).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Message' })).toHaveValue('');
  await expect(page.getByRole('tabpanel').getByRole('link', { name })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('tab', { name: /Attachments/ }).click();
  await expect(page.getByRole('tabpanel').getByRole('link', { name })).toBeVisible();
});
