import { expect } from '@playwright/test';
import { expectAccessible, openAsBastien, test } from './helpers';

test('Bastien creates a request: the recap names each missing field, then it is submitted', async ({ page, bastien }) => {
  await openAsBastien(page, bastien);
  await page.getByRole('link', { name: 'New request' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'New request' })).toBeVisible();
  await expectAccessible(page);

  await page.getByRole('button', { name: 'Submit the request' }).click();
  const recap = page.getByRole('alert');
  await expect(recap).toContainText('still stop the submission');
  await expect(recap.getByRole('link', { name: /^Title:/ })).toBeVisible();
  await expect(page.getByLabel('Title', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page);

  const title = `Stock update by script ${Date.now()}`;
  await page.getByLabel('Category').selectOption('SOFTWARE_USAGE');
  await page.getByLabel('Kind').selectOption('HOW_TO');
  await page.getByLabel('Urgency').selectOption('LOW');
  await page.getByLabel('Title', { exact: true }).fill(title);
  await page.getByLabel('Description').fill('How can a script update the business repository of parts every night?');
  await page.getByRole('button', { name: 'Submit the request' }).click();
  await expect(page).toHaveURL(/\/requests\/SR-\d{4}-\d{6}$/);
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(page.getByText('Support analysis', { exact: true })).toBeVisible();
});
