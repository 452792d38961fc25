import { expect } from '@playwright/test';
import { expectAccessible, expectNoHorizontalScroll, gql, logIn, openWith, test } from './helpers';

test('Sophie manages contacts: list, filters, sorting, add and edit', async ({ page, sophie }) => {
  test.setTimeout(90_000);
  await openWith(page, sophie, '/requests');
  await page.getByRole('link', { name: 'Contacts' }).click();
  await expect(page).toHaveURL(/\/contacts$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Contacts' })).toBeVisible();
  await expect(page.locator('.company-line')).toHaveText('Pièces Auto (ACC-000002)');
  await expect(page.getByText(/^\d+ contacts?$/)).toBeVisible();
  await expect(page.getByRole('checkbox', { name: 'Every contact must log in with a second factor' })).toBeVisible();
  await expectAccessible(page);

  // Search.
  await page.getByRole('searchbox', { name: 'Name or e-mail' }).fill('camille');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/q=camille/);
  await expect(page.locator('.contact-table tbody tr')).toHaveCount(1);
  await expect(page.locator('.contact-table tbody tr')).toContainText('Support Restricted');

  // Obsolete contacts (Marc) appear with the status filter.
  await page.getByRole('searchbox', { name: 'Name or e-mail' }).fill('');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('combobox', { name: 'Status' }).selectOption('OBSOLETE');
  await expect(page).toHaveURL(/status=OBSOLETE/);
  await expect(page.locator('.contact-table tbody')).toContainText('Marc');
  await expect(page.locator('.contact-table tbody')).not.toContainText('Camille');
  await page.getByRole('combobox', { name: 'Status' }).selectOption('ACTIVE');

  // Role filter.
  await page.getByRole('combobox', { name: 'Role' }).selectOption('SECURITY_ADMINISTRATOR');
  await expect(page.locator('.contact-table tbody')).toContainText('Julien');
  await expect(page.locator('.contact-table tbody')).not.toContainText('Camille');
  await page.getByRole('combobox', { name: 'Role' }).selectOption('');

  // Sorting by e-mail, descending on a second press.
  await page.getByRole('button', { name: /^E-mail address/ }).click();
  await expect(page).toHaveURL(/sort=EMAIL/);
  await expect(page.getByRole('columnheader', { name: /E-mail address/ })).toHaveAttribute('aria-sort', 'ascending');
  await page.getByRole('button', { name: /^E-mail address/ }).click();
  await expect(page.getByRole('columnheader', { name: /E-mail address/ })).toHaveAttribute('aria-sort', 'descending');

  // Adding: problems by field, then a real contact.
  await page.getByRole('button', { name: 'New contact' }).click();
  const add = page.getByRole('dialog', { name: 'New contact' });
  await expect(add).toBeVisible();
  await add.getByRole('button', { name: 'Add the contact' }).click();
  await expect(add.getByLabel('Last name')).toHaveAttribute('aria-invalid', 'true');
  await expect(add.getByText('This field is required.').first()).toBeVisible();
  await add.getByLabel('Last name').fill('Testeur');
  await add.getByLabel('First name').fill('Agathe');
  await add.getByLabel('E-mail address').fill('not an address');
  await add.getByRole('button', { name: 'Add the contact' }).click();
  await expect(add.getByLabel('E-mail address')).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page);
  const email = `agathe.${Date.now()}@pieces-auto.example`;
  await add.getByLabel('E-mail address').fill(email);
  await add.getByRole('button', { name: 'Add the contact' }).click();
  await expect(add).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: `a welcome e-mail went to ${email}` })).toBeVisible();

  // Editing it; a change made meanwhile elsewhere gives a conflict and the latest version.
  await page.getByRole('searchbox', { name: 'Name or e-mail' }).fill(email);
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.locator('.contact-table tbody tr')).toHaveCount(1);
  await expect(page.locator('.contact-table tbody tr')).toContainText('No role');
  await page.getByRole('button', { name: 'Edit Agathe Testeur' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit Agathe Testeur' });
  await expect(edit).toBeVisible();
  const found = await gql<{ viewer: { contact: { company: { contacts: { edges: { node: { id: string; version: number } }[] } } } } }>(
    page,
    'query($s: String) { viewer { contact { company { contacts(filter: { search: $s }) { edges { node { id version } } } } } } }',
    { s: email },
  );
  const node = found.viewer.contact.company.contacts.edges[0]!.node;
  await gql(page, 'mutation($i: UpdateContactInput!) { updateContact(input: $i) { contact { id } } }', {
    i: { id: node.id, version: node.version, firstName: 'Agatha' },
  });
  await edit.getByLabel('Last name').fill('Testeuse');
  await edit.getByRole('button', { name: 'Save' }).click();
  const reloaded = page.getByRole('dialog', { name: 'Edit Agatha Testeur' });
  await expect(reloaded.getByRole('alert')).toContainText('Someone changed this in the meantime');
  await expect(reloaded.getByLabel('First name')).toHaveValue('Agatha');
  await expect(reloaded.getByLabel('Last name')).toHaveValue('Testeur');
  await expectAccessible(page);
  await reloaded.getByLabel('Last name').fill('Testeuse');
  await reloaded.getByRole('button', { name: 'Save' }).click();
  await expect(reloaded).toBeHidden();
  await expect(page.getByText('Agatha Testeuse was saved.')).toBeVisible();
  await expect(page.locator('.contact-table tbody tr')).toContainText('TESTEUSE Agatha');
});

