import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import { acquirePidFileLock } from '../../system/pid-file-lock.js';
import type { Database } from './database.js';
import { migrateToLatest } from './migrate-to-latest.js';
import { PgliteHistoryFeed } from './pglite-history-feed.js';
import { errorMessage } from '../../error-message.js';
import type { SqlStore } from './sql-store.js';

/**
 * Embedded PostgreSQL persisted in `dataDir` (created if absent), locked to this process
 * and migrated before it is returned.
 */
export async function openPgliteStore(dataDir: string): Promise<SqlStore> {
  const dir = resolve(dataDir);
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw new Error(`cannot create the PGlite store directory ${dir}: ${errorMessage(error)}`);
  }
  const lock = await acquirePidFileLock(join(dir, 'pods-store.lock'), {
    held: ({ pid, self }) =>
      new Error(self ? `the PGlite store at ${dir} is already open in this process` : `the PGlite store at ${dir} is in use by another process (pid ${pid}); stop it first`),
  });
  let db: Kysely<Database> | undefined;
  let feed: PgliteHistoryFeed | undefined;
  try {
    const pglite = await PGlite.create(dir);
    feed = new PgliteHistoryFeed(pglite);
    db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
    await migrateToLatest(db);
  } catch (error) {
    await db?.destroy().catch(() => undefined);
    await lock.release();
    throw new Error(`cannot open the PGlite store at ${dir}: ${errorMessage(error)}`);
  }
  const opened = db;
  const openedFeed = feed;
  return {
    db: opened,
    feed: openedFeed,
    close: async () => {
      try {
        await openedFeed?.close();
        await opened.destroy();
      } finally {
        await lock.release();
      }
    },
  };
}
