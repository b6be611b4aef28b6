import { execFile } from 'node:child_process';
import { rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SUPERUSER } from './access-rules.js';
import { ManagedStoreError } from './managed-store-error.js';
import { readTextNoFollow } from './no-follow.js';
import type { PostgresBinaries } from './postgres-binaries.js';
import type { ServerOwner } from './private-directory.js';
import { removeTree } from './remove-tree.js';
import { serverEnvironment } from './server-environment.js';
import type { ServerLayout } from './server-layout.js';
import { asOwner } from './server-process.js';

/** Made in a temp directory renamed into place, so a crash never leaves half a cluster; socket trust lasts until first start. */
export async function initializeCluster(layout: ServerLayout, binaries: PostgresBinaries, owner: ServerOwner, report: (line: string) => void): Promise<boolean> {
  if (await stat(join(layout.dataDir, 'PG_VERSION')).then(() => true, () => false)) return false;
  report(`first run: creating the pods store in ${layout.dataDir} (PostgreSQL ${binaries.version}; takes a few seconds)…`);
  const temp = `${layout.dataDir}.init`;
  await removeTree(temp);
  try {
    const args = ['-D', temp, '-U', SUPERUSER, '--auth-local=trust', '--auth-host=reject', '-E', 'UTF8', '--locale=C', '--no-instructions'];
    await promisify(execFile)(binaries.initdb, args, { env: serverEnvironment(binaries.env), cwd: layout.serverDir, timeout: 300_000, ...asOwner(owner) });
  } catch (error) {
    await removeTree(temp);
    const stderr = (error as { stderr?: string }).stderr ?? '';
    const cause = stderr.split('\n').filter((line) => /error|fatal|could not/i.test(line)).at(-1)?.replace(/^initdb:\s*(error:\s*)?/, '');
    throw new ManagedStoreError(`cannot create the pods store in ${layout.dataDir}: ${cause ?? (error instanceof Error ? error.message.split('\n')[0] : String(error))}`);
  }
  await removeTree(layout.dataDir);
  await rename(temp, layout.dataDir);
  return true;
}

export async function checkVersion(layout: ServerLayout, binaries: PostgresBinaries): Promise<void> {
  const text = (await readTextNoFollow(join(layout.dataDir, 'PG_VERSION')))?.trim() ?? '';
  if (!/^\d{1,4}$/.test(text)) throw new ManagedStoreError(`the store in ${layout.dataDir} has no readable PG_VERSION; it is not a PostgreSQL data directory`);
  if (text === binaries.major) return;
  const newer = Number(text) > Number(binaries.major);
  throw new ManagedStoreError(
    `the store in ${layout.dataDir} was written by PostgreSQL ${text}, and this pods bundles PostgreSQL ${binaries.version}` +
      (newer ? ': it was made by a newer version of pods; upgrade pods' : ': export it with that version, or point --db at a server of that version'),
  );
}
