import { sql, type RawBuilder } from 'kysely';
import type { ListingQuery } from '../../../../application/ports/listing-reader.js';
import { ms } from './listing-columns.js';


/** Names are `COLLATE "C"` ASCII below DEL, so those starting with `prefix` are [prefix, prefix + DEL): an index range. */
export const prefixRange = (column: string, prefix: string | undefined): RawBuilder<unknown> =>
  prefix === undefined ? sql`` : sql` and ${sql.ref(column)} >= ${prefix} and ${sql.ref(column)} < ${`${prefix}\u007f`}`;

/** Absent filters leave no text behind, so each combination is its own prepared statement with its own plan. */
export function listingPageStatement(q: ListingQuery): RawBuilder<ListingPageRow> {
  const n = q.limit + 1;
  const now = sql`${q.now}::timestamptz`;
  const me = q.caller;
  const after = (column: string) => (q.after === undefined ? sql`` : sql` and ${sql.ref(column)} > ${q.after}`);
  const withLease = (column: string) => (q.status === undefined ? sql`` : sql` left join lease l on l.pod = ${sql.ref(column)}`);
  const status = q.status === undefined
    ? sql``
    : q.status === 'stopped'
      ? sql` and (l.pod is null or l.expires_at <= ${now})`
      : sql` and l.expires_at > ${now} and l.status = ${q.status}`;
  const only = (column: string) => sql`${after(column)}${prefixRange(column, q.prefix)}${status}`;
  // A peer that is also a child is seen as a child: with only peers asked for, it is left out.
  const notChild = (column: string) => (q.relation === 'peer' ? sql` and not exists (select 1 from child_ownership k where k.child = ${sql.ref(column)} and k.parent = ${me})` : sql``);
  const sources: RawBuilder<unknown>[] = [];
  if (q.relation === undefined || q.relation === 'self') {
    sources.push(sql`select p.name as pod, 0 as rank from pod p${withLease('p.name')} where p.name = ${me}${only('p.name')}`);
  }
  if (q.relation === undefined || q.relation === 'spawned_child') {
    sources.push(sql`(select c.child, 1 from child_ownership c${withLease('c.child')} where c.parent = ${me}${only('c.child')} order by c.child limit ${n})`);
  }
  if (q.relation === undefined || q.relation === 'peer') {
    sources.push(sql`(select r.b, 2 from peer_relation r${withLease('r.b')} where r.a = ${me}${only('r.b')}${notChild('r.b')} order by r.b limit ${n})`);
    sources.push(sql`(select r.a, 2 from peer_relation r${withLease('r.a')} where r.b = ${me}${only('r.a')}${notChild('r.a')} order by r.a limit ${n})`);
  }
  const byStatus = (column: string) => sql`json_build_object(${sql.join((['idle', 'running'] as const).map((live) => sql`${sql.lit(live)}, count(*) filter (where ${sql.ref(column)} = ${sql.lit(live)})`))})`;
  const isChild = (column: string) => sql`exists (select 1 from child_ownership k where k.child = ${sql.ref(column)} and k.parent = ${me})`;
  return sql<ListingPageRow>`with
    candidate (pod, rank) as (${sql.join(sources, sql` union all `)}),
    page as (select distinct on (pod) pod, rank from candidate order by pod, rank limit ${n}),
    rels (peer) as (select b from peer_relation where a = ${me} union all select a from peer_relation where b = ${me})
  select
    (select json_build_object('name', p.name, 'scope', p.scope, 'parent', p.parent, 'at', ${ms('p.created_at')}, 'profile', p.profile)
      from pod p where p.name = ${me}) as self,
    (select json_agg(json_build_object(
        'pod', page.pod, 'rank', page.rank, 'profile', p.profile,
        'scope', c.scope, 'state', c.state, 'spawned_at', ${ms('c.spawned_at')}, 'stopped_at', ${ms('c.stopped_at')}, 'output_cursor', c.output_cursor,
        'id', r.id, 'since', ${ms('r.since')}, 'initiated_from', r.initiated_from, 'audit_id', r.audit_id, 'last_pair_seq', r.last_pair_seq, 'auto_turns', r.auto_turns,
        'host_id', l.host_id, 'status', l.status, 'expires_at', ${ms('l.expires_at')}, 'driver', l.driver, 'renewed_at', ${ms('l.renewed_at')},
        -- The caller's own children are counted once, for the totals.
        'stopped_by', case when page.rank = 2 then (select k.parent from child_ownership k where k.child = page.pod and k.state = 'stopped') end,
        'kids', case when page.rank > 0 then (select count(*) from child_ownership g where g.parent = page.pod) end,
        'live_kids', case when page.rank > 0 then (select count(*) from lease gl where gl.parent = page.pod and gl.expires_at > ${now}) end
      ) order by page.pod)
      from page
        join pod p on p.name = page.pod
        left join child_ownership c on page.rank = 1 and c.child = page.pod
        left join peer_relation r on page.rank = 2 and r.a = least(page.pod, ${me}) and r.b = greatest(page.pod, ${me})
        left join lease l on l.pod = page.pod) as page,
    (select json_agg(c.scope) from child_ownership c where c.parent = ${me} and c.state = 'outstanding'
      and exists (select 1 from page join child_ownership s on s.child = page.pod where page.rank = 1 and s.state = 'stopped')) as lent,
    json_build_object(
      'children', (select count(*) from child_ownership where parent = ${me}),
      'peers', (select count(*) from rels),
      'peer_children', (select count(*) from rels where ${isChild('rels.peer')}),
      'self_status', (select case when l.expires_at > ${now} then l.status else 'stopped' end from pod p left join lease l on l.pod = p.name where p.name = ${me}),
      'child_status', (select ${byStatus('status')} from lease where parent = ${me} and expires_at > ${now}),
      'peer_status', (select ${byStatus('l.status')} from rels join lease l on l.pod = rels.peer
        where l.expires_at > ${now} and not ${isChild('rels.peer')})
    ) as totals`;
}

type Live = 'idle' | 'running';

/** A Pod on the page as the statement gives it: `rank` 0 self, 1 a child (the `c` columns), 2 a peer (the `r` columns). */
export type PageJson = {
  pod: string; rank: 0 | 1 | 2; profile: string;
  scope: unknown; state: 'outstanding' | 'stopped' | null; spawned_at: number | null; stopped_at: number | null; output_cursor: number | null;
  id: string | null; since: number | null; initiated_from: string | null; audit_id: string | null; last_pair_seq: number | null; auto_turns: number | null;
  host_id: string | null; status: Live | null; expires_at: number | null; driver: 'model' | 'mcp' | 'acp' | null; renewed_at: number | null;
  /** A peer its parent stopped: that parent. */
  stopped_by: string | null;
  /** Null for the caller: its children are in the totals. */
  kids: number | null; live_kids: number | null;
};

export type ListingPageRow = {
  self: { name: string; scope: unknown; parent: string | null; at: number; profile: string } | null;
  page: PageJson[] | null;
  lent: unknown[][] | null;
  totals: {
    children: number; peers: number; peer_children: number; self_status: Live | 'stopped' | null;
    child_status: Record<Live, number>; peer_status: Record<Live, number>;
  };
};
