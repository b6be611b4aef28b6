import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { locatePostgresBinaries } from '../src/adapters/persistence/managed-postgres/postgres-binaries.js';
import { ROOT_SHARED_DIR } from '../src/adapters/persistence/managed-postgres/server-layout.js';
import { binariesRunnableBy, ensureServiceUser, SERVICE_USER, type ServiceUser } from '../src/adapters/persistence/managed-postgres/service-user.js';
import { SERVER_SETTINGS } from '../src/adapters/persistence/managed-postgres/server-process.js';
import { BenchTimeout, pollUntil } from './deadline.js';

/** The managed server's own settings, less the socket-only ones (this server listens on loopback TCP). */
const { listen_addresses: _tcp, unix_socket_permissions: _socket, ...SETTINGS } = SERVER_SETTINGS;

export type PlainServer = {
  readonly url: string;
  readonly pid: number;
  readonly version: string;
  /** Fast shutdown, then the temporary cluster is removed. Idempotent. */
  readonly stop: () => Promise<void>;
};

const run = promisify(execFile);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const exitOf = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));

async function stopChild(child: ChildProcess): Promise<void> {
  const exited = exitOf(child);
  const waitFor = (ms: number) => Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref())]);
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGINT'); // fast shutdown
  if (await waitFor(30_000)) return;
  child.kill('SIGQUIT'); // immediate shutdown
  if (await waitFor(5_000)) return;
  child.kill('SIGKILL');
  await waitFor(5_000);
  throw new Error(`the plain PostgreSQL server (pid ${child.pid}) ignored SIGINT and SIGQUIT; it was killed`);
}

/**
 * A throw-away PostgreSQL server on 127.0.0.1 from the same bundled binaries as the managed
 * store: `initdb -A trust -U pods` in a temporary directory, run as the service user when
 * this process is root (PostgreSQL refuses root). Removed by `stop`, also when starting fails.
 */
export async function startPlainServer(): Promise<PlainServer> {
  const root = process.getuid?.() === 0;
  const user: ServiceUser | undefined = root ? (await ensureServiceUser(SERVICE_USER)).user : undefined;
  const dir = await mkdtemp(join(tmpdir(), 'pods-bench-plain-'));
  let child: ChildProcess | undefined;
  const stop = async () => {
    try {
      if (child) await stopChild(child);
    } finally {
      child = undefined;
      await rm(dir, { recursive: true, force: true });
    }
  };
  try {
    let binaries = await locatePostgresBinaries(join(dir, 'lib-links'));
    if (user) {
      binaries = await binariesRunnableBy(binaries, user, ROOT_SHARED_DIR);
      await chmod(dir, 0o755);
      await chown(dir, user.uid, user.gid);
    }
    const env = { ...process.env, ...binaries.env, LC_MESSAGES: 'C' };
    const as = user ? { uid: user.uid, gid: user.gid } : {};
    const dataDir = join(dir, 'data');
    await run(binaries.initdb, ['-D', dataDir, '-U', 'pods', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-instructions'], {
      env, cwd: dir, timeout: 120_000, ...as,
    }).catch((error: unknown) => {
      throw new Error(`initdb for the plain server failed: ${(error as { stderr?: string }).stderr?.trim() || String(error)}`);
    });
    const port = await freePort();
    const settings = Object.entries(SETTINGS).flatMap(([key, value]) => ['-c', `${key}=${value}`]);
    const started = spawn(binaries.postgres, ['-D', dataDir, '-c', 'listen_addresses=127.0.0.1', '-p', String(port), '-k', dir, ...settings], {
      stdio: ['ignore', 'ignore', 'pipe'], cwd: dir, env, ...as,
    });
    child = started;
    let log = '';
    started.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4_000)));
    await new Promise<void>((resolve, reject) => {
      started.once('spawn', () => resolve());
      started.once('error', reject);
    });
    const base = { host: '127.0.0.1', port, user: 'pods', connectionTimeoutMillis: 2_000 };
    await pollUntil(30_000, `the plain PostgreSQL server on 127.0.0.1:${port} to accept connections`, 50, async () => {
      if (started.exitCode !== null || started.signalCode !== null) {
        throw new Error(`the plain PostgreSQL server exited while starting: ${log.trim().split('\n').at(-1) ?? '(no log)'}`);
      }
      const client = new pg.Client({ ...base, database: 'postgres' });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.query('select 1');
        return true;
      } catch {
        return undefined;
      } finally {
        await client.end().catch(() => undefined);
      }
    }).catch((error: unknown) => {
      if (error instanceof BenchTimeout) throw new Error(`${error.message}; its log ends: ${log.trim().split('\n').at(-1) ?? '(empty)'}`);
      throw error;
    });
    const admin = new pg.Client({ ...base, database: 'postgres' });
    await admin.connect();
    try {
      await admin.query('create database pods');
    } finally {
      await admin.end();
    }
    return { url: `postgres://pods@127.0.0.1:${port}/pods`, pid: started.pid ?? 0, version: binaries.version, stop };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
