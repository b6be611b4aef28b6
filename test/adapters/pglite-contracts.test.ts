import { runStoreContracts } from '../contracts/run-store-contracts.js';
import { openPgliteTestStore } from '../support/test-stores.js';

runStoreContracts({ name: 'pglite (on disk)', open: openPgliteTestStore });
