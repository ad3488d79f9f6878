import { defineSuite } from './test/helpers/vitest-suite.ts';

export default defineSuite('test', {
  include: ['test/**/*.test.ts', 'controller/**/*.test.ts', 'api/**/*.test.ts', 'emulator/**/*.test.ts', 'cli/**/*.test.ts', 'web/src/**/*.test.{ts,tsx}'],
  // The contract suite and the browser suite have their own configs (vitest.contract / vitest.e2e).
  exclude: ['test/contract/**', 'test/e2e/**', 'node_modules/**'],
  testTimeout: 60_000,
  hookTimeout: 120_000,
});
