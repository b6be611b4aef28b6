import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { testProjects } from './test/support/test-projects.js';

const { unit, store, e2e } = testProjects(fileURLToPath(new URL('.', import.meta.url)));

export default defineConfig({
  test: {
    setupFiles: ['reflect-metadata'],
    hookTimeout: 60_000,
    testTimeout: 30_000,
    // Most of a file's time is waiting on a server, a process or a timer, not the CPU: more
    // files at once than cores (vitest's default is one on two cores).
    maxWorkers: Number(process.env['PODS_TEST_WORKERS'] ?? 4),
    projects: [
      // No server: the domain, use cases on the in-memory store, parsers, renderers. The files
      // of a worker share its modules (isolate: false): loading src anew for each file was
      // three quarters of the project's time.
      { extends: true, test: { name: 'unit', include: unit, isolate: false, provide: { testStores: 'in-memory' } } },
      {
        extends: true,
        test: {
          name: 'store',
          include: store,
          isolate: false,
          provide: { testStores: 'servers' },
          // One managed PostgreSQL server for the project's files, a schema each on it; with
          // TEST_DATABASE_URL, a role and database of the run's own on that server too.
          globalSetup: ['test/support/managed-server.global.ts', 'test/support/plain-server.global.ts'],
        },
      },
      // Real processes: the built CLI, tmux, ACP agents, MCP clients, bubblewrap.
      { extends: true, test: { name: 'e2e', include: e2e } },
    ],
  },
});
