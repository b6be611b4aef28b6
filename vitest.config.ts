import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['reflect-metadata'],
    // One managed PostgreSQL server for the run; the server suites take a schema each on it.
    // With TEST_DATABASE_URL, a role and database of the run's own on that server too.
    globalSetup: ['test/support/managed-server.global.ts', 'test/support/plain-server.global.ts'],
    hookTimeout: 60_000,
    testTimeout: 30_000,
  },
});
