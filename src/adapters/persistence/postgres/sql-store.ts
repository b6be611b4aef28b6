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
