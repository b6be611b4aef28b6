import { spawn } from 'node:child_process';
import { appendFile, chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { managedHomes } from '../support/managed-homes.js';
import { rejection } from '../support/rejection.js';
import { one, withClient } from '../support/sql-client.js';
import { ManagedPostgres } from '../../src/adapters/persistence/managed-postgres/managed-postgres.js';

const isRoot = process.getuid?.() === 0;
const ONE_LINE = /^[^\n]+$/;

const { newHome, stoppedCluster, track, alsoRemove } = managedHomes();

/** Whether `pid` has exited: gone, or a zombie not reaped yet. */
async function exited(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  return stat === undefined || stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
}

describe('ManagedPostgres on a fresh home', () => {
  let home: string;
  let server: ManagedPostgres;
  let url: string;
  let pid: number | undefined;
  const lines: string[] = [];

  it('creates the cluster on first use, says so, and answers over its socket', async () => {
    home = await newHome();
    server = new ManagedPostgres({ home, report: (line) => lines.push(line) });
    const running = await server.ensureRunning();
    ({ url, pid } = running);
    expect(running.started).toBe(true);
    expect(pid).toEqual(expect.any(Number));
    expect(lines.filter((line) => line.startsWith('first run: creating the pods store in '))).toHaveLength(1);
    expect(lines.at(-1)).toMatch(new RegExp(`^store ready in [\\d.]+ s: PostgreSQL 18[\\d.]*, pid ${pid}, data in `));
    expect(url).toContain(`host=${encodeURIComponent(join(home, 'server', 'run'))}`);
    expect(await one(url, 'select current_database() as db, current_user as who')).toEqual({ db: 'pods', who: 'pods' });
  }, 120_000);

  it('connects a second caller to the running server instead of starting another', async () => {
    const again = await new ManagedPostgres({ home, report: (line) => lines.push(`second: ${line}`) }).ensureRunning();
    expect(again).toMatchObject({ started: false, pid, url });
    expect(lines.filter((line) => line.startsWith('second: '))).toEqual([]);
  });

  it('reports status: pid, version 18, connections, size, and where its files are', async () => {
    const status = await withClient(url, () => server.status());
    expect(status).toMatchObject({ running: true, initialized: true, pid, dataDir: join(home, 'server', 'data'), socketDir: join(home, 'server', 'run') });
    expect(status.version).toMatch(/^18(\.|$)/);
    // The client open while asking counts; the status query's own connection does not.
    expect(status.connections).toBeGreaterThanOrEqual(1);
    expect(status.sizeBytes).toBeGreaterThan(1_000_000);
    expect(status.startedAt).toBeInstanceOf(Date);
    if (isRoot) expect(status.user).toBe('pods');
  });

  it('listens only on a socket in a directory nobody else can open', async () => {
    const socketDir = join(home, 'server', 'run');
    expect((await stat(socketDir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(socketDir, '.s.PGSQL.5432'))).mode & 0o777).toBe(0o700);
    expect(await one(url, 'show listen_addresses')).toEqual({ listen_addresses: '' });
    expect(await one(url, 'select inet_server_addr() as addr')).toEqual({ addr: null });
  });

  it('stops, and keeps committed rows for the next start', async () => {
    await withClient(url, async (c) => {
      await c.query('create table kept (n int)');
      await c.query('insert into kept values (1), (2)');
    });
    const stopped = await server.stop();
    expect(stopped).toMatchObject({ stopped: true, pid });
    expect(pid !== undefined && (await exited(pid))).toBe(true);
    expect(await server.status()).toMatchObject({ running: false, initialized: true, version: '18' });
    expect(await server.stop()).toEqual({ stopped: false });

    lines.length = 0;
    const restarted = await server.ensureRunning();
    expect(restarted.started).toBe(true);
    expect(restarted.pid).not.toBe(pid);
    expect(lines).toEqual([expect.stringMatching(/^started the store server \(PostgreSQL 18[\d.]*, pid \d+\)/)]);
    expect(await one(restarted.url, 'select array_agg(n order by n) as ns from kept')).toEqual({ ns: [1, 2] });
  }, 120_000);
});

describe('ManagedPostgres after a crash', () => {
  it('starts again after the server was SIGKILLed, with committed rows intact', async () => {
    const home = await newHome();
    const server = new ManagedPostgres({ home });
    const { url } = await server.ensureRunning();
    await withClient(url, async (c) => {
      await c.query('create table kept (n int)');
      await c.query('insert into kept select generate_series(1, 100)');
    });
    const { pid } = await server.status();
    if (pid === undefined) throw new Error('no pid in status');
    process.kill(pid, 'SIGKILL');

    // At once: the killed postmaster may not even be reaped yet, and its children may still be exiting.
    const again = await server.ensureRunning();
    expect(again.started).toBe(true);
    expect(again.pid).not.toBe(pid);
    expect(await one(again.url, 'select count(*)::int as n from kept')).toEqual({ n: 100 });
  }, 120_000);

  it('starts even though postmaster.pid names a live process that is not PostgreSQL', async () => {
    const { server, dataDir } = await stoppedCluster();
    // After a reboot the old pid may belong to any program; PostgreSQL alone would refuse to start.
    const impostor = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      const impostorPid = impostor.pid;
      if (impostorPid === undefined) throw new Error('sleep did not start');
      await writeFile(join(dataDir, 'postmaster.pid'), `${impostorPid}\n${dataDir}\n`);
      expect(await server.status()).toMatchObject({ running: false });

      const running = await server.ensureRunning();
      expect(running.started).toBe(true);
      expect(running.pid).not.toBe(impostorPid);
      expect(await one(running.url, 'select 1 as ok')).toEqual({ ok: 1 });
      expect(await exited(impostorPid)).toBe(false);
    } finally {
      impostor.kill('SIGKILL');
    }
  }, 120_000);
});

