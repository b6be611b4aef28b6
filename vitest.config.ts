import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['reflect-metadata'],
    // PGlite boots in seconds on a 2-core machine; one instance per file, created in beforeAll.
    hookTimeout: 60_000,
    testTimeout: 30_000,
  },
});
