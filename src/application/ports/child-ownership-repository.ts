import type { ChildOwnership } from '../../domain/child-ownership.js';
import type { PodName } from '../../domain/pod-name.js';

export interface ChildOwnershipRepository {
  add(ownership: ChildOwnership): Promise<void>;
  /** A child has exactly one parent. In a SQL store it locks the row until the unit ends, so updates never race. */
  findByChild(child: PodName): Promise<ChildOwnership | undefined>;
  /** Children of any of `parents` (outstanding and stopped), in one query. */
  listByParents(parents: readonly PodName[]): Promise<readonly ChildOwnership[]>;
  /** Replaces state, stoppedAt and outputCursor of an existing edge. */
  update(ownership: ChildOwnership): Promise<void>;
}