describe('ManagedPostgres refuses in one line, naming the cause', () => {
  it('when PODS_HOME is a regular file', async () => {
    const dir = await newHome();
    const file = join(dir, 'not-a-dir');
    await writeFile(file, 'x');
    const error = await rejection(new ManagedPostgres({ home: file }).ensureRunning());
    expect(error.message).toMatch(ONE_LINE);
    expect(error.message).toBe(`cannot use ${file} for the pods home (PODS_HOME): ${file} is not a directory`);
  });

  it('when PODS_HOME is under /proc, at once', async () => {
    const began = Date.now();
    const error = await rejection(new ManagedPostgres({ home: '/proc/pods-x' }).ensureRunning());
    expect(Date.now() - began).toBeLessThan(2_000);
    expect(error.message).toMatch(ONE_LINE);
    expect(error.message).toMatch(/^cannot create \/proc\/pods-x for the pods home \(PODS_HOME\): /);
  });

  it('when the data directory was written by another major version', async () => {
    const { server, dataDir } = await stoppedCluster();
    await writeFile(join(dataDir, 'PG_VERSION'), '99\n');
    const error = await rejection(server.ensureRunning());
    expect(error.message).toMatch(ONE_LINE);
    expect(error.message).toContain(`the store in ${dataDir} was written by PostgreSQL 99, and this pods bundles PostgreSQL 18`);
    expect(error.message).toMatch(/upgrade pods$/);
    expect(await server.status()).toMatchObject({ running: false });
  }, 120_000);

  it('lets two callers in one process share one start', async () => {
    const { server } = await stoppedCluster();
    const [first, second] = await Promise.all([server.ensureRunning(), new ManagedPostgres({ home: server.home }).ensureRunning()]);
    expect(first.pid).toBe(second.pid);
    expect(await server.status()).toMatchObject({ running: true, pid: first.pid });
  }, 120_000);

  it('when the server itself refuses to start, with its own reason and the log', async () => {
    const { server, dataDir } = await stoppedCluster();
    await appendFile(join(dataDir, 'postgresql.conf'), '\nshared_buffers = nonsense\n');
    const { logFile } = await server.status();
    const error = await rejection(server.ensureRunning());
    expect(error.message).toMatch(ONE_LINE);
    expect(error.message).toMatch(/^the store server did not start: /);
    // The server's own words: which setting is wrong, then its summary.
    expect(error.message).toContain('invalid value for parameter "shared_buffers": "nonsense"');
    expect(error.message).toContain(`configuration file "${join(dataDir, 'postgresql.conf')}" contains errors`);
    expect(error.message).toMatch(new RegExp(`\\(log: ${logFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)$`));
    expect(await server.status()).toMatchObject({ running: false });
  }, 120_000);
});

describe.runIf(isRoot)('ManagedPostgres as root, where the server runs as the service user', () => {
  it('keeps the store inside a PODS_HOME it made itself: searchable is enough to pass through', async () => {
    const home = join(await newHome(), 'made-by-pods');
    track(home);
    const lines: string[] = [];
    const { layout, url } = await new ManagedPostgres({ home, report: (line) => lines.push(line) }).ensureRunning();
    expect((await stat(home)).mode & 0o777).toBe(0o711);
    expect(layout.serverDir).toBe(join(home, 'server'));
    expect(lines.filter((line) => line.includes('cannot reach'))).toEqual([]);
    expect(await one(url, 'select current_user as who')).toEqual({ who: 'pods' });
  }, 120_000);

  it('keeps the store under /var/lib/pods when the service user cannot pass through PODS_HOME', async () => {
    const home = await newHome();
    await chmod(home, 0o700);
    const lines: string[] = [];
    const { layout, url } = await new ManagedPostgres({ home, report: (line) => lines.push(line) }).ensureRunning();
    expect(layout.serverDir).toMatch(/^\/var\/lib\/pods\/stores\/[0-9a-f]{16}$/);
    expect(lines).toContain(`the store server runs as \`pods\`, which cannot reach ${home}: its data lives in ${layout.serverDir}`);
    expect(await one(url, 'select current_user as who')).toEqual({ who: 'pods' });
  }, 120_000);
});

describe('ManagedPostgres with a long PODS_HOME', () => {
  it('puts the socket in a private directory under the temp dir, and works', async () => {
    const base = await newHome();
    const home = join(base, 'a-rather-long-directory-name-'.repeat(3), 'and-deeper-still');
    await mkdir(home, { recursive: true, mode: 0o755 });
    expect(Buffer.byteLength(join(home, 'server', 'run', '.s.PGSQL.5432'))).toBeGreaterThan(107);
    track(home);

    const server = new ManagedPostgres({ home });
    const running = await server.ensureRunning();
    const { socketDir } = running.layout;
    alsoRemove(socketDir);
    expect(socketDir.startsWith(`${tmpdir()}/pods-`)).toBe(true);
    expect(Buffer.byteLength(join(socketDir, '.s.PGSQL.5432'))).toBeLessThanOrEqual(107);
    expect((await stat(socketDir)).mode & 0o777).toBe(0o700);
    expect(await readdir(socketDir)).toContain('.s.PGSQL.5432');
    expect(running.layout.dataDir).toBe(join(home, 'server', 'data'));
    expect(await one(running.url, 'select current_database() as db')).toEqual({ db: 'pods' });
    expect(JSON.parse(await readFile(join(home, 'server.json'), 'utf8'))).toMatchObject({ socketDir });
    expect(await new ManagedPostgres({ home }).ensureRunning()).toMatchObject({ started: false, pid: running.pid });
  }, 120_000);
});
