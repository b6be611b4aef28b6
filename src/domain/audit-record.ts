import type { PodName } from './pod-name.js';

/**
 * Operator actions on relations. They explain history but are never shown to a model,
 * so they live beside history, not in it. One record is written for each Pod concerned.
 */
export type AuditAction = 'peer_added' | 'peer_removed';

export type AuditRecord = {
  readonly id: string;
  readonly pod: PodName;
  readonly at: Date;
  readonly action: AuditAction;
  readonly relationId: string;
  readonly counterpart: PodName;
  readonly initiatedFrom: PodName;
  readonly via: string;
};
