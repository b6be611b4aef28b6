import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openPostgresStore } from '../../src/adapters/persistence/postgres/open-postgres-store.js';
import { locatePostgresBinaries } from '../../src/adapters/persistence/managed-postgres/postgres-binaries.js';
import { prepareDirectories } from '../../src/adapters/persistence/managed-postgres/prepare-directories.js';
import { currentOwner } from '../../src/adapters/persistence/managed-postgres/private-directory.js';
import { serverEnvironment } from '../../src/adapters/persistence/managed-postgres/server-environment.js';
import { freshLayout, recordLayout, ROOT_SHARED_DIR, socketUrl, type ServerLayout } from '../../src/adapters/persistence/managed-postgres/server-layout.js';
import { asOwner, launch, probe } from '../../src/adapters/persistence/managed-postgres/server-process.js';
import { binariesRunnableBy, ensureServiceUser } from '../../src/adapters/persistence/managed-postgres/service-user.js';
import { withSocketClient } from '../../src/adapters/persistence/managed-postgres/socket-client.js';
import { until } from './until.js';

/**
 * A running managed store as pods made it before ADR 0016: initdb's superuser `pods`, trust
 * for everything on the socket (and initdb's host lines), and the schema migrated by that
 * superuser, with one Pod in it. Its layout file has no role.
 */
export async function runningEarlierStore(home: string): Promise<{ readonly layout: ServerLayout; readonly pid: number }> {
  const user = process.getuid?.() === 0 ? (await ensureServiceUser()).user : undefined;
  const owner = user ?? currentOwner();
  const layout = freshLayout(home, { uid: owner.uid, ...(user ? { user: user.name } : {}) });
  await recordLayout(layout);
  await prepareDirectories(layout, owner);
  let binaries = await locatePostgresBinaries(user ? join(ROOT_SHARED_DIR, 'lib-links') : join(layout.serverDir, 'lib-links'));
  if (user) binaries = await binariesRunnableBy(binaries, user, ROOT_SHARED_DIR);
  const initdb = ['-D', layout.dataDir, '-U', 'pods', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-instructions', '--no-sync'];
  await promisify(execFile)(binaries.initdb, initdb, { env: serverEnvironment(binaries.env), cwd: layout.serverDir, ...asOwner(owner) });
  const { pid } = await launch(layout, binaries, owner);
  await until(async () => ((await probe(layout.socketDir)) === 'needs-setup' ? true : undefined), 30_000, 'the earlier store server answers');
  await withSocketClient(layout.socketDir, 'postgres', (client) => client.query('create database pods'), 'pods');
  await (await openPostgresStore(socketUrl(layout.socketDir))).close();
  await withSocketClient(layout.socketDir, 'pods', (client) => client.query(`insert into pod (name, scope, created_at) values ('kept', '[]', now())`), 'pods');
  return { layout, pid };
}
