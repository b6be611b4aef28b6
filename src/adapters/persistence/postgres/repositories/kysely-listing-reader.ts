import { sql, type Kysely } from 'kysely';
import type { ListedPod, ListingPage, ListingQuery, ListingReader, PodOverviewRow, StorePage, StorePageQuery } from '../../../../application/ports/listing-reader.js';
import { orderedPair } from '../../../../domain/peer-relation.js';
import { PodName } from '../../../../domain/pod-name.js';
import { POD_STATUSES, type PodStatus } from '../../../../domain/pod-status.js';
import type { ScopeRule } from '../../../../domain/scope-rule.js';
import type { VisibleTotals } from '../../../../domain/visible-page.js';
import type { Database } from '../schema/database.js';
import { date, leaseColumns, leaseOf, ms, podOf, profileOf, type LeaseColumns } from '../statements/listing-columns.js';
import { listingPageStatement, prefixRange, type ListingPageRow, type PageJson } from '../statements/listing-page-statement.js';
import { overviewRows } from './kysely-overview.js';

const LIVE = ['idle', 'running'] as const;

export class KyselyListingReader implements ListingReader {
  constructor(private readonly db: Kysely<Database>) {}

  async page(query: ListingQuery): Promise<ListingPage | undefined> {
    const { rows } = await listingPageStatement(query).execute(this.db);
    const row = rows[0];
    if (!row?.self) return undefined;
    const caller = query.caller;
    const self = podOf(caller, row.self);
    const totals = totalsOf(row.totals);
    const own = { count: row.totals.children, live: LIVE.reduce((sum, s) => sum + row.totals.child_status[s], 0) };
    const listed = (row.page ?? []).map((p) => listedPod(caller, p, own));
    const pods = listed.slice(0, query.limit);
    const lent = row.lent?.flat() as ScopeRule[] | undefined;
    return { self, pods, more: listed.length > pods.length, ...(lent ? { lent } : {}), totals };
  }

  async storePage(query: StorePageQuery): Promise<StorePage> {
    const after = query.after === undefined ? sql`` : sql` and pod.name > ${query.after}`;
    const { rows } = await sql<LeaseColumns & { name: string; scope: unknown; parent: string | null; at: number; profile: string }>`select
        pod.name, pod.scope, pod.parent, ${ms('pod.created_at')} as at, pod.profile,
        ${leaseColumns}
      from pod left join lease on lease.pod = pod.name
      where true${after}${prefixRange('pod.name', query.prefix)}
      order by pod.name limit ${query.limit + 1}`.execute(this.db);
    const pods = rows.slice(0, query.limit).map((row) => {
      const name = PodName.unsafe(row.name);
      const lease = leaseOf(name, row);
      return lease ? { pod: podOf(name, row), lease } : { pod: podOf(name, row) };
    });
    return { pods, more: rows.length > pods.length };
  }

  overview(among?: readonly PodName[]): Promise<readonly PodOverviewRow[]> {
    return overviewRows(this.db, among);
  }
}

function listedPod(caller: PodName, p: PageJson, own: ListedPod['children']): ListedPod {
  const name = PodName.unsafe(p.pod);
  const lease = leaseOf(name, p);
  const profile = profileOf(p.profile);
  const extra = { ...(lease ? { lease } : {}), ...(profile ? { profile } : {}), children: p.kids === null || p.live_kids === null ? own : { count: p.kids, live: p.live_kids } };
  switch (p.rank) {
    case 0:
      return { name, reason: 'self', ...extra };
    case 1: {
      const scope = p.scope as readonly ScopeRule[];
      const base = { parent: caller, child: name, scope, state: p.state!, spawnedAt: date(p.spawned_at!), outputCursor: p.output_cursor! };
      return { name, reason: 'spawned_child', child: p.stopped_at === null ? base : { ...base, stoppedAt: date(p.stopped_at) }, ...extra };
    }
    case 2:
      return {
        name,
        reason: 'peer',
        peer: {
          id: p.id!, ...orderedPair(caller, name), since: date(p.since!), initiatedFrom: PodName.unsafe(p.initiated_from!),
          auditId: p.audit_id!, lastPairSeq: p.last_pair_seq!, autoTurns: p.auto_turns!,
        },
        ...(p.stopped_by === null ? {} : { stoppedBy: PodName.unsafe(p.stopped_by) }),
        ...extra,
      };
  }
}

/** Children and non-child peers each: the live ones by status, the rest stopped; the caller by its own status. */
function totalsOf(t: ListingPageRow['totals']): VisibleTotals {
  const peers = t.peers - t.peer_children;
  const status = Object.fromEntries(POD_STATUSES.map((s) => [s, 0])) as Record<PodStatus, number>;
  status[t.self_status ?? 'stopped'] += 1;
  let live = 0;
  for (const counted of [t.child_status, t.peer_status]) {
    for (const s of LIVE) {
      status[s] += counted[s];
      live += counted[s];
    }
  }
  status.stopped += t.children + peers - live;
  return { relation: { self: 1, spawned_child: t.children, peer: peers }, status };
}
