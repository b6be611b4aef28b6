import type { Kysely } from 'kysely';
import type { PodEventStream } from '../../events/pod-event-stream.js';
import type { Database } from './schema/database.js';

export type SqlStore = {
  readonly db: Kysely<Database>;
  readonly events: PodEventStream;
  readonly listening: () => Promise<void>;
  readonly close: () => Promise<void>;
};
