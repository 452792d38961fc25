import { expect, type Page } from '@playwright/test';
import {
  expectAccessible,
  expectNoHorizontalScroll,
  fillPassword,
  gql,
  logInWithCode,
  mailedLink,
  NEW_PASSWORD,
  openAppPath,
  openAsBastien,
  openWith,
  test,
  useLanguage,
} from './helpers';

type Found = { companies: { edges: { node: { humanId: string; name: string; autoCloseAfterSeconds: number } }[] } };
const FIND = 'query($s: String) { companies(first: 100, filter: { search: $s }) { edges { node { humanId name autoCloseAfterSeconds } } } }';

/** The companies whose name or ID contains `search`, through the API with the page's session. */
async function companiesMatching(page: Page, search: string) {
  return (await gql<Found>(page, FIND, { s: search })).companies.edges.map((e) => e.node);
}

const rows = (page: Page) => page.locator('.company-table tbody tr');

test('the operator creates a company, finds it, edits its durations; its first Security Administrator sets up the account', async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  // Logging in without a page to return to lands on the operator's own home.
  await logInWithCode(page, 'operator', '/');
  await expect(page).toHaveURL(/\/operator$/);
  await page.getByRole('link', { name: 'Support staff' }).first().click();
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Operator' }).click();
  await expect(page).toHaveURL(/\/operator$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Companies' })).toBeVisible();
  await expect(rows(page).first()).toBeVisible();
  await expectAccessible(page);

  // A new company. The first answer is lost on the way back (the company is made all the same):
  // sending the form again gives that company back, thanks to the form's idempotency key.
  const name = `Transports Essai ${Date.now()}`;
  const keys: string[] = [];
  let lost = false;
  await page.route('**/graphql', async (route) => {
    const body = route.request().postDataJSON() as { query?: string; variables?: { input?: { idempotencyKey?: string } } };
    if (!body?.query?.includes('mutation CreateCompany')) return route.continue();
    keys.push(body.variables?.input?.idempotencyKey ?? '');
    if (lost) return route.continue();
    lost = true;
    await route.fetch();
    return route.abort('failed');
  });
  await page.getByRole('button', { name: 'New company' }).click();
  const create = page.getByRole('dialog', { name: 'New company' });
  await expect(create).toBeVisible();
  await expect(create.getByRole('group', { name: /^Close a proposed solution/ }).getByLabel('Days')).toHaveValue('5');
  await expect(create.getByRole('group', { name: /^Closed requests can be reopened/ }).getByLabel('Days')).toHaveValue('183');
  await expectAccessible(page);
  await create.getByLabel('Company name').fill(name);
  await create.getByLabel('Language of the company’s e-mails').selectOption('FR');
  const autoClose = create.getByRole('group', { name: /^Close a proposed solution/ });
  await autoClose.getByLabel('Days').fill('3');
  await autoClose.getByLabel('Hours').fill('0');
  const reopen = create.getByRole('group', { name: /^Closed requests can be reopened/ });
  await reopen.getByLabel('Days').fill('30');
  await create.getByRole('button', { name: 'Create the company' }).click();
  await expect(create.getByRole('alert')).toContainText('The portal cannot be reached');
  await create.getByRole('button', { name: 'Create the company' }).click();
  await expect(create).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: `The company ${name} (ACC-` })).toContainText(
    'had already been created by this form',
  );
  await page.unroute('**/graphql');
  expect(keys).toHaveLength(2);
  expect(keys[0]).toMatch(/^company-[0-9a-f]{32}$/);
  expect(keys[1]).toBe(keys[0]);

  // It is shown at once, with its values in days and hours.
  await expect(rows(page)).toHaveCount(1);
  const row = rows(page).first();
  await expect(row).toContainText(name);
  await expect(row).toContainText('French');
  await expect(row).toContainText('Not required');
  await expect(row).toContainText('3 days');
  await expect(row).toContainText('30 days');
  const humanId = (await row.locator('td').first().textContent())!.trim();
  expect(humanId).toMatch(/^ACC-\d+$/);
  expect(await companiesMatching(page, name)).toHaveLength(1);

  // Found by a search on its name (and by its ID, as the list showed it).
  await page.getByRole('button', { name: 'Show every company' }).click();
  await expect(page).toHaveURL(/\/operator$/);
  await page.getByRole('searchbox', { name: 'Name or ID' }).fill(name.toLowerCase());
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page).toHaveURL(/q=transports/);
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toContainText(humanId);

  // Its durations: a bad value stays in the dialog, then the new values show in the list.
  await page.getByRole('button', { name: `Edit durations ${name} (${humanId})` }).click();
  const durations = page.getByRole('dialog', { name: `Durations of ${name}` });
  await expect(durations).toBeVisible();
  const close = durations.getByRole('group', { name: /^Close a proposed solution/ });
  await expect(close.getByLabel('Days')).toHaveValue('3');
  await close.getByLabel('Days').fill('400');
  await durations.getByRole('button', { name: 'Save the durations' }).click();
  await expect(close.getByText('Enter between 1 hour and 365 days.')).toBeVisible();
  await expect(close.getByLabel('Days')).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page);
  await close.getByLabel('Days').fill('1');
  await close.getByLabel('Hours').fill('12');
  const open = durations.getByRole('group', { name: /^Closed requests can be reopened/ });
  await open.getByLabel('Days').fill('10');
  await open.getByLabel('Hours').fill('6');
  await durations.getByRole('button', { name: 'Save the durations' }).click();
  await expect(durations).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: `The durations of ${name} were saved` })).toBeVisible();
  await expect(rows(page).first()).toContainText('1 day 12 hours');
  await expect(rows(page).first()).toContainText('10 days 6 hours');
  expect((await companiesMatching(page, humanId))[0]?.autoCloseAfterSeconds).toBe(36 * 3600);

  // Its first Security Administrator, who gets a welcome mail; a second one is refused.
  const email = `lea.${Date.now()}@transports-essai.example`;
  await page.getByRole('button', { name: `Add Security Administrator ${name} (${humanId})` }).click();
  const admin = page.getByRole('dialog', { name: `First Security Administrator of ${name}` });
  await expect(admin).toBeVisible();
  await admin.getByRole('button', { name: 'Create the Security Administrator' }).click();
  await expect(admin.getByLabel('Last name')).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page);
  await admin.getByLabel('Last name').fill('Martin');
  await admin.getByLabel('First name').fill('Léa');
  await admin.getByLabel('E-mail address').fill(email);
  await admin.getByRole('button', { name: 'Create the Security Administrator' }).click();
  await expect(admin).toBeHidden();
  await expect(
    page.getByRole('status').filter({ hasText: `Léa Martin is now Security Administrator of ${name}; a welcome e-mail went to ${email}.` }),
  ).toBeVisible();

  await page.getByRole('button', { name: `Add Security Administrator ${name} (${humanId})` }).click();
  await admin.getByLabel('Last name').fill('Autre');
  await admin.getByLabel('First name').fill('Paul');
  await admin.getByLabel('E-mail address').fill(`paul.${Date.now()}@transports-essai.example`);
  await admin.getByRole('button', { name: 'Create the Security Administrator' }).click();
  await expect(admin.getByRole('alert')).toContainText('This company already has a Security Administrator');
  await admin.getByRole('button', { name: 'Cancel' }).click();
  await expect(admin).toBeHidden();

  // Léa opens the mailed link, chooses her password and lands in the app for her company.
  if (!process.env.PORTAL_MAIL_DIR) return;
  const link = await mailedLink(email, 'setup');
  const context = await browser.newContext();
  const lea = await context.newPage();
  await useLanguage(lea, 'en');
  await openAppPath(lea, link);
  await expect(lea.getByRole('heading', { level: 1, name: 'Choose your password' })).toBeVisible();
  await lea.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
  await lea.getByLabel('New password again').fill(NEW_PASSWORD);
  await lea.getByRole('button', { name: 'Save the password' }).click();
  await expect(lea.getByRole('status').filter({ hasText: 'Your account is ready' })).toBeVisible();
  await lea.getByRole('link', { name: 'Go to the login page' }).click();
  await fillPassword(lea, email, NEW_PASSWORD);
  await expect(lea.getByRole('banner')).toContainText('Léa Martin');
  await expect(lea.getByRole('banner')).toContainText(name);
  await expect(lea.getByRole('link', { name: 'Operator' })).toHaveCount(0);
  const me = await gql<{ viewer: { contact: { securityAdministrator: boolean; company: { humanId: string } } } }>(
    lea,
    '{ viewer { contact { securityAdministrator company { humanId } } } }',
  );
  expect(me.viewer.contact).toEqual({ securityAdministrator: true, company: { humanId } });
  await context.close();
});

