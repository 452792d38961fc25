import { expect } from '@playwright/test';
import { bastienRequestId, expectAccessible, fillPassword, freshCode, logIn, test, useLanguage } from './helpers';

test('Bastien logs in and sees his requests', async ({ page }) => {
  await useLanguage(page, 'en');
  await page.goto('/');
  await expect(page).toHaveURL(/\/login\?next=/);
  await expect(page.getByRole('heading', { level: 1, name: 'Log in' })).toBeVisible();
  await expect(page).toHaveTitle(/Log in/);
  await expectAccessible(page);

  await fillPassword(page, 'bastien');
  await expect(page).toHaveURL(/\/requests$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Requests' })).toBeVisible();
  await expect(page.getByRole('banner')).toContainText('Bastien');
  await expect(page.getByText(/^\d+ requests?$/)).toBeVisible();
  await expect(page.getByRole('link', { name: /^SR-\d{4}-\d{6}$/ }).first()).toBeVisible();
  await expectAccessible(page);
});

test('a wrong password shows a plain error message', async ({ page }) => {
  await useLanguage(page, 'en');
  await page.goto('/login');
  await fillPassword(page, 'bastien', 'not-the-password-at-all');
  await expect(page.getByRole('alert')).toHaveText(/The login or the password is wrong/);
  await expect(page).toHaveURL(/\/login/);
  await expectAccessible(page);
});

test('Lionel logs in with a TOTP code and works a request', async ({ page }) => {
  test.setTimeout(60_000);
  await useLanguage(page, 'en');
  await page.goto('/login');
  await fillPassword(page, 'lionel');
  await expect(page.getByRole('heading', { level: 1, name: 'Second factor' })).toBeVisible();
  await expectAccessible(page);
  // The switch to a recovery code and back.
  await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
  await expect(page.getByLabel('Recovery code')).toBeVisible();
  await page.getByRole('button', { name: 'Use the authenticator app instead' }).click();

  await page.getByLabel('Code from your authenticator app').fill(await freshCode('lionel'));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).toHaveURL(/\/requests$/);
  await expect(page.getByRole('banner')).toContainText('Lionel');
  // The support's queues and scopes.
  await expect(page.getByRole('link', { name: /Unassigned/ })).toBeVisible();
  await expect(page.getByRole('link', { name: 'All companies' })).toHaveAttribute('aria-current', 'page');
  await expectAccessible(page);

  // An agent pauses a request for external information, then resumes it (leaving it as it was).
  await page.getByText('Filters', { exact: true }).click();
  await page.getByRole('group', { name: 'State' }).getByLabel('Support analysis').check();
  await page.getByRole('button', { name: 'Apply the filters' }).click();
  await expect(page).toHaveURL(/state=SUPPORT_ANALYSIS/);
  await expect(page.locator('.request-table tbody tr').first()).toContainText('Support analysis');
  await page.getByRole('link', { name: /^SR-/ }).first().click();
  await expect(page.getByRole('tablist')).toBeVisible();
  await expect(page.getByText('Support analysis', { exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Pause for external information' }).click();
  const dialog = page.getByRole('dialog', { name: 'Pause for external information' });
  await expect(dialog).toBeVisible();
  await expectAccessible(page);
  await dialog.getByLabel(/Comment/).fill('Waiting for the network team.');
  await dialog.getByRole('button', { name: 'Pause for external information' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText('Waiting for external information', { exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Resume' }).click();
  await page.getByRole('dialog', { name: 'Resume' }).getByRole('button', { name: 'Resume' }).click();
  await expect(page.getByText('Support analysis', { exact: true })).toBeVisible();
  await page.getByRole('tab', { name: 'History' }).click();
  await expect(page.getByRole('tabpanel')).toContainText('State changed from Waiting for external information to Support analysis');
});

test('Sophie, contact of two companies, switches company', async ({ page }) => {
  test.setTimeout(60_000);
  await useLanguage(page, 'en');
  await page.goto('/login');
  await fillPassword(page, 'sophie');
  await page.getByLabel('Code from your authenticator app').fill(await freshCode('sophie'));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).toHaveURL(/\/requests$/);
  const switcher = page.getByRole('combobox', { name: 'Company' });
  await expect(switcher).toBeVisible();
  const current = await switcher.inputValue();
  const other = await switcher.locator('option').evaluateAll(
    (options, value) => options.map((o) => (o as HTMLOptionElement).value).find((v) => v !== value),
    current,
  );
  await switcher.selectOption(other ?? '');
  await expect(page.getByRole('combobox', { name: 'Company' })).toHaveValue(other ?? '');
  await expect(page.getByRole('heading', { level: 1, name: 'Requests' })).toBeVisible();
  await expectAccessible(page);
});

test('a deep link while logged out goes to login, then back to the request', async ({ page, bastien }) => {
  const humanId = await bastienRequestId(bastien);
  await useLanguage(page, 'en');
  await page.goto(`/requests/${humanId}`);
  await expect(page).toHaveURL(new RegExp(`/login\\?next=${encodeURIComponent(`/requests/${humanId}`)}`));
  await fillPassword(page, 'bastien');
  await expect(page).toHaveURL(new RegExp(`/requests/${humanId}$`));
  await expect(page.getByText(humanId, { exact: true })).toBeVisible();
});

test('logging out ends the session', async ({ page }) => {
  // Its own session: logging out the worker's shared one would end it for the other tests.
  await logIn(page, 'bastien');
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto('/requests');
  await expect(page).toHaveURL(/\/login\?next=%2Frequests/);
});

test('the forgotten password form always gives the same answer', async ({ page }) => {
  await useLanguage(page, 'en');
  await page.goto('/login');
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Forgot your password' })).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel('Login or e-mail address').fill('nobody-at-all@example.com');
  await page.getByRole('button', { name: 'Send the link' }).click();
  await expect(page.getByRole('status')).toHaveText(/If this address belongs to an account/);
});

test('when the session ends, the next request sends the person to log in and back', async ({ page, context }) => {
  await logIn(page, 'bastien', '/requests?queue=ACTIVE&scope=PERSONAL');
  const link = page.getByRole('link', { name: /^SR-/ }).first();
  const humanId = (await link.textContent()) ?? '';
  await context.clearCookies();
  await link.click();
  await expect(page).toHaveURL(new RegExp(`/login\\?next=${encodeURIComponent(`/requests/${humanId}`)}`));
  await fillPassword(page, 'bastien');
  await expect(page).toHaveURL(new RegExp(`/requests/${humanId}$`));
});
