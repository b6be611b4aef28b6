import { CompiledQuery, sql, type Kysely, type Selectable } from 'kysely';
import type { HistoryRange, HistoryRepository, SeenHead } from '../../../../application/ports/history-repository.js';
import type { EntryOf, HistoryEntry, HistoryEntryBody } from '../../../../domain/history-entry.js';
import { PodName } from '../../../../domain/pod-name.js';
import type { Database, HistoryEntryTable } from '../schema/database.js';
import type { Announce } from '../notify/commit-notices.js';

const MAX_SEQ = 2 ** 31 - 1; // `seq` is an int4

const toEntry = (row: Pick<Selectable<HistoryEntryTable>, 'pod' | 'seq' | 'kind' | 'at' | 'body'>): HistoryEntry =>
  ({ kind: row.kind, ...row.body, pod: PodName.unsafe(row.pod), seq: row.seq, at: row.at }) as HistoryEntry;

const ENTRY_COLUMNS = ['pod', 'seq', 'kind', 'at', 'body'] as const;

/** The counter update row-locks the Pod until commit: appends queue up, a rolled-back one gives its number back. */
const APPEND_SQL = `with next as (update pod set last_seq = last_seq + 1 where name = $1 returning last_seq)
  insert into history_entry (pod, seq, kind, at, body, from_pod, idempotency_key)
  select $1, last_seq, $2, $3::timestamptz, $4::json, $5, $6 from next
  returning seq`;

export class KyselyHistoryRepository implements HistoryRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly announce: Announce,
  ) {}

  async append(pod: PodName, body: HistoryEntryBody, at: Date): Promise<HistoryEntry> {
    const { kind, ...rest } = body;
    const json = JSON.stringify(rest);
    const from = body.kind === 'peer_message' ? body.from : null;
    const key = body.kind === 'peer_message' && body.idempotencyKey !== undefined ? JSON.stringify(body.idempotencyKey) : null;
    const { rows } = await this.db.executeQuery<{ seq: number }>(CompiledQuery.raw(APPEND_SQL, [pod, kind, at, json, from, key]));
    const seq = rows[0]?.seq;
    if (seq === undefined) throw new Error(`cannot append to the history of unknown pod \`${pod}\``);
    await this.announce(pod, { history: true });
    return { kind, ...(JSON.parse(json) as object), pod, seq, at: new Date(at) } as HistoryEntry;
  }

  async read(pod: PodName, range: HistoryRange = {}): Promise<readonly HistoryEntry[]> {
    const limit = range.limit === undefined ? undefined : Math.trunc(range.limit);
    if (limit !== undefined && limit <= 0) return [];
    const backwards = range.before !== undefined;
    let query = this.db.selectFrom('history_entry').select(ENTRY_COLUMNS).where('pod', '=', pod).orderBy('seq', backwards ? 'desc' : 'asc');
    if (range.after !== undefined && range.after > 0) query = query.where('seq', '>', Math.min(range.after, MAX_SEQ));
    // Past MAX_SEQ it bounds nothing, and as a parameter it would not fit an int4.
    if (range.before !== undefined && range.before <= MAX_SEQ) query = query.where('seq', '<', Math.max(0, Math.ceil(range.before)));
    if (limit !== undefined) query = query.limit(limit);
    const rows = (await query.execute()).map(toEntry);
    return backwards ? rows.reverse() : rows;
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

  async headsBeyond(seen: readonly SeenHead[]): Promise<readonly PodName[]> {
    if (seen.length === 0) return [];
    // The append counters of every Pod asked about, compared in the server: one statement, only the Pods that grew come back.
    const { rows } = await sql<{ name: string }>`
      select pod.name from pod
      join unnest(${seen.map((s) => s.pod)}::text[], ${seen.map((s) => Math.min(Math.max(0, Math.trunc(s.seq)), MAX_SEQ))}::int4[]) as s(name, seq) on pod.name = s.name
      where pod.last_seq > s.seq`.execute(this.db);
    return rows.map((row) => PodName.unsafe(row.name));
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
