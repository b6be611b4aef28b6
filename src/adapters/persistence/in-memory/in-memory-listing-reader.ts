import type { ChildEdge, ListingReader, PodAndLease, Surroundings } from '../../../application/ports/listing-reader.js';
import type { ChildOwnership } from '../../../domain/child-ownership.js';
import type { PeerRelation } from '../../../domain/peer-relation.js';
import type { PodName } from '../../../domain/pod-name.js';
import type { Lease } from '../../../domain/pod-status.js';
import type { InMemoryTables } from './in-memory-tables.js';

/** Each read is one pass over the tables it needs, with no await inside: a snapshot, as one SQL statement is. */
export class InMemoryListingReader implements ListingReader {
  constructor(private readonly t: InMemoryTables) {}

  async surroundings(caller: PodName): Promise<Surroundings | undefined> {
    const self = this.t.pods.get(caller);
    if (!self) return undefined;
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
      others.add(relation.a === caller ? relation.b : relation.a);
    }
    const grandchildren: ChildEdge[] = [];
    for (const edge of this.t.children.values()) {
      if (others.has(edge.parent)) grandchildren.push({ parent: edge.parent, child: edge.child });
    }
    const leases: Lease[] = [];
    const leaseOf = (pod: string) => {
      const lease = this.t.leases.get(pod);
      if (lease) leases.push(lease);
    };
    leaseOf(caller);
    for (const pod of others) leaseOf(pod);
    for (const edge of grandchildren) if (edge.child !== caller && !others.has(edge.child)) leaseOf(edge.child);
    return { self, children, relations, grandchildren, leases };
  }

  async everyPod(): Promise<readonly PodAndLease[]> {
    return [...this.t.pods.values()]
      .sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0))
      .map((pod) => {
        const lease = this.t.leases.get(pod.name);
        return lease ? { pod, lease } : { pod };
      });
  }
}
