import { runStoreContracts } from '../contracts/run-store-contracts.js';
import { serverStores } from '../support/test-stores.js';

// The managed server on every run; a plain server too when TEST_DATABASE_URL is set.
for (const store of serverStores()) runStoreContracts(store);
