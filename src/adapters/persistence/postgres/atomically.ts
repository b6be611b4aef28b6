import type { Kysely } from 'kysely';

/** Joins the caller's transaction when `db` already is one: Kysely throws on `.transaction()` of a Transaction. */
export function atomically<DB, T>(db: Kysely<DB>, fn: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}
