import { expect, type Locator, type Page } from '@playwright/test';
import {
  expectAccessible,
  expectNoHorizontalScroll,
  gqlAs,
  openAsBastien,
  openWith,
  test,
  type WorkerSession,
} from './helpers';

// Days are the browser's: a zone with summer time checks the conversion to UTC instants.
test.use({ timezoneId: 'Europe/Paris' });

const COUNT = `query($queue: RequestQueue, $scope: RequestScope, $filter: RequestFilterInput) {
  requests(queue: $queue, scope: $scope, filter: $filter, first: 1) { totalCount }
}`;

/** How many requests the API counts for these arguments, with a session. */
async function apiCount(session: WorkerSession, variables: Record<string, unknown>): Promise<number> {
  const data = await gqlAs<{ requests: { totalCount: number } }>(session, COUNT, variables);
  return data.requests.totalCount;
}

/** A submitted request of the session's person; returns its human ID. */
async function createRequest(session: WorkerSession, title: string, urgency: string): Promise<string> {
  const saved = await gqlAs<{ saveRequestDraft: { request: { id: string; version: number } } }>(
    session,
    'mutation($i: SaveRequestDraftInput!) { saveRequestDraft(input: $i) { request { id version } } }',
    { i: { form: { category: 'LICENSE_KEYS', urgency, title, description: 'Made by the filter tests.' } } },
  );
  const { id, version } = saved.saveRequestDraft.request;
  const submitted = await gqlAs<{ submitRequest: { request: { humanId: string } | null; problems: unknown[] } }>(
    session,
    'mutation($i: SubmitRequestInput!) { submitRequest(input: $i) { request { humanId } problems { field } } }',
    { i: { requestId: id, version } },
  );
  if (!submitted.submitRequest.request) throw new Error(JSON.stringify(submitted.submitRequest.problems));
  return submitted.submitRequest.request.humanId;
}

const total = (page: Page): Locator => page.locator('p.total');
const countText = (n: number) => `${n} ${n === 1 ? 'request' : 'requests'}`;
const rows = (page: Page): Locator => page.locator('.request-table tbody tr');
const column = (page: Page, label: string): Locator => page.locator(`.request-table tbody td[data-label="${label}"]`);

/** Waits for the list to show `n` requests, its rows loaded (not those of the previous filter). */
async function expectTotal(page: Page, n: number): Promise<void> {
  await expect(total(page)).toHaveText(countText(n));
  if (n > 0) await expect(page.locator('.request-table tbody')).toHaveAttribute('aria-busy', 'false');
}

async function shownTotal(page: Page): Promise<number> {
  await expect(total(page)).toHaveText(/^\d+ requests?$/);
  return Number((await total(page).textContent())?.split(' ')[0]);
}

/** Opens the filter disclosure (if closed), with the keyboard. */
async function openFilters(page: Page): Promise<Locator> {
  const panel = page.locator('details.filter-panel');
  if ((await panel.getAttribute('open')) === null) {
    await panel.locator('summary').focus();
    await page.keyboard.press('Enter');
  }
  await expect(panel.getByRole('button', { name: 'Apply the filters' })).toBeVisible();
  return panel;
}

/** The local day `offset` days from today, in the browser's zone, as `YYYY-MM-DD`. */
async function localDay(page: Page, offset: number): Promise<string> {
  return page.evaluate((days) => {
    const d = new Date();
    d.setDate(d.getDate() + days);
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  }, offset);
}

/** The browser's local midnight starting `day`, as a UTC instant. */
async function localMidnight(page: Page, day: string): Promise<number> {
  return page.evaluate((d) => {
    const [y, m, dd] = d.split('-').map(Number) as [number, number, number];
    return new Date(y, m - 1, dd).getTime();
  }, day);
}

