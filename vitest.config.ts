import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['reflect-metadata'],
    // One managed PostgreSQL server for the run; the server suites take a schema each on it.
    globalSetup: ['test/support/managed-server.global.ts'],
    hookTimeout: 60_000,
    testTimeout: 30_000,
  },
});
