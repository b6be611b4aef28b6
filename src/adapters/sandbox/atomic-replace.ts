import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { codeOf, directoryReference, kindOf } from './host-path.js';

export type Replaced = { readonly type: 'replaced' } | { readonly type: 'not_a_file'; readonly what: string };

/**
 * Through the open directory (a link swapped in cannot redirect it), by O_EXCL temp file and rename: never a partial
 * file. Permissions (no set-id bits) carry over; a hard link elsewhere keeps the old content.
 */
export async function replaceInDirectory(dir: FileHandle, dirPath: string, name: string, content: string): Promise<Replaced> {
  const at = directoryReference(dir, dirPath);
  const old = await lstat(`${at}/${name}`).catch((error: unknown) => {
    if (codeOf(error) === 'ENOENT') return undefined;
    throw error;
  });
  if (old && !old.isFile()) return { type: 'not_a_file', what: kindOf(old) };
  const temporary = `${at}/.pods-write-${randomBytes(8).toString('hex')}.tmp`;
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
  const file = await open(temporary, flags, old ? 0o600 : 0o666); // a new file gets the umask's mode
  try {
    try {
      await file.writeFile(content, 'utf8');
      if (old) await file.chmod(old.mode & 0o777); // never set-id bits on content an agent wrote
      if (old && process.getuid?.() === 0) await file.chown(old.uid, old.gid);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, `${at}/${name}`);
  } catch (error) {
    await unlink(temporary).catch(() => {});
    throw error;
  }
  await dir.sync();
  return { type: 'replaced' };
}
