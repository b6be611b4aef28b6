import { randomUUID } from 'node:crypto';
import { CompiledQuery, type Kysely } from 'kysely';
import { mergeChanges, type PodChanges } from '../../../../application/ports/pod-events.js';
import type { PodName } from '../../../../domain/pod-name.js';
import { PodEventStream } from '../../../events/pod-event-stream.js';
import type { Database } from '../schema/database.js';
import { NotifyBatches } from './notify-batches.js';
import { committedPayload, EVENTS_CHANNEL, type Origin } from './event-payloads.js';
import { channelSql } from './schema-channel.js';

/** A repository's word that a write changed `pod`. */
export type Announce = (pod: PodName, changes: PodChanges) => Promise<void>;

/** `select pg_notify(…)` inside the caller's transaction: heard when, and only if, it commits, by every process (this one too). */
export async function notifyInTransaction(db: Kysely<Database>, changed: ReadonlyMap<PodName, PodChanges>): Promise<void> {
  const payloads = [...changed].map(([pod, changes]) => committedPayload('', pod, changes));
  if (payloads.length > 0) await db.executeQuery(CompiledQuery.raw(`select count(pg_notify(${channelSql('$1')}, payload)) as sent from unnest($2::text[]) as payload`, [EVENTS_CHANNEL, payloads]));
}

/**
 * Statements of notices of one process start at least this far apart. A commit after a quiet
 * spell is announced on the next tick; under a stream of commits, each statement carries
 * every Pod announced since the last one, so a busy process sends at most 1000 / this many
 * of them a second, and a wake-up waits at most this long for its statement.
 */
export const NOTICE_GAP_MS = 2;

/**
 * Publishes committed changes after the commit (ADR 0011, ADR 0018): on this process's event
 * stream at once, and to other processes by NOTIFY, outside the writing transaction. NOTIFY
 * takes a database-wide lock from the notifying transaction's pre-commit until its end, so a
 * notification inside every delivery serialized every committing writer of the database on
 * that lock, WAL flush included. Here the writers commit without it, and the notifications of
 * one process go out together: one short statement per tick, at most one every
 * NOTICE_GAP_MS, each with every Pod changed since the last. A notice that never goes out
 * (the process dies right after a commit, the statement fails) costs latency, not an entry:
 * every watcher also looks on its own.
 */
export class CommitNotices {
  /** This process's name on the channel: its own notifications come back to it, and are skipped. */
  readonly origin: Origin = randomUUID().slice(0, 8);
  /** The store's event stream in this process. */
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

  /** A unit's changes have committed: told here now, and to other processes on the next tick. */
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