test('a customer searches, filters by urgency and date, sorts, and the URL keeps it all', async ({ page, bastien }) => {
  const stamp = `flt${Date.now().toString(36)}`;
  const frozen = await createRequest(bastien, `Écran figé ${stamp} à l’ouverture`, 'HIGH');
  const low = await createRequest(bastien, `Export du rapport ${stamp}`, 'LOW');
  const urgent = await createRequest(bastien, `Licence refusée ${stamp}`, 'URGENT');

  await openAsBastien(page, bastien, '/requests?queue=ALL&scope=PERSONAL');
  const all = await shownTotal(page);
  expect(all).toBeGreaterThan(3);

  // A customer gets no company or support agent filter, nor requesters of his own requests.
  const panel = await openFilters(page);
  await expect(panel.getByRole('group', { name: 'Urgency' })).toBeVisible();
  await expect(panel.getByRole('group', { name: 'Company' })).toHaveCount(0);
  await expect(panel.getByRole('group', { name: 'Support agent' })).toHaveCount(0);
  await expect(panel.getByRole('group', { name: 'Requester' })).toHaveCount(0);
  await expect(page.getByRole('columnheader', { name: /Company/ })).toHaveCount(0);

  // Text search, submitted with Enter.
  const search = page.getByRole('searchbox', { name: 'Search the requests' });
  await search.fill(stamp);
  await search.press('Enter');
  await expect(page).toHaveURL(new RegExp(`[?&]q=${stamp}(&|$)`));
  await expect(total(page)).toHaveText('3 requests');
  await expect(rows(page)).toHaveCount(3);

  // Capitals and accents do not matter.
  await search.fill(`ECRAN FIGE ${stamp}`);
  await search.press('Enter');
  await expect(total(page)).toHaveText('1 request');
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toContainText(`Écran figé ${stamp}`);
  await expect(rows(page).first()).toContainText(frozen);

  // Back restores the previous search.
  await page.goBack();
  await expect(total(page)).toHaveText('3 requests');
  await expect(search).toHaveValue(stamp);

  // Several urgencies at once.
  await openFilters(page);
  await panel.getByRole('group', { name: 'Urgency' }).getByLabel('High').check();
  await panel.getByRole('group', { name: 'Urgency' }).getByLabel('Urgent').check();
  await panel.getByRole('button', { name: 'Apply the filters' }).click();
  await expect(page).toHaveURL(/urgency=HIGH&urgency=URGENT/);
  await expect(total(page)).toHaveText('2 requests');
  await expect(rows(page)).toHaveCount(2);
  await expect(page.getByRole('table')).not.toContainText(low);
  await expect(page.getByRole('button', { name: /^Urgency: High/ })).toBeVisible();
  await expect(page.locator('summary')).toContainText('1 in use');

  // Sorting by a column: urgency, most urgent first, then the other way round.
  const urgencyHeader = page.getByRole('columnheader', { name: /Urgency/ });
  await urgencyHeader.getByRole('button').click();
  await expect(page).toHaveURL(/sort=URGENCY&dir=DESC/);
  await expect(urgencyHeader).toHaveAttribute('aria-sort', 'descending');
  await expect(page.getByRole('columnheader', { name: /Updated/ })).not.toHaveAttribute('aria-sort', /.*/);
  await expect(column(page, 'Urgency')).toHaveText(['Urgent', 'High']);
  await expect(rows(page).first()).toContainText(urgent);
  // The headers work from the keyboard too.
  await urgencyHeader.getByRole('button').focus();
  await page.keyboard.press('Enter');
  await expect(urgencyHeader).toHaveAttribute('aria-sort', 'ascending');
  await expect(column(page, 'Urgency')).toHaveText(['High', 'Urgent']);
  await expect(page.getByRole('combobox', { name: 'Sort by' })).toHaveValue('URGENCY');
  await expect(page.getByRole('combobox', { name: 'Order', exact: true })).toHaveValue('ASC');

  // Everything is in the URL: a reload shows the same list.
  await page.reload();
  await expect(total(page)).toHaveText('2 requests');
  await expect(column(page, 'Urgency')).toHaveText(['High', 'Urgent']);
  await expect(page.getByRole('columnheader', { name: /Urgency/ })).toHaveAttribute('aria-sort', 'ascending');
  await expect(search).toHaveValue(stamp);
  const reopened = await openFilters(page);
  await expect(reopened.getByRole('group', { name: 'Urgency' }).getByLabel('High')).toBeChecked();
  await expect(reopened.getByRole('group', { name: 'Urgency' }).getByLabel('Low')).not.toBeChecked();
  await expectAccessible(page);

  // Back: most urgent first again.
  await page.goBack();
  await expect(column(page, 'Urgency')).toHaveText(['Urgent', 'High']);

  // A date range: created today (whole local day) keeps them, up to yesterday none.
  const today = await localDay(page, 0);
  const yesterday = await localDay(page, -1);
  const created = reopened.getByRole('group', { name: 'Created' });
  await created.getByLabel('From').fill(today);
  await created.getByLabel('To (included)').fill(today);
  await reopened.getByRole('button', { name: 'Apply the filters' }).click();
  await expect(page).toHaveURL(new RegExp(`createdFrom=${today}&createdTo=${today}`));
  // The list shows the new filters once it has loaded them (the URL changes first); the form
  // then shows them too, so what is typed before that would be replaced.
  await expect(page.getByRole('list', { name: 'Filters in use:' })).toContainText('Created:');
  await expect(total(page)).toHaveText('2 requests');
  await created.getByLabel('From').fill(yesterday);
  await created.getByLabel('To (included)').fill(yesterday);
  await reopened.getByRole('button', { name: 'Apply the filters' }).click();
  await expect(total(page)).toHaveText('0 requests');
  await expect(page.getByText('No request matches these filters.')).toBeVisible();
  await expectAccessible(page);

  // An end before the start is refused before anything is sent.
  await created.getByLabel('From').fill(today);
  await reopened.getByRole('button', { name: 'Apply the filters' }).click();
  await expect(page.getByText('The end date is before the start date.')).toBeVisible();
  await expect(created.getByLabel('From')).toHaveAttribute('aria-invalid', 'true');
  await expect(page).toHaveURL(new RegExp(`createdFrom=${yesterday}`));

  // Removing one filter, then clearing them all.
  await page.getByRole('button', { name: /^Created:/ }).click();
  await expect(total(page)).toHaveText('2 requests');
  await page.getByRole('button', { name: 'Clear the filters' }).first().click();
  await expect(page).toHaveURL(/\/requests\?queue=ALL&scope=PERSONAL&sort=URGENCY&dir=DESC$/);
  await expect(total(page)).toHaveText(countText(await apiCount(bastien, { queue: 'ALL', scope: 'PERSONAL' })));
  await expect(search).toHaveValue('');

  // His team's requests: filtered by requester (and sorted by requester), still no company.
  const me = (await gqlAs<{ viewer: { contact: { id: string } } }>(bastien, '{ viewer { contact { id } } }')).viewer.contact.id;
  await page.getByRole('link', { name: "My team's requests" }).click();
  await expect(page).toHaveURL(/scope=TEAM/);
  const team = await openFilters(page);
  await expect(team.getByRole('group', { name: 'Company' })).toHaveCount(0);
  await team.getByRole('group', { name: 'Requester' }).getByLabel('Bastien Roy').check();
  await team.getByRole('button', { name: 'Apply the filters' }).click();
  await expect(page).toHaveURL(new RegExp(`requester=${me}`));
  await expectTotal(page, await apiCount(bastien, { queue: 'ALL', scope: 'TEAM', filter: { requesterIds: [me] } }));
  for (const text of await column(page, 'Requester').allTextContents()) expect(text).toBe('Bastien Roy');
  await expectAccessible(page);
});

