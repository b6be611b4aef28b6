import { beforeEach, describe } from 'vitest';
import { openOncePerSuite, type TestStoreFactory } from '../support/store-under-test.js';
import { agentSessionRepositoryContract } from './agent-session-repository.contract.js';
import { auditLogContract } from './audit-log.contract.js';
import { childOwnershipRepositoryContract } from './child-ownership-repository.contract.js';
import type { ContractFixture } from './contract-fixture.js';
import { historyRepositoryContract } from './history-repository.contract.js';
import { inboundCursorRepositoryContract } from './inbound-cursor-repository.contract.js';
import { leaseRepositoryContract } from './lease-repository.contract.js';
import { listingReaderContract } from './listing-reader.contract.js';
import { peerDeliveryRepositoryContract } from './peer-delivery-repository.contract.js';
import { peerRelationRepositoryContract } from './peer-relation-repository.contract.js';
import { podArchiveContract } from './pod-archive.contract.js';
import { podEventsContract } from './pod-events.contract.js';
import { podRepositoryContract } from './pod-repository.contract.js';
import { unitOfWorkContract } from './unit-of-work.contract.js';

export const STORE_CONTRACTS: readonly ((f: ContractFixture) => void)[] = [
  podRepositoryContract,
  peerRelationRepositoryContract,
  peerDeliveryRepositoryContract,
  childOwnershipRepositoryContract,
  historyRepositoryContract,
  auditLogContract,
  leaseRepositoryContract,
  inboundCursorRepositoryContract,
  agentSessionRepositoryContract,
  listingReaderContract,
  unitOfWorkContract,
  podArchiveContract,
  podEventsContract,
];

/** Every port's contract against one store, opened once for the file and emptied before each test. */
export function runStoreContracts(factory: TestStoreFactory): void {
  describe(`store contracts: ${factory.name}`, () => {
    const fixture: ContractFixture = openOncePerSuite(factory.open, `${factory.name} store`);
    beforeEach(async () => fixture().reset());
    for (const contract of STORE_CONTRACTS) contract(fixture);
  });
}
