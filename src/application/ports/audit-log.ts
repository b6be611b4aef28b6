import type { AuditRecord } from '../../domain/audit-record.js';
import type { PodName } from '../../domain/pod-name.js';

/** Operator facts beside history: never shown to a model, always available to explain it. */
export interface AuditLog {
  record(entry: AuditRecord): Promise<void>;
  listForRelation(relationId: string): Promise<readonly AuditRecord[]>;
  /** The records that concern `pod`, oldest first. */
  listForPod(pod: PodName): Promise<readonly AuditRecord[]>;
}
