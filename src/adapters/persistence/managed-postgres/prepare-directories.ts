import { dirname } from 'node:path';
import { makeDirectory } from './make-directory.js';
import { withDirectoryHandle } from './no-follow.js';
import { ensurePrivateDirectory, type ServerOwner } from './private-directory.js';
import { ROOT_SHARED_DIR, type ServerLayout } from './server-layout.js';

/** Nothing existing is chowned by path: the service user could have planted links, and others can guess temp dir names. */
export async function prepareDirectories(layout: ServerLayout, owner: ServerOwner): Promise<void> {
  // Above the server's own directory, only searchable: the service user must pass through.
  await makeDirectory(dirname(layout.serverDir), 0o755, 'store server');
  if (layout.serverDir.startsWith(`${ROOT_SHARED_DIR}/`)) {
    for (let dir = dirname(layout.serverDir); dir.startsWith(ROOT_SHARED_DIR); dir = dirname(dir)) {
      // Root's own directories (only root writes /var/lib): opened without following a link, changed only if root's.
      await withDirectoryHandle(dir, 'store server', async (handle) => {
        if ((await handle.stat()).uid === 0) await handle.chmod(0o755);
      });
    }
  }
  await ensurePrivateDirectory(layout.serverDir, owner, "store server's directory");
  await ensurePrivateDirectory(layout.socketDir, owner, "store's socket directory");
}
