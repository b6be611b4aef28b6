import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { acquirePidFileLock } from '../../system/pid-file-lock.js';
import { checkVersion, initializeCluster } from './initialize-cluster.js';
import { ManagedStoreError } from './managed-store-error.js';
import { makeDirectory } from './make-directory.js';
import { locatePostgresBinaries } from './postgres-binaries.js';
import { prepareDirectories } from './prepare-directories.js';
import { currentOwner, type ServerOwner } from './private-directory.js';
import { refuseUnsafeHomePath } from './safe-home-path.js';
import { refuseAnotherUsersHome } from './store-owner.js';
import { removeStore, type RemoveOutcome } from './remove-store.js';
import { freshLayout, lockFileOf, recordedLayout, recordLayout, ROOT_SHARED_DIR, rootStoreDir, socketUrl, type ServerLayout } from './server-layout.js';
import { clearStaleLocks, isPostgres, postmasterPid, probe, waitUntil, type Probe } from './server-process.js';
import { awaitAnswer, launchUntilUp } from './server-start.js';
import { binariesRunnableBy, ensureServiceUser, reachableBy, SERVICE_USER, type ServiceUser } from './service-user.js';
import { askServer, serverStatus, type ServerStatus } from './server-status.js';
import { STORE_ROLE } from './socket-client.js';
import { adoptRoleModel } from './store-roles.js';
import { countConnections } from './connection-holders.js';
import type { ConnectionCount } from '../postgres/connection/no-connection-left.js';

export type { RemoveOutcome };

export type ManagedPostgresOptions = {
  readonly home: string;
  readonly report?: (line: string) => void;
  readonly startTimeoutMs?: number;
  /** The `max_connections` a server this starts gets instead of SERVER_SETTINGS' (tests: `PODS_TEST_MAX_CONNECTIONS`). */
  readonly maxConnections?: string;
};

export type RunningServer = { readonly url: string; readonly pid: number | undefined; readonly started: boolean; readonly layout: ServerLayout };

export type StopOutcome = { readonly stopped: false } | { readonly stopped: true; readonly pid: number; readonly connections: number };

const STARTING = new Map<string, Promise<RunningServer>>();
const isRoot = (): boolean => process.getuid?.() === 0;

