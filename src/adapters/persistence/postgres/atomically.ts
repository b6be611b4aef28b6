import type { Kysely } from 'kysely';

/**
 * Runs `fn` in a transaction, joining the caller's when `db` already is one: Kysely throws
 * on `.transaction()` called on a Transaction.
 */
export function atomically<DB, T>(db: Kysely<DB>, fn: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}
