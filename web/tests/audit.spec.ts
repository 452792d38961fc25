import { expect } from '@playwright/test';
import { expectAccessible, expectNoHorizontalScroll, openAsBastien, openWith, test } from './helpers';

test('Sophie reads her company journal, filters it and pages through it', async ({ page, sophie }) => {
  await openWith(page, sophie, '/requests');
  await page.getByRole('link', { name: 'Audit journal' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Audit journal' })).toBeVisible();
  const rows = page.locator('.audit-table tbody tr');
  await expect(rows.first()).toBeVisible();
  await expectAccessible(page);

  // Newest first.
  const times = await page.locator('.audit-table tbody time').evaluateAll((els) => els.map((e) => e.getAttribute('datetime') ?? ''));
  expect([...times].sort().reverse()).toEqual(times);

  await page.getByRole('checkbox', { name: 'Contacts and roles' }).check();
  await page.getByRole('button', { name: 'Apply the filters' }).click();
  await expect(page).toHaveURL(/groups=contacts/);
  await expect(rows.first()).toContainText(/Contact|Role/);
  for (const text of await rows.locator('td:nth-child(2)').allTextContents())
    expect(text).toMatch(/Contact|Role|Security Administrator|Support staff/);
  const detail = rows.first().getByText('Show the change');
  if (await detail.count()) {
    await detail.click();
    await expect(rows.first().locator('pre').first()).toBeVisible();
  }
  await expectAccessible(page);

  await page.getByRole('button', { name: 'Clear the filters' }).click();
  await rows.first().getByRole('button', { name: 'Only this actor' }).click();
  await expect(page).toHaveURL(/actor=/);
  await expect(page.getByLabel('Actor (account ID)')).not.toHaveValue('');

  // A time window in the future holds nothing.
  await page.getByRole('button', { name: 'Clear the filters' }).click();
  await page.getByLabel('From').fill('2099-01-01T00:00');
  await page.getByRole('button', { name: 'Apply the filters' }).click();
  await expect(page.getByText('No entry matches.')).toBeVisible();

  await page.getByRole('button', { name: 'Clear the filters' }).click();
  const next = page.getByRole('button', { name: 'Next page' });
  if ((await next.count()) > 0 && (await next.isEnabled())) {
    const first = await rows.first().textContent();
    await next.click();
    await expect(page.getByText('Page 2', { exact: true })).toBeVisible();
    await expect(rows.first()).not.toHaveText(first ?? '');
    await page.getByRole('button', { name: 'Previous page' }).click();
    await expect(page.getByText('Page 1', { exact: true })).toBeVisible();
  }
});

test('the operator reads the whole journal; 360 px wide', async ({ page, operator }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await openWith(page, operator, '/audit');
  await expect(page.getByRole('heading', { level: 1, name: 'Audit journal' })).toBeVisible();
  const rows = page.locator('.audit-table tbody tr');
  await expect(rows.first()).toBeVisible();
  await expectNoHorizontalScroll(page);
  // The whole platform's journal holds more than a page once the suite has run a while.
  const next = page.getByRole('button', { name: 'Next page' });
  if ((await next.count()) > 0 && (await next.isEnabled())) {
    const first = await rows.first().textContent();
    await next.click();
    await expect(page.getByText('Page 2', { exact: true })).toBeVisible();
    await expect(rows.first()).not.toHaveText(first ?? '');
  }
  await expectAccessible(page);
});

test('the journal is not offered to Bastien', async ({ page, bastien }) => {
  await openAsBastien(page, bastien);
  await expect(page.getByRole('link', { name: 'Audit journal' })).toHaveCount(0);
  await page.goto('/audit');
  await expect(page.getByText('You are not allowed to do this.')).toBeVisible();
});
