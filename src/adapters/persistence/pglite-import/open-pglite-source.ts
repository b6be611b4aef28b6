import { join, resolve } from 'node:path';
import { Kysely } from 'kysely';
import { errorMessage } from '../../error-message.js';
import { acquirePidFileLock, type PidFileLock } from '../../system/pid-file-lock.js';
import type { Database } from '../postgres/schema/database.js';
import { migrateToLatest } from '../postgres/schema/migrate-to-latest.js';

/** The lock file an earlier pods kept in its PGlite directory while it had the store open. */
export const PGLITE_LOCK_FILE = 'pods-store.lock';

export type PgliteSource = { readonly db: Kysely<Database>; readonly close: () => Promise<void> };

/** Locked the way that version locked it, so a running old pods is never read under. */
export async function openPgliteSource(dataDir: string): Promise<PgliteSource> {
  const dir = resolve(dataDir);
  const lock: PidFileLock = await acquirePidFileLock(join(dir, PGLITE_LOCK_FILE), {
    held: ({ pid }) => new Error(`the PGlite store at ${dir} is in use by another process (pid ${pid}, an earlier pods?); stop it first`),
  });
  let db: Kysely<Database> | undefined;
  try {
    // Loaded here, not at start-up: only this command ever needs WebAssembly PostgreSQL.
    const [{ PGlite }, { PGliteDialect }] = await Promise.all([import('@electric-sql/pglite'), import('kysely-pglite-dialect')]);
    db = new Kysely<Database>({ dialect: new PGliteDialect(await PGlite.create(dir)) });
    await migrateToLatest(db);
  } catch (error) {
    await db?.destroy().catch(() => undefined);
    await lock.release();
    throw new Error(`cannot open the PGlite store at ${dir}: ${errorMessage(error)}`);
  }
  const opened = db;
  return {
    db: opened,
    close: async () => {
      try {
        await opened.destroy();
      } finally {
        await lock.release();
      }
    },
  };
}
