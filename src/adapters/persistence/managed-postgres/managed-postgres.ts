import { execFile } from 'node:child_process';
import { chmod, lstat, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { acquirePidFileLock } from '../../system/pid-file-lock.js';
import { ManagedStoreError } from './managed-store-error.js';
import { makeDirectory } from './make-directory.js';
import { locatePostgresBinaries, type PostgresBinaries } from './postgres-binaries.js';
import { freshLayout, lockFileOf, recordedLayout, recordLayout, ROOT_SHARED_DIR, rootStoreDir, socketUrl, type ServerLayout } from './server-layout.js';
import { causeFromLog, clearStaleLocks, isPostgres, launch, logSize, postmasterPid, probe, waitUntil } from './server-process.js';
import { binariesRunnableBy, ensureServiceUser, handOver, reachableBy, SERVICE_USER, type ServiceUser } from './service-user.js';
import { askServer, serverStatus, type ServerStatus } from './server-status.js';
import { withSocketClient } from './socket-client.js';

export type ManagedPostgresOptions = {
  /** `$PODS_HOME`: absolute. */
  readonly home: string;
  /** Progress and one-time notices, one line each (first run, the service user). */
  readonly report?: (line: string) => void;
  readonly startTimeoutMs?: number;
};

export type RunningServer = { readonly url: string; readonly pid: number | undefined; readonly started: boolean; readonly layout: ServerLayout };

export type StopOutcome = { readonly stopped: false } | { readonly stopped: true; readonly pid: number; readonly connections: number };

const run = promisify(execFile);
const STARTING = new Map<string, Promise<RunningServer>>();
const isRoot = (): boolean => process.getuid?.() === 0;

/**
 * The default store: one PostgreSQL server per `$PODS_HOME`, shared by every pods process.
 * The first process that needs it makes the cluster and starts the server; the others
 * connect. Start and stop are serialized by a lock file, so racing processes end with one
 * server; a stale pid or socket left by a crash or reboot is cleared on the next start.
 */
export class ManagedPostgres {
  private readonly report: (line: string) => void;
  private readonly startTimeoutMs: number;

  constructor(private readonly options: ManagedPostgresOptions) {
    this.report = options.report ?? (() => undefined);
    this.startTimeoutMs = options.startTimeoutMs ?? 60_000;
  }

  get home(): string {
    return this.options.home;
  }

  /** The running server's URL, starting it (and making the cluster on first use) if need be. */
  async ensureRunning(): Promise<RunningServer> {
    // As root, a home made here is searchable (not listable), so the service user reaches
    // its own private directory inside; everything else in it is owner-only.
    await makeDirectory(this.home, isRoot() ? 0o711 : 0o700, 'pods home (PODS_HOME)');
    const known = await this.layout();
    if (known && (await probe(known.socketDir)) === 'ready') return this.running(known, false);
    // Callers in one process share one start: the lock file only tells processes apart.
    const pending = STARTING.get(this.home) ?? this.locked(() => this.start()).finally(() => STARTING.delete(this.home));
    STARTING.set(this.home, pending);
    return pending;
  }

  /**
   * The URL of a server that looks up (layout recorded, its postmaster alive, its socket
   * there), without connecting: the caller's own pool is the probe. Undefined otherwise;
   * then `ensureRunning`.
   */
  async runningUrl(): Promise<string | undefined> {
    const layout = await recordedLayout(this.home).catch(() => undefined);
    if (!layout) return undefined;
    const pid = await postmasterPid(layout.dataDir);
    if (pid === undefined || !(await isPostgres(pid, layout.dataDir))) return undefined;
    const socket = await stat(join(layout.socketDir, '.s.PGSQL.5432')).catch(() => undefined);
    return socket?.isSocket() ? socketUrl(layout.socketDir) : undefined;
  }

  async status(): Promise<ServerStatus> {
    const layout = (await this.layout()) ?? this.fresh(undefined);
    return serverStatus(layout);
  }

  /** Fast shutdown: connected clients are disconnected (hosts see the store go away). */
  async stop(): Promise<StopOutcome> {
    const layout = await this.layout();
    if (!layout) return { stopped: false };
    return this.locked(async () => {
      const pid = await postmasterPid(layout.dataDir);
      if (pid === undefined || !(await isPostgres(pid, layout.dataDir))) return { stopped: false };
      // Only the connection count: the rest of `status` (the data directory's size) costs a walk of it.
      const connections = (await askServer(layout.socketDir))?.connections;
      process.kill(pid, 'SIGINT');
      if (!(await waitUntil(async () => !(await isPostgres(pid)), 30_000))) {
        throw new ManagedStoreError(`the store server (pid ${pid}) did not stop within 30 s; see ${layout.logFile}`);
      }
      return { stopped: true, pid, connections: connections ?? 0 };
    });
  }

  private async layout(): Promise<ServerLayout | undefined> {
    try {
      return await recordedLayout(this.home);
    } catch (error) {
      throw new ManagedStoreError(error instanceof Error ? error.message : String(error));
    }
  }

  private fresh(user: ServiceUser | undefined, base?: string): ServerLayout {
    return freshLayout(this.home, { uid: user?.uid ?? process.getuid?.() ?? 0, ...(user ? { user: user.name } : {}), ...(base ? { base } : {}) });
  }

  private async locked<T>(work: () => Promise<T>): Promise<T> {
    const lock = await acquirePidFileLock(lockFileOf(this.home), {
      waitMs: this.startTimeoutMs * 2,
      held: ({ pid, self }) =>
        new ManagedStoreError(self ? 'the store server is already being started by this process' : `another pods process (pid ${pid}) has been starting or stopping the store server for too long; see ${lockFileOf(this.home)}`),
    });
    try {
      return await work();
    } finally {
      await lock.release();
    }
  }

  private async running(layout: ServerLayout, started: boolean): Promise<RunningServer> {
    return { url: socketUrl(layout.socketDir), pid: await postmasterPid(layout.dataDir), started, layout };
  }

  private async start(): Promise<RunningServer> {
    let layout = await this.layout();
    if (layout) {
      const state = await probe(layout.socketDir);
      if (state === 'ready') return this.running(layout, false);
      if (state === 'no-database') return this.createDatabase(layout, false);
    }
    const began = Date.now();
    const user = isRoot() ? await this.serviceUser() : undefined;
    if (!layout) layout = await this.newLayout(user);
    let binaries = await locatePostgresBinaries(join(layout.serverDir, 'lib-links'));
    if (user) binaries = await binariesRunnableBy(binaries, user, ROOT_SHARED_DIR);
    await this.prepareDirectories(layout, user);
    const initialized = await this.initialize(layout, binaries, user);
    await this.checkVersion(layout, binaries);
    await clearStaleLocks(layout);
    const owner = await postmasterPid(layout.dataDir);
    if (owner !== undefined && (await isPostgres(owner, layout.dataDir))) {
      const existing = await this.awaitExisting(layout, owner);
      if (existing) return existing;
      await clearStaleLocks(layout);
    }
    const launched = await this.launchUntilUp(layout, binaries, user);
    const server = await this.createDatabase(layout, true);
    const seconds = ((Date.now() - began) / 1000).toFixed(1);
    this.report(
      initialized
        ? `store ready in ${seconds} s: PostgreSQL ${binaries.version}, pid ${launched}, data in ${layout.dataDir}; it keeps running for other pods processes (\`pods store stop\` stops it)`
        : `started the store server (PostgreSQL ${binaries.version}, pid ${launched}) in ${seconds} s; \`pods store stop\` stops it`,
    );
    return server;
  }

  private async serviceUser(): Promise<ServiceUser> {
    const { user, created } = await ensureServiceUser(SERVICE_USER);
    if (created) this.report(`PostgreSQL refuses to run as root: created the system user \`${user.name}\` to run the store server`);
    return user;
  }

  private async newLayout(user: ServiceUser | undefined): Promise<ServerLayout> {
    let layout = this.fresh(user);
    // The server only passes through the home to its own directory: searchable (0o711) is enough.
    if (user && !(await reachableBy(this.home, user, 0o1))) {
      layout = this.fresh(user, rootStoreDir(this.home));
      this.report(`the store server runs as \`${user.name}\`, which cannot reach ${this.home}: its data lives in ${layout.serverDir}`);
    }
    await recordLayout(layout);
    return layout;
  }

  private async prepareDirectories(layout: ServerLayout, user: ServiceUser | undefined): Promise<void> {
    // Above the server's own directory, only searchable: the service user must pass through.
    await makeDirectory(dirname(layout.serverDir), 0o755, 'store server');
    if (layout.serverDir.startsWith(`${ROOT_SHARED_DIR}/`)) {
      for (let dir = dirname(layout.serverDir); dir.startsWith(ROOT_SHARED_DIR); dir = dirname(dir)) await chmod(dir, 0o755);
    }
    for (const dir of [layout.serverDir, layout.socketDir]) {
      await makeDirectory(dir, 0o700, 'store server');
      if (user) await handOver(dir, user);
    }
    // A socket directory under the shared temp dir has a name others can guess: it must be ours.
    const socketDir = await lstat(layout.socketDir);
    const owner = user?.uid ?? process.getuid?.() ?? socketDir.uid;
    if (!socketDir.isDirectory() || socketDir.uid !== owner || (socketDir.mode & 0o077) !== 0) {
      throw new ManagedStoreError(`the store's socket directory ${layout.socketDir} is not a private directory of uid ${owner}; remove it and retry`);
    }
  }

  /** Makes the cluster once, in a temporary directory renamed into place, so a crash never leaves half of one. */
  private async initialize(layout: ServerLayout, binaries: PostgresBinaries, user: ServiceUser | undefined): Promise<boolean> {
    if (await stat(join(layout.dataDir, 'PG_VERSION')).then(() => true, () => false)) return false;
    this.report(`first run: creating the pods store in ${layout.dataDir} (PostgreSQL ${binaries.version}; takes a few seconds)…`);
    const temp = `${layout.dataDir}.init`;
    await rm(temp, { recursive: true, force: true });
    try {
      await run(binaries.initdb, ['-D', temp, '-U', 'pods', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-instructions'], {
        env: { ...process.env, ...binaries.env, LC_MESSAGES: 'C' },
        cwd: layout.serverDir,
        timeout: 300_000,
        ...(user ? { uid: user.uid, gid: user.gid } : {}),
      });
    } catch (error) {
      await rm(temp, { recursive: true, force: true });
      const stderr = (error as { stderr?: string }).stderr ?? '';
      const cause = stderr.split('\n').filter((line) => /error|fatal|could not/i.test(line)).at(-1)?.replace(/^initdb:\s*(error:\s*)?/, '');
      throw new ManagedStoreError(`cannot create the pods store in ${layout.dataDir}: ${cause ?? (error instanceof Error ? error.message.split('\n')[0] : String(error))}`);
    }
    await rm(layout.dataDir, { recursive: true, force: true });
    await rename(temp, layout.dataDir);
    return true;
  }

  private async checkVersion(layout: ServerLayout, binaries: PostgresBinaries): Promise<void> {
    const major = (await readFile(join(layout.dataDir, 'PG_VERSION'), 'utf8')).trim();
    if (major === binaries.major) return;
    const newer = Number(major) > Number(binaries.major);
    throw new ManagedStoreError(
      `the store in ${layout.dataDir} was written by PostgreSQL ${major}, and this pods bundles PostgreSQL ${binaries.version}` +
        (newer ? ': it was made by a newer version of pods; upgrade pods' : ': export it with that version, or point --db at a server of that version'),
    );
  }

  /**
   * Starts the server and waits until it answers. Right after a crash the killed server's
   * backends may still hold its shared memory for a moment; PostgreSQL then refuses to
   * start, and is asked again until they are gone.
   */
  private async launchUntilUp(layout: ServerLayout, binaries: PostgresBinaries, user: ServiceUser | undefined): Promise<number> {
    const until = Date.now() + this.startTimeoutMs;
    for (;;) {
      const since = await logSize(layout.logFile);
      const launched = await launch(layout, binaries, user);
      const answered = await waitUntil(async () => launched.exited() !== 'running' || (await probe(layout.socketDir, 'postgres')) === 'ready', Math.max(0, until - Date.now()));
      if (launched.exited() === 'running' && answered) return launched.pid;
      const cause = await causeFromLog(layout.logFile, since);
      if (cause && /shared memory block .* is still in use/.test(cause) && Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        continue;
      }
      const why = cause ?? (answered ? 'it exited at once' : `it did not answer within ${Math.round(this.startTimeoutMs / 1000)} s`);
      throw new ManagedStoreError(`the store server did not start: ${why} (log: ${layout.logFile})`);
    }
  }

  /**
   * A server owns the data directory but did not answer yet: it may be starting or
   * recovering. Undefined when it went away meanwhile (the caller starts a new one).
   */
  private async awaitExisting(layout: ServerLayout, pid: number): Promise<RunningServer | undefined> {
    const answered = await waitUntil(async () => !(await isPostgres(pid)) || (await probe(layout.socketDir, 'postgres')) === 'ready', this.startTimeoutMs);
    if (!answered) {
      throw new ManagedStoreError(`the store server (pid ${pid}) runs but does not answer on ${layout.socketDir}; \`pods store stop\` stops it (log: ${layout.logFile})`);
    }
    return (await isPostgres(pid)) ? this.createDatabase(layout, false) : undefined;
  }

  private async createDatabase(layout: ServerLayout, started: boolean): Promise<RunningServer> {
    await withSocketClient(layout.socketDir, 'postgres', async (client) => {
      const found = await client.query(`select 1 from pg_database where datname = 'pods'`);
      if (found.rowCount === 0) await client.query('create database pods');
    });
    return this.running(layout, started);
  }
}
