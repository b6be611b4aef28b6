import type { ServiceIdentifier } from 'inversify';
import type { AuditLog } from './audit-log.js';
import type { ChildOwnershipRepository } from './child-ownership-repository.js';
import type { HistoryRepository } from './history-repository.js';
import type { InboundCursorRepository } from './inbound-cursor-repository.js';
import type { LeaseRepository } from './lease-repository.js';
import type { ListingReader } from './listing-reader.js';
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
  readonly listing: ListingReader;
};

export type UnitOptions = {
  /**
   * `work` makes one read and nothing else: one call of a method that a SQL store answers
   * with one statement (`ListingReader`'s, `PodRepository.get`), which is atomic by itself.
   * A SQL store then sends no BEGIN and COMMIT, and refuses a second statement.
   */
  readonly singleRead?: boolean;
};

/**
 * Runs `work` atomically: all writes commit together or, when it throws, none do.
 * Use cases do every check before their first write, so a returned refusal writes nothing.
 */
export interface UnitOfWork {
  run<T>(work: (repos: Repositories) => Promise<T>, options?: UnitOptions): Promise<T>;
}
export const UNIT_OF_WORK = Symbol.for('UnitOfWork') as ServiceIdentifier<UnitOfWork>;
