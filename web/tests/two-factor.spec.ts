import { readFileSync } from 'node:fs';
import { expect } from '@playwright/test';
import {
  base32,
  codeAfter,
  expectAccessible,
  expectNoHorizontalScroll,
  gql,
  fillPassword,
  NEW_PASSWORD,
  newActiveAccount,
  openWith,
  test,
  useLanguage,
} from './helpers';

test.skip(!process.env.PORTAL_MAIL_DIR, 'needs PORTAL_MAIL_DIR, the folder the portal writes mails into');

test('a person turns the second factor on, saves the codes, makes new ones and turns it off', async ({ page, sophie }) => {
  test.setTimeout(150_000);
  const email = await newActiveAccount(sophie, 'Tessa', 'Totp');
  await useLanguage(page, 'en');
  await page.goto('/login');
  await fillPassword(page, email, NEW_PASSWORD);
  await expect(page).toHaveURL(/\/requests$/);
  await page.getByRole('link', { name: 'Profile' }).click();
  const section = page.getByRole('region', { name: 'Second factor' });
  await expect(section).toContainText('Off.');
  await section.getByRole('button', { name: 'Turn on the second factor' }).click();
  await section.getByRole('button', { name: 'Continue' }).click();
  await expect(section.getByText('This field is required.')).toBeVisible();
  await section.getByLabel('Current password').fill('not the password at all');
  await section.getByRole('button', { name: 'Continue' }).click();
  await expect(section.getByLabel('Current password')).toHaveAttribute('aria-invalid', 'true');
  await section.getByLabel('Current password').fill(NEW_PASSWORD);
  await section.getByRole('button', { name: 'Continue' }).click();

  await expect(section.getByRole('img', { name: 'QR code to scan with your authenticator app' })).toBeVisible();
  const secret = base32((await section.getByTestId('totp-secret').textContent()) ?? '');
  await expectAccessible(page);
  await section.getByLabel('Code from your authenticator app').fill('000000');
  await section.getByRole('button', { name: 'Turn on', exact: true }).click();
  await expect(section.getByLabel('Code from your authenticator app')).toHaveAttribute('aria-invalid', 'true');
  let { code, step } = await codeAfter(secret, 0);
  await section.getByLabel('Code from your authenticator app').fill(code);
  await section.getByRole('button', { name: 'Turn on', exact: true }).click();

  const codes = section.getByRole('list', { name: 'Your recovery codes' }).getByRole('listitem');
  await expect(codes).toHaveCount(10);
  await expect(section.getByRole('status')).toContainText('The second factor is on');
  await expectAccessible(page);
  const first = await codes.first().textContent();
  const download = page.waitForEvent('download');
  await section.getByRole('link', { name: 'Download as a text file' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('recovery-codes.txt');
  const text = readFileSync(await file.path(), 'utf8');
  expect(text).toContain(first ?? 'missing');
  expect(text.trim().split('\n').length).toBe(12);
  await expect(section.getByRole('button', { name: 'Print' })).toBeVisible();
  await section.getByRole('button', { name: 'I have saved them' }).click();
  await expect(section).toContainText('On (10 recovery codes left)');
  // The session was replaced by one with the second factor: it still works.
  expect(await gql<{ viewer: { twoFactor: boolean } }>(page, '{ viewer { twoFactor } }')).toEqual({ viewer: { twoFactor: true } });

  await section.getByRole('button', { name: 'New recovery codes' }).click();
  await section.getByLabel('Password').fill(NEW_PASSWORD);
  ({ code, step } = await codeAfter(secret, step));
  await section.getByLabel('Code from your authenticator app').fill(code);
  await section.getByRole('button', { name: 'New recovery codes' }).click();
  await expect(codes).toHaveCount(10);
  await expect(codes.first()).not.toHaveText(first ?? '');
  await section.getByRole('button', { name: 'I have saved them' }).click();

  await section.getByRole('button', { name: 'Turn off the second factor' }).click();
  await section.getByLabel('Password').fill(NEW_PASSWORD);
  ({ code, step } = await codeAfter(secret, step));
  await section.getByLabel('Code from your authenticator app').fill(code);
  await section.getByRole('button', { name: 'Turn off the second factor' }).click();
  await expect(section.getByRole('status')).toContainText('The second factor is off.');
  await expect(section).toContainText('Off.');
});

test('when the company requires a second factor, a person without one is led to set it up', async ({ page, sophie }) => {
  test.setTimeout(60_000);
  await page.setViewportSize({ width: 360, height: 740 });
  const email = await newActiveAccount(sophie, 'Paul', 'Policy');
  const policy = (on: boolean) =>
    sophie.api.post('/graphql', {
      data: { query: `mutation { setCompanySecurityPolicy(input: { requireTwoFactor: ${on} }) { company { id } } }` },
    });
  await policy(true);
  try {
    await useLanguage(page, 'en');
    await page.goto('/login?next=%2Frequests');
    await fillPassword(page, email, NEW_PASSWORD);
    await expect(page).toHaveURL(/\/profile$/);
    await expect(page.getByRole('alert')).toContainText('Your company requires a second factor');
    await expect(page.getByLabel('Current password').first()).toBeVisible();
    await page.goto('/requests');
    await expect(page).toHaveURL(/\/profile$/);
    await expect(page.getByRole('region', { name: 'Second factor' }).getByRole('button', { name: 'Cancel' })).toHaveCount(0);
    await expectNoHorizontalScroll(page);
    await expectAccessible(page);
  } finally {
    await policy(false);
  }
  await openWith(page, sophie, '/contacts');
  await expect(page.getByRole('checkbox', { name: 'Every contact must log in with a second factor' })).not.toBeChecked();
});
