import { expect } from '@playwright/test';
import { expectAccessible, gqlAs, openWith, test } from './helpers';

test('Manon assigns a request to Karim; Lionel takes it and reclassifies it', async ({ page, manon, lionel, browser }) => {
  test.setTimeout(90_000);
  const found = await gqlAs<{ requests: { edges: { node: { humanId: string; urgency: string | null } }[] } }>(
    manon,
    '{ requests(queue: ACTIVE, filter: { unassigned: true, states: [SUPPORT_ANALYSIS] }, first: 1) { edges { node { humanId urgency } } } }',
  );
  const humanId = found.requests.edges[0]?.node.humanId;
  if (!humanId) throw new Error('no unassigned request in the demo data');

  await openWith(page, manon, `/requests/${humanId}`);
  await expect(page.getByText('Support agent: Not assigned yet')).toBeVisible();
  const tools = page.getByRole('group', { name: 'Support' });
  await tools.getByRole('button', { name: 'Assign to…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Assign the request' });
  await dialog.getByRole('button', { name: 'Assign' }).click();
  await expect(dialog.getByText('This field is required.')).toBeVisible();
  await expectAccessible(page);
  await dialog.getByLabel('Support agent').selectOption({ label: 'Karim Benali (Support agent)' });
  await dialog.getByRole('button', { name: 'Assign' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: 'Assigned to Karim' })).toBeVisible();
  await expect(page.getByText(/^Support agent: Karim/)).toBeVisible();

  // Lionel, an agent: he can take it, not give it to someone else.
  const context = await browser.newContext({ baseURL: process.env.PORTAL_URL });
  const agent = await context.newPage();
  await openWith(agent, lionel, `/requests/${humanId}`);
  const agentTools = agent.getByRole('group', { name: 'Support' });
  await expect(agentTools.getByRole('button', { name: 'Assign to…' })).toHaveCount(0);
  await agentTools.getByRole('button', { name: 'Take' }).click();
  await expect(agent.getByRole('status').filter({ hasText: 'You took this request.' })).toBeVisible();
  await expect(agent.getByText(/^Support agent: Lionel/)).toBeVisible();
  await expect(agentTools.getByRole('button', { name: 'Take' })).toHaveCount(0);

  await agentTools.getByRole('button', { name: 'Reclassify' }).click();
  const reclassify = agent.getByRole('dialog', { name: 'Reclassify the request' });
  await expect(reclassify).toBeVisible();
  await expectAccessible(agent);
  const urgency = reclassify.getByLabel('Urgency');
  const next = (await urgency.inputValue()) === 'URGENT' ? 'HIGH' : 'URGENT';
  await urgency.selectOption(next);
  await reclassify.getByLabel('Product or equipment').fill('Logiciel de caisse v12');
  await reclassify.getByRole('button', { name: 'Save the classification' }).click();
  await expect(reclassify).toBeHidden();
  await expect(agent.getByRole('status').filter({ hasText: 'The classification was saved.' })).toBeVisible();
  await expect(agent.getByText(`Urgency: ${next === 'URGENT' ? 'Urgent' : 'High'}`)).toBeVisible();
  await expect(agent.getByRole('tabpanel')).toContainText('Logiciel de caisse v12');
  await agent.getByRole('tab', { name: 'History' }).click();
  await expect(agent.getByRole('tabpanel')).toContainText('Assignment changed');
  await expectAccessible(agent);
  await context.close();
});

test('customers see no support tools', async ({ page, bastien }) => {
  await openWith(page, bastien, '/requests?queue=ACTIVE&scope=PERSONAL');
  await page.getByRole('link', { name: /^SR-/ }).first().click();
  await expect(page.getByRole('tablist')).toBeVisible();
  await expect(page.getByRole('group', { name: 'Support' })).toHaveCount(0);
});