test('a bad value shows its problem next to the field and creates nothing', async ({ page, operator }) => {
  test.setTimeout(60_000);
  await openWith(page, operator, '/operator');
  await page.getByRole('button', { name: 'New company' }).click();
  const create = page.getByRole('dialog', { name: 'New company' });
  const autoClose = create.getByRole('group', { name: /^Close a proposed solution/ });

  // Empty name and an auto-close of 0 hours.
  await autoClose.getByLabel('Days').fill('0');
  await autoClose.getByLabel('Hours').fill('0');
  await create.getByRole('button', { name: 'Create the company' }).click();
  await expect(create.getByLabel('Company name')).toHaveAttribute('aria-invalid', 'true');
  await expect(create.getByText('This field is required.')).toBeVisible();
  await expect(autoClose.getByText('Enter between 1 hour and 365 days.')).toBeVisible();
  await expect(autoClose.getByLabel('Hours')).toHaveAttribute('aria-invalid', 'true');
  await expect(create.getByRole('group', { name: /^Closed requests can be reopened/ }).getByLabel('Days')).not.toHaveAttribute(
    'aria-invalid',
    'true',
  );
  await expectAccessible(page);

  // A name alone does not make the auto-close delay valid.
  const name = `Rien ${Date.now()}`;
  await create.getByLabel('Company name').fill(name);
  await autoClose.getByLabel('Hours').fill('x');
  await create.getByRole('button', { name: 'Create the company' }).click();
  await expect(autoClose.getByText('Enter whole numbers of days and hours')).toBeVisible();
  await expect(create.getByLabel('Company name')).not.toHaveAttribute('aria-invalid', 'true');

  // A refusal of the API as an error naming the field (`extensions.field`) shows at that field.
  await autoClose.getByLabel('Hours').fill('6');
  await page.route('**/graphql', async (route) => {
    const body = route.request().postDataJSON() as { query?: string };
    if (!body?.query?.includes('mutation CreateCompany')) return route.continue();
    return route.fulfill({
      contentType: 'application/json',
      body: JSON.stringify({
        data: null,
        errors: [{ message: 'taken', extensions: { code: 'BAD_USER_INPUT', field: 'name', reason: 'TAKEN' } }],
      }),
    });
  });
  await create.getByRole('button', { name: 'Create the company' }).click();
  await expect(create.getByLabel('Company name')).toHaveAttribute('aria-invalid', 'true');
  await expect(create.getByText('This value is already used.')).toBeVisible();
  await expect(create.getByRole('alert')).toHaveCount(0);
  await page.unroute('**/graphql');

  // Escape closes the dialog and gives the focus back; nothing was created.
  await page.keyboard.press('Escape');
  await expect(create).toBeHidden();
  await expect(page.getByRole('button', { name: 'New company' })).toBeFocused();
  expect(await companiesMatching(page, name)).toHaveLength(0);
  await expect(page.getByRole('status').filter({ hasText: 'was created' })).toHaveCount(0);
});

