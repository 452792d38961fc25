import { gzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';

test('the first screen loads under 250 KB of gzipped JavaScript', async ({ page }) => {
  const scripts: Buffer[] = [];
  page.on('response', async (response) => {
    if (response.request().resourceType() === 'script') scripts.push(await response.body());
  });
  await page.goto('/login');
  await expect(page.locator('input[type=password]')).toBeVisible();
  await page.waitForLoadState('networkidle');
  const gzipped = scripts.reduce((sum, body) => sum + gzipSync(body, { level: 9 }).length, 0);
  expect(scripts.length).toBeGreaterThan(0);
  expect(gzipped, `${scripts.length} scripts`).toBeLessThan(250 * 1024);
});
