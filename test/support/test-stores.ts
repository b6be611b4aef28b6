import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { inject } from 'vitest';
import pg from 'pg';
import type { Database } from '../../src/adapters/persistence/postgres/schema/database.js';
import { KyselyUnitOfWork } from '../../src/adapters/persistence/postgres/kysely-unit-of-work.js';
import { openPostgresStore } from '../../src/adapters/persistence/postgres/open-postgres-store.js';
import type { SqlStore } from '../../src/adapters/persistence/postgres/sql-store.js';
import { IN_MEMORY_STORE, type TestStore, type TestStoreFactory } from './store-under-test.js';

export { openOncePerSuite, type TestStore, type TestStoreFactory } from './store-under-test.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Which stores `testStores()` gives this project's files (vitest.config.ts). */
    testStores: 'in-memory' | 'servers';
  }
}

/** Every table of the SQL store; a new table must be added here or tests leak rows. */
export const SQL_TABLES = ['removed_history_entry', 'removed_pod', 'agent_session', 'inbound_cursor', 'lease', 'audit_record', 'history_entry', 'child_ownership', 'peer_relation', 'pod'] as const satisfies readonly (keyof Database)[];

export async function truncateAll(db: Kysely<Database>): Promise<void> {
  await sql`truncate table ${sql.join(SQL_TABLES.map((t) => sql.table(t)))} restart identity`.execute(db);
}

export type SqlTestStore = TestStore & { readonly store: SqlStore };

/** A test store over an opened SQL store: one unit of work, tables truncated on reset. */
export function sqlTestStore(store: SqlStore, cleanup: () => Promise<void>): SqlTestStore {
  const uow = new KyselyUnitOfWork(store.db);
  return {
    store,
    uow: () => uow,
    reset: () => truncateAll(store.db),
    dispose: async () => {
      try {
        await store.close();
      } finally {
        await cleanup();
      }
    },
  };
}

/** A PostgreSQL server the server suites run on. */
export type TestServer = { readonly name: 'managed' | 'postgres'; readonly url: string };

/**
 * The managed server (always: the run's global setup starts it), and a plain server when
 * TEST_DATABASE_URL names one, so CI proves the adapter on both connections. On both, the
 * suites connect as a role that is no superuser: the managed server's own, and on the plain
 * server a role the run makes for itself (`plain-server.global.ts`).
 */
export const TEST_SERVERS: readonly TestServer[] = inject('managedDatabaseUrl')
  ? [{ name: 'managed', url: inject('managedDatabaseUrl') }, ...(inject('plainDatabaseUrl') ? [{ name: 'postgres', url: inject('plainDatabaseUrl') } as const] : [])]
  : [];

export const MANAGED_SERVER: TestServer = TEST_SERVERS[0] ?? {
  name: 'managed',
  get url(): string {
    throw new Error('no test server in this vitest project: a file that opens a server store belongs to the `store` project (test/support/test-projects.ts)');
  },
};

/** `url` with every connection's search_path set to `schema`. */
export function urlWithSchema(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

/**
 * A private schema on a test server (`url` reaches it), dropped on dispose: test files run in
 * parallel and would otherwise truncate each other's rows.
 */
export async function openPostgresTestStore(
  options: { readonly max?: number; readonly server?: TestServer } = {},
): Promise<SqlTestStore & { readonly url: string }> {
  const server = options.server ?? MANAGED_SERVER;
  const schema = `test_${randomUUID().replaceAll('-', '')}`;
  const admin = new pg.Pool({ connectionString: server.url, max: 1 });
  try {
    await admin.query(`create schema ${schema}`);
    const url = urlWithSchema(server.url, schema);
    const store = await openPostgresStore(url, options);
    const cleanup = async () => {
      try {
        await admin.query(`drop schema ${schema} cascade`);
      } finally {
        await admin.end();
      }
    };
    return { ...sqlTestStore(store, cleanup), url };
  } catch (error) {
    await admin.end();
    throw error;
  }
}

/** A factory per test server: a private schema on it. */
/**
 * Four connections, not a process's one: units of work then run side by side, as units of
 * several processes do, and the contracts' "holds … for its unit of work" tests can fail.
 */
export const serverStores = (): readonly TestStoreFactory[] =>
  TEST_SERVERS.map((server) => ({ name: server.name, open: () => openPostgresTestStore({ server, max: 4 }) }));

/**
 * The stores the use-case tests run against in this project, so the same behaviour is proven
 * on each once per run: in-memory in the `unit` project; the managed server, and the plain
 * server when TEST_DATABASE_URL is set, in the `store` project.
 */
export function testStores(): readonly TestStoreFactory[] {
  return inject('testStores') === 'in-memory' ? [IN_MEMORY_STORE] : serverStores();
}
