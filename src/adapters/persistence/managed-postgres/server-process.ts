import { spawn, execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { isAlive } from '../../system/pid-file-lock.js';
import { ManagedStoreError } from './managed-store-error.js';
import type { PostgresBinaries } from './postgres-binaries.js';
import type { ServerLayout } from './server-layout.js';
import type { ServerOwner } from './private-directory.js';
import { serverEnvironment, SYSTEM_PATH } from './server-environment.js';
import { openServerLog } from './server-log.js';
import { STORE_ROLE, withSocketClient } from './socket-client.js';

/** `needs-setup`: it answers, but without the store's role or database (a new cluster). */
export type Probe = 'ready' | 'starting' | 'down' | 'needs-setup';

/** Whether the server answers the store's role on its socket, and with what. Never throws. */
export async function probe(socketDir: string): Promise<Probe> {
  try {
    await withSocketClient(socketDir, STORE_ROLE, (client) => client.query('select 1'));
    return 'ready';
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === '57P03') return 'starting'; // starting up, recovering, or shutting down
    if (code === '3D000' || code === '28000') return 'needs-setup';
    if (code === '53300') return 'ready'; // too many clients: it runs
    return 'down';
  }
}

/** Socket only, sized for 150 hosts (ADR 0023): two connections a host, 3 for the superuser; fixed at launch. */
export const SERVER_SETTINGS = {
  listen_addresses: '',
  unix_socket_permissions: '0700',
  max_connections: '500',
  superuser_reserved_connections: '3',
  shared_buffers: '32MB',
  log_line_prefix: '%m [%p] ',
} as const;

export type SettingOverrides = { readonly max_connections?: string };

export type Launched = { readonly pid: number; readonly exited: () => number | null | 'running' };

/** Starts the server detached from this process, as `owner`: it outlives every pods process that uses it. */
export async function launch(layout: ServerLayout, binaries: PostgresBinaries, owner: ServerOwner, overrides: SettingOverrides = {}): Promise<Launched> {
  const log = await openServerLog(layout.logFile, owner);
  // A bad override is the server's to refuse: its FATAL line becomes the start's error.
  const settings = Object.entries({ ...SERVER_SETTINGS, ...overrides }).flatMap(([key, value]) => ['-c', `${key}=${value}`]);
  try {
    const child = spawn(binaries.postgres, ['-D', layout.dataDir, '-k', layout.socketDir, ...settings], {
      detached: true,
      stdio: ['ignore', log.fd, log.fd],
      cwd: layout.serverDir,
      env: serverEnvironment(binaries.env),
      ...asOwner(owner),
    });
    let code: number | null | 'running' = 'running';
    child.once('exit', (exitCode, signal) => (code = exitCode ?? (signal ? null : -1)));
    const spawned = await new Promise<number>((resolve, reject) => {
      child.once('spawn', () => resolve(child.pid ?? 0));
      child.once('error', reject);
    }).catch((error: unknown) => {
      throw new ManagedStoreError(`cannot run the PostgreSQL server ${binaries.postgres}: ${error instanceof Error ? error.message : String(error)}`);
    });
    child.unref();
    return { pid: spawned, exited: () => code };
  } finally {
    await log.close();
  }
}

export const asOwner = (owner: ServerOwner): { uid?: number; gid?: number } =>
  owner.uid === process.getuid?.() ? {} : { uid: owner.uid, gid: owner.gid };

export async function postmasterPid(dataDir: string): Promise<number | undefined> {
  const text = await readFile(join(dataDir, 'postmaster.pid'), 'utf8').catch(() => '');
  const pid = Number.parseInt(text.split('\n')[0] ?? '', 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export type ProcessState = 'gone' | 'zombie' | 'other' | 'postgres';

/** Gone; a zombie (answers kill(pid, 0), for good without init); another program (a reused pid); or a PostgreSQL server. */
export async function processState(pid: number, dataDir?: string): Promise<ProcessState> {
  if (!isAlive(pid)) return 'gone';
  // `/proc/PID/stat` reads `PID (NAME) STATE …`; `ps` tells the same where there is no /proc.
  const seen = await readFile(`/proc/${pid}/stat`, 'utf8').then(
    (text) => ({ state: text.slice(text.lastIndexOf(')') + 2).charAt(0), name: text.slice(text.indexOf('(') + 1, text.lastIndexOf(')')) }),
    async () => {
      const { stdout } = await promisify(execFile)('ps', ['-p', String(pid), '-o', 'stat=,comm=']).catch(() => ({ stdout: '' }));
      const [state = '', ...name] = stdout.trim().split(/\s+/);
      return { state: state.charAt(0), name: name.join(' ') };
    },
  );
  if (seen.state === 'Z') return 'zombie';
  if (!/postgres/.test(seen.name)) return 'other';
  if (dataDir === undefined) return 'postgres';
  const args = await readFile(`/proc/${pid}/cmdline`, 'utf8').then((text) => text.split('\0'), () => undefined);
  return args === undefined || args.includes(dataDir) ? 'postgres' : 'other';
}

export async function isPostgres(pid: number, dataDir?: string): Promise<boolean> {
  return (await processState(pid, dataDir)) === 'postgres';
}

/** Stale locks would stop PostgreSQL starting; removed as `owner`, since under root they may link to another cluster's. */
export async function clearStaleLocks(layout: ServerLayout, owner: ServerOwner): Promise<void> {
  const stale: string[] = [];
  const pid = await postmasterPid(layout.dataDir);
  if (pid !== undefined && ['zombie', 'other'].includes(await processState(pid, layout.dataDir))) stale.push(join(layout.dataDir, 'postmaster.pid'));
  const socketLock = join(layout.socketDir, '.s.PGSQL.5432.lock');
  const text = await readFile(socketLock, 'utf8').catch(() => undefined);
  const holder = Number.parseInt(text?.split('\n')[0] ?? '', 10);
  if (text !== undefined && !(Number.isInteger(holder) && (await isPostgres(holder, layout.dataDir)))) stale.push(socketLock, join(layout.socketDir, '.s.PGSQL.5432'));
  if (stale.length === 0) return;
  await promisify(execFile)('rm', ['-f', '--', ...stale], { env: { PATH: SYSTEM_PATH, LC_ALL: 'C' }, cwd: '/', ...asOwner(owner) }).catch((error: unknown) => {
    const stderr = (error as { stderr?: string }).stderr?.trim().split('\n')[0];
    throw new ManagedStoreError(`cannot clear the stale lock files of the store server (${stale.join(', ')}): ${stderr || String(error)}`);
  });
}

export async function waitUntil(condition: () => Promise<boolean>, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  let pause = 10;
  for (;;) {
    if (await condition()) return true;
    if (Date.now() >= until) return false;
    await new Promise((resolve) => setTimeout(resolve, pause));
    pause = Math.min(pause * 2, 100);
  }
}
