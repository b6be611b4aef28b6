import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/adapters/persistence/postgres/open-postgres-store.js';
import type { SqlStore } from '../../src/adapters/persistence/postgres/sql-store.js';
import { TEST_SERVERS } from '../support/test-stores.js';

describe.each(TEST_SERVERS)('named statements on the PostgreSQL server ($name)', (server) => {
  let store: SqlStore | undefined;
  const db = () => {
    if (!store) throw new Error('store not open');
    return store.db;
  };
  beforeAll(async () => {
    // One connection, so every statement below reuses the same server session.
    store = await openPostgresStore(server.url, { max: 1 });
  });
  afterAll(async () => store?.close());

  it('runs one statement text with new parameters every time', async () => {
    const results: number[] = [];
    for (const n of [1, 2, 3, 2]) {
      const { rows } = await sql<{ n: number }>`select ${n}::int * 10 as n`.execute(db());
      results.push(rows[0]?.n ?? -1);
    }
    expect(results).toEqual([10, 20, 30, 20]);
  });

  it('keeps working past the number of texts it names', async () => {
    const texts = Array.from({ length: 600 }, (_, i) => i);
    for (const i of texts) {
      const { rows } = await sql<{ n: number }>`select ${i}::int + ${sql.lit(i)} as n`.execute(db());
      expect(rows[0]?.n).toBe(2 * i);
    }
  });
});
