import { randomUUID } from 'node:crypto';
import { Kysely, PostgresDialect, sql, type Migration } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src/adapters/persistence/postgres/schema/migrate-to-latest.js';
import { MIGRATIONS } from '../../src/adapters/persistence/postgres/schema/migrations/migrations.js';
import { MANAGED_SERVER, SQL_TABLES, urlWithSchema } from '../support/test-stores.js';

/** What a later release would append: a new column with a default, so old rows stay valid. */
const mLater: Migration = {
  up: async (db) => {
    await sql`alter table pod add column note text not null default 'none'`.execute(db);
  },
};

/** A fresh connection to the test schema: what a new process of another version would open. */
async function openDb(url: string): Promise<Kysely<any>> {
  return new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }) });
}

/**
 * The tables of `schema` only, other test files keeping their own schemas in the same database.
 * Not by kysely's introspection: it reads every schema's tables by name, and fails on one that
 * another file drops meanwhile.
 */
const tablesOf = async (db: Kysely<any>, schema: string) =>
  (await sql<{ name: string }>`select tablename as name from pg_tables where schemaname = ${schema} and tablename not like 'kysely_%'`.execute(db)).rows.map((r) => r.name).sort();

describe('0003-lease-driver on a store made before it (a private schema on the managed server)', () => {
  const schema = `migrations_${randomUUID().replaceAll('-', '')}`;
  const url = urlWithSchema(MANAGED_SERVER.url, schema);
  const admin = new pg.Pool({ connectionString: MANAGED_SERVER.url, max: 1 });
  beforeAll(async () => {
    await admin.query(`create schema ${schema}`);
  });
  afterAll(async () => {
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  });

  it('keeps a live lease of an older version and records it as driven by its model', async () => {
    // The schema of a version before 0003: every migration named before it.
    const before = Object.fromEntries(Object.entries(MIGRATIONS).filter(([migration]) => migration < '0003'));
    const older = await openDb(url);
    try {
      await migrateToLatest(older, before);
      await sql`insert into pod (name, scope, created_at) values ('old', '[]', now())`.execute(older);
      await sql`insert into lease (pod, host_id, status, expires_at) values ('old', 'host_old', 'running', now() + interval '1 hour')`.execute(older);
    } finally {
      await older.destroy();
    }
    const upgraded = await openDb(url);
    try {
      await migrateToLatest(upgraded);
      const { rows } = await sql<{ host_id: string; status: string; driver: string }>`select host_id, status, driver from lease`.execute(upgraded);
      expect(rows).toEqual([{ host_id: 'host_old', status: 'running', driver: 'model' }]);
      await expect(sql`update lease set driver = 'telepathy'`.execute(upgraded)).rejects.toThrow(/check constraint/);
    } finally {
      await upgraded.destroy();
    }
  });
});

describe('schema migrations (a private schema on the managed server)', () => {
  const schema = `migrations_${randomUUID().replaceAll('-', '')}`;
  const url = urlWithSchema(MANAGED_SERVER.url, schema);
  const admin = new pg.Pool({ connectionString: MANAGED_SERVER.url, max: 1 });
  let db: Kysely<any> | undefined;
  const current = () => {
    if (!db) throw new Error('store not open');
    return db;
  };
  const reopen = async () => {
    await db?.destroy();
    db = await openDb(url);
    return db;
  };
  beforeAll(async () => {
    await admin.query(`create schema ${schema}`);
    db = await openDb(url);
  });
  afterAll(async () => {
    await db?.destroy();
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  });

  // The tests below build on each other: one store goes from empty to upgraded.
  it('creates every table on an empty store', async () => {
    await migrateToLatest(current());
    expect(await tablesOf(current(), schema)).toEqual([...SQL_TABLES].sort());
  });

  it('does nothing when the store is already current', async () => {
    await sql`insert into pod (name, scope, created_at) values ('old', '[]', now())`.execute(current());
    await migrateToLatest(current());
    const { rows } = await sql<{ name: string }>`select name from pod`.execute(current());
    expect(rows).toEqual([{ name: 'old' }]);
  });

  it('upgrades a store made by an older version in place, keeping its rows', async () => {
    const upgraded = await reopen();
    await migrateToLatest(upgraded, { ...MIGRATIONS, '9999-pod-note': mLater });
    const { rows } = await sql<{ name: string; note: string }>`select name, note from pod`.execute(upgraded);
    expect(rows).toEqual([{ name: 'old', note: 'none' }]);
  });

  it('refuses a store whose schema is newer than the code, naming the unknown migration', async () => {
    await expect(migrateToLatest(await reopen())).rejects.toThrow(
      /^the store's schema has migration 9999-pod-note, which this version does not know: it was written by a newer version of pods$/,
    );
  });
});

