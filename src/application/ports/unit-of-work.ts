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
  /**
   * Runs `work` with repositories whose calls may each commit on their own, so a SQL store
   * spends no round trips on BEGIN and COMMIT. Only for work that reads without needing a
   * lock and then writes once, in one call that checks what was read (a conditional write
   * that reports a stale read, or an insert that reports a conflict). A store without it,
   * or a unit already inside a transaction, runs `work` as `run` does, which is stronger.
   * Use `runEach(uow, work)`.
   */
  runEach?<T>(work: (repos: Repositories) => Promise<T>): Promise<T>;
}

/** `uow.runEach(work)` where the store has it, else `uow.run(work)`. */
export function runEach<T>(uow: UnitOfWork, work: (repos: Repositories) => Promise<T>): Promise<T> {
  return uow.runEach ? uow.runEach(work) : uow.run(work);
}
export const UNIT_OF_WORK = Symbol.for('UnitOfWork') as ServiceIdentifier<UnitOfWork>;
