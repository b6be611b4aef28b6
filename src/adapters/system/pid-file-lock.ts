import { randomUUID } from 'node:crypto';
import { link, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { codeOf } from '../error-message.js';

export type PidFileLock = { readonly path: string; readonly release: () => Promise<void> };

export type LockHolder = { readonly pid: number; readonly self: boolean };

export type PidFileLockOptions = {
  readonly waitMs?: number;
  readonly held: (holder: LockHolder) => Error;
};

async function holderOf(path: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt(await readFile(path, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return undefined;
    throw error;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return codeOf(error) === 'EPERM';
  }
}

/** Created whole (`link` of a finished temp file) and taken over when its pid is gone: a crash never leaves it stuck. */
export async function acquirePidFileLock(path: string, options: PidFileLockOptions): Promise<PidFileLock> {
  const mine = join(dirname(path), `${basename(path)}.${process.pid}.${randomUUID()}`);
  await writeFile(mine, `${process.pid}\n`);
  const until = Date.now() + (options.waitMs ?? 0);
  let pause = 5;
  try {
    for (let changes = 0; changes < 50; ) {
      try {
        await link(mine, path);
        return { path, release: () => releaseIfMine(path) };
      } catch (error) {
        if (codeOf(error) !== 'EEXIST') throw error;
      }
      const holder = await holderOf(path);
      if (holder !== undefined && isAlive(holder)) {
        if (holder === process.pid || Date.now() >= until) throw options.held({ pid: holder, self: holder === process.pid });
        await new Promise((resolve) => setTimeout(resolve, pause));
        pause = Math.min(pause * 2, 100);
        continue;
      }
      changes += 1;
      await clearStale(path, holder);
    }
    throw new Error(`could not take the lock ${path}: it keeps changing`);
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
