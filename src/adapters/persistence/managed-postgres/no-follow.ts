import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { codeOf } from '../../error-message.js';
import { describeCause, ManagedStoreError } from './managed-store-error.js';

/** Open flags that refuse a symbolic link in the last component (ELOOP) instead of following it. */
export const NO_FOLLOW = constants.O_NOFOLLOW;

/** Opened without following a link, so a chown or chmod through it changes that directory and nothing a link points at. */
export async function withDirectoryHandle<T>(path: string, what: string, work: (handle: FileHandle) => Promise<T>): Promise<T> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_DIRECTORY | NO_FOLLOW);
  } catch (error) {
    const why = codeOf(error) === 'ELOOP' ? 'is a symbolic link' : codeOf(error) === 'ENOTDIR' ? 'is not a directory' : `cannot be opened: ${describeCause(error)}`;
    throw new ManagedStoreError(`the ${what} ${path} ${why}; remove it and retry`);
  }
  try {
    return await work(handle);
  } finally {
    await handle.close();
  }
}

/** Undefined for anything but a regular file (a link included), so no file a link points at ends up in a message. */
export async function readTextNoFollow(path: string): Promise<string | undefined> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | NO_FOLLOW).catch(() => undefined);
  if (!handle) return undefined;
  try {
    return (await handle.stat()).isFile() ? await handle.readFile('utf8') : undefined;
  } finally {
    await handle.close();
  }
}
