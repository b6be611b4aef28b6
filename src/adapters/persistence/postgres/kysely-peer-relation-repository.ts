import { sql, type Kysely, type Selectable } from 'kysely';
import type { PeerRelationRepository } from '../../../application/ports/peer-relation-repository.js';
import type { OrderedPair, PeerRelation } from '../../../domain/peer-relation.js';
import { PodName } from '../../../domain/pod-name.js';
import type { Database, PeerRelationTable } from './database.js';

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

/** One row per pair (a, b) with `CHECK (a < b)`: the reverse direction cannot be stored. */
export class KyselyPeerRelationRepository implements PeerRelationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async addIfAbsent(relation: PeerRelation): Promise<'added' | 'exists'> {
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
