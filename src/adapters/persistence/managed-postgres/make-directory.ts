import { lstat, mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { codeOf } from '../../error-message.js';
import { describeCause, ManagedStoreError } from './managed-store-error.js';
import { withDirectoryHandle } from './no-follow.js';

/** Changes nothing it did not make, setting modes through a no-follow descriptor (Node's recursive mkdir can spin on `/proc/x`). */
export async function makeDirectory(path: string, mode = 0o700, what = 'directory'): Promise<boolean> {
  const cannotUse = (at: string, error: unknown) => new ManagedStoreError(`cannot use ${at} for the ${what}: ${describeCause(error)}`);
  const missing: string[] = [];
  for (let at = path; ; at = dirname(at)) {
    const found = await lstat(at).catch((error: unknown) => {
      if (codeOf(error) === 'ENOENT') return undefined;
      throw cannotUse(at, error);
    });
    if (found) {
      const target = found.isSymbolicLink() ? await stat(at).catch((error: unknown) => Promise.reject(cannotUse(at, error))) : found;
      if (!target.isDirectory()) throw new ManagedStoreError(`cannot use ${path} for the ${what}: ${at} is not a directory`);
      break;
    }
    missing.unshift(at);
    if (dirname(at) === at) break;
  }
  let madePath = false;
  for (const dir of missing) {
    try {
      await mkdir(dir, { mode });
      madePath = dir === path;
    } catch (error) {
      if (codeOf(error) !== 'EEXIST') throw new ManagedStoreError(`cannot create ${dir} for the ${what}: ${describeCause(error)}`);
      // Made by someone else meanwhile: used only if it is a real directory, and never changed.
      if (!(await lstat(dir)).isDirectory()) throw new ManagedStoreError(`cannot use ${path} for the ${what}: ${dir} is not a directory`);
    }
  }
  // mkdir's mode passed through the umask; only a directory this call made gets the exact one.
  if (madePath) await withDirectoryHandle(path, what, (handle) => handle.chmod(mode));
  return madePath;
}
