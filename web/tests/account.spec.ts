import { expect } from '@playwright/test';
import { expectAccessible, fillPassword, gql, mailedLink, NEW_PASSWORD, openAppPath, test, useLanguage, type WorkerSession } from './helpers';

test.skip(!process.env.PORTAL_MAIL_DIR, 'needs PORTAL_MAIL_DIR, the folder the portal writes mails into');

async function addContact(sophie: WorkerSession, firstName: string, lastName: string, email: string): Promise<void> {
  const answer = await sophie.api.post('/graphql', {
    data: {
      query: 'mutation($i: AddContactInput!) { addContact(input: $i) { contact { id } problems { field } } }',
      variables: { i: { firstName, lastName, email } },
    },
  });
  const body = (await answer.json()) as { data?: { addContact?: { contact?: { id: string } } } };
  if (!body.data?.addContact?.contact) throw new Error(`addContact failed: ${JSON.stringify(body)}`);
}

test('a new contact sets up the account from the welcome mail, then logs in', async ({ page, sophie }) => {
  test.setTimeout(60_000);
  const email = `nina.${Date.now()}@pieces-auto.example`;
  await addContact(sophie, 'Nina', 'Setup', email);
  const link = await mailedLink(email, 'setup');

  await useLanguage(page, 'en');
  await openAppPath(page, link);
  await expect(page.getByRole('heading', { level: 1, name: 'Choose your password' })).toBeVisible();
  // The token leaves the address bar at once.
  await expect(page).toHaveURL(/\/account\/setup$/);
  await expectAccessible(page);

  const password = page.getByLabel('New password', { exact: true });
  const again = page.getByLabel('New password again');
  const save = page.getByRole('button', { name: 'Save the password' });
  await password.fill('short');
  await again.fill('short');
  await save.click();
  await expect(page.getByText('This is too short.')).toBeVisible();
  await expect(password).toHaveAttribute('aria-invalid', 'true');
  await password.fill('password1234');
  await again.fill('password1234');
  await save.click();
  await expect(page.getByText('This password is too easy to guess.')).toBeVisible();
  await password.fill(NEW_PASSWORD);
  await again.fill(`${NEW_PASSWORD}!`);
  await save.click();
  await expect(page.getByText('The two new passwords are not the same.')).toBeVisible();
  await expectAccessible(page);
  await again.fill(NEW_PASSWORD);
  await save.click();
  await expect(page.getByRole('status').filter({ hasText: 'Your account is ready' })).toBeVisible();
  await expectAccessible(page);

  await page.getByRole('link', { name: 'Go to the login page' }).click();
  await fillPassword(page, email, NEW_PASSWORD);
  await expect(page.getByRole('banner')).toContainText('Nina Setup');

  // The link worked once.
  await page.context().clearCookies();
  await openAppPath(page, link);
  await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel('New password again').fill(NEW_PASSWORD);
  await page.getByRole('button', { name: 'Save the password' }).click();
  await expect(page.getByRole('alert')).toContainText('This link has expired or was already used.');
  await expect(page.getByRole('link', { name: 'Ask for a new link' })).toBeVisible();
});

test('a link without its token says so', async ({ page }) => {
  await useLanguage(page, 'en');
  await openAppPath(page, '/account/reset');
  await expect(page.getByRole('heading', { level: 1, name: 'Choose a new password' })).toBeVisible();
  await expect(page.getByRole('alert')).toContainText('This link is incomplete');
  await expectAccessible(page);
});

test('a forgotten password is reset through the mailed link', async ({ page, sophie }) => {
  test.setTimeout(60_000);
  const email = `remi.${Date.now()}@pieces-auto.example`;
  await addContact(sophie, 'Rémi', 'Reset', email);
  await useLanguage(page, 'en');
  await openAppPath(page, await mailedLink(email, 'setup'));
  await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel('New password again').fill(NEW_PASSWORD);
  await page.getByRole('button', { name: 'Save the password' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Your account is ready' })).toBeVisible();

  const asked = Date.now() - 1000;
  await page.goto('/login');
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Forgot your password' })).toBeVisible();
  await page.getByLabel('Login or e-mail address').fill(email);
  await page.getByRole('button', { name: 'Send the link' }).click();
  await expect(page.getByRole('status')).toContainText('a link to choose a new password is on its way');

  const link = await mailedLink(email, 'reset', asked);
  await openAppPath(page, link);
  await expect(page.getByRole('heading', { level: 1, name: 'Choose a new password' })).toBeVisible();
  await expect(page).toHaveURL(/\/account\/reset$/);
  await expectAccessible(page);
  const second = 'violet lanterns hum beneath copper bridges';
  await page.getByLabel('New password', { exact: true }).fill(second);
  await page.getByLabel('New password again').fill(second);
  await page.getByRole('button', { name: 'Save the new password' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Your password was changed' })).toBeVisible();
  await page.getByRole('link', { name: 'Go to the login page' }).click();
  await fillPassword(page, email, second);
  await expect(page.getByRole('banner')).toContainText('Rémi Reset');
  expect(await gql<{ viewer: { account: { login: string } } }>(page, '{ viewer { account { login } } }')).toBeTruthy();
});
