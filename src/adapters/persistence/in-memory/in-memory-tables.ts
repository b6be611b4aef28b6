import type { AuditRecord } from '../../../domain/audit-record.js';
import type { ChildOwnership } from '../../../domain/child-ownership.js';
import type { HistoryEntry } from '../../../domain/history-entry.js';
import type { PeerRelation } from '../../../domain/peer-relation.js';
import type { Pod } from '../../../domain/pod.js';
import type { Lease } from '../../../domain/pod-status.js';
import type { PodName } from '../../../domain/pod-name.js';
import type { RemovedPod } from '../../../application/ports/pod-archive.js';
import { mergeChanges, type PodChanges } from '../../../application/ports/pod-events.js';

export type ArchivedPod = { readonly removed: RemovedPod; readonly history: readonly HistoryEntry[]; readonly audit: readonly AuditRecord[] };

export type Snapshot = {
  readonly pods: Map<string, Pod>;
  readonly relations: Map<string, PeerRelation>;
  readonly children: Map<string, ChildOwnership>;
  readonly leases: Map<string, Lease>;
  readonly inboundCursors: Map<string, number>;
  readonly agentSessions: Map<string, string>;
  readonly history: Map<string, HistoryEntry[]>;
  readonly historyLengths: Map<string, number>;
  readonly audit: AuditRecord[];
  readonly auditLength: number;
  readonly archivedLength: number;
};

/** Values are copied in and never changed, so a snapshot is shallow copies and histories roll back by length. */
export class InMemoryTables {
  pods = new Map<string, Pod>();
  relations = new Map<string, PeerRelation>();
  children = new Map<string, ChildOwnership>();
  leases = new Map<string, Lease>();
  inboundCursors = new Map<string, number>();
  agentSessions = new Map<string, string>();
  history = new Map<string, HistoryEntry[]>();
  audit: AuditRecord[] = [];
  archived: ArchivedPod[] = [];
  /** What the unit of work in progress changed, per Pod: published when it commits, dropped when it rolls back. */
  changed = new Map<PodName, PodChanges>();

  note(pod: PodName, changes: PodChanges): void {
    this.changed.set(pod, mergeChanges(this.changed.get(pod), changes));
  }

  snapshot(): Snapshot {
    return {
      pods: new Map(this.pods),
      relations: new Map(this.relations),
      children: new Map(this.children),
      leases: new Map(this.leases),
      inboundCursors: new Map(this.inboundCursors),
      agentSessions: new Map(this.agentSessions),
      // The arrays themselves too: a removal takes a Pod's history (and audit records) away whole.
      history: new Map(this.history),
      historyLengths: new Map([...this.history].map(([pod, entries]) => [pod, entries.length])),
      audit: this.audit,
      auditLength: this.audit.length,
      archivedLength: this.archived.length,
    };
  }

  restore(s: Snapshot): void {
    this.pods = s.pods;
    this.relations = s.relations;
    this.children = s.children;
    this.leases = s.leases;
    this.inboundCursors = s.inboundCursors;
    this.agentSessions = s.agentSessions;
    this.history = s.history;
    for (const [pod, entries] of this.history) entries.length = s.historyLengths.get(pod) ?? 0;
    this.audit = s.audit;
    this.audit.length = s.auditLength;
    this.archived.length = s.archivedLength;
  }
}

export const pairKey = (a: string, b: string): string => `${a}\u0000${b}`;
