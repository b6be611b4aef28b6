import { describe, expect, it } from 'vitest';
import { openContainer, type OpenedContainer } from '../../src/composition/container.js';
import { PodName } from '../../src/domain/pod-name.js';
import { TEST_SERVERS, urlWithSchema } from '../support/test-stores.js';
import { rejection } from '../support/rejection.js';
import { MIGRATIONS } from '../../src/adapters/persistence/postgres/schema/migrations/migrations.js';

const ONE_LINE = /^[^\n]+$/;

async function createPod(opened: OpenedContainer, raw: string): Promise<void> {
  const created = await opened.app.createPod.execute({ name: PodName.unsafe(raw), scope: [] });
  expect(created.ok).toBe(true);
}

const listed = async (opened: OpenedContainer) => (await opened.app.listAllPods.execute()).map((p) => p.name);


describe('openContainer with a PostgreSQL store', () => {
  it('reports an unreachable server in one line, without the password', async () => {
    const error = await rejection(openContainer({ kind: 'postgres', url: 'postgres://pods:s3cret@127.0.0.1:1/pods' }));
    expect(error.message).toMatch(ONE_LINE);
    expect(error.message).toBe('cannot open the PostgreSQL store at postgres://pods:***@127.0.0.1:1/pods: connect ECONNREFUSED 127.0.0.1:1');
  });

  it('reports a malformed URL in one line, without the password', async () => {
    const error = await rejection(openContainer({ kind: 'postgres', url: 'postgres://pods:s3cret@db:notaport/pods' }));
    expect(error.message).toMatch(ONE_LINE);
    expect(error.message).toMatch(/^cannot open the PostgreSQL store at postgres:\/\/pods:\*\*\*@db:notaport\/pods: /);
    expect(error.message).not.toContain('s3cret');
  });

  describe.each(TEST_SERVERS)('on a test server ($name)', (server) => {
    const url = server.url;

    it('is reached as a role that is no superuser and may not create roles or databases, as every server suite is', async () => {
      const pg = (await import('pg')).default;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query('select rolsuper, rolcreaterole, rolcreatedb from pg_roles where rolname = current_user');
        expect(rows).toEqual([{ rolsuper: false, rolcreaterole: false, rolcreatedb: false }]);
      } finally {
        await client.end();
      }
    });

    it('reports a missing database in one line', async () => {
      const missing = new URL(url);
      missing.pathname = '/pods_no_such_database';
      const error = await rejection(openContainer({ kind: 'postgres', url: missing.toString() }));
      expect(error.message).toMatch(ONE_LINE);
      // The managed server's access rules admit its role to its own database only, so it is refused before the lookup.
      expect(error.message).toMatch(
        server.name === 'managed' ? /: no pg_hba\.conf entry for .*database "pods_no_such_database"/ : /: database "pods_no_such_database" does not exist$/,
      );
    });

    it('migrates two stores in one database, one schema each, without mixing them up', async () => {
      const schemas = [`first_${process.pid}_${Date.now()}`, `second_${process.pid}_${Date.now()}`];
      const pg = (await import('pg')).default;
      const admin = new pg.Pool({ connectionString: url, max: 1 });
      for (const schema of schemas) await admin.query(`create schema ${schema}`);
      try {
        for (const schema of schemas) {
          const opened = await openContainer({ kind: 'postgres', url: urlWithSchema(url, schema) });
          try {
            await createPod(opened, schema);
            expect(await listed(opened)).toEqual([schema]);
          } finally {
            await opened.close();
          }
        }
        for (const schema of schemas) {
          const { rows } = await admin.query(`select name from ${schema}.kysely_migration order by name`);
          expect(rows).toEqual(Object.keys(MIGRATIONS).sort().map((name) => ({ name })));
        }
      } finally {
        for (const schema of schemas) await admin.query(`drop schema ${schema} cascade`);
        await admin.end();
      }
    });

    it('migrates a fresh schema and serves the use cases', async () => {
      const schema = `open_${process.pid}_${Date.now()}`;
      const pg = (await import('pg')).default;
      const admin = new pg.Pool({ connectionString: url, max: 1 });
      await admin.query(`create schema ${schema}`);
      try {
        const opened = await openContainer({ kind: 'postgres', url: urlWithSchema(url, schema) });
        try {
          await createPod(opened, 'srv');
          expect(await listed(opened)).toEqual(['srv']);
        } finally {
          await opened.close();
        }
        const { rows } = await admin.query(`select name from ${schema}.pod`);
        expect(rows).toEqual([{ name: 'srv' }]);
      } finally {
        await admin.query(`drop schema ${schema} cascade`);
        await admin.end();
      }
    });
  });
});
