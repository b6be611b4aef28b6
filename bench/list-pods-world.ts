import { sql, type Insertable, type Kysely } from 'kysely';
import type { ChildOwnershipTable, Database, LeaseTable, PeerRelationTable, PodTable } from '../src/adapters/persistence/postgres/schema/database.js';

/**
 * What a caller sees besides itself:
 * - `live`: only children, every one outstanding and held by a host; every fifth has a child of its own;
 * - `stopped`: only children, every one stopped by the caller (so each gets a restore check); every fifth has a child of its own;
 * - `mixed`: half children (every other one live, the first 40 % with a child of their own), half peers.
 */
export type ListingShape = 'live' | 'stopped' | 'mixed';

const CHUNK = 1_000;
const pad = (i: number): string => String(i).padStart(5, '0');
const write = (target: string) => [{ target, permission: 'write', recursive: true }];

/**
 * Seeds `boss` seeing `visible` Pods (itself included) in `shape`, with multi-row inserts
 * (the listing, not the seeding, is what is measured), then VACUUM ANALYZE, as autovacuum
 * would soon after. Names are prefixed with `boss`, so several seeds share one schema.
 */
export async function seedListing(db: Kysely<Database>, boss: string, visible: number, shape: ListingShape): Promise<void> {
  const now = new Date();
  const later = new Date(now.getTime() + 3_600_000);
  const pods: Insertable<PodTable>[] = [{ name: boss, scope: JSON.stringify(write('/work')), parent: null, created_at: now }];
  const edges: Insertable<ChildOwnershipTable>[] = [];
  const leases: Insertable<LeaseTable>[] = [];
  const relations: Insertable<PeerRelationTable>[] = [];
  const others = visible - 1;
  const children = shape === 'mixed' ? Math.floor(visible / 2) : others;
  for (let i = 0; i < children; i += 1) {
    const child = `${boss}-kid${pad(i)}`;
    const scope = JSON.stringify(write(`/work/${child}`));
    const stopped = shape === 'stopped';
    pods.push({ name: child, scope, parent: boss, created_at: now });
    edges.push({ parent: boss, child, scope, state: stopped ? 'stopped' : 'outstanding', spawned_at: now, stopped_at: stopped ? now : null, output_cursor: 0 });
    if (shape === 'live' || (shape === 'mixed' && i % 2 === 0)) leases.push({ pod: child, host_id: 'bench-host', status: 'idle', expires_at: later, driver: 'model' });
    if (shape === 'mixed' ? i < Math.floor(children * 0.4) : i % 5 === 0) {
      const grandchild = `${boss}-grand${pad(i)}`;
      pods.push({ name: grandchild, scope, parent: child, created_at: now });
      edges.push({ parent: child, child: grandchild, scope, state: 'outstanding', spawned_at: now, stopped_at: null, output_cursor: 0 });
    }
  }
  for (let i = 0; i < others - children; i += 1) {
    const peer = `${boss}-peer${pad(i)}`;
    pods.push({ name: peer, scope: '[]', parent: null, created_at: now });
    const [a, b] = boss < peer ? [boss, peer] : [peer, boss];
    relations.push({ a, b, id: `rel_${peer}`, since: now, initiated_from: boss, audit_id: `aud_${peer}`, last_pair_seq: 0, auto_turns: 0 });
  }
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < pods.length; i += CHUNK) await trx.insertInto('pod').values(pods.slice(i, i + CHUNK)).execute();
    for (let i = 0; i < edges.length; i += CHUNK) await trx.insertInto('child_ownership').values(edges.slice(i, i + CHUNK)).execute();
    for (let i = 0; i < leases.length; i += CHUNK) await trx.insertInto('lease').values(leases.slice(i, i + CHUNK)).execute();
    for (let i = 0; i < relations.length; i += CHUNK) await trx.insertInto('peer_relation').values(relations.slice(i, i + CHUNK)).execute();
  });
  await sql`vacuum analyze pod, child_ownership, lease, peer_relation`.execute(db);
}

/**
 * `count` Pods the callers cannot see, in families like theirs: a fifth are operator Pods
 * with four children each, every other one peered with the next, three in ten held by a
 * live lease. Their names (`zz…`) sort after every caller's, in the same indexes.
 */
export async function seedOthers(db: Kysely<Database>, count: number): Promise<void> {
  const roots = Math.floor(count / 5);
  await db.transaction().execute(async (trx) => {
    await sql`insert into pod (name, scope, parent, created_at)
      select 'zz' || lpad(i::text, 6, '0'), '[]', null, now() from generate_series(1, ${roots}::int) i`.execute(trx);
    await sql`insert into pod (name, scope, parent, created_at)
      select 'zz' || lpad(r::text, 6, '0') || '-k' || k, '[]', 'zz' || lpad(r::text, 6, '0'), now() from generate_series(1, ${roots}::int) r, generate_series(1, 4) k`.execute(trx);
    await sql`insert into child_ownership (child, parent, scope, state, spawned_at, output_cursor)
      select name, parent, '[]', 'outstanding', now(), 0 from pod where parent like 'zz%'`.execute(trx);
    await sql`insert into lease (pod, host_id, status, expires_at, driver, renewed_at)
      select name, 'other-host', 'idle', now() + interval '1 day', 'model', now() from pod where name like 'zz%' and abs(hashtext(name)) % 10 < 3`.execute(trx);
    await sql`insert into peer_relation (a, b, id, since, initiated_from, audit_id, last_pair_seq, auto_turns)
      select 'zz' || lpad(i::text, 6, '0'), 'zz' || lpad((i + 1)::text, 6, '0'), 'zzrel' || i, now(), 'zz' || lpad(i::text, 6, '0'), 'zzaud' || i, 0, 0
      from generate_series(1, ${roots - 1}::int, 2) i`.execute(trx);
  });
  await sql`vacuum analyze pod, child_ownership, lease, peer_relation`.execute(db);
}
