import { lstat, realpath, stat } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { ManagedStoreError } from './managed-store-error.js';
import { nameOf } from './service-user.js';

const STICKY = 0o1000;

/** A link or directory on the home's path that another user can change would let them point the store elsewhere. */
export async function refuseUnsafeHomePath(home: string): Promise<void> {
  const me = process.getuid?.();
  if (me === undefined) return;
  const trusted = (uid: number) => uid === 0 || uid === me;
  const refuse = async (at: string, why: string) =>
    new ManagedStoreError(`the pods home ${home} is not safe to use: ${at} is ${why}; choose a PODS_HOME that only you (and root) can change`);
  let at: string = sep;
  for (const part of home.split(sep).filter((p) => p !== '')) {
    at = join(at, part);
    const found = await lstat(at).catch(() => undefined);
    if (!found) break;
    if (found.isSymbolicLink() && !trusted(found.uid)) throw await refuse(at, `a link made by ${await nameOf(found.uid)}`);
  }
  let existing = home;
  while (!(await lstat(existing).then(() => true, () => false)) && dirname(existing) !== existing) existing = dirname(existing);
  const real = await realpath(existing).catch(() => undefined);
  for (let dir = real; dir !== undefined; dir = dirname(dir) === dir ? undefined : dirname(dir)) {
    const found = await stat(dir).catch(() => undefined);
    if (!found) continue;
    if (!trusted(found.uid)) throw await refuse(dir, `a directory of ${await nameOf(found.uid)}`);
    if ((found.mode & 0o002) !== 0 && (found.mode & STICKY) === 0) throw await refuse(dir, 'writable by everyone');
  }
}
