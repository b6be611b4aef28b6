import { OVERVIEW_TAIL, type ChildEdge, type ListingReader, type PodAndLease, type PodOverviewRow, type Surroundings } from '../../../application/ports/listing-reader.js';
import { INPUT_KINDS, watermark } from '../../../domain/turn-trigger.js';
import type { ChildOwnership } from '../../../domain/child-ownership.js';
import { otherSide, type PeerRelation } from '../../../domain/peer-relation.js';
import type { PodName } from '../../../domain/pod-name.js';
import type { InMemoryTables } from './in-memory-tables.js';

/** Each read is one pass over the tables it needs, with no await inside: a snapshot, as one SQL statement is. */
export class InMemoryListingReader implements ListingReader {
  constructor(private readonly t: InMemoryTables) {}

  async surroundings(caller: PodName): Promise<Surroundings | undefined> {
    const self = this.t.pods.get(caller);
    if (!self) return undefined;
    const leaseOn = (pod: string) => this.t.leases.get(pod);
    const children: ChildOwnership[] = [];
    const others = new Set<string>();
    for (const edge of this.t.children.values()) {
      if (edge.parent === caller) {
        children.push(edge);
        others.add(edge.child);
      }
    }
    const relations: PeerRelation[] = [];
    for (const relation of this.t.relations.values()) {
      if (relation.a !== caller && relation.b !== caller) continue;
      relations.push(relation);
      others.add(otherSide(relation, caller));
    }
    const grandchildren: ChildEdge[] = [];
    for (const edge of this.t.children.values()) {
      if (!others.has(edge.parent)) continue;
      const lease = leaseOn(edge.child);
      grandchildren.push(lease ? { parent: edge.parent, child: edge.child, lease } : { parent: edge.parent, child: edge.child });
    }
    const leases = {
      children: children.map((c) => leaseOn(c.child)),
      relations: relations.map((r) => leaseOn(otherSide(r, caller))),
    };
    const selfLease = leaseOn(caller);
    const profileOf = (pod: string) => this.t.pods.get(pod)?.profile;
    const profiles = { children: children.map((c) => profileOf(c.child)), relations: relations.map((r) => profileOf(otherSide(r, caller))) };
    return { self, children, relations, grandchildren, leases: selfLease ? { self: selfLease, ...leases } : leases, profiles };
  }

  async everyPod(): Promise<readonly PodAndLease[]> {
    return [...this.t.pods.values()]
      .sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0))
      .map((pod) => {
        const lease = this.t.leases.get(pod.name);
        return lease ? { pod, lease } : { pod };
      });
  }

  async overview(among?: readonly PodName[]): Promise<readonly PodOverviewRow[]> {
    const wanted = among && new Set<string>(among);
    return (await this.everyPod()).filter(({ pod }) => !wanted || wanted.has(pod.name)).map((row) => {
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
        peers,
      };
    });
  }
}
