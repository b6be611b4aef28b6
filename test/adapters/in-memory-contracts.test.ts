import { runStoreContracts } from '../contracts/run-store-contracts.js';
import { testStores } from '../support/test-stores.js';

const inMemory = testStores().find((s) => s.name === 'in-memory');
if (!inMemory) throw new Error('no in-memory test store');
runStoreContracts(inMemory);
