import { expect } from '@playwright/test';
import { expectAccessible, openAsBastien, test } from './helpers';

test('Bastien opens a follow-up of a closed request; the new request links back to it', async ({ page, bastien }) => {
  await openAsBastien(page, bastien, '/requests?queue=CLOSED&scope=PERSONAL');
  const link = page.getByRole('link', { name: /^SR-\d{4}-\d{6}$/ }).first();
  const closedId = (await link.textContent()) ?? '';
  await link.click();
  await expect(page.getByText('Closed', { exact: true }).first()).toBeVisible();
  await page.getByRole('link', { name: 'Open a follow-up request' }).click();
  await expect(page).toHaveURL(new RegExp(`/requests/new\\?followUpOf=${closedId}$`));
  await expect(page.getByText('Follow-up of')).toBeVisible();
  await expect(page.getByRole('link', { name: closedId })).toBeVisible();
  await expectAccessible(page);

  const title = `Follow-up question ${Date.now()}`;
  await page.getByLabel('Category').selectOption('SOFTWARE_USAGE');
  await page.getByLabel('Kind').selectOption('HOW_TO');
  await page.getByLabel('Urgency').selectOption('LOW');
  await page.getByLabel('Title', { exact: true }).fill(title);
  await page.getByLabel('Description').fill('The answer worked, but the same question now comes up for the night batch.');
  await page.getByRole('button', { name: 'Submit the request' }).click();
  await expect(page).toHaveURL(/\/requests\/SR-\d{4}-\d{6}$/);
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  const back = page.getByRole('tabpanel').getByRole('link', { name: new RegExp(`^${closedId}`) });
  await expect(back).toBeVisible();
  await expectAccessible(page);
  await back.click();
  await expect(page).toHaveURL(new RegExp(`/requests/${closedId}$`));
});

test('open requests offer no follow-up', async ({ page, bastien }) => {
  await openAsBastien(page, bastien, '/requests?queue=ACTIVE&scope=PERSONAL');
  await page.getByRole('link', { name: /^SR-/ }).first().click();
  await expect(page.getByRole('tablist')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Open a follow-up request' })).toHaveCount(0);
});
