import { defineConfig } from 'vitest/config';
import type { TestUserConfig, ViteUserConfig } from 'vitest/config';

/**
 * The vitest config of one suite (`npm test`, test:contract, test:e2e, test:kubernetes) with
 * what they all share: test files in forked child processes, and the results as JSON in
 * `.cache/<results>-results.json` beside the console report (the CI summary reads them).
 * `test` gives the suite's own files, timeouts and options.
 */
export function defineSuite(results: string, test: TestUserConfig): ViteUserConfig {
  return defineConfig({
    test: {
      pool: 'forks',
      reporters: ['default', 'json'],
      outputFile: { json: `.cache/${results}-results.json` },
      ...test,
    },
  });
}
