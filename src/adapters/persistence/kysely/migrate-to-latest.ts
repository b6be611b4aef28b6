import { DEFAULT_MIGRATION_TABLE, Migrator, sql, type Kysely, type Migration } from 'kysely';
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
  const unknown = (await appliedMigrations(db)).filter((name) => !Object.hasOwn(migrations, name));
  if (unknown.length > 0) {
    throw new Error(`the store's schema has migration ${unknown.sort().at(-1)}, which this version does not know: it was written by a newer version of pods`);
  }
  const migrator = new Migrator({ db, provider: { getMigrations: async () => ({ ...migrations }) } });
  const { error, results } = await migrator.migrateToLatest();
  if (error === undefined) return;
  const failed = results?.find((r) => r.status === 'Error')?.migrationName;
  const reason = error instanceof Error ? error.message : String(error);
  throw new Error(failed ? `schema migration ${failed} failed: ${reason}` : `schema migration failed: ${reason}`);
}

async function appliedMigrations(db: Kysely<any>): Promise<readonly string[]> {
  const table = DEFAULT_MIGRATION_TABLE;
  const { rows } = await sql<{ found: string | null }>`select to_regclass(${table})::text as found`.execute(db);
  if (!rows[0]?.found) return [];
  const applied = await sql<{ name: string }>`select name from ${sql.table(table)}`.execute(db);
  return applied.rows.map((r) => r.name);
}