test('a support agent filters every company by urgency, date, company and sorts by request ID', async ({
  page,
  lionel,
}) => {
  await openWith(page, lionel, '/requests?queue=ALL');
  const all = await shownTotal(page);
  expect(all).toBe(await apiCount(lionel, { queue: 'ALL', scope: 'TEAM' }));

  const panel = await openFilters(page);
  // The support's own filters.
  await expect(panel.getByRole('group', { name: 'Support agent' }).getByLabel('Unassigned')).toBeVisible();
  await expect(panel.getByRole('group', { name: 'Support agent' }).getByLabel('Lionel Martin')).toBeVisible();
  await expect(panel.getByRole('group', { name: 'Company' }).getByLabel('Pièces Auto')).toBeVisible();
  await expect(panel.getByRole('group', { name: 'State' }).getByLabel('Draft')).toHaveCount(0);

  // Several urgencies.
  await panel.getByRole('group', { name: 'Urgency' }).getByLabel('High').check();
  await panel.getByRole('group', { name: 'Urgency' }).getByLabel('Urgent').check();
  await panel.getByRole('button', { name: 'Apply the filters' }).click();
  await expect(page).toHaveURL(/urgency=HIGH&urgency=URGENT/);
  const urgencies = { urgencies: ['HIGH', 'URGENT'] };
  const urgentCount = await apiCount(lionel, { queue: 'ALL', scope: 'TEAM', filter: urgencies });
  expect(urgentCount).toBeLessThan(all);
  await expectTotal(page, urgentCount);
  for (const text of await column(page, 'Urgency').allTextContents()) expect(['High', 'Urgent']).toContain(text);

  // Last updated between 60 and 10 days ago, whole local days.
  const from = await localDay(page, -60);
  const to = await localDay(page, -10);
  const updated = panel.getByRole('group', { name: 'Last updated' });
  await updated.getByLabel('From').fill(from);
  await updated.getByLabel('To (included)').fill(to);
  await panel.getByRole('button', { name: 'Apply the filters' }).click();
  await expect(page).toHaveURL(new RegExp(`updatedFrom=${from}&updatedTo=${to}`));
  const start = await localMidnight(page, from);
  const end = await localMidnight(page, await localDay(page, -9));
  const rangeFilter = {
    ...urgencies,
    updatedAt: { from: new Date(start).toISOString(), to: new Date(end).toISOString() },
  };
  const rangeCount = await apiCount(lionel, { queue: 'ALL', scope: 'TEAM', filter: rangeFilter });
  expect(rangeCount).toBeLessThan(urgentCount);
  expect(rangeCount).toBeGreaterThan(0);
  await expectTotal(page, rangeCount);
  for (const time of await page.locator('.request-table tbody time').evaluateAll((els) => els.map((e) => e.getAttribute('datetime')))) {
    const at = Date.parse(time ?? '');
    expect(at).toBeGreaterThanOrEqual(start);
    expect(at).toBeLessThan(end);
  }

  // Sorting by request ID, ascending: the rows change and come in order.
  const firstBefore = await rows(page).first().getByRole('link').textContent();
  const idHeader = page.getByRole('columnheader', { name: /Request ID/ });
  await idHeader.getByRole('button').click();
  await expect(idHeader).toHaveAttribute('aria-sort', 'ascending');
  await expect(page).toHaveURL(/sort=HUMAN_ID&dir=ASC/);
  await expect(rows(page).first().getByRole('link')).not.toHaveText(firstBefore ?? '');
  const ids = await column(page, 'Request ID').allTextContents();
  expect(ids).toEqual([...ids].sort());
  await expect(total(page)).toHaveText(countText(rangeCount));

  // One company. Choosing it offers its requesters: their list loads (and moves the button
  // down) before the filters are applied.
  await panel.getByRole('group', { name: 'Company' }).getByLabel('Pièces Auto').check();
  await expect(panel.getByRole('group', { name: 'Requester' }).getByRole('checkbox').first()).toBeVisible();
  await panel.getByRole('button', { name: 'Apply the filters' }).click();
  await expect(page).toHaveURL(/company=co_/);
  await expect(page.getByRole('button', { name: /^Company: Pièces Auto/ })).toBeVisible();
  const companyId = new URL(page.url()).searchParams.get('company');
  const companyTotal = await apiCount(lionel, {
    queue: 'ALL',
    scope: 'TEAM',
    filter: { ...rangeFilter, companyIds: [companyId] },
  });
  expect(companyTotal).toBeLessThan(rangeCount);
  expect(companyTotal).toBeGreaterThan(0);
  await expectTotal(page, companyTotal);
  for (const text of await column(page, 'Company').allTextContents()) expect(text).toBe('Pièces Auto');
  await expectAccessible(page);

  // Reload keeps it all; back returns to every company.
  await page.reload();
  await expectTotal(page, companyTotal);
  await expect(page.getByRole('columnheader', { name: /Request ID/ })).toHaveAttribute('aria-sort', 'ascending');
  await page.goBack();
  await expectTotal(page, rangeCount);
  await expect(page.getByRole('button', { name: /^Company:/ })).toHaveCount(0);

  // Unassigned requests among them.
  const again = await openFilters(page);
  await again.getByRole('group', { name: 'Support agent' }).getByLabel('Unassigned').check();
  await again.getByRole('button', { name: 'Apply the filters' }).click();
  await expect(page).toHaveURL(/assignee=none/);
  await expectTotal(page, await apiCount(lionel, { queue: 'ALL', scope: 'TEAM', filter: { ...rangeFilter, unassigned: true } }));
  for (const text of await column(page, 'Support agent').allTextContents()) expect(text).toBe('Unassigned');
  await expectAccessible(page);

  // At 360 px the filters fold away and nothing scrolls sideways.
  await page.setViewportSize({ width: 360, height: 740 });
  await expectNoHorizontalScroll(page);
  await expectAccessible(page);
});
