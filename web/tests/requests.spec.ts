import { expect } from '@playwright/test';
import { expectAccessible, expectNoHorizontalScroll, openAsBastien, test } from './helpers';

test('Bastien opens a request and goes through its tabs', async ({ page, bastien }) => {
  await openAsBastien(page, bastien, '/requests?queue=ACTIVE&scope=PERSONAL');
  const link = page.getByRole('link', { name: /^SR-\d{4}-\d{6}$/ }).first();
  const humanId = (await link.textContent()) ?? '';
  await link.click();
  await expect(page).toHaveURL(new RegExp(`/requests/${humanId}$`));
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.getByText(humanId, { exact: true })).toBeVisible();
  await expect(page).toHaveTitle(new RegExp(humanId));

  const tabs = page.getByRole('tablist', { name: 'Request sections' });
  await expect(tabs.getByRole('tab')).toHaveCount(5);
  await expect(tabs.getByRole('tab', { name: 'Information' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('tabpanel')).toContainText('Description');
  await expectAccessible(page);

  await tabs.getByRole('tab', { name: 'Messages' }).click();
  await expect(tabs.getByRole('tab', { name: 'Messages' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByLabel('Show')).toBeVisible();
  await expectAccessible(page);

  // Arrow keys move between tabs.
  await page.keyboard.press('ArrowRight');
  await expect(tabs.getByRole('tab', { name: /Attachments/ })).toHaveAttribute('aria-selected', 'true');
  await expect(tabs.getByRole('tab', { name: /Attachments/ })).toBeFocused();
  await expectAccessible(page);

  await tabs.getByRole('tab', { name: 'History' }).click();
  await expect(page.getByRole('tabpanel').getByRole('listitem').first()).toBeVisible();
  await expectAccessible(page);

  await tabs.getByRole('tab', { name: 'Contacts' }).click();
  await expect(page.getByRole('tabpanel')).toContainText('Requester');
  await expectAccessible(page);
});

test('the browser back button returns to the list from a request', async ({ page, bastien }) => {
  await openAsBastien(page, bastien, '/requests?queue=ALL&scope=PERSONAL');
  await page.getByText('Filters', { exact: true }).click();
  await page.getByRole('group', { name: 'State' }).getByLabel('Support analysis').check();
  await page.getByRole('button', { name: 'Apply the filters' }).click();
  await expect(page).toHaveURL(/state=SUPPORT_ANALYSIS/);
  await expect(page.locator('.request-table tbody tr').first()).toContainText('Support analysis');
  const link = page.getByRole('link', { name: /^SR-\d{4}-\d{6}$/ }).first();
  await link.click();
  await expect(page).toHaveURL(/\/requests\/SR-/);
  await page.getByRole('tab', { name: 'History' }).click();
  await page.goBack();
  await expect(page).toHaveURL(/\/requests\?queue=ALL&scope=PERSONAL&state=SUPPORT_ANALYSIS$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Requests' })).toBeVisible();
  await expect(page.getByRole('button', { name: /^State: Support analysis/ })).toBeVisible();
});

test('an unknown request shows a not-found state', async ({ page, bastien }) => {
  await openAsBastien(page, bastien);
  await page.goto('/requests/SR-1999-999999');
  await expect(page.getByRole('heading', { level: 1, name: 'Request not found' })).toBeVisible();
  await expect(page.getByText('There is no request SR-1999-999999')).toBeVisible();
  await expectAccessible(page);
});

test('queues, team scope and paging', async ({ page, bastien }) => {
  await openAsBastien(page, bastien, '/requests?queue=ALL&scope=TEAM');
  await expect(page.getByRole('link', { name: "My team's requests" })).toHaveAttribute('aria-current', 'page');
  const total = page.getByText(/^\d+ requests?$/);
  await expect(total).toBeVisible();
  const next = page.getByRole('button', { name: 'Next page' });
  await expect(next).toBeEnabled();
  const firstId = await page.getByRole('link', { name: /^SR-/ }).first().textContent();
  await next.click();
  await expect(page.getByText('Page 2', { exact: true })).toBeVisible();
  await expect(page.getByRole('link', { name: /^SR-/ }).first()).not.toHaveText(firstId ?? '');
  await page.getByRole('button', { name: 'Previous page' }).click();
  await expect(page.getByText('Page 1', { exact: true })).toBeVisible();
  await expect(page.getByRole('link', { name: /^SR-/ }).first()).toHaveText(firstId ?? '');

  await page.getByRole('link', { name: /To validate/ }).click();
  await expect(page).toHaveURL(/queue=TO_VALIDATE/);
  await expect(page.getByRole('link', { name: /To validate/ })).toHaveAttribute('aria-current', 'page');
});

test('at 360 px wide the list and a request do not scroll sideways', async ({ page, bastien }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await openAsBastien(page, bastien, '/requests?queue=ALL&scope=PERSONAL');
  await expect(page.getByRole('link', { name: /^SR-/ }).first()).toBeVisible();
  await expectNoHorizontalScroll(page);
  await expectAccessible(page);
  await page.getByRole('link', { name: /^SR-/ }).first().click();
  await expect(page.getByRole('tablist')).toBeVisible();
  await expectNoHorizontalScroll(page);
  await page.getByRole('tab', { name: 'Messages' }).click();
  await expectNoHorizontalScroll(page);
  await expectAccessible(page);
});

test('the profile page', async ({ page, bastien }) => {
  await openAsBastien(page, bastien);
  await page.getByRole('link', { name: 'Profile' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Profile' })).toBeVisible();
  await expect(page.getByText('bastien', { exact: true })).toBeVisible();
  await expectAccessible(page);
  // A mismatch is caught before anything is sent (the demo password must stay as it is).
  await page.getByLabel('Current password').fill('demo-portal-2026');
  await page.getByLabel('New password', { exact: true }).fill('a long enough new passphrase');
  await page.getByLabel('New password again').fill('something else entirely');
  await page.getByRole('button', { name: 'Change the password' }).click();
  await expect(page.getByText('The two new passwords are not the same.')).toBeVisible();
  await expectAccessible(page);
});

test('Bastien adds a message; texts the lifecycle needs are asked in a dialog', async ({ page, bastien }) => {
  await openAsBastien(page, bastien, '/requests?queue=ACTIVE&scope=PERSONAL&state=SUPPORT_ANALYSIS');
  await page.getByRole('link', { name: /^SR-/ }).first().click();
  await expect(page.getByRole('tablist')).toBeVisible();

  // Close opens a modal dialog that Escape dismisses without doing anything.
  await page.getByRole('button', { name: 'Close', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Close' });
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(page.getByText('Support analysis', { exact: true })).toBeVisible();

  await page.getByRole('button', { name: 'Add a message' }).click();
  const box = page.getByRole('textbox', { name: 'Message' });
  await expect(box).toBeFocused();
  await page.getByRole('button', { name: 'Send the message' }).click();
  await expect(page.getByText('This field is required.')).toBeVisible();
  await expect(box).toHaveAttribute('aria-invalid', 'true');
  await box.fill(`I am checking with the designer of the process (${Date.now()}).`);
  await page.getByRole('button', { name: 'Send the message' }).click();
  await expect(page.getByText('Your message was added.')).toBeVisible();
  await expect(box).toHaveValue('');
  await expectAccessible(page);
});
