import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { codeOf } from '../../error-message.js';
import { ManagedStoreError } from './managed-store-error.js';
import { nameOf } from './service-user.js';

/** Only the home's owner may run its store: root acting on a user's files would hand them to the service user. */
export async function refuseAnotherUsersHome(home: string): Promise<void> {
  const me = process.getuid?.();
  if (me === undefined) return;
  // Followed: a home may be the operator's own link; what counts is who owns the directory.
  let owner = await stat(home).then((found) => found.uid, (error: unknown) => (codeOf(error) === 'EACCES' ? null : undefined));
  for (let dir = dirname(home); owner === null; dir = dirname(dir)) {
    owner = await stat(dir).then((found) => found.uid, () => (dirname(dir) === dir ? undefined : null));
  }
  if (owner === undefined || owner === me) return;
  const name = await nameOf(owner);
  throw new ManagedStoreError(`the store under ${home} belongs to another user (${name}); set PODS_HOME to a directory of your own, or run pods as ${name}`);
}
