import type { Kysely } from 'kysely';
import type { Repositories } from '../../../application/ports/unit-of-work.js';
import type { Database } from './database.js';
import { KyselyAuditLog } from './kysely-audit-log.js';
import { KyselyChildOwnershipRepository } from './kysely-child-ownership-repository.js';
import { KyselyHistoryRepository } from './kysely-history-repository.js';
import { KyselyInboundCursorRepository } from './kysely-inbound-cursor-repository.js';
import { KyselyLeaseRepository } from './kysely-lease-repository.js';
import { KyselyListingReader } from './kysely-listing-reader.js';
import { KyselyPeerRelationRepository } from './kysely-peer-relation-repository.js';
import { KyselyPodRepository } from './kysely-pod-repository.js';

/** Every port bound to one executor: inside a unit of work, its transaction. */
export function kyselyRepositories(db: Kysely<Database>): Repositories {
  return {
    pods: new KyselyPodRepository(db),
    relations: new KyselyPeerRelationRepository(db),
    children: new KyselyChildOwnershipRepository(db),
    history: new KyselyHistoryRepository(db),
    audit: new KyselyAuditLog(db),
    leases: new KyselyLeaseRepository(db),
    inboundCursors: new KyselyInboundCursorRepository(db),
    listing: new KyselyListingReader(db),
  };
}
