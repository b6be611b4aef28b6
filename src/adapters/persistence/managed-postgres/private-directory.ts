import { lstat, mkdir } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { codeOf } from '../../error-message.js';
import { describeCause, ManagedStoreError } from './managed-store-error.js';
import { withDirectoryHandle } from './no-follow.js';

/** The OS account that owns the server's files: the service user under root, else the caller. */
export type ServerOwner = { readonly name: string; readonly uid: number; readonly gid: number };

export function currentOwner(): ServerOwner {
  const uid = process.getuid?.() ?? 0;
  let name: string;
  try {
    name = userInfo().username;
  } catch {
    name = `uid ${uid}`; // an account without a passwd entry (containers)
  }
  return { name, uid, gid: process.getgid?.() ?? 0 };
}

/** An existing one is never repaired: a chown or chmod there would act on a path someone else may control. */
export async function ensurePrivateDirectory(path: string, owner: ServerOwner, what: string): Promise<void> {
  try {
    await mkdir(path, { mode: 0o700 });
  } catch (error) {
    if (codeOf(error) !== 'EEXIST') throw new ManagedStoreError(`cannot create the ${what} ${path}: ${describeCause(error)}`);
    const found = await lstat(path);
    const problem = found.isSymbolicLink()
      ? 'a symbolic link'
      : !found.isDirectory()
        ? 'not a directory'
        : found.uid !== owner.uid
          ? `owned by uid ${found.uid}`
          : undefined;
    if (problem) throw new ManagedStoreError(`the ${what} ${path} is ${problem}, not a private directory of \`${owner.name}\`; remove it and retry`);
    if ((found.mode & 0o077) !== 0) {
      throw new ManagedStoreError(`the ${what} ${path} is open to others (mode ${(found.mode & 0o777).toString(8)}); \`chmod 700\` it and retry`);
    }
    return;
  }
  await withDirectoryHandle(path, what, async (handle) => {
    const made = await handle.stat();
    // Another user swapped it between the mkdir and the open (possible only in a shared parent).
    if (made.uid !== process.getuid?.()) throw new ManagedStoreError(`the ${what} ${path} was replaced while it was being made; remove it and retry`);
    if (made.uid !== owner.uid) await handle.chown(owner.uid, owner.gid);
    await handle.chmod(0o700);
  });
}
