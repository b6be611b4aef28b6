import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ManagedPostgres } from '../../src/adapters/persistence/managed-postgres/managed-postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The managed server every test file shares (one schema per suite), started by the product's own code. */
    managedDatabaseUrl: string;
  }
}

/**
 * One managed PostgreSQL server for the whole run, in a throwaway `PODS_HOME`: the server
 * suites run on it on every `npm test`, with no PostgreSQL installed and nothing configured.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const home = await mkdtemp(join(tmpdir(), 'pods-test-server-'));
  // Searchable, so that as root the service user reaches the server's own (private) directory.
  await chmod(home, 0o755);
  const server = new ManagedPostgres({ home });
  try {
    project.provide('managedDatabaseUrl', (await server.ensureRunning()).url);
  } catch (error) {
    await rm(home, { recursive: true, force: true });
    throw error;
  }
  return async () => {
    try {
      await server.stop();
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  };
}
