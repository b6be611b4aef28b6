import type { ServiceIdentifier } from 'inversify';
import type { AuditLog } from './audit-log.js';
import type { ChildOwnershipRepository } from './child-ownership-repository.js';
import type { HistoryRepository } from './history-repository.js';
import type { InboundCursorRepository } from './inbound-cursor-repository.js';
import type { LeaseRepository } from './lease-repository.js';
import type { PeerRelationRepository } from './peer-relation-repository.js';
import type { PodRepository } from './pod-repository.js';

export type Repositories = {
  readonly pods: PodRepository;
  readonly relations: PeerRelationRepository;
  readonly children: ChildOwnershipRepository;
  readonly history: HistoryRepository;
  readonly audit: AuditLog;
  readonly leases: LeaseRepository;
  readonly inboundCursors: InboundCursorRepository;
};

/**
 * Runs `work` atomically: all writes commit together or, when it throws, none do.
 * Use cases do every check before their first write, so a returned refusal writes nothing.
 */
export interface UnitOfWork {
  run<T>(work: (repos: Repositories) => Promise<T>): Promise<T>;
}
export const UNIT_OF_WORK = Symbol.for('UnitOfWork') as ServiceIdentifier<UnitOfWork>;
