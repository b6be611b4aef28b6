import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../../src/adapters/persistence/postgres/data-dir-lock.js';
import { ListAllPods } from '../../src/application/use-cases/list-all-pods.js';
import { CreatePod } from '../../src/application/use-cases/create-pod.js';
import { openContainer, type OpenedContainer } from '../../src/composition/container.js';
import { PodName } from '../../src/domain/pod-name.js';
import { TEST_DATABASE_URL, urlWithSchema } from '../support/test-stores.js';
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

describe('openContainer with a PGlite store', () => {
  let root: string;
  let dataDir: string;
  let lockPath: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'pods-open-'));
    dataDir = join(root, 'nested', 'store');
    lockPath = join(dataDir, LOCK_FILE);
  });
  afterAll(async () => rm(root, { recursive: true, force: true }));

  // The tests share one data directory, so PGlite's initdb runs once for the file.
  it('creates the directory, migrates, and keeps what was written across close and reopen', async () => {
    const first = await openContainer({ kind: 'pglite', dataDir });
    try {
      expect((await stat(dataDir)).isDirectory()).toBe(true);
      expect(await readFile(lockPath, 'utf8')).toBe(`${process.pid}\n`);
      await createPod(first, 'kept');
    } finally {
      await first.close();
    }
    await expect(stat(lockPath)).rejects.toThrow(/ENOENT/);
    const second = await openContainer({ kind: 'pglite', dataDir });
    try {
      expect(await listed(second)).toEqual(['kept']);
    } finally {
      await second.close();
    }
  });

  it('refuses a second open of the same directory in this process', async () => {
    const opened = await openContainer({ kind: 'pglite', dataDir });
    try {
      const error = await rejection(openContainer({ kind: 'pglite', dataDir }));
      expect(error.message).toMatch(ONE_LINE);
      expect(error.message).toContain(`the PGlite store at ${dataDir} is already open in this process`);
      expect(await listed(opened)).toEqual(['kept']);
    } finally {
      await opened.close();
    }
  });

  it('refuses a directory held by another live process, naming its pid, and leaves its lock alone', async () => {
    const holder = await lockHolder(lockPath);
    try {
      const error = await rejection(openContainer({ kind: 'pglite', dataDir }));
      expect(error.message).toMatch(ONE_LINE);
      expect(error.message).toContain(`the PGlite store at ${dataDir} is in use by another process (pid ${holder.pid})`);
      expect(await readFile(lockPath, 'utf8')).toBe(`${holder.pid}\n`);
    } finally {
      holder.kill();
      await rm(lockPath, { force: true });
    }
  });

  it('takes over the lock of a process that is gone, or an unreadable lock file', async () => {
    for (const stale of [`${deadPid()}\n`, '', 'garbage']) {
      await writeFile(lockPath, stale);
      const opened = await openContainer({ kind: 'pglite', dataDir });
      try {
        expect(await readFile(lockPath, 'utf8')).toBe(`${process.pid}\n`);
        expect(await listed(opened)).toEqual(['kept']);
      } finally {
        await opened.close();
      }
    }
  });

  it('reports a data directory it cannot create in one line', async () => {
    const file = join(root, 'a-file');
    await writeFile(file, 'not a directory');
    const error = await rejection(openContainer({ kind: 'pglite', dataDir: join(file, 'store') }));
    expect(error.message).toMatch(ONE_LINE);
    expect(error.message).toMatch(/^cannot create the PGlite store directory .*a-file\/store: /);
  });
});

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

  describe.skipIf(!TEST_DATABASE_URL)('on the TEST_DATABASE_URL server', () => {
    const url = TEST_DATABASE_URL ?? '';

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
