import { Migrator, type Kysely, type Migration } from 'kysely';
import { MIGRATIONS } from './migrations/migrations.js';

/**
 * Brings a store to the newest schema. The provider is in code, so it works the same from
 * `src` under vitest and from `dist` under node. Concurrent openers of one server are
 * serialized by the Migrator's advisory lock.
 */
export async function migrateToLatest(
  db: Kysely<any>,
  migrations: Readonly<Record<string, Migration>> = MIGRATIONS,
): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => ({ ...migrations }) } });
  const { error, results } = await migrator.migrateToLatest();
  if (error === undefined) return;
  const failed = results?.find((r) => r.status === 'Error')?.migrationName;
  const reason = error instanceof Error ? error.message : String(error);
  throw new Error(failed ? `schema migration ${failed} failed: ${reason}` : `schema migration failed: ${reason}`);
}
