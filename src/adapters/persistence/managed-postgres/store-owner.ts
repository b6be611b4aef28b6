import { stat } from 'node:fs/promises';
import { ManagedStoreError } from './managed-store-error.js';
import { nameOf } from './service-user.js';

/**
 * A store belongs to the owner of its home, and only that user runs, stops or removes it:
 * another user's (root's included) is refused in one line before anything in it is read or
 * made. Root acting on a user's files would otherwise hand them to the service user.
 */
export async function refuseAnotherUsersHome(home: string): Promise<void> {
  const me = process.getuid?.();
  // Followed: a home may be the operator's own link; what counts is who owns the directory.
  const found = await stat(home).catch(() => undefined);
  if (me === undefined || found === undefined || found.uid === me) return;
  const owner = await nameOf(found.uid);
  throw new ManagedStoreError(`the store under ${home} belongs to another user (${owner}); set PODS_HOME to a directory of your own, or run pods as ${owner}`);
}
