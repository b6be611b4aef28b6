import type { PodName } from './pod-name.js';

/**
 * Operator actions on relations. They explain history but are never shown to a model,
 * so they live beside history, not in it. One record is written for each Pod concerned.
 */
export type AuditAction = 'peer_added' | 'peer_removed';

export type AuditRecord = {
  readonly id: string;
  /** The Pod whose audit trail this record belongs to. */
  readonly pod: PodName;
  readonly at: Date;
  readonly action: AuditAction;
  readonly relationId: string;
  /** The other Pod of the relation. */
  readonly counterpart: PodName;
  /** The Pod the operator acted from. */
  readonly initiatedFrom: PodName;
  /** Which operator surface ran the command, e.g. `tui`, `cli`. */
  readonly via: string;
};
