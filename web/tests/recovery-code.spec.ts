import { expect } from '@playwright/test';
import { base32, codeAfter, expectAccessible, fillPassword, NEW_PASSWORD, newActiveAccount, test, useLanguage } from './helpers';

test.skip(!process.env.PORTAL_MAIL_DIR, 'needs PORTAL_MAIL_DIR, the folder the portal writes mails into');

test('a person logs in with a recovery code, which then no longer works', async ({ page, sophie, playwright }) => {
  test.setTimeout(90_000);
  // A fresh account of Pièces Auto turns its second factor on through the API.
  const email = await newActiveAccount(sophie, 'Rémi', 'Recovery');
  const api = await playwright.request.newContext({
    baseURL: process.env.PORTAL_URL,
    extraHTTPHeaders: { accept: 'application/graphql-response+json' },
  });
  const call = async <T>(query: string, variables: Record<string, unknown>): Promise<T> => {
    const answer = await api.post('/graphql', { data: { query, variables } });
    const body = (await answer.json()) as { data: T; errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  let codes: string[];
  try {
    const login = await call<{ login: { status: string } }>(
      'mutation($i: LoginInput!) { login(input: $i) { status } }',
      { i: { login: email, password: NEW_PASSWORD, delivery: 'COOKIE' } },
    );
    expect(login.login.status).toBe('SIGNED_IN');
    const begun = await call<{ beginTwoFactorEnrollment: { enrollment: { secret: string } | null } }>(
      'mutation($i: BeginTwoFactorEnrollmentInput!) { beginTwoFactorEnrollment(input: $i) { enrollment { secret } } }',
      { i: { currentPassword: NEW_PASSWORD } },
    );
    const secret = base32(begun.beginTwoFactorEnrollment.enrollment?.secret ?? '');
    const { code } = await codeAfter(secret, 0);
    const confirmed = await call<{ confirmTwoFactor: { recoveryCodes: string[] | null; problems: unknown[] } }>(
      'mutation($i: ConfirmTwoFactorInput!) { confirmTwoFactor(input: $i) { recoveryCodes problems { field reason } } }',
      { i: { code, delivery: 'COOKIE' } },
    );
    codes = confirmed.confirmTwoFactor.recoveryCodes ?? [];
    expect(codes, JSON.stringify(confirmed.confirmTwoFactor.problems)).toHaveLength(10);
  } finally {
    await api.dispose();
  }
  const recovery = codes[3] ?? '';

  // The login page: password, then the switch to a recovery code.
  await useLanguage(page, 'en');
  await page.goto('/login');
  await fillPassword(page, email, NEW_PASSWORD);
  await expect(page.getByRole('heading', { level: 1, name: 'Second factor' })).toBeVisible();
  await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
  // Pasted with blanks around it, as from the saved file.
  await page.getByLabel('Recovery code').fill(`  ${recovery} `);
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).toHaveURL(/\/requests$/);
  await expect(page.getByRole('banner')).toContainText('Rémi');
  await page.getByRole('link', { name: 'Profile' }).click();
  await expect(page.getByRole('region', { name: 'Second factor' })).toContainText('On (9 recovery codes left)');

  // A recovery code works once.
  await page.getByRole('banner').getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login/);
  await fillPassword(page, email, NEW_PASSWORD);
  await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
  await page.getByLabel('Recovery code').fill(recovery);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('alert')).toHaveText(/or the code, at the second step/);
  await expect(page).toHaveURL(/\/login/);
  await expectAccessible(page);
});
