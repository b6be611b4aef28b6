import { readdir, lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { postmasterPid, isPostgres } from './server-process.js';
import type { ServerLayout } from './server-layout.js';
import { STORE_ROLE, withSocketClient } from './socket-client.js';
import { SUPERUSER } from './access-rules.js';

export type ServerStatus = {
  readonly running: boolean;
  readonly initialized: boolean;
  readonly pid?: number;
  readonly serverDir: string;
  /** Root's store whose service user cannot reach `$PODS_HOME`: it lives under /var/lib/pods/stores. */
  readonly outsideHome: boolean;
  readonly socketDir: string;
  readonly dataDir: string;
  readonly logFile: string;
  readonly sizeBytes: number;
  readonly version?: string;
  readonly connections?: number;
  readonly startedAt?: Date;
  readonly user?: string;
};

export async function serverStatus(layout: ServerLayout): Promise<ServerStatus> {
  const major = (await readFile(join(layout.dataDir, 'PG_VERSION'), 'utf8').catch(() => '')).trim();
  const pid = await postmasterPid(layout.dataDir);
  const base = {
    initialized: major !== '',
    serverDir: layout.serverDir,
    outsideHome: !layout.serverDir.startsWith(`${layout.home}/`),
    socketDir: layout.socketDir,
    dataDir: layout.dataDir,
    logFile: layout.logFile,
    sizeBytes: await sizeOf(layout.dataDir),
    ...(layout.user ? { user: layout.user } : {}),
  };
  const live = pid !== undefined && (await isPostgres(pid, layout.dataDir)) ? await askServer(layout.socketDir) : undefined;
  if (!live || pid === undefined) return { ...base, running: false, ...(major ? { version: major } : {}) };
  return { ...base, running: true, pid, ...live };
}

type Live = { readonly version: string; readonly connections: number; readonly startedAt: Date };

/** Asked as the store's role, else (no connection left for it) as the superuser, through its reserved slots. */
export async function askServer(socketDir: string): Promise<Live | undefined> {
  return (await askServerAs(socketDir, STORE_ROLE, STORE_ROLE)) ?? askServerAs(socketDir, 'postgres', SUPERUSER);
}

async function askServerAs(socketDir: string, database: string, user: string): Promise<Live | undefined> {
  try {
    return await withSocketClient(socketDir, database, async (client) => {
      const { rows } = await client.query<{ version: string; connections: string; started: Date }>(
        `select current_setting('server_version') as version, pg_postmaster_start_time() as started,
                (select count(*) from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()) as connections`,
      );
      const row = rows[0];
      return row ? { version: row.version, connections: Number(row.connections), startedAt: row.started } : undefined;
    }, user);
  } catch {
    return undefined;
  }
}

async function sizeOf(dir: string): Promise<number> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  let total = 0;
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await sizeOf(path);
    else total += await lstat(path).then((s) => s.size, () => 0);
  }
  return total;
}
