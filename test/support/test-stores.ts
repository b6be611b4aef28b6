import type { UnitOfWork } from '../../src/application/ports/unit-of-work.js';
import { InMemoryUnitOfWork } from '../../src/adapters/persistence/in-memory/in-memory-unit-of-work.js';

/** A store under test: a fresh, empty unit of work per `reset`, shared boot per file. */
export type TestStore = {
  readonly uow: () => UnitOfWork;
  /** Empties every table. */
  readonly reset: () => Promise<void>;
  readonly dispose: () => Promise<void>;
};

export type TestStoreFactory = { readonly name: string; readonly open: () => Promise<TestStore> };

const inMemory: TestStoreFactory = {
  name: 'in-memory',
  async open() {
    let current = new InMemoryUnitOfWork();
    return {
      uow: () => current,
      reset: async () => {
        current = new InMemoryUnitOfWork();
      },
      dispose: async () => {},
    };
  },
};

/**
 * Every store the use-case tests run against. SQL stores join this list, so the same
 * behaviour is proven on each of them.
 */
export function testStores(): readonly TestStoreFactory[] {
  return [inMemory];
}
