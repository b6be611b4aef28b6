import { afterAll, beforeAll } from 'vitest';
import { InMemoryUnitOfWork } from '../../src/adapters/persistence/in-memory/in-memory-unit-of-work.js';
import type { UnitOfWork } from '../../src/application/ports/unit-of-work.js';

/** A store under test: a fresh, empty unit of work per `reset`, shared boot per file. */
export type TestStore = {
  readonly uow: () => UnitOfWork;
  /** Empties every table. */
  readonly reset: () => Promise<void>;
  readonly dispose: () => Promise<void>;
};

export type TestStoreFactory = { readonly name: string; readonly open: () => Promise<TestStore> };

/** The in-memory store: a new unit of work per reset. */
export const IN_MEMORY_STORE: TestStoreFactory = {
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
 * Opens a store once for the enclosing `describe` and disposes of it afterwards. The
 * returned getter is for use inside tests and hooks.
 */
export function openOncePerSuite<T extends { readonly dispose: () => Promise<void> }>(open: () => Promise<T>, what = 'store'): () => T {
  let opened: T | undefined;
  beforeAll(async () => {
    opened = await open();
  });
  afterAll(async () => opened?.dispose());
  return () => {
    if (!opened) throw new Error(`the ${what} did not open`);
    return opened;
  };
}
