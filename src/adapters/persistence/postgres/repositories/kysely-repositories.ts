import type { Kysely } from 'kysely';
import type { Repositories } from '../../../../application/ports/unit-of-work.js';
import { notifyInTransaction, type Announce } from '../notify/commit-notices.js';
import type { Database } from '../schema/database.js';
import { KyselyAgentSessionRepository } from './kysely-agent-session-repository.js';
import { KyselyAuditLog } from './kysely-audit-log.js';
import { KyselyChildOwnershipRepository } from './kysely-child-ownership-repository.js';
import { KyselyHistoryRepository } from './kysely-history-repository.js';
import { KyselyInboundCursorRepository } from './kysely-inbound-cursor-repository.js';
import { KyselyLeaseRepository } from './kysely-lease-repository.js';
import { KyselyPeerDeliveryRepository } from './kysely-peer-delivery-repository.js';
import { KyselyListingReader } from './kysely-listing-reader.js';
import { KyselyPeerRelationRepository } from './kysely-peer-relation-repository.js';
import { KyselyPodArchive } from './kysely-pod-archive.js';
import { KyselyPodRepository } from './kysely-pod-repository.js';

/** Without a unit of work to collect them, each change is notified inside `db`'s transaction. */
export function kyselyRepositories(db: Kysely<Database>, announce: Announce = (pod, changes) => notifyInTransaction(db, new Map([[pod, changes]]))): Repositories {
  return {
    pods: new KyselyPodRepository(db, announce),
    relations: new KyselyPeerRelationRepository(db),
    children: new KyselyChildOwnershipRepository(db),
    history: new KyselyHistoryRepository(db, announce),
    audit: new KyselyAuditLog(db),
    leases: new KyselyLeaseRepository(db, announce),
    inboundCursors: new KyselyInboundCursorRepository(db),
    deliveries: new KyselyPeerDeliveryRepository(db, announce),
    listing: new KyselyListingReader(db),
    agentSessions: new KyselyAgentSessionRepository(db),
    archive: new KyselyPodArchive(db, announce),
  };
}
