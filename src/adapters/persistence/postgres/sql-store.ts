import type { Kysely } from 'kysely';
import type { PodEventStream } from '../../events/pod-event-stream.js';
import type { Database } from './schema/database.js';

/** An opened, migrated SQL store. */
export type SqlStore = {
  readonly db: Kysely<Database>;
  /**
   * The store's event stream in this process: its units of work publish on it after they
   * commit, and once it has a listener it also hears what other processes announce (LISTEN).
   */
  readonly events: PodEventStream;
  /** Resolves once the stream listens to other processes (it starts with its first listener). */
  readonly listening: () => Promise<void>;
  /** Sends the notices of commits made, stops listening, destroys the pool. */
  readonly close: () => Promise<void>;
};
