import { defineSuite } from './test/helpers/vitest-suite.ts';

// The browser suite: Chromium (playwright-core, /usr/bin/chromium or CHROMIUM_PATH) against the
// real API serving the built dashboard, Postgres, Redis, a worker and the NetBox emulator.
// Needs `npm run build:web` first (CI builds it). Results join the CI summary.
export default defineSuite('e2e', {
  include: ['test/e2e/**/*.e2e.test.ts'],
  testTimeout: 180_000,
  hookTimeout: 240_000,
  fileParallelism: false,
});
