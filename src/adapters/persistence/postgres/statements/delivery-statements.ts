import { CompiledQuery, type Kysely } from 'kysely';
import type { PodName } from '../../../../domain/pod-name.js';
import { isConnectionFailure } from '../connection/connection-failure.js';
import type { Database } from '../schema/database.js';

export type DeliveryRow = {
  readonly a: PodName;
  readonly b: PodName;
  readonly relationId: string;
  readonly seenPairSeq: number;
  readonly seenAutoTurns: number;
  readonly autoTurns: number;
  /** The xmin of the receiver's lease row the facts had, or null for none. */
  readonly leaseVersion: string | null;
  readonly to: PodName;
  readonly from: PodName;
  readonly at: Date;
  readonly body: string;
  /** The idempotency key as stored (JSON-encoded), or null. */
  readonly key: string | null;
  readonly notice: { readonly code: string; readonly text: string } | undefined;
};

/**
 * One delivery, one statement: the relation's counters move only if the facts hold, the receiver's
 * counter only if they did, the entry only if both did; no row back means stale. The InitPlan
 * `exists` locks the relation row before the Pod row, the order every writer takes them in.
 * $1–$3 pair and id, $4/$5 counters read, $6 new breaker counter, $7 receiver, $8 at, $9 body,
 * $10 sender, $11 key, $12 xmin of the receiver's lease row read (null: no lease).
 * Not checked: that `to` is no child of `from`: the handshake refuses such pairs, edges are never removed.
 */
const RELATION_AND_COUNTER = (entries: number) => `with rel as (
    update peer_relation set last_pair_seq = last_pair_seq + 1, auto_turns = $6
    where a = $1 and b = $2 and id = $3 and last_pair_seq = $4 and auto_turns = $5
      and (select xmin::text from lease where pod = $7) is not distinct from $12::text
    returning 1
  ), next as (
    update pod set last_seq = last_seq + ${entries} where name = $7 and exists (select from rel) returning last_seq
  )`;
const MESSAGE_SQL = `${RELATION_AND_COUNTER(1)}
  insert into history_entry (pod, seq, kind, at, body, from_pod, idempotency_key)
  select $7, last_seq, 'peer_message', $8::timestamptz, $9::json, $10, $11 from next
  returning seq`;
/** The same, and the breaker's notice right after the message ($13 code, $14 text), `seenThrough` the message's seq. */
const MESSAGE_AND_NOTICE_SQL = `${RELATION_AND_COUNTER(2)}
  insert into history_entry (pod, seq, kind, at, body, from_pod, idempotency_key)
  select $7, last_seq - 1, 'peer_message', $8::timestamptz, $9::json, $10, $11 from next
  union all
  select $7, last_seq, 'notice', $8::timestamptz, json_build_object('code', $13::text, 'text', $14::text, 'seenThrough', last_seq - 1), null, null from next
  returning seq`;

/**
 * Rows are locked in one global order (relations by pair, then Pods by name), so batches cannot deadlock.
 * Back: input position and seq of each delivery written; one missing is stale.
 */
const BATCH_SQL = `with input as (
    select * from unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::int[], $6::int[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[])
      with ordinality as i (a, b, id, seen_pair_seq, seen_auto_turns, auto_turns, lease_version, to_pod, at, body, from_pod, idempotency_key, notice_code, notice_text, n)
  ), locked as materialized (
    select r.a, r.b, i.n, i.to_pod, i.auto_turns, case when i.notice_code is null then 1 else 2 end as entries
    from peer_relation r
    join input i on r.a = i.a and r.b = i.b
    where r.id = i.id and r.last_pair_seq = i.seen_pair_seq and r.auto_turns = i.seen_auto_turns
      and (select l.xmin::text from lease l where l.pod = i.to_pod) is not distinct from i.lease_version
    order by r.a, r.b
    for update of r
  ), rel as (
    update peer_relation r set last_pair_seq = r.last_pair_seq + 1, auto_turns = l.auto_turns
    from locked l where r.a = l.a and r.b = l.b
    returning l.n, l.to_pod, l.entries
  ), totals as materialized (
    select to_pod, sum(entries)::int as entries from rel group by to_pod
  ), receivers as materialized (
    select p.name from pod p where p.name in (select to_pod from totals) order by p.name for update of p
  ), next as (
    update pod p set last_seq = p.last_seq + t.entries
    from totals t
    where p.name = t.to_pod and (select count(*) from receivers) > 0
    returning p.name, p.last_seq, t.entries
  ), placed as (
    select rel.n, rel.entries,
      next.last_seq - next.entries + (sum(rel.entries) over (partition by rel.to_pod order by rel.n)) - rel.entries + 1 as seq
    from rel join next on next.name = rel.to_pod
  ), added as (
    insert into history_entry (pod, seq, kind, at, body, from_pod, idempotency_key)
    select i.to_pod, p.seq, 'peer_message', i.at::timestamptz, i.body::json, i.from_pod, i.idempotency_key
    from placed p join input i on i.n = p.n
    union all
    select i.to_pod, p.seq + 1, 'notice', i.at::timestamptz, json_build_object('code', i.notice_code, 'text', i.notice_text, 'seenThrough', p.seq), null, null
    from placed p join input i on i.n = p.n
    where i.notice_code is not null
    returning 1
  )
  select n::int as n, seq::int as seq from placed`;

