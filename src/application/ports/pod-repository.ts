import type { Pod } from '../../domain/pod.js';
import type { PodName } from '../../domain/pod-name.js';

export interface PodRepository {
  /** Inserts unless the name is taken; names are unique in a store. */
  add(pod: Pod): Promise<'added' | 'exists'>;
  get(name: PodName): Promise<Pod | undefined>;
  /**
   * `get`, and in a SQL store the row stays locked until the unit ends: whoever reads a Pod's
   * children to lend from it or stop them locks it first, so no two units decide on one lender at once.
   */
  lock(name: PodName): Promise<Pod | undefined>;
  /** Every Pod in the store, sorted by name (operator listing only; Pods never see this). */
  list(): Promise<readonly Pod[]>;
  /** No live lease at `now`, and not a child its parent stopped (only the parent runs it again). One statement. */
  unserved(now: Date): Promise<readonly PodName[]>;
}
