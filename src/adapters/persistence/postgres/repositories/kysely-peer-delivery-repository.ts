import { CompiledQuery, type Kysely } from 'kysely';
import type { DeliveryFacts, FactsVersion, PeerDeliveryRepository, PeerMessageWrite } from '../../../../application/ports/peer-delivery-repository.js';
import type { ChildOwnership } from '../../../../domain/child-ownership.js';
import type { EntryOf } from '../../../../domain/history-entry.js';
import { orderedPair } from '../../../../domain/peer-relation.js';
import { PodName } from '../../../../domain/pod-name.js';
import type { Lease } from '../../../../domain/pod-status.js';
import type { ScopeRule } from '../../../../domain/scope-rule.js';
import type { Announce } from '../notify/commit-notices.js';
import type { ChildOwnershipTable, Database, LeaseTable } from '../schema/database.js';
import { deliveryBatchesOf, writeOne, type DeliveryBatches, type DeliveryRow } from '../statements/delivery-statements.js';

/** Hot path, fixed SQL: $1/$2 ordered pair, $3 receiver, $4 sender, $5 idempotency key as stored (JSON) or null. */
const FACTS_SQL = `select
    r.id as r_id, r.since as r_since, r.initiated_from as r_initiated_from, r.audit_id as r_audit_id,
    r.last_pair_seq as r_last_pair_seq, r.auto_turns as r_auto_turns,
    c.scope as c_scope, c.state as c_state, c.spawned_at as c_spawned_at, c.stopped_at as c_stopped_at, c.output_cursor as c_output_cursor,
    l.host_id as l_host_id, l.status as l_status, l.expires_at as l_expires_at, l.driver as l_driver, l.renewed_at as l_renewed_at, l.xmin::text as l_version,
    h.seq as h_seq, h.at as h_at, h.body as h_body
  from (values (1)) as one (x)
  left join peer_relation r on r.a = $1 and r.b = $2
  left join child_ownership c on c.child = $3 and c.parent = $4
  left join lease l on l.pod = $3
  left join lateral (
    select seq, at, body from history_entry where pod = $3 and from_pod = $4 and idempotency_key = $5 order by seq limit 1
  ) h on true`;

type FactsRow = {
  r_id: string | null; r_since: Date | null; r_initiated_from: string | null; r_audit_id: string | null;
  r_last_pair_seq: number | null; r_auto_turns: number | null;
  c_scope: unknown; c_state: ChildOwnershipTable['state'] | null; c_spawned_at: Date | null; c_stopped_at: Date | null; c_output_cursor: number | null;
  l_host_id: string | null; l_status: LeaseTable['status'] | null; l_expires_at: Date | null; l_driver: LeaseTable['driver'] | null; l_renewed_at: Date | null; l_version: string | null;
  h_seq: number | null; h_at: Date | null; h_body: Record<string, unknown> | null;
};

const UNIQUE_VIOLATION = '23505';
const IDEMPOTENCY_INDEX = 'history_entry_peer_idempotency';

/** The facts' version: the version (xmin) of the receiver's lease row read, or none. */
const LEASE = 'lease:';
const versionOf = (leaseVersion: string | null): FactsVersion => `${LEASE}${leaseVersion ?? ''}` as FactsVersion;
function leaseVersionOf(version: FactsVersion): string | null {
  if (!version.startsWith(LEASE)) throw new Error('a delivery can only be written from the facts this store handed out');
  return version.slice(LEASE.length) || null;
}

/** Each pair's last written facts, so the next delivery starts with no read (the write checks them). Bounded. */
class RememberedFacts {
  private static readonly LIMIT = 4_096;
  private readonly pairs = new Map<string, DeliveryFacts>();

  get(from: PodName, to: PodName): DeliveryFacts | undefined {
    return this.pairs.get(`${from}\u0000${to}`);
  }
  set(from: PodName, to: PodName, facts: DeliveryFacts): void {
    const key = `${from}\u0000${to}`;
    this.pairs.delete(key);
    this.pairs.set(key, facts);
    if (this.pairs.size > RememberedFacts.LIMIT) this.pairs.delete(this.pairs.keys().next().value!);
  }
  forget(from: PodName, to: PodName): void {
    this.pairs.delete(`${from}\u0000${to}`);
  }
}
const rememberedByStore = new WeakMap<Kysely<Database>, RememberedFacts>();

