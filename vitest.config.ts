import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'packages/*/test/**/*.test.ts',
      'test-vectors/test/**/*.test.ts',
      'scripts/test/**/*.test.ts',
    ],
    globalSetup: ['./vitest.global-setup.ts'],
    reporters: ['default', './scripts/summary-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The machines are 2 cores: two workers keep the vector suites from starving each other.
    maxWorkers: 2,
  },
});
