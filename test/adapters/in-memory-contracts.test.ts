import { runStoreContracts } from '../contracts/run-store-contracts.js';
import { IN_MEMORY_STORE } from '../support/store-under-test.js';

runStoreContracts(IN_MEMORY_STORE);
