import { CompiledQuery, type Kysely } from 'kysely';
import type { Database } from '../schema/database.js';
import { channelSql } from './schema-channel.js';

/** `synchronous_commit` off: a notification is worth nothing after a crash, every listener's connection being gone. */
const NOTIFY_SQL = `select set_config('synchronous_commit', 'off', true) as sync, count(pg_notify(${channelSql('$1')}, payload)) as sent
  from (select payload from unnest($2::text[]) with ordinality as sent(payload, i) order by i) as ordered`;

/** A burst costs one statement per `gapMs`; a failed statement is lost, never retried: listeners look on their own. */
export class NotifyBatches {
  private sending: Promise<void> | undefined;
  private lastSent = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly channel: string,
    private readonly gapMs: number,
    private readonly take: () => readonly string[],
  ) {}

  kick(): void {
    this.sending ??= this.loop();
  }

  /** Resolves once everything kicked so far was sent, or failed. Before the pool closes. */
  async flush(): Promise<void> {
    while (this.sending) await this.sending;
  }

  private async loop(): Promise<void> {
    try {
      for (;;) {
        const wait = this.lastSent + this.gapMs - performance.now();
        // One tick at least: what is told together (commits that come back together, the deltas of one model chunk) shares a statement.
        await new Promise<void>((resolve) => (wait > 0 ? setTimeout(resolve, wait) : setImmediate(resolve)));
        const batch = this.take();
        if (batch.length === 0) return;
        this.lastSent = performance.now();
        try {
          await this.db.executeQuery(CompiledQuery.raw(NOTIFY_SQL, [this.channel, batch]));
        } catch {
          // Lost: see the class comment.
        }
      }
    } finally {
      this.sending = undefined;
    }
  }
}
