import { injectable } from 'inversify';
import type { HistoryFeed } from '../../../application/ports/history-feed.js';
import type { Repositories, UnitOfWork } from '../../../application/ports/unit-of-work.js';
import type { PodName } from '../../../domain/pod-name.js';
import { InMemoryTables, type Snapshot } from './in-memory-tables.js';
import { inMemoryRepositories } from './in-memory-repositories.js';

/**
 * The `--db memory` store and the test double of every repository. Units of work run one
 * at a time (so concurrent callers never interleave into lost updates) and a throw rolls
 * every table back to where the unit began.
 */
@injectable()
export class InMemoryUnitOfWork implements UnitOfWork, HistoryFeed {
  readonly tables = new InMemoryTables();
  private readonly repos: Repositories = inMemoryRepositories(this.tables);
  private readonly listeners = new Set<(pod: PodName) => void>();
  private tail: Promise<unknown> = Promise.resolve();

  subscribe(listener: (pod: PodName) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  run<T>(work: (repos: Repositories) => Promise<T>): Promise<T> {
    const next = this.tail.then(async () => {
      const before = this.tables.snapshot();
      let result: T;
      try {
        result = await work(this.repos);
      } catch (error) {
        this.tables.restore(before);
        throw error;
      }
      this.announce(before);
      return result;
    });
    this.tail = next.catch(() => undefined);
    return next;
  }

  /** After commit, as the SQL store does: every Pod whose history grew, that was created, or whose lease ended in this unit. */
  private announce(before: Snapshot): void {
    if (this.listeners.size === 0) return;
    const changed = new Set<string>();
    for (const [pod, entries] of this.tables.history) if (entries.length !== (before.historyLengths.get(pod) ?? 0)) changed.add(pod);
    for (const pod of this.tables.pods.keys()) if (!before.pods.has(pod)) changed.add(pod);
    for (const pod of before.leases.keys()) if (!this.tables.leases.has(pod)) changed.add(pod);
    for (const pod of changed) for (const listener of this.listeners) queueMicrotask(() => listener(pod as PodName));
  }
}
