import type { PodName } from './pod-name.js';
import type { ScopeRule } from './scope-rule.js';

/** `stopped`: the scope went back to the parent; the child stays visible to it and restorable (lending it again). */
export type ChildState = 'outstanding' | 'stopped';

/** The parent → child edge created by SpawnPod. Only the parent has child powers. */
export type ChildOwnership = {
  readonly parent: PodName;
  readonly child: PodName;
  readonly scope: readonly ScopeRule[];
  readonly state: ChildState;
  readonly spawnedAt: Date;
  readonly stoppedAt?: Date;
  /** History sequence of the last child entry the parent has read; survives restarts. */
  readonly outputCursor: number;
};

export function lentScope(children: readonly ChildOwnership[]): readonly ScopeRule[] {
  // A loop, not filter + flatMap: ListPods gathers this over every child, 10,000 for a large parent.
  const lent: ScopeRule[] = [];
  for (const c of children) if (c.state === 'outstanding') for (const rule of c.scope) lent.push(rule);
  return lent;
}
