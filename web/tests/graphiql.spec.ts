import { expect, test } from '@playwright/test';

test('GraphiQL loads from the portal itself and runs a query', async ({ page }) => {
  const foreign: string[] = [];
  const host = new URL(test.info().project.use.baseURL ?? '').host;
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (!['data:', 'blob:'].includes(url.protocol) && url.host !== host) foreign.push(request.url());
  });
  await page.goto('/graphql');
  await expect(page).toHaveTitle(/GraphiQL/);
  await expect(page.locator('.graphiql-container')).toBeVisible();
  await expect(page.locator('.graphiql-query-editor')).toContainText('viewer');
  // Without a session, viewer is null: the answer came from the portal's API. (The editor
  // may still be starting when first clicked on a busy machine: click again until it runs.)
  await expect(async () => {
    await page.getByRole('button', { name: /Execute query/i }).click();
    await expect(page.locator('.result-window')).toContainText('"viewer": null', { timeout: 3_000 });
  }).toPass({ timeout: 25_000 });
  expect(foreign, 'no request leaves the portal').toEqual([]);
});