export class KyselyPeerDeliveryRepository implements PeerDeliveryRepository {
  /** Outside a transaction only: inside one, every fact is read and every write is its own statement. */
  private readonly remembered: RememberedFacts | undefined;
  private readonly batches: DeliveryBatches | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly announce: Announce,
  ) {
    if (!db.isTransaction) {
      let remembered = rememberedByStore.get(db);
      if (!remembered) rememberedByStore.set(db, (remembered = new RememberedFacts()));
      this.remembered = remembered;
      this.batches = deliveryBatchesOf(db);
    }
  }

  async facts(from: PodName, to: PodName, idempotencyKey: string | undefined, options: { readonly lock?: boolean } = {}): Promise<DeliveryFacts> {
    if (!options.lock && idempotencyKey === undefined) {
      const known = this.remembered?.get(from, to);
      if (known) return known;
    }
    const { a, b } = orderedPair(from, to);
    // The locking variant (the last resort after stale writes) takes the row first; the facts then see it as locked.
    if (options.lock) await this.db.executeQuery(CompiledQuery.raw('select 1 from peer_relation where a = $1 and b = $2 for update', [a, b]));
    const key = idempotencyKey === undefined ? null : JSON.stringify(idempotencyKey);
    const { rows } = await this.db.executeQuery<FactsRow>(CompiledQuery.raw(FACTS_SQL, [a, b, to, from, key]));
    const row = rows[0];
    if (!row) throw new Error('the delivery facts query returned no row');
    const facts: DeliveryFacts = {
      relation: row.r_id === null || a === b ? undefined : {
        id: row.r_id, a, b, since: row.r_since!, initiatedFrom: PodName.unsafe(row.r_initiated_from!), auditId: row.r_audit_id!,
        lastPairSeq: row.r_last_pair_seq!, autoTurns: row.r_auto_turns!,
      },
      child: row.c_state === null ? undefined : childOf(row, from, to),
      lease: row.l_host_id === null ? undefined : leaseOf(row, to),
      first: row.h_seq === null ? undefined : ({ kind: 'peer_message', ...row.h_body, pod: to, seq: row.h_seq, at: row.h_at! } as EntryOf<'peer_message'>),
      version: versionOf(row.l_version),
    };
    return facts;
  }

  async write(d: PeerMessageWrite): Promise<{ readonly seq: number } | 'stale'> {
    const leaseVersion = leaseVersionOf(d.facts.version);
    const read = d.facts.relation;
    if (d.message.pairSeq !== read.lastPairSeq + 1) throw new Error(`peer message ${d.message.pairSeq} does not follow ${read.lastPairSeq}`);
    const { kind: _kind, ...rest } = d.message;
    const row: DeliveryRow = {
      a: read.a, b: read.b, relationId: read.id, seenPairSeq: read.lastPairSeq, seenAutoTurns: read.autoTurns, autoTurns: d.autoTurns,
      leaseVersion, to: d.to, from: d.message.from, at: d.at, body: JSON.stringify(rest),
      key: d.message.idempotencyKey === undefined ? null : JSON.stringify(d.message.idempotencyKey), notice: d.notice,
    };
    let seq: number | 'stale';
    try {
      // Outside a transaction, concurrent deliveries share statements (group commit); a keyed
      // one goes alone, so that a duplicate key fails no other delivery.
      seq = this.batches && row.key === null ? await this.batches.write(row) : await writeOne(this.db, row);
    } catch (error) {
      this.remembered?.forget(d.message.from, d.to);
      // The uniqueness backstop under the key: a concurrent first use won; the next read finds it.
      // Only outside a transaction, which the failed statement would have aborted.
      if (!this.db.isTransaction && isUniqueViolation(error, IDEMPOTENCY_INDEX)) return 'stale';
      throw error;
    }
    if (seq === 'stale') {
      this.remembered?.forget(d.message.from, d.to);
      return 'stale';
    }
    // What this write leaves: the next delivery on the pair may start from it.
    const next: DeliveryFacts = {
      relation: { ...read, lastPairSeq: d.message.pairSeq, autoTurns: d.autoTurns }, child: undefined, lease: d.facts.lease, first: undefined, version: d.facts.version,
    };
    this.remembered?.set(d.message.from, d.to, next);
    await this.announce(d.to, { history: true });
    return { seq };
  }
}

function childOf(row: FactsRow, parent: PodName, child: PodName): ChildOwnership {
  return {
    parent, child, scope: row.c_scope as readonly ScopeRule[], state: row.c_state!, spawnedAt: row.c_spawned_at!,
    ...(row.c_stopped_at === null ? {} : { stoppedAt: row.c_stopped_at }), outputCursor: row.c_output_cursor!,
  };
}

function leaseOf(row: FactsRow, pod: PodName): Lease {
  return { pod, hostId: row.l_host_id!, status: row.l_status!, expiresAt: row.l_expires_at!, driver: row.l_driver!, ...(row.l_renewed_at ? { renewedAt: row.l_renewed_at } : {}) };
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === UNIQUE_VIOLATION && 'constraint' in error && error.constraint === constraint;
}
