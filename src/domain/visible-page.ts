import type { PodName } from './pod-name.js';
import { POD_STATUSES, type PodStatus } from './pod-status.js';
import type { VisibilityReason } from './visibility.js';

export const VISIBILITY_REASONS: readonly VisibilityReason[] = ['self', 'spawned_child', 'peer'];

/** Absent parts do not filter. */
export type VisibleFilter = {
  readonly after?: PodName;
  readonly relation?: VisibilityReason;
  readonly status?: PodStatus;
  readonly prefix?: string;
};

export type VisibleTotals = {
  readonly relation: Readonly<Record<VisibilityReason, number>>;
  readonly status: Readonly<Record<PodStatus, number>>;
};

export function matchesFilter(filter: VisibleFilter, name: PodName, reason: VisibilityReason, status: PodStatus): boolean {
  return (filter.after === undefined || name > filter.after)
    && (filter.relation === undefined || reason === filter.relation)
    && (filter.status === undefined || status === filter.status)
    && (filter.prefix === undefined || name.startsWith(filter.prefix));
}

export function totalsOf(visible: Iterable<{ readonly reason: VisibilityReason; readonly status: PodStatus }>): VisibleTotals {
  const relation = zeroes(VISIBILITY_REASONS);
  const status = zeroes(POD_STATUSES);
  for (const pod of visible) {
    relation[pod.reason] += 1;
    status[pod.status] += 1;
  }
  return { relation, status };
}

/** How many Pods the totals count: each visible Pod has exactly one relation. */
export const visibleCount = (totals: VisibleTotals): number => VISIBILITY_REASONS.reduce((sum, r) => sum + totals.relation[r], 0);

function zeroes<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}
