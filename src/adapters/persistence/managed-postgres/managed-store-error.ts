import { codeOf } from '../../error-message.js';

/** Already worded as the one line a user should read: what failed, the cause, and where to look. */
export class ManagedStoreError extends Error {
  override readonly name = 'ManagedStoreError';
}

const CAUSES: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a part of the path is not a directory',
  EEXIST: 'it already exists',
};

export function describeCause(error: unknown): string {
  const code = codeOf(error);
  if (code && CAUSES[code]) return `${CAUSES[code]} (${code})`;
  return error instanceof Error ? (error.message.split('\n')[0] ?? code ?? 'unknown error') : String(error);
}
