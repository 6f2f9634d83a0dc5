import { defineConfig } from 'vitest/config';

// The packed-package test (npm run test:package): slow (npm pack and install), so not in npm test.
export default defineConfig({
  test: {
    include: ['test/package/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    testTimeout: 600_000,
    hookTimeout: 60_000,
  },
});