/**
 * One server per `$PODS_HOME`, started and stopped under a lock file; privileges as ADR 0016: no superuser, bare
 * environment, and root follows none of its links.
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

  async ensureRunning(): Promise<RunningServer> {
    await this.checkHome();
    // As root, a home made here is searchable (not listable), so the service user reaches
    // its own private directory inside; everything else in it is owner-only.
    await makeDirectory(this.home, isRoot() ? 0o711 : 0o700, 'pods home (PODS_HOME)');
    const known = await this.layout();
    if (known?.role === STORE_ROLE && (await probe(known.socketDir)) === 'ready') return this.running(known, false);
    // Callers in one process share one start: the lock file only tells processes apart.
    const pending = STARTING.get(this.home) ?? this.locked(() => this.start()).finally(() => STARTING.delete(this.home));
    STARTING.set(this.home, pending);
    return pending;
  }

  async runningUrl(): Promise<string | undefined> {
    const layout = await recordedLayout(this.home).catch(() => undefined);
    if (layout?.role !== STORE_ROLE) return undefined;
    const pid = await postmasterPid(layout.dataDir);
    if (pid === undefined || !(await isPostgres(pid, layout.dataDir))) return undefined;
    const socket = await stat(join(layout.socketDir, '.s.PGSQL.5432')).catch(() => undefined);
    return socket?.isSocket() ? socketUrl(layout.socketDir) : undefined;
  }

  async connectionHolders(): Promise<ConnectionCount | undefined> {
    const layout = await recordedLayout(this.home).catch(() => undefined);
    return layout ? countConnections(layout.socketDir) : undefined;
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
      const pid = await this.serverPid(layout);
      if (pid === undefined) return { stopped: false };
      // Only the connection count: the rest of `status` (the data directory's size) costs a walk of it.
      const connections = (await askServer(layout.socketDir))?.connections;
      process.kill(pid, 'SIGINT');
      if (!(await waitUntil(async () => !(await isPostgres(pid)), 30_000))) {
        throw new ManagedStoreError(`the store server (pid ${pid}) did not stop within 30 s; see ${layout.logFile}`);
      }
      return { stopped: true, pid, connections: connections ?? 0 };
    });
  }

  async remove(): Promise<RemoveOutcome> {
    const layout = await this.layout();
    if (!layout && !(await stat(this.home).then(() => true, () => false))) return { removed: [] };
    return this.locked(async () => {
      const pid = layout ? await this.serverPid(layout) : undefined;
      if (pid !== undefined) throw new ManagedStoreError(`the store server runs (pid ${pid}); stop it with \`pods store stop\`, then remove the store`);
      // With its layout file gone, root's store may still have left a relocated directory behind.
      return removeStore(this.home, layout ?? (isRoot() ? { ...this.fresh(undefined, rootStoreDir(this.home)), user: SERVICE_USER } : undefined));
    });
  }

  private async serverPid(layout: ServerLayout): Promise<number | undefined> {
    const pid = await postmasterPid(layout.dataDir);
    return pid !== undefined && (await isPostgres(pid, layout.dataDir)) ? pid : undefined;
  }

  /** A store is its home owner's, at a path no one else can redirect: refused otherwise, before anything there is used. */
  private async checkHome(): Promise<void> {
    await refuseAnotherUsersHome(this.home);
    await refuseUnsafeHomePath(this.home);
  }

  private async layout(): Promise<ServerLayout | undefined> {
    await this.checkHome();
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
      if (state === 'ready' || state === 'needs-setup') return this.setUp(layout, false, state);
    }
    const began = Date.now();
    const user = isRoot() ? await this.serviceUser() : undefined;
    const owner: ServerOwner = user ?? currentOwner();
    if (!layout) layout = await this.newLayout(user);
    await prepareDirectories(layout, owner);
    // Under root the library links go where only root writes: the binaries load what they hold.
    let binaries = await locatePostgresBinaries(user ? join(ROOT_SHARED_DIR, 'lib-links') : join(layout.serverDir, 'lib-links'));
    if (user) binaries = await binariesRunnableBy(binaries, user, ROOT_SHARED_DIR);
    const initialized = await initializeCluster(layout, binaries, owner, this.report);
    await checkVersion(layout, binaries);
    await clearStaleLocks(layout, owner);
    const running = await this.serverPid(layout);
    if (running !== undefined) {
      if (await awaitAnswer(layout, running, this.startTimeoutMs)) return this.setUp(layout, false, await probe(layout.socketDir));
      await clearStaleLocks(layout, owner);
    }
    const overrides = this.options.maxConnections === undefined ? {} : { max_connections: this.options.maxConnections };
    const launched = await launchUntilUp(layout, binaries, owner, this.startTimeoutMs, overrides);
    const server = await this.setUp(layout, true, await probe(layout.socketDir));
    const seconds = ((Date.now() - began) / 1000).toFixed(1);
    this.report(
      initialized
        ? `store ready in ${seconds} s: PostgreSQL ${binaries.version}, pid ${launched}, data in ${layout.dataDir}; it keeps running for other pods processes (\`pods store stop\` stops it)`
        : `started the store server (PostgreSQL ${binaries.version}, pid ${launched}) in ${seconds} s; \`pods store stop\` stops it`,
    );
    return server;
  }

  private async setUp(layout: ServerLayout, started: boolean, state: Probe): Promise<RunningServer> {
    if (layout.role === STORE_ROLE && state === 'ready') return this.running(layout, started);
    const outcome = await adoptRoleModel(layout.socketDir, layout.user ?? currentOwner().name);
    if (outcome === 'upgraded') this.report(`upgraded the store under ${this.home}: pods now connects as the role \`${STORE_ROLE}\`, which is not a superuser`);
    const adopted = { ...layout, role: STORE_ROLE };
    if (layout.role !== STORE_ROLE) await recordLayout(adopted);
    return this.running(adopted, started);
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
}
