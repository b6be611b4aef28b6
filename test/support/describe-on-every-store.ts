import { beforeEach, describe } from 'vitest';
import { openOncePerSuite, testStores, type TestStore } from './test-stores.js';
import { makeWorld, type World } from './world.js';

export type StoreSuite = {
  /** The store under test, opened once for the suite and emptied before each test. */
  readonly store: () => TestStore;
  /** A fresh world (clock, ids, host, use cases) over the emptied store. */
  readonly world: () => World;
};

/**
 * One `describe` per test store (in-memory, PGlite, and the server when TEST_DATABASE_URL
 * is set), so every behaviour is proven on each of them with the same test body.
 */
export function describeOnEveryStore(title: string, body: (suite: StoreSuite) => void): void {
  for (const factory of testStores()) {
    describe(`${title} (${factory.name})`, () => {
      const store = openOncePerSuite(factory.open);
      let world: World | undefined;
      beforeEach(async () => {
        await store().reset();
        world = makeWorld(store().uow());
      });
      body({
        store,
        world: () => {
          if (!world) throw new Error('the world is made before each test');
          return world;
        },
      });
    });
  }
}
