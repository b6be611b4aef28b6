import { lstat } from 'node:fs/promises';
import { ManagedStoreError } from './managed-store-error.js';
import { currentOwner } from './private-directory.js';
import { removeTree } from './remove-tree.js';
import { forgetLayout, type ServerLayout } from './server-layout.js';
import { lookUp } from './service-user.js';

export type RemoveOutcome = { readonly removed: readonly string[] };

/** A path that now names another user's directory (a temp dir made again by someone else) is refused, not removed. */
export async function removeStore(home: string, layout: ServerLayout | undefined): Promise<RemoveOutcome> {
  if (!layout) return { removed: [] };
  const owner = layout.user ? (await lookUp(layout.user))?.uid : currentOwner().uid;
  const dirs = [layout.serverDir, ...(layout.socketDir.startsWith(`${layout.serverDir}/`) ? [] : [layout.socketDir])];
  const removed: string[] = [];
  for (const dir of dirs) {
    const found = await lstat(dir).catch(() => undefined);
    if (!found) continue;
    if (!found.isDirectory() || (owner !== undefined && found.uid !== owner)) {
      throw new ManagedStoreError(`not removing ${dir}: it is no longer a directory of the store server's user (owner uid ${found.uid}); remove it yourself if it is the store's`);
    }
    await removeTree(dir);
    removed.push(dir);
  }
  await forgetLayout(home);
  return { removed };
}
