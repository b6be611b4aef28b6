import type { ServiceIdentifier } from 'inversify';
import type { AgentSessionRepository } from './agent-session-repository.js';
import type { AuditLog } from './audit-log.js';
import type { ChildOwnershipRepository } from './child-ownership-repository.js';
import type { HistoryRepository } from './history-repository.js';
import type { InboundCursorRepository } from './inbound-cursor-repository.js';
import type { LeaseRepository } from './lease-repository.js';
import type { ListingReader } from './listing-reader.js';
import type { PeerDeliveryRepository } from './peer-delivery-repository.js';
import type { PeerRelationRepository } from './peer-relation-repository.js';
import type { PodArchive } from './pod-archive.js';
import type { PodRepository } from './pod-repository.js';

export type Repositories = {
  readonly pods: PodRepository;
  readonly relations: PeerRelationRepository;
  readonly children: ChildOwnershipRepository;
  readonly history: HistoryRepository;
  readonly audit: AuditLog;
  readonly leases: LeaseRepository;
  readonly inboundCursors: InboundCursorRepository;
  readonly deliveries: PeerDeliveryRepository;
  readonly listing: ListingReader;
  readonly agentSessions: AgentSessionRepository;
  readonly archive: PodArchive;
};

export type UnitOptions = {
  /** One call, a read, and nothing else: a store may answer it with no unit around it, and refuses a second call. */
  readonly singleRead?: boolean;
  /**
   * `work` needs its calls atomic one by one, not together: each commits by itself, and what
   * one wrote stays when a later one throws. Only for work that reads without a lock, then
   * writes once in a call that checks what was read (a conditional write that says `stale`,
   * an insert that says it conflicted). A store may run it as a plain unit, which is stronger.
   */
  readonly callByCall?: boolean;
};

/**
 * Atomic: all writes commit together or none do; use cases check before their first write, so a refusal writes nothing.
 * Repositories carry no DI token: they exist only inside a unit of work, whose transaction they share.
 */
export interface UnitOfWork {
  run<T>(work: (repos: Repositories) => Promise<T>, options?: UnitOptions): Promise<T>;
}
export const UNIT_OF_WORK = Symbol.for('UnitOfWork') as ServiceIdentifier<UnitOfWork>;
