import { defineConfig } from 'vitest/config';

// The unit tests of pure client logic (`src/**/*.test.ts`), in Node without a browser; the
// browser tests in `tests/` are Playwright's (`*.spec.ts`), which this never collects.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    reporters: ['default'],
  },
});
