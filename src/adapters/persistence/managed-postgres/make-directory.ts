import { chmod, mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { codeOf, describeCause, ManagedStoreError } from './managed-store-error.js';

/**
 * `mkdir -p` that ends: it walks up to the nearest existing ancestor, checks that it is a
 * directory, then creates each missing level once. (Node's recursive mkdir can spin forever
 * on paths such as `/proc/x`, where every attempt fails with a code it retries on.)
 */
export async function makeDirectory(path: string, mode = 0o700, what = 'directory'): Promise<void> {
  const missing: string[] = [];
  let at = path;
  for (;;) {
    const found = await stat(at).catch((error: unknown) => {
      if (codeOf(error) === 'ENOENT') return undefined;
      throw new ManagedStoreError(`cannot use ${at} for the ${what}: ${describeCause(error)}`);
    });
    if (found) {
      if (!found.isDirectory()) throw new ManagedStoreError(`cannot use ${path} for the ${what}: ${at} is not a directory`);
      break;
    }
    missing.unshift(at);
    const parent = dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const dir of missing) {
    try {
      await mkdir(dir, { mode });
    } catch (error) {
      if (codeOf(error) === 'EEXIST') continue;
      throw new ManagedStoreError(`cannot create ${dir} for the ${what}: ${describeCause(error)}`);
    }
  }
  if (missing.length > 0) await chmod(path, mode).catch(() => undefined);
}
