import { lstat, mkdir } from 'node:fs/promises';

/** An existing one must be a real directory of this user with no access for others; nothing is followed. */
export async function privateDirectory(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: 0o700 });
  const info = await lstat(path);
  const uid = process.getuid?.();
  if (!info.isDirectory() || (uid !== undefined && info.uid !== uid) || (info.mode & 0o077) !== 0) {
    throw new Error(`${path} is not a private directory of this user (a directory, mode 0700, not a link); remove it and retry`);
  }
}
