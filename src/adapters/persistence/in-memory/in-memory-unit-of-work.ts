import { injectable } from 'inversify';
import type { Repositories, UnitOfWork } from '../../../application/ports/unit-of-work.js';
import { InMemoryTables } from './in-memory-tables.js';
import { inMemoryRepositories } from './in-memory-repositories.js';

/**
 * The `--db memory` store and the test double of every repository. Units of work run one
 * at a time (so concurrent callers never interleave into lost updates) and a throw rolls
 * every table back to where the unit began.
 */
@injectable()
export class InMemoryUnitOfWork implements UnitOfWork {
  readonly tables = new InMemoryTables();
  private readonly repos: Repositories = inMemoryRepositories(this.tables);
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: (repos: Repositories) => Promise<T>): Promise<T> {
    const next = this.tail.then(async () => {
      const before = this.tables.snapshot();
      try {
        return await work(this.repos);
      } catch (error) {
        this.tables.restore(before);
        throw error;
      }
    });
    this.tail = next.catch(() => undefined);
    return next;
  }
}
