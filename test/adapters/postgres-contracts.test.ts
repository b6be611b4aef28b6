import { describe } from 'vitest';
import { runStoreContracts } from '../contracts/run-store-contracts.js';
import { openPostgresTestStore, TEST_DATABASE_URL } from '../support/test-stores.js';

describe.skipIf(!TEST_DATABASE_URL)('PostgreSQL server (TEST_DATABASE_URL)', () => {
  runStoreContracts({ name: 'postgres', open: () => openPostgresTestStore() });
});
