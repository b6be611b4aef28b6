import { injectable } from 'inversify';
import type { Repositories, UnitOfWork } from '../../../application/ports/unit-of-work.js';
import { PodEventStream } from '../../events/pod-event-stream.js';
import { InMemoryTables } from './in-memory-tables.js';
import { inMemoryRepositories } from './in-memory-repositories.js';

/** Units run one at a time (no lost updates); a throw rolls every table back, and changes are announced after commit. */
@injectable()
export class InMemoryUnitOfWork implements UnitOfWork {
  readonly tables = new InMemoryTables();
  readonly events = new PodEventStream();
  private readonly repos: Repositories = inMemoryRepositories(this.tables);
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: (repos: Repositories) => Promise<T>): Promise<T> {
    const next = this.tail.then(async () => {
      const before = this.tables.snapshot();
      this.tables.changed = new Map();
      let result: T;
      try {
        result = await work(this.repos);
      } catch (error) {
        this.tables.restore(before);
        this.tables.changed = new Map();
        throw error;
      }
      const changed = this.tables.changed;
      this.tables.changed = new Map();
      for (const [pod, changes] of changed) this.events.emit({ type: 'committed', pod, changes });
      return result;
    });
    this.tail = next.catch(() => undefined);
    return next;
  }
}
