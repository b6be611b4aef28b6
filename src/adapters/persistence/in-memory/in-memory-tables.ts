import type { AuditRecord } from '../../../domain/audit-record.js';
import type { ChildOwnership } from '../../../domain/child-ownership.js';
import type { HistoryEntry } from '../../../domain/history-entry.js';
import type { PeerRelation } from '../../../domain/peer-relation.js';
import type { Pod } from '../../../domain/pod.js';
import type { Lease } from '../../../domain/pod-status.js';

export type Snapshot = {
  readonly pods: Map<string, Pod>;
  readonly relations: Map<string, PeerRelation>;
  readonly children: Map<string, ChildOwnership>;
  readonly leases: Map<string, Lease>;
  readonly inboundCursors: Map<string, number>;
  readonly agentSessions: Map<string, string>;
  readonly historyLengths: Map<string, number>;
  readonly auditLength: number;
};

/**
 * The whole in-memory store. Values are immutable once stored (copied on the way in),
 * so a snapshot is a set of shallow copies and histories roll back by length.
 */
export class InMemoryTables {
  pods = new Map<string, Pod>();
  relations = new Map<string, PeerRelation>();
  children = new Map<string, ChildOwnership>();
  leases = new Map<string, Lease>();
  inboundCursors = new Map<string, number>();
  agentSessions = new Map<string, string>();
  history = new Map<string, HistoryEntry[]>();
  audit: AuditRecord[] = [];

  snapshot(): Snapshot {
    return {
      pods: new Map(this.pods),
      relations: new Map(this.relations),
      children: new Map(this.children),
      leases: new Map(this.leases),
      inboundCursors: new Map(this.inboundCursors),
      agentSessions: new Map(this.agentSessions),
      historyLengths: new Map([...this.history].map(([pod, entries]) => [pod, entries.length])),
      auditLength: this.audit.length,
    };
  }

  restore(s: Snapshot): void {
    this.pods = s.pods;
    this.relations = s.relations;
    this.children = s.children;
    this.leases = s.leases;
    this.inboundCursors = s.inboundCursors;
    this.agentSessions = s.agentSessions;
    for (const [pod, entries] of this.history) {
      const length = s.historyLengths.get(pod);
      if (length === undefined) this.history.delete(pod);
      else entries.length = length;
    }
    this.audit.length = s.auditLength;
  }
}

export const pairKey = (a: string, b: string): string => `${a}\u0000${b}`;