test('the companies list says when it cannot load, and loads again on request', async ({ page, operator }) => {
  let fail = true;
  await page.route('**/graphql', async (route) => {
    const body = route.request().postDataJSON() as { query?: string };
    if (!fail || !body?.query?.includes('query OperatorCompanies')) return route.continue();
    return route.fulfill({
      contentType: 'application/json',
      body: JSON.stringify({ data: null, errors: [{ message: 'boom', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] }),
    });
  });
  await openWith(page, operator, '/operator');
  await expect(page.getByRole('alert')).toContainText('The portal met an unexpected error');
  await expectAccessible(page);
  fail = false;
  await page.getByRole('button', { name: 'Try again' }).click();
  await expect(rows(page).first()).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);

  // Searching for nothing known says so.
  await page.getByRole('searchbox', { name: 'Name or ID' }).fill('zz-no-such-company');
  await page.getByRole('searchbox', { name: 'Name or ID' }).press('Enter');
  await expect(page.getByText('No company matches “zz-no-such-company”.')).toBeVisible();
  await expect(rows(page)).toHaveCount(0);
});

test('the operator adds support staff; the server’s problems show by field', async ({ page, operator }) => {
  test.setTimeout(60_000);
  await openWith(page, operator, '/operator');
  await page.getByRole('navigation', { name: 'Platform operation' }).getByRole('link', { name: 'Support staff' }).click();
  await expect(page).toHaveURL(/\/operator\/staff$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Support staff' })).toBeVisible();
  await expectAccessible(page);

  // An address the page lets through but the API refuses: the problem comes back by field.
  await page.getByLabel('Last name').fill('Durand');
  await page.getByLabel('First name').fill('Yves');
  await page.getByLabel('E-mail address').fill('yves..durand@support.example');
  await page.getByRole('radio', { name: /^Support manager/ }).check();
  await page.getByRole('button', { name: 'Add to the support team' }).click();
  await expect(page.getByLabel('E-mail address')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('This does not have the expected form.')).toBeVisible();

  const email = `yves.${Date.now()}@support.example`;
  await page.getByLabel('E-mail address').fill(email);
  await page.getByRole('button', { name: 'Add to the support team' }).click();
  await expect(
    page.getByRole('status').filter({ hasText: `Yves Durand was added as Support manager; a welcome e-mail went to ${email}.` }),
  ).toBeVisible();
  await expect(page.getByLabel('Last name')).toHaveValue('');
  await expectAccessible(page);
  if (process.env.PORTAL_MAIL_DIR) expect(await mailedLink(email, 'setup')).toContain('/account/setup#token=');
});

test('the companies list works 360 px wide and in French', async ({ page, operator }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  // The operator's home is the companies list.
  await openWith(page, operator, '/');
  await expect(page).toHaveURL(/\/operator$/);
  await expect(rows(page).first()).toBeVisible();
  await expectNoHorizontalScroll(page);
  await expectAccessible(page);
  await page.getByRole('button', { name: 'New company' }).click();
  await expect(page.getByRole('dialog', { name: 'New company' })).toBeVisible();
  await expectNoHorizontalScroll(page);
  await expectAccessible(page);
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();

  await page.getByRole('button', { name: 'Français' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sociétés' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Plateforme' })).toBeVisible();
  await expect(rows(page).first()).toContainText(/jours?/);
  await expectAccessible(page);
});

test('a customer sees no operator navigation, and the operator pages say it is not allowed', async ({ page, bastien }) => {
  await openAsBastien(page, bastien);
  await expect(page.getByRole('link', { name: 'Operator' })).toHaveCount(0);
  for (const path of ['/operator', '/operator/staff']) {
    await page.goto(path);
    await expect(page.getByRole('alert')).toHaveText('This page is for the platform operator only. You are not allowed to see it.');
    await expect(page.getByRole('button', { name: 'New company' })).toHaveCount(0);
    await expect(page.getByRole('link', { name: 'Operator' })).toHaveCount(0);
    await expectAccessible(page);
  }
});