describe('the migration check on a current store (private schemas on the managed server)', () => {
  const schemas = [`current_${randomUUID().replaceAll('-', '')}`, `fresh_${randomUUID().replaceAll('-', '')}`];
  const admin = new pg.Pool({ connectionString: MANAGED_SERVER.url, max: 1 });
  beforeAll(async () => {
    for (const schema of schemas) await admin.query(`create schema ${schema}`);
  });
  afterAll(async () => {
    for (const schema of schemas) await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  });

  /** A connection to `url` that records the first word of every statement it sends. */
  const logged = (url: string) => {
    const sent: string[] = [];
    const db = new Kysely<any>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }),
      log: (event) => {
        sent.push(event.query.sql.trim().split(/\s+/)[0]!.toLowerCase());
      },
    });
    return { db, sent };
  };

  it('sends one statement when the schema is current', async () => {
    const url = urlWithSchema(MANAGED_SERVER.url, schemas[0]!);
    const first = await openDb(url);
    try {
      await migrateToLatest(first);
    } finally {
      await first.destroy();
    }
    const { db, sent } = logged(url);
    try {
      await migrateToLatest(db);
      expect(sent).toEqual(['select']);
    } finally {
      await db.destroy();
    }
  });

  it("migrates a fresh schema whose search_path also reaches another store's current one", async () => {
    // `fresh` comes first on the path: an unqualified name would find `current`'s bookkeeping table.
    const url = new URL(MANAGED_SERVER.url);
    url.searchParams.set('options', `-c search_path=${schemas[1]},${schemas[0]}`);
    const db = await openDb(url.toString());
    try {
      await migrateToLatest(db);
      expect(await tablesOf(db, schemas[1]!)).toEqual([...SQL_TABLES].sort());
    } finally {
      await db.destroy();
    }
  });
});

describe('migrating while other stores in the database are dropped (private schemas on the managed server)', () => {
  it('migrates every fresh schema while another connection keeps making and dropping stores beside it', async () => {
    const admin = new pg.Pool({ connectionString: MANAGED_SERVER.url, max: 2 });
    const fresh = Array.from({ length: 6 }, () => `race_${randomUUID().replaceAll('-', '')}`);
    let churning = true;
    let churned = 0;
    // The Migrator's first look lists every schema's tables by name: a store dropped during that look is the race.
    const churn = (async () => {
      while (churning) {
        const gone = `gone_${randomUUID().replaceAll('-', '')}`;
        await admin.query(`create schema ${gone}; create table ${gone}.t (id serial primary key, a int, b text)`);
        await admin.query(`drop schema ${gone} cascade`);
        churned += 1;
      }
    })();
    try {
      for (const schema of fresh) {
        await admin.query(`create schema ${schema}`);
        const db = await openDb(urlWithSchema(MANAGED_SERVER.url, schema));
        try {
          await migrateToLatest(db);
          expect(await tablesOf(db, schema)).toEqual([...SQL_TABLES].sort());
        } finally {
          await db.destroy();
        }
      }
    } finally {
      churning = false;
      await churn;
      for (const schema of fresh) await admin.query(`drop schema if exists ${schema} cascade`);
      await admin.end();
    }
    expect(churned).toBeGreaterThan(0);
  });
});
