import { randomUUID } from 'node:crypto';
import { CompiledQuery, type Kysely } from 'kysely';
import { mergeChanges, type PodChanges } from '../../../../application/ports/pod-events.js';
import type { PodName } from '../../../../domain/pod-name.js';
import { PodEventStream } from '../../../events/pod-event-stream.js';
import type { Database } from '../schema/database.js';
import { NotifyBatches } from './notify-batches.js';
import { committedPayload, EVENTS_CHANNEL, type Origin } from './event-payloads.js';
import { channelSql } from './schema-channel.js';

export type Announce = (pod: PodName, changes: PodChanges) => Promise<void>;

/** `select pg_notify(…)` inside the caller's transaction: heard when, and only if, it commits, by every process (this one too). */
export async function notifyInTransaction(db: Kysely<Database>, changed: ReadonlyMap<PodName, PodChanges>): Promise<void> {
  const payloads = [...changed].map(([pod, changes]) => committedPayload('', pod, changes));
  if (payloads.length > 0) await db.executeQuery(CompiledQuery.raw(`select count(pg_notify(${channelSql('$1')}, payload)) as sent from unnest($2::text[]) as payload`, [EVENTS_CHANNEL, payloads]));
}

/** Notice statements of one process start at least this far apart: at most 1000 / this many a second. */
export const NOTICE_GAP_MS = 2;

/** NOTIFY in the writing transaction would serialize every committer on a database-wide lock (ADR 0011, 0018). */
export class CommitNotices {
  /** This process's name on the channel: its own notifications come back to it, and are skipped. */
  readonly origin: Origin = randomUUID().slice(0, 8);
  readonly events = new PodEventStream();
  private pending = new Map<PodName, PodChanges>();
  private readonly batches: NotifyBatches;

  constructor(db: Kysely<Database>) {
    this.batches = new NotifyBatches(db, EVENTS_CHANNEL, NOTICE_GAP_MS, () => {
      const batch = [...this.pending].map(([pod, changes]) => committedPayload(this.origin, pod, changes));
      this.pending = new Map();
      return batch;
    });
  }

  announce(changed: ReadonlyMap<PodName, PodChanges>): void {
    for (const [pod, changes] of changed) {
      this.events.emit({ type: 'committed', pod, changes });
      this.pending.set(pod, mergeChanges(this.pending.get(pod), changes));
    }
    if (this.pending.size > 0) this.batches.kick();
  }

  /** Resolves once every notice announced so far was sent, or failed. Before the pool closes. */
  flush(): Promise<void> {
    return this.batches.flush();
  }
}

const byStore = new WeakMap<Kysely<Database>, CommitNotices>();

/** The notifier of the store (pool) `db`: one per store, so its units of work share batches and one event stream. */
export function commitNoticesOf(db: Kysely<Database>): CommitNotices {
  let notices = byStore.get(db);
  if (!notices) {
    notices = new CommitNotices(db);
    byStore.set(db, notices);
  }
  return notices;
}
