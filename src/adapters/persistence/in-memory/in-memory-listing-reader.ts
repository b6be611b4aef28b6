import { OVERVIEW_TAIL, type ListedPod, type ListingPage, type ListingQuery, type ListingReader, type PodOverviewRow, type StorePage, type StorePageQuery } from '../../../application/ports/listing-reader.js';
import { lentScope, stoppedByParent, type ChildOwnership } from '../../../domain/child-ownership.js';
import { otherSide, type PeerRelation } from '../../../domain/peer-relation.js';
import { INPUT_KINDS, watermark, watermarkReached } from '../../../domain/turn-trigger.js';
import type { PodName } from '../../../domain/pod-name.js';
import { isLive, statusOf } from '../../../domain/pod-status.js';
import { matchesFilter, totalsOf } from '../../../domain/visible-page.js';
import { visibleInOrder } from '../../../domain/visibility.js';
import type { InMemoryTables } from './in-memory-tables.js';

const byName = (x: { readonly name: string }, y: { readonly name: string }) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0);

/** One pass with no await (a snapshot, as one statement is), applying the domain's rules to every row: tests only. */
export class InMemoryListingReader implements ListingReader {
  constructor(private readonly t: InMemoryTables) {}

  async page(query: ListingQuery): Promise<ListingPage | undefined> {
    const { caller, now } = query;
    const self = this.t.pods.get(caller);
    if (!self) return undefined;
    const children: ChildOwnership[] = [];
    for (const edge of this.t.children.values()) if (edge.parent === caller) children.push(edge);
    const relations: PeerRelation[] = [];
    for (const relation of this.t.relations.values()) if (relation.a === caller || relation.b === caller) relations.push(relation);

    const visible = visibleInOrder(caller, children, relations).map((v) => ({ ...v, status: statusOf(this.t.leases.get(v.name), now) }));
    const matching = visible.filter((v) => matchesFilter(query, v.name, v.reason, v.status));
    const pods = matching.slice(0, query.limit).map(({ index: _index, status: _status, ...v }): ListedPod => {
      const lease = this.t.leases.get(v.name);
      const profile = this.t.pods.get(v.name)?.profile;
      const stopped = v.reason === 'peer' ? stoppedByParent(this.t.children.get(v.name)) : undefined;
      return { ...v, ...(stopped ? { stoppedBy: stopped.parent } : {}), ...(lease ? { lease } : {}), ...(profile ? { profile } : {}), children: this.childrenOf(v.name, now) };
    });
    const stoppedChild = pods.some((p) => p.reason === 'spawned_child' && p.child.state === 'stopped');
    return {
      self,
      pods,
      more: matching.length > pods.length,
      ...(stoppedChild ? { lent: lentScope(children) } : {}),
      totals: totalsOf(visible),
    };
  }

  async storePage(query: StorePageQuery): Promise<StorePage> {
    const { after, prefix, limit } = query;
    const matching = [...this.t.pods.values()]
      .filter((pod) => (after === undefined || pod.name > after) && (prefix === undefined || pod.name.startsWith(prefix)))
      .sort(byName);
    const pods = matching.slice(0, limit).map((pod) => {
      const lease = this.t.leases.get(pod.name);
      return lease ? { pod, lease } : { pod };
    });
    return { pods, more: matching.length > pods.length };
  }

  private childrenOf(parent: PodName, now: Date): ListedPod['children'] {
    let count = 0;
    let live = 0;
    for (const edge of this.t.children.values()) {
      if (edge.parent !== parent) continue;
      count += 1;
      if (isLive(this.t.leases.get(edge.child), now)) live += 1;
    }
    return { count, live };
  }

  async overview(among?: readonly PodName[]): Promise<readonly PodOverviewRow[]> {
    const wanted = among && new Set<string>(among);
    const every = (await this.storePage({ limit: Number.MAX_SAFE_INTEGER })).pods;
    return every.filter(({ pod }) => !wanted || wanted.has(pod.name)).map((row) => {
      const name = row.pod.name;
      const tail = (this.t.history.get(name) ?? []).slice(-OVERVIEW_TAIL);
      const seen = watermark(tail);
      const last = tail.at(-1);
      const peers = [...this.t.relations.values()]
        .filter((r) => r.a === name || r.b === name)
        .map((r) => ({ name: otherSide(r, name), autoTurns: r.autoTurns }))
        .sort((x, y) => (x.name < y.name ? -1 : 1));
      return {
        ...row,
        ...(last ? { last: { seq: last.seq, kind: last.kind, at: last.at, ...(last.kind === 'notice' ? { code: last.code } : {}) } } : {}),
        unseenInput: tail.filter((e) => e.seq > seen && INPUT_KINDS.has(e.kind)).length,
        ...(tail[0] && !watermarkReached(tail[0].seq, seen) ? { unseenMayBeMore: true as const } : {}),
        peers,
      };
    });
  }
}
