import type { PodName } from './pod-name.js';

/** Operator actions on relations: never shown to a model, so kept beside history. One record per Pod concerned. */
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
