import { execFile } from 'node:child_process';
import { cp, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { ManagedStoreError } from './managed-store-error.js';
import { libraryLinks, type PostgresBinaries } from './postgres-binaries.js';

/** The account the server runs as when `pods` runs as root: PostgreSQL refuses to run as root. */
export const SERVICE_USER = 'pods';

export type ServiceUser = { readonly name: string; readonly uid: number; readonly gid: number };

const run = promisify(execFile);

export async function lookUp(name: string): Promise<ServiceUser | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
    return { name, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return undefined;
  }
}

/** Created if absent (`useradd`, or busybox `adduser`); `created` lets the caller say so once. */
export async function ensureServiceUser(name = SERVICE_USER): Promise<{ readonly user: ServiceUser; readonly created: boolean }> {
  const found = await lookUp(name);
  if (found) return { user: found, created: false };
  const attempts: readonly (readonly [string, readonly string[]])[] = [
    ['useradd', ['--system', '--user-group', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', name]],
    ['adduser', ['-S', '-D', '-H', '-h', '/nonexistent', '-s', '/sbin/nologin', name]],
  ];
  const failures: string[] = [];
  for (const [command, args] of attempts) {
    try {
      await run(command, [...args]);
      break;
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr?.trim().split('\n')[0];
      failures.push(`${command}: ${stderr || (error instanceof Error ? error.message : String(error))}`);
    }
  }
  const made = await lookUp(name);
  if (!made) {
    throw new ManagedStoreError(
      `PostgreSQL refuses to run as root and the system user \`${name}\` could not be created (${failures.join('; ')}); create it, run pods as another user, or use --db postgres://…`,
    );
  }
  return { user: made, created: true };
}

export async function nameOf(uid: number): Promise<string> {
  const found = await run('id', ['-nu', String(uid)]).then((r) => r.stdout.trim(), () => '');
  return found || `uid ${uid}`;
}

/** Every directory above `path` searchable, and `path` itself allowing `need` (0o1 to pass through). */
export async function reachableBy(path: string, user: ServiceUser, need = 0o5): Promise<boolean> {
  const allows = async (at: string, bits: number): Promise<boolean> => {
    const s = await stat(at);
    const shift = s.uid === user.uid ? 6 : s.gid === user.gid ? 3 : 0;
    return ((s.mode >> shift) & bits) === bits;
  };
  try {
    if (!(await allows(path, need))) return false;
    for (let dir = dirname(path); ; dir = dirname(dir)) {
      if (!(await allows(dir, 0o1))) return false;
      if (dirname(dir) === dir) return true;
    }
  } catch {
    return false;
  }
}

/** The package's own binaries when the service user can reach them, else a copy in `shared`, made once per version. */
export async function binariesRunnableBy(binaries: PostgresBinaries, user: ServiceUser, shared: string): Promise<PostgresBinaries> {
  if (await reachableBy(binaries.postgres, user)) return binaries;
  const copy = join(shared, `postgres-${binaries.version}`);
  const moved = async (root: string): Promise<PostgresBinaries> => ({
    ...binaries,
    root,
    initdb: join(root, 'bin', 'initdb'),
    postgres: join(root, 'bin', 'postgres'),
    env: await libraryLinks(root, join(root, 'lib')),
  });
  if (await reachableBy(join(copy, 'bin', 'postgres'), user)) return moved(copy);
  const temp = `${copy}.${process.pid}.tmp`;
  await rm(temp, { recursive: true, force: true });
  await cp(binaries.root, temp, { recursive: true, verbatimSymlinks: true });
  await rename(temp, copy).catch(async (error: unknown) => {
    await rm(temp, { recursive: true, force: true });
    if (!(await reachableBy(join(copy, 'bin', 'postgres'), user))) throw error;
  });
  return moved(copy);
}
