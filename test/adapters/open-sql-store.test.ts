import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
const LOCK_FILE = 'pods-store.lock';
import { ListAllPods } from '../../src/application/use-cases/list-all-pods.js';
import { CreatePod } from '../../src/application/use-cases/create-pod.js';
import { openContainer, type OpenedContainer } from '../../src/composition/container.js';
import { PodName } from '../../src/domain/pod-name.js';
import { TEST_SERVERS, urlWithSchema } from '../support/test-stores.js';
import { sleep } from '../contracts/contract-fixture.js';

const ONE_LINE = /^[^\n]+$/;

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`rejected with a non-Error: ${String(error)}`);
  }
  throw new Error('expected the store to refuse to open');
}

/** A process that holds the lock the way a running pods process does: its pid in the file. */
async function lockHolder(lockPath: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', "require('fs').writeFileSync(process.argv[1], process.pid + '\\n'); setInterval(() => {}, 1000);", lockPath], {
    stdio: 'ignore',
  });
  for (let i = 0; i < 100; i += 1) {
    if ((await readFile(lockPath, 'utf8').catch(() => '')) === `${child.pid}\n`) return child;
    await sleep(20);
  }
  child.kill();
  throw new Error('lock holder did not start');
}

async function createPod(opened: OpenedContainer, raw: string): Promise<void> {
  const created = await opened.container.get(CreatePod).execute({ name: PodName.unsafe(raw), scope: [] });
  expect(created.ok).toBe(true);
}

const listed = async (opened: OpenedContainer) => (await opened.container.get(ListAllPods).execute()).map((p) => p.name);

const deadPid = (): number => {
  const done = spawnSync(process.execPath, ['-e', '']);
  if (done.pid === undefined) throw new Error('could not start a process');
  return done.pid;
};

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

    it('reports a missing database in one line', async () => {
      const missing = new URL(url);
      missing.pathname = '/pods_no_such_database';
      const error = await rejection(openContainer({ kind: 'postgres', url: missing.toString() }));
      expect(error.message).toMatch(ONE_LINE);
      expect(error.message).toMatch(/: database "pods_no_such_database" does not exist$/);
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
          const { rows } = await admin.query(`select name from ${schema}.kysely_migration`);
          expect(rows).toEqual([{ name: '0001-initial' }]);
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
