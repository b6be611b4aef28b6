import { sql, type Kysely, type Selectable } from 'kysely';
import type { HistoryRange, HistoryRepository } from '../../../application/ports/history-repository.js';
import type { EntryOf, HistoryEntry, HistoryEntryBody } from '../../../domain/history-entry.js';
import { PodName } from '../../../domain/pod-name.js';
import type { Database, HistoryEntryTable } from './database.js';
import { HISTORY_CHANNEL } from './listener-set.js';

const MAX_SEQ = 2 ** 31 - 1; // `seq` is an int4

const toEntry = (row: Pick<Selectable<HistoryEntryTable>, 'pod' | 'seq' | 'kind' | 'at' | 'body'>): HistoryEntry =>
  ({ kind: row.kind, ...row.body, pod: PodName.unsafe(row.pod), seq: row.seq, at: row.at }) as HistoryEntry;

const ENTRY_COLUMNS = ['pod', 'seq', 'kind', 'at', 'body'] as const;

export class KyselyHistoryRepository implements HistoryRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async append(pod: PodName, body: HistoryEntryBody, at: Date): Promise<HistoryEntry> {
    const { kind, ...rest } = body;
    const json = JSON.stringify(rest);
    const from = body.kind === 'peer_message' ? body.from : null;
    const key = body.kind === 'peer_message' && body.idempotencyKey !== undefined ? JSON.stringify(body.idempotencyKey) : null;
    // One round trip. The counter update row-locks the Pod until commit, so concurrent
    // appends queue up and a rolled-back append gives its number back: never max()+1.
    // pg_notify is transactional: hosts listening hear of the entry only once it commits.
    const { rows } = await sql<{ seq: number }>`
      with next as (update pod set last_seq = last_seq + 1 where name = ${pod} returning last_seq),
      added as (
        insert into history_entry (pod, seq, kind, at, body, from_pod, idempotency_key)
        select ${pod}, last_seq, ${kind}, ${at}::timestamptz, ${json}::json, ${from}, ${key} from next
        returning seq)
      select seq, pg_notify(${HISTORY_CHANNEL}, ${pod}) from added`.execute(this.db);
    const seq = rows[0]?.seq;
    if (seq === undefined) throw new Error(`cannot append to the history of unknown pod \`${pod}\``);
    return { kind, ...(JSON.parse(json) as object), pod, seq, at: new Date(at) } as HistoryEntry;
  }

  async read(pod: PodName, range: HistoryRange = {}): Promise<readonly HistoryEntry[]> {
    const limit = range.limit === undefined ? undefined : Math.trunc(range.limit);
    if (limit !== undefined && limit <= 0) return [];
    let query = this.db.selectFrom('history_entry').select(ENTRY_COLUMNS).where('pod', '=', pod).orderBy('seq');
    if (range.after !== undefined && range.after > 0) query = query.where('seq', '>', Math.min(range.after, MAX_SEQ));
    if (limit !== undefined) query = query.limit(limit);
    return (await query.execute()).map(toEntry);
  }

  async get(pod: PodName, seq: number): Promise<HistoryEntry | undefined> {
    if (!Number.isInteger(seq) || seq < 1 || seq > MAX_SEQ) return undefined;
    const row = await this.db
      .selectFrom('history_entry')
      .select(ENTRY_COLUMNS)
      .where('pod', '=', pod)
      .where('seq', '=', seq)
      .executeTakeFirst();
    return row && toEntry(row);
  }

  async head(pod: PodName): Promise<number> {
    // The append counter: the newest committed seq as this transaction sees it.
    const row = await this.db.selectFrom('pod').select('last_seq').where('name', '=', pod).executeTakeFirst();
    return row?.last_seq ?? 0;
  }

  async findPeerMessageByKey(receiver: PodName, from: PodName, key: string): Promise<EntryOf<'peer_message'> | undefined> {
    const row = await this.db
      .selectFrom('history_entry')
      .select(ENTRY_COLUMNS)
      .where('pod', '=', receiver)
      .where('from_pod', '=', from)
      .where('idempotency_key', '=', JSON.stringify(key))
      .orderBy('seq')
      .limit(1)
      .executeTakeFirst();
    return row && (toEntry(row) as EntryOf<'peer_message'>);
  }
}
