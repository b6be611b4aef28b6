import type { Kysely } from 'kysely';
import type { HistoryFeed } from '../../../application/ports/history-feed.js';
import type { Database } from './database.js';

/** An opened, migrated SQL store. */
export type SqlStore = {
  readonly db: Kysely<Database>;
  /** Commits to any Pod's history, as the database announces them; closed with the store. */
  readonly feed?: HistoryFeed;
  /** Destroys the Kysely instance (pool or embedded database) and releases any lock. */
  readonly close: () => Promise<void>;
};

/**
 * The first line of an error's message: the CLI prints a store failure as one line. A
 * refused connection to `localhost` is an AggregateError with an empty message (one inner
 * error per address tried); the first inner error speaks for it.
 */
export function reasonOf(error: unknown): string {
  if (error instanceof AggregateError && error.message === '' && error.errors.length > 0) return reasonOf(error.errors[0]);
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split(/\r?\n/).find((l) => l.trim() !== '')?.trim();
  if (line) return line;
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  return typeof code === 'string' ? code : 'unknown error';
}