export async function writeOne(db: Kysely<Database>, row: DeliveryRow): Promise<number | 'stale'> {
  const params: unknown[] = [
    row.a, row.b, row.relationId, row.seenPairSeq, row.seenAutoTurns, row.autoTurns,
    row.to, row.at, row.body, row.from, row.key, row.leaseVersion,
  ];
  if (row.notice) params.push(row.notice.code, row.notice.text);
  const { rows } = await db.executeQuery<{ seq: number }>(CompiledQuery.raw(row.notice ? MESSAGE_AND_NOTICE_SQL : MESSAGE_SQL, params));
  return rows.length === 0 ? 'stale' : Math.min(...rows.map((r) => r.seq));
}

export async function writeBatch(db: Kysely<Database>, rows: readonly DeliveryRow[]): Promise<(number | 'stale')[]> {
  const column = <T>(pick: (row: DeliveryRow) => T) => rows.map(pick);
  const { rows: written } = await db.executeQuery<{ n: number; seq: number }>(
    CompiledQuery.raw(BATCH_SQL, [
      column((r) => r.a), column((r) => r.b), column((r) => r.relationId),
      column((r) => r.seenPairSeq), column((r) => r.seenAutoTurns), column((r) => r.autoTurns),
      column((r) => r.leaseVersion), column((r) => r.to), column((r) => r.at.toISOString()), column((r) => r.body),
      column((r) => r.from), column((r) => r.key), column((r) => r.notice?.code ?? null), column((r) => r.notice?.text ?? null),
    ]),
  );
  const seqs: (number | 'stale')[] = rows.map(() => 'stale');
  for (const { n, seq } of written) seqs[n - 1] = seq;
  return seqs;
}

const MAX_BATCH = 64;
/** One statement in flight: on two cores a second one mostly halves the batches (docs/benchmarks.md). */
const IN_FLIGHT = 1;

type Waiting = {
  readonly row: DeliveryRow;
  readonly resolve: (seq: number | 'stale') => void;
  readonly reject: (error: unknown) => void;
};

/** Group commit: waiting deliveries share one statement and commit, each relation once; a failed batch is retried one by one. */
export class DeliveryBatches {
  private readonly waiting: Waiting[] = [];
  private inFlight = 0;

  constructor(private readonly db: Kysely<Database>) {}

  write(row: DeliveryRow): Promise<number | 'stale'> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ row, resolve, reject });
      if (this.inFlight < IN_FLIGHT) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.inFlight += 1;
    try {
      for (let batch = this.next(); batch.length > 0; batch = this.next()) {
        await this.send(batch);
        // One turn of the event loop: what the senders just answered send next joins the next statement.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      this.inFlight -= 1;
    }
  }

  private next(): Waiting[] {
    const taken: Waiting[] = [];
    const kept: Waiting[] = [];
    const relations = new Set<string>();
    for (const w of this.waiting) {
      const relation = `${w.row.a}\u0000${w.row.b}`;
      if (taken.length < MAX_BATCH && !relations.has(relation)) {
        relations.add(relation);
        taken.push(w);
      } else kept.push(w);
    }
    this.waiting.splice(0, this.waiting.length, ...kept);
    return taken;
  }

  private async send(batch: readonly Waiting[]): Promise<void> {
    if (batch.length > 1) {
      try {
        const seqs = await writeBatch(this.db, batch.map((w) => w.row));
        batch.forEach((w, i) => w.resolve(seqs[i]!));
        return;
      } catch (error) {
        // Without the server, alone they would fail too, one connect timeout after another.
        if (isConnectionFailure(error)) {
          for (const w of batch) w.reject(error);
          return;
        }
      }
    }
    for (const w of batch) {
      try {
        w.resolve(await writeOne(this.db, w.row));
      } catch (error) {
        w.reject(error);
      }
    }
  }
}

const batchesByStore = new WeakMap<Kysely<Database>, DeliveryBatches>();

export function deliveryBatchesOf(db: Kysely<Database>): DeliveryBatches {
  let batches = batchesByStore.get(db);
  if (!batches) batchesByStore.set(db, (batches = new DeliveryBatches(db)));
  return batches;
}
