import { sql, type Kysely } from 'kysely';
import { OVERVIEW_TAIL, type PodOverviewRow } from '../../../../application/ports/listing-reader.js';
import { PodName } from '../../../../domain/pod-name.js';
import { watermarkReached } from '../../../../domain/turn-trigger.js';
import type { Database } from '../schema/database.js';
import { date, leaseColumns, leaseOf, ms, podOf, type LeaseColumns } from '../statements/listing-columns.js';

type OverviewRow = LeaseColumns & {
  name: string; scope: unknown; parent: string | null; at: number; profile: string;
  last_seq: number; last_kind: string | null; last_at: number | null; last_code: string | null;
  unseen: number | null; oldest: number | null; seen: number | null; peers: string[] | null; auto_turns: number[] | null;
};

/** One statement whatever the number of Pods, each part an index lookup or range. */
export async function overviewRows(db: Kysely<Database>, among?: readonly PodName[]): Promise<readonly PodOverviewRow[]> {
  const only = among ? sql`where pod.name = any(${[...among]}::text[])` : sql``;
  const { rows } = await sql<OverviewRow>`select
      pod.name, pod.scope, pod.parent, ${ms('pod.created_at')} as at, pod.profile, pod.last_seq, ${leaseColumns},
      newest.kind as last_kind, ${ms('newest.at')} as last_at, newest.body->>'code' as last_code,
      tail.unseen::int as unseen, tail.oldest, tail.seen, peers.names as peers, peers.auto_turns
    from pod
    left join lease on lease.pod = pod.name
    left join history_entry newest on newest.pod = pod.name and newest.seq = pod.last_seq
    left join lateral (
      select count(*) filter (where recent.kind in ('user_input', 'peer_message', 'pod_event') and recent.seq > recent.seen) as unseen,
        min(recent.seq)::int as oldest, max(recent.seen)::int as seen
      from (
        select seq, kind, coalesce(max(case when kind in ('assistant_message', 'tool_call', 'notice')
          then coalesce((body->>'seenThrough')::int, seq) end) over (), 0) as seen
        from history_entry where history_entry.pod = pod.name and history_entry.seq > pod.last_seq - ${OVERVIEW_TAIL}
      ) recent
    ) tail on true
    left join lateral (
      select array_agg(other order by other) as names, array_agg(auto_turns order by other) as auto_turns
      from (select case when r.a = pod.name then r.b else r.a end as other, r.auto_turns from peer_relation r where r.a = pod.name or r.b = pod.name) pair
    ) peers on true
    ${only}
    order by pod.name`.execute(db);
  return rows.map((row) => {
    const name = PodName.unsafe(row.name);
    const lease = leaseOf(name, row);
    const last = row.last_kind === null || row.last_at === null ? undefined
      : { seq: row.last_seq, kind: row.last_kind, at: date(row.last_at), ...(row.last_code === null ? {} : { code: row.last_code }) };
    return {
      pod: podOf(name, row),
      ...(lease ? { lease } : {}),
      ...(last ? { last } : {}),
      unseenInput: row.unseen ?? 0,
      ...(row.oldest !== null && row.seen !== null && !watermarkReached(row.oldest, row.seen) ? { unseenMayBeMore: true as const } : {}),
      peers: (row.peers ?? []).map((peer, i) => ({ name: PodName.unsafe(peer), autoTurns: row.auto_turns?.[i] ?? 0 })),
    };
  });
}
