import { CompiledQuery, sql, type Kysely, type Selectable } from 'kysely';
import type { AuditRecord } from '../../../../domain/audit-record.js';
import type { PeerRelationRepository } from '../../../../application/ports/peer-relation-repository.js';
import type { OrderedPair, PeerRelation } from '../../../../domain/peer-relation.js';
import { PodName } from '../../../../domain/pod-name.js';
import type { Database, PeerRelationTable } from '../schema/database.js';

const toRelation = (row: Selectable<PeerRelationTable>): PeerRelation => ({
  id: row.id,
  a: PodName.unsafe(row.a),
  b: PodName.unsafe(row.b),
  since: row.since,
  initiatedFrom: PodName.unsafe(row.initiated_from),
  auditId: row.audit_id,
  lastPairSeq: row.last_pair_seq,
  autoTurns: row.auto_turns,
});

/** Added only between existing non-parent Pods (`peeringRefusal` in SQL) without a relation. $1…$8 relation, $9 audit JSON. */
const HANDSHAKE_SQL = `with added as (
    insert into peer_relation (a, b, id, since, initiated_from, audit_id, last_pair_seq, auto_turns)
    select $1::text, $2::text, $3::text, $4::timestamptz, $5::text, $6::text, $7::integer, $8::integer
    where exists (select from pod where name = $1::text) and exists (select from pod where name = $2::text)
      and not exists (
        select from child_ownership where (child = $1::text and parent = $2::text) or (child = $2::text and parent = $1::text)
      )
    on conflict (a, b) do nothing
    returning id
  ), audited as (
    insert into audit_record (id, pod, at, action, relation_id, counterpart, initiated_from, via)
    select r->>'id', r->>'pod', (r->>'at')::timestamptz, r->>'action', added.id, r->>'counterpart', r->>'initiated_from', r->>'via'
    from added, json_array_elements($9::json) with ordinality as e (r, n)
    order by e.n
    returning 1
  )
  select id from added`;

/** One row per pair (a, b) with `CHECK (a < b)`: the reverse direction cannot be stored. */
export class KyselyPeerRelationRepository implements PeerRelationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async addIfAbsent(relation: PeerRelation, handshake?: { readonly audit: readonly AuditRecord[] }): Promise<'added' | 'exists'> {
    if (handshake) return this.handshake(relation, handshake.audit);
    // ON CONFLICT waits for a concurrent insert of the same pair and then reports it.
    const inserted = await this.db
      .insertInto('peer_relation')
      .values({
        a: relation.a,
        b: relation.b,
        id: relation.id,
        since: relation.since,
        initiated_from: relation.initiatedFrom,
        audit_id: relation.auditId,
        last_pair_seq: relation.lastPairSeq,
        auto_turns: relation.autoTurns,
      })
      .onConflict((oc) => oc.columns(['a', 'b']).doNothing())
      .returning('id')
      .executeTakeFirst();
    return inserted ? 'added' : 'exists';
  }

  private async handshake(relation: PeerRelation, audit: readonly AuditRecord[]): Promise<'added' | 'exists'> {
    if (!(relation.a < relation.b)) throw new Error(`peer relation pair must be ordered: ${relation.a} < ${relation.b}`);
    const records = audit.map((r) => ({
      id: r.id, pod: r.pod, at: r.at, action: r.action, counterpart: r.counterpart, initiated_from: r.initiatedFrom, via: r.via,
    }));
    const { rows } = await this.db.executeQuery<{ id: string }>(CompiledQuery.raw(HANDSHAKE_SQL, [
      relation.a, relation.b, relation.id, relation.since, relation.initiatedFrom, relation.auditId, relation.lastPairSeq, relation.autoTurns,
      JSON.stringify(records),
    ]));
    return rows.length > 0 ? 'added' : 'exists';
  }

  async lockBetween(pair: OrderedPair): Promise<PeerRelation | undefined> {
    const row = await this.db
      .selectFrom('peer_relation')
      .selectAll()
      .where('a', '=', pair.a)
      .where('b', '=', pair.b)
      .forUpdate()
      .executeTakeFirst();
    return row && toRelation(row);
  }

  async listFor(pod: PodName): Promise<readonly PeerRelation[]> {
    const rows = await this.db
      .selectFrom('peer_relation')
      .selectAll()
      .where((eb) => eb.or([eb('a', '=', pod), eb('b', '=', pod)]))
      .orderBy('a')
      .orderBy('b')
      .execute();
    return rows.map(toRelation);
  }

  async remove(pair: OrderedPair): Promise<PeerRelation | undefined> {
    const row = await this.db
      .deleteFrom('peer_relation')
      .where('a', '=', pair.a)
      .where('b', '=', pair.b)
      .returningAll()
      .executeTakeFirst();
    return row && toRelation(row);
  }

  async saveCounters(relation: Pick<PeerRelation, 'a' | 'b' | 'lastPairSeq' | 'autoTurns'>): Promise<void> {
    await this.db
      .updateTable('peer_relation')
      .set({ last_pair_seq: relation.lastPairSeq, auto_turns: relation.autoTurns })
      .where('a', '=', relation.a)
      .where('b', '=', relation.b)
      .execute();
  }

  async resetAutoTurns(pod: PodName): Promise<void> {
    // Rows already at zero are left alone, so they are not locked either. The others are
    // locked in canonical pair order first, so two resets sharing relations cannot deadlock.
    await sql`update peer_relation set auto_turns = 0
      where (a, b) in (
        select a, b from peer_relation where (a = ${pod} or b = ${pod}) and auto_turns <> 0 order by a, b for update
      )`.execute(this.db);
  }
}