const FIND = 'query($s: String) { viewer { contact { company { contacts(filter: { search: $s, statuses: [ACTIVE, OBSOLETE] }) { edges { node { id version lastName } } } } } } }';
type Found = { viewer: { contact: { company: { contacts: { edges: { node: { id: string; version: number; lastName: string } }[] } } } } };

test('Sophie stages role changes, sees every problem, and is asked before leaving', async ({ page, sophie }) => {
  test.setTimeout(90_000);
  await openWith(page, sophie, '/contacts');
  const staged = page.getByRole('region', { name: 'Role changes to apply' });
  await expect(staged).toBeVisible();
  if (await staged.getByRole('button', { name: 'Discard' }).isVisible()) await staged.getByRole('button', { name: 'Discard' }).click();
  await expect(staged).toContainText('No role change waiting');

  // A new contact (no role) and Camille get staged changes.
  const email = `batch.${Date.now()}@pieces-auto.example`;
  await gql(page, 'mutation($i: AddContactInput!) { addContact(input: $i) { contact { id } } }', {
    i: { lastName: 'Lot', firstName: 'Bruno', email },
  });
  for (const [search, name, role] of [
    [email, /^Change roles Bruno Lot/, 'Support Restricted'],
    ['camille', /^Change roles Camille/, 'Support Advanced'],
  ] as const) {
    await page.getByRole('searchbox', { name: 'Name or e-mail' }).fill(search);
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page.locator('.contact-table tbody tr')).toHaveCount(1);
    await page.getByRole('button', { name }).click();
    const dialog = page.getByRole('dialog', { name: /^Roles of/ });
    await expect(dialog).toBeVisible();
    await expectAccessible(page);
    await dialog.getByRole('radio', { name: role }).check();
    await dialog.getByRole('button', { name: 'OK' }).click();
    await expect(dialog).toBeHidden();
  }
  await expect(staged.getByRole('listitem')).toHaveCount(2);
  await expect(staged.getByRole('listitem').filter({ hasText: 'Bruno Lot' })).toHaveText('Bruno Lot: No role → Support Restricted');
  await expect(staged.getByRole('listitem').filter({ hasText: 'Camille' })).toHaveText(/Camille \S+: Support Restricted → Support Advanced/);
  await expect(staged).toContainText('These changes are lost if you leave this page');
  await expect(page.locator('.contact-table tbody tr')).toContainText('→ Support Advanced not applied');
  await expectAccessible(page);

  // Meanwhile, Bruno is marked obsolete and Camille edited (twice, back to her name).
  const bruno = (await gql<Found>(page, FIND, { s: email })).viewer.contact.company.contacts.edges[0]!.node;
  await gql(page, 'mutation($i: ContactStatusInput!) { markContactObsolete(input: $i) { contact { id } } }', { i: { id: bruno.id } });
  const camille = (await gql<Found>(page, FIND, { s: 'camille' })).viewer.contact.company.contacts.edges[0]!.node;
  await gql(page, 'mutation($i: UpdateContactInput!) { updateContact(input: $i) { contact { id } } }', {
    i: { id: camille.id, version: camille.version, lastName: `${camille.lastName}x` },
  });
  await gql(page, 'mutation($i: UpdateContactInput!) { updateContact(input: $i) { contact { id } } }', {
    i: { id: camille.id, version: camille.version + 1, lastName: camille.lastName },
  });

  await staged.getByRole('button', { name: 'Apply role changes' }).click();
  const problems = staged.getByRole('alert');
  await expect(problems).toContainText('Nothing was changed');
  await expect(problems).toContainText('Bruno Lot: this contact is obsolete');
  await expect(problems).toContainText('someone changed this contact since you staged the change (roles now: Support Restricted)');
  await expect(staged.locator('.staged-list li')).toHaveCount(2);
  await expectAccessible(page);

  // Leaving inside the app asks first; "Stay" keeps the page.
  await page.getByRole('link', { name: 'Requests', exact: true }).click();
  const leave = page.getByRole('alertdialog', { name: 'Leave without applying the role changes?' });
  await expect(leave).toBeVisible();
  await expect(leave).toContainText('2 role changes are not applied');
  await expectAccessible(page);
  await leave.getByRole('button', { name: 'Stay on this page' }).click();
  await expect(leave).toBeHidden();
  await expect(page).toHaveURL(/\/contacts/);

  // Closing the tab asks too (beforeunload); dismissing keeps the page open.
  const asked = new Promise<string>((resolve) => {
    page.once('dialog', async (d) => {
      resolve(d.type());
      await d.dismiss();
    });
  });
  await page.close({ runBeforeUnload: true });
  expect(await asked).toBe('beforeunload');

  // Leaving for real drops the changes.
  await page.getByRole('link', { name: 'Requests', exact: true }).click();
  await leave.getByRole('button', { name: 'Leave and lose the changes' }).click();
  await expect(page).toHaveURL(/\/requests/);
  await page.getByRole('link', { name: 'Contacts' }).click();
  await expect(staged).toContainText('No role change waiting');
});

