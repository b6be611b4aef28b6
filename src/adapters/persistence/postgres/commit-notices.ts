import { CompiledQuery, type Kysely } from 'kysely';
import type { PodName } from '../../../domain/pod-name.js';
import type { Database } from './database.js';
import { HISTORY_CHANNEL } from './listener-set.js';

/**
 * One statement for a batch of Pods: a notification per Pod on the feed's channel, in a
 * transaction of its own that does not wait for its commit record to reach the disk
 * (`synchronous_commit` off for it alone): a notice is a hint that is worth nothing after a
 * server crash, since every listener's connection is gone with it.
 */
const NOTIFY_SQL = `select set_config('synchronous_commit', 'off', true) as sync, count(pg_notify($1, pod)) as sent from unnest($2::text[]) as pod`;

/** A repository's word that a write changed `pod` (its history, its existence, its lease). */
export type Announce = (pod: PodName) => Promise<void>;

/** `select pg_notify(…)` inside the caller's transaction: heard when, and only if, it commits. */
export async function notifyInTransaction(db: Kysely<Database>, pods: Iterable<PodName>): Promise<void> {
  const batch = [...new Set(pods)];
  if (batch.length > 0) await db.executeQuery(CompiledQuery.raw(`select count(pg_notify($1, pod)) as sent from unnest($2::text[]) as pod`, [HISTORY_CHANNEL, batch]));
}

/**
 * Statements of notices of one process start at least this far apart. A commit after a quiet
 * spell is announced on the next tick; under a stream of commits, each statement carries
 * every Pod announced since the last one, so a busy process sends at most 1000 / this many
 * of them a second, and a wake-up waits at most this long for its statement.
 */
export const NOTICE_GAP_MS = 2;

/**
 * Announces committed changes on the feed's channel after the commit, outside the writing
 * transaction (ADR 0011). NOTIFY takes a database-wide lock from the notifying transaction's
 * pre-commit until its end, so a notification inside every delivery serialized every
 * committing writer of the database on that lock, WAL flush included. Here the writers
 * commit without it, and the notifications of one process go out together: one short
 * statement per tick, at most one every NOTICE_GAP_MS, each with every Pod announced since
 * the last. A notice that never goes out (the process dies right after a commit, the
 * statement fails) costs latency, not an entry: every listener also looks on its own
 * (hosts every `pollMs`, 2 s by default; see the ADR).
 */
export class CommitNotices {
  private readonly pending = new Set<PodName>();
  private sending: Promise<void> | undefined;
  private lastSent = Number.NEGATIVE_INFINITY;

  constructor(private readonly db: Kysely<Database>) {}

  /** Changes to `pods` have committed: notify on the next tick, with whatever else commits by then. */
  announce(pods: Iterable<PodName>): void {
    for (const pod of pods) this.pending.add(pod);
    if (this.pending.size > 0) this.sending ??= this.send();
  }

  /** Resolves once every notice announced so far was sent, or failed. Before the pool closes. */
  async flush(): Promise<void> {
    while (this.sending) await this.sending;
  }

  private async send(): Promise<void> {
    try {
      // One tick: the deliveries whose commits come back together share a statement.
      await new Promise<void>((resolve) => setImmediate(resolve));
      while (this.pending.size > 0) {
        const wait = this.lastSent + NOTICE_GAP_MS - performance.now();
        if (wait > 0) await new Promise<void>((resolve) => setTimeout(resolve, wait));
        const batch = [...this.pending];
        this.pending.clear();
        this.lastSent = performance.now();
        try {
          await this.db.executeQuery(CompiledQuery.raw(NOTIFY_SQL, [HISTORY_CHANNEL, batch]));
        } catch {
          // Lost notices: the entries are committed, and every listener polls (ADR 0011).
        }
      }
    } finally {
      this.sending = undefined;
    }
  }
}

const byStore = new WeakMap<Kysely<Database>, CommitNotices>();

/** The notifier of the store (pool) `db`: one per store, so its units of work share batches. */
export function commitNoticesOf(db: Kysely<Database>): CommitNotices {
  let notices = byStore.get(db);
  if (!notices) {
    notices = new CommitNotices(db);
    byStore.set(db, notices);
  }
  return notices;
}
