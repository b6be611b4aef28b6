import { randomUUID } from 'node:crypto';
import { link, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const LOCK_FILE = 'pods-store.lock';

export type DataDirLock = { readonly path: string; readonly release: () => Promise<void> };

const codeOf = (error: unknown): unknown => (error instanceof Error && 'code' in error ? error.code : undefined);

async function holderOf(path: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt(await readFile(path, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return undefined;
    throw error;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return codeOf(error) === 'EPERM'; // exists, owned by another user
  }
}

/**
 * PGlite is a single-process database: a second process on the same directory would
 * corrupt it. The lock is a file holding the owner's pid, created with its content in one
 * step (`link` of a finished temp file), and taken over when that pid is gone.
 */
export async function acquireDataDirLock(dir: string): Promise<DataDirLock> {
  const path = join(dir, LOCK_FILE);
  const mine = join(dir, `${LOCK_FILE}.${process.pid}.${randomUUID()}`);
  await writeFile(mine, `${process.pid}\n`);
  try {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      try {
        await link(mine, path);
        return { path, release: () => releaseIfMine(path) };
      } catch (error) {
        if (codeOf(error) !== 'EEXIST') throw error;
      }
      const holder = await holderOf(path);
      if (holder !== undefined && isAlive(holder)) {
        throw new Error(
          holder === process.pid
            ? `the PGlite store at ${dir} is already open in this process`
            : `the PGlite store at ${dir} is in use by another process (pid ${holder}); stop it, or remove ${path} if that process is not pods`,
        );
      }
      await clearStale(path, holder);
    }
    throw new Error(`could not lock the PGlite store at ${dir}: its lock file ${path} keeps changing`);
  } finally {
    await rm(mine, { force: true });
  }
}

/** Moves the stale lock aside first, so two processes clearing it cannot both delete a fresh one. */
async function clearStale(path: string, stalePid: number | undefined): Promise<void> {
  const aside = `${path}.stale.${process.pid}.${randomUUID()}`;
  try {
    await rename(path, aside);
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return;
    throw error;
  }
  if ((await holderOf(aside)) !== stalePid) {
    // Someone took the lock between our read and the rename: give it back.
    await link(aside, path).catch(() => undefined);
  }
  await rm(aside, { force: true });
}

async function releaseIfMine(path: string): Promise<void> {
  if ((await holderOf(path)) === process.pid) await rm(path, { force: true });
}
