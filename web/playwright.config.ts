import { defineConfig, devices } from '@playwright/test';

const baseURL = process.env.PORTAL_URL;
if (!baseURL) throw new Error('Set PORTAL_URL to the portal (or Vite preview) to test, e.g. http://127.0.0.1:4173');

export default defineConfig({
  testDir: './tests',
  // `scripts/test` runs the suite on both databases at once: each run keeps its own artifacts
  // (screenshots of the key screens, failure traces).
  outputDir: process.env.PLAYWRIGHT_OUTPUT_DIR ?? 'test-results',
  workers: 1,
  retries: 0,
  reporter: 'list',
  // Generous: `scripts/test` runs this suite beside the rest of the end-to-end tests on two
  // cores, on both databases at once.
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  use: {
    ...devices['Desktop Chrome'],
    baseURL,
    headless: true,
    launchOptions: { executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium' },
    trace: 'off',
    screenshot: 'off',
  },
});
