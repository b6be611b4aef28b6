import { constants, type Stats } from 'node:fs';
import { open, readlink, realpath, stat, type FileHandle } from 'node:fs/promises';

/** Names a file without opening it (no FIFO block, no device open); Node does not export it (x86-64 and arm64 value). */
export const O_PATH = 0o10000000;

/**
 * What a host path is, checked without following a link at its last component:
 * - `directory` / `file`: it is real all the way down (no component is a link), and the
 *   descriptor (O_PATH) names exactly it, for a bind that cannot be redirected later;
 * - `link`: it, or a directory on the way to it, is a symbolic link; `realPath` is where it
 *   leads (undefined when it leads nowhere);
 * - `special`: a FIFO, socket or device; `missing`: nothing is there (or it cannot be reached).
 */
export type HostPath =
  | { readonly kind: 'directory' | 'file'; readonly handle: FileHandle }
  | { readonly kind: 'link'; readonly realPath: string | undefined }
  | { readonly kind: 'special' }
  | { readonly kind: 'missing'; readonly reason: string };

const UNREACHABLE: Readonly<Record<string, string>> = {
  ENOENT: 'does not exist',
  ENOTDIR: 'does not exist',
  EACCES: 'cannot be reached by this user',
  ELOOP: 'leads through too many links',
  ENAMETOOLONG: 'is too long',
};

export async function inspectHostPath(path: string): Promise<HostPath> {
  let handle: FileHandle;
  try {
    handle = await open(path, O_PATH | constants.O_NOFOLLOW);
  } catch (error) {
    const reason = UNREACHABLE[codeOf(error)];
    if (reason) return { kind: 'missing', reason };
    throw error;
  }
  let keep = false;
  try {
    const stats = await handle.stat();
    if (stats.isSymbolicLink() || (await openedPath(handle.fd)) !== path) {
      return { kind: 'link', realPath: await realpath(path).catch(() => undefined) };
    }
    if (!stats.isDirectory() && !stats.isFile()) return { kind: 'special' };
    keep = true;
    return { kind: stats.isDirectory() ? 'directory' : 'file', handle };
  } finally {
    if (!keep) await handle.close();
  }
}

export async function openedPath(fd: number): Promise<string> {
  return readlink(`/proc/self/fd/${fd}`);
}

/** Linux names a descriptor's file in /proc/self/fd; elsewhere `path` must be real and the same inode (narrower). */
export async function isOpenedAt(handle: FileHandle, path: string): Promise<boolean> {
  const named = await readlink(`/proc/self/fd/${handle.fd}`).catch(() => undefined);
  if (named !== undefined) return named === path;
  const [opened, there, real] = await Promise.all([handle.stat(), stat(path).catch(() => undefined), realpath(path).catch(() => undefined)]);
  return !!there && real === path && opened.dev === there.dev && opened.ino === there.ino;
}

/** A directory's open descriptor as a path prefix that cannot be redirected (Linux); elsewhere its path. */
export const directoryReference = (handle: FileHandle, path: string): string =>
  process.platform === 'linux' ? `/proc/self/fd/${handle.fd}` : path;

export function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

export const codeOf = (error: unknown): string =>
  error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : '';
