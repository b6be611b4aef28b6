import { createHash, randomUUID } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeCause } from './managed-store-error.js';

export type ServerLayout = {
  readonly home: string;
  readonly serverDir: string;
  readonly dataDir: string;
  /** The only way in: a Unix socket here, in a directory only the server's owner can open. */
  readonly socketDir: string;
  readonly logFile: string;
  readonly user?: string;
  /** The role pods connects as, once the server has the role model of ADR 0016 (absent: an earlier version's cluster). */
  readonly role?: string;
};

/** Serializes starting and stopping among every pods process of one home. */
export const lockFileOf = (home: string): string => join(home, 'server.lock');
const layoutFileOf = (home: string): string => join(home, 'server.json');

/** The socket's own name, `.s.PGSQL.5432`, must fit in the 107 bytes a Unix socket path may have. */
const MAX_SOCKET_DIR = 107 - '/.s.PGSQL.5432'.length;

export const digest = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16);

/** Under `$PODS_HOME/server` unless `base` says otherwise (root); the socket goes to a temp dir when the path is too long. */
export function freshLayout(home: string, options: { readonly base?: string; readonly user?: string; readonly uid: number }): ServerLayout {
  const serverDir = options.base ?? join(home, 'server');
  const usual = join(serverDir, 'run');
  const socketDir = Buffer.byteLength(usual) <= MAX_SOCKET_DIR ? usual : join(tmpdir(), `pods-${options.uid}-${digest(home)}`);
  return {
    home,
    serverDir,
    dataDir: join(serverDir, 'data'),
    socketDir,
    logFile: join(serverDir, 'postgres.log'),
    ...(options.user ? { user: options.user } : {}),
  };
}

export async function recordedLayout(home: string): Promise<ServerLayout | undefined> {
  let text: string;
  try {
    text = await readFile(layoutFileOf(home), 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${layoutFileOf(home)}: ${describeCause(error)}`);
  }
  const parsed = JSON.parse(text) as Partial<Record<keyof ServerLayout, unknown>>;
  const str = (key: keyof ServerLayout): string => {
    const value = parsed[key];
    if (typeof value !== 'string' || value === '') throw new Error(`${layoutFileOf(home)} has no ${key}; move it aside to start over`);
    return value;
  };
  return {
    home,
    serverDir: str('serverDir'),
    dataDir: str('dataDir'),
    socketDir: str('socketDir'),
    logFile: str('logFile'),
    ...(typeof parsed.user === 'string' ? { user: parsed.user } : {}),
    ...(typeof parsed.role === 'string' ? { role: parsed.role } : {}),
  };
}

export async function recordLayout(layout: ServerLayout): Promise<void> {
  const { home: _home, ...rest } = layout;
  const file = layoutFileOf(layout.home);
  // A fresh name, created exclusively: a link planted under it is never written through.
  const temp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  await writeFile(temp, `${JSON.stringify(rest, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  await rename(temp, file);
}

export async function forgetLayout(home: string): Promise<void> {
  await rm(layoutFileOf(home), { force: true });
}

export function socketUrl(socketDir: string, database = 'pods'): string {
  return `postgresql://pods@localhost/${database}?host=${encodeURIComponent(socketDir)}`;
}

/** Root's stores live here when the service user cannot reach `$PODS_HOME` (e.g. under `/root`). */
export const ROOT_SHARED_DIR = '/var/lib/pods';

export const rootStoreDir = (home: string): string => join(ROOT_SHARED_DIR, 'stores', digest(home));