test('Sophie cannot mark a contact with roles obsolete; she reactivates and re-marks Marc', async ({ page, sophie }) => {
  test.setTimeout(60_000);
  await openWith(page, sophie, '/contacts?q=camille');
  const staged = page.getByRole('region', { name: 'Role changes to apply' });
  if (await staged.getByRole('button', { name: 'Discard' }).isVisible()) await staged.getByRole('button', { name: 'Discard' }).click();
  await expect(page.locator('.contact-table tbody tr')).toHaveCount(1);
  await page.getByRole('button', { name: /^Mark obsolete Camille/ }).click();
  const confirm = page.getByRole('alertdialog', { name: /^Mark Camille .* obsolete\?/ });
  await expect(confirm).toBeVisible();
  await confirm.getByRole('button', { name: 'Mark obsolete' }).click();
  await expect(page.getByRole('alert')).toContainText('remove these roles first and apply them: Support Restricted');
  await expectAccessible(page);

  await page.goto('/contacts?status=OBSOLETE&q=marc');
  await expect(page.locator('.contact-table tbody tr')).toHaveCount(1);
  await page.getByRole('button', { name: /^Reactivate Marc/ }).click();
  await expect(page.getByRole('status').filter({ hasText: /is active again/ })).toBeVisible();
  await page.getByRole('combobox', { name: 'Status' }).selectOption('ALL');
  await page.getByRole('button', { name: /^Mark obsolete Marc/ }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Mark obsolete' }).click();
  await expect(page.getByRole('status').filter({ hasText: /is now obsolete/ })).toBeVisible();
  await expect(page.locator('.contact-table tbody tr')).toContainText('Obsolete');
});

test('Sophie switches the second-factor policy on and off', async ({ page, sophie }) => {
  test.setTimeout(60_000);
  await openWith(page, sophie, '/contacts');
  const box = page.getByRole('checkbox', { name: 'Every contact must log in with a second factor' });
  await expect(box).not.toBeChecked();
  try {
    await box.check();
    await expect(page.getByText('Saved: every contact now needs a second factor.')).toBeVisible();
    await box.uncheck();
    await expect(page.getByText('Saved: a second factor is no longer required.')).toBeVisible();
  } finally {
    await gql(page, 'mutation { setCompanySecurityPolicy(input: { requireTwoFactor: false }) { company { id } } }');
  }
});

test('Hugo (Support Administrator) lists and adds contacts but changes no role; 360 px', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await logIn(page, 'hugo', '/contacts');
  await expect(page.getByRole('heading', { level: 1, name: 'Contacts' })).toBeVisible();
  await expect(page.locator('.contact-table tbody tr').first()).toBeVisible();
  await expect(page.getByRole('button', { name: /^Change roles/ })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^Mark obsolete/ })).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Role changes to apply' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'New contact' })).toBeVisible();
  await expectNoHorizontalScroll(page);
  await expectAccessible(page);
});

test('the contacts screen is not offered to Bastien', async ({ page }) => {
  await logIn(page, 'bastien');
  await expect(page.getByRole('link', { name: 'Contacts' })).toHaveCount(0);
  await page.goto('/contacts');
  await expect(page.getByText('You are not allowed to do this.')).toBeVisible();
  await expectAccessible(page);
});
