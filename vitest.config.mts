import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

/**
 * The test tiers, one folder each: `npm test` runs them all, `npm run test:<tier>` one.
 * unit: modules in-process; integration: the built app's services, worker threads and
 * SQLite (needs `npm run build`); e2e: serve mode and Chromium (needs the build too);
 * training: tests that train a model and assert it learns, each with its seed and
 * backend in its name, given a longer timeout of their own.
 */
function tier(name: string, timeout: number): TestProjectInlineConfiguration {
  return { extends: true, test: { name, include: [`test/${name}/**/*.test.ts`], testTimeout: timeout, hookTimeout: timeout } };
}

export default defineConfig({
  test: {
    projects: [tier('unit', 180_000), tier('integration', 180_000), tier('e2e', 180_000), tier('training', 600_000)],
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
