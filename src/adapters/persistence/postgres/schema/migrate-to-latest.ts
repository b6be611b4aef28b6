import { DEFAULT_MIGRATION_TABLE, Migrator, sql, type Kysely, type Migration } from 'kysely';
import { codeOf } from '../../../error-message.js';
import { MIGRATIONS } from './migrations/migrations.js';

/** The Migrator's advisory lock serializes concurrent openers; when the schema is current, one statement decides. */
export async function migrateToLatest(
  db: Kysely<any>,
  migrations: Readonly<Record<string, Migration>> = MIGRATIONS,
): Promise<void> {
  // (Not inside a transaction: a fresh store's missing table would abort it.)
  if (!db.isTransaction && (await isCurrent(db, migrations))) return;
  // Kysely looks for its bookkeeping tables in every schema unless told which one: with
  // two stores in one database (schemas on one search_path each), one would see the other's.
  const schema = (await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db)).rows[0]?.schema;
  if (!schema) throw new Error('no schema to migrate: the search_path names no existing schema');
  const applied = await appliedMigrations(db, schema);
  const unknown = applied.filter((name) => !Object.hasOwn(migrations, name));
  if (unknown.length > 0) {
    throw new Error(`the store's schema has migration ${unknown.sort().at(-1)}, which this version does not know: it was written by a newer version of pods`);
  }
  // Another process may have migrated since `isCurrent` read.
  if (Object.keys(migrations).every((name) => applied.includes(name))) return;
  const migrator = new Migrator({ db, migrationTableSchema: schema, provider: { getMigrations: async () => ({ ...migrations }) } });
  let { error, results } = await migrator.migrateToLatest();
  // Before it runs anything, the Migrator lists the tables of every schema, by name: a schema
  // another store's owner drops meanwhile fails that look (undefined_table, invalid_schema_name),
  // and nothing of ours. It looks again: its tables are made only when missing, and migrations run under its lock.
  for (let attempt = 1; attempt < LOOKS && error !== undefined && !results?.length && DROPPED_MEANWHILE.has(codeOf(error) ?? ''); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
    ({ error, results } = await migrator.migrateToLatest());
  }
  if (error === undefined) return;
  const failed = results?.find((r) => r.status === 'Error')?.migrationName;
  const reason = error instanceof Error ? error.message : String(error);
  throw new Error(failed ? `schema migration ${failed} failed: ${reason}` : `schema migration failed: ${reason}`);
}

async function appliedMigrations(db: Kysely<any>, schema: string): Promise<readonly string[]> {
  const table = DEFAULT_MIGRATION_TABLE;
  const { rows } = await sql<{ found: string | null }>`select to_regclass(format('%I.%I', ${schema}::text, ${table}::text))::text as found`.execute(db);
  if (!rows[0]?.found) return [];
  const applied = await sql<{ name: string }>`select name from ${sql.table(`${schema}.${table}`)}`.execute(db);
  return applied.rows.map((r) => r.name);
}

const UNDEFINED_TABLE = '42P01';
const DROPPED_MEANWHILE = new Set([UNDEFINED_TABLE, '3F000']);
const LOOKS = 20;

/** Current only if the search_path's bookkeeping table is this schema's and holds exactly `migrations`. */
async function isCurrent(db: Kysely<any>, migrations: Readonly<Record<string, Migration>>): Promise<boolean> {
  const table = DEFAULT_MIGRATION_TABLE;
  try {
    const { rows } = await sql<{ name: string; here: boolean }>`select name,
        tableoid = to_regclass(format('%I.%I', current_schema(), ${table}::text)) as here
      from ${sql.table(table)}`.execute(db);
    const known = Object.keys(migrations);
    return rows.length === known.length && rows.every((r) => r.here && Object.hasOwn(migrations, r.name));
  } catch (error) {
    if (codeOf(error) === UNDEFINED_TABLE) return false;
    throw error;
  }
}
