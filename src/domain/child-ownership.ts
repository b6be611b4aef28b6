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

/** Refused: the Pod is a child its parent stopped. */
export type StoppedByParent = { readonly type: 'StoppedByParent'; readonly pod: PodName; readonly parent: PodName };

/**
 * A stopped child's scope went back to its parent, who may have lent it on since: so only its
 * parent runs it again (RestorePod, which lends the scope anew), never a peer's RestorePod or a
 * host taking it up. `runner`: the Pod asking to run it, when a Pod asks.
 */
export function stoppedByParent(edge: ChildOwnership | undefined, runner?: PodName): StoppedByParent | undefined {
  return edge?.state === 'stopped' && edge.parent !== runner ? { type: 'StoppedByParent', pod: edge.child, parent: edge.parent } : undefined;
}

export const describeStoppedByParent = (refusal: StoppedByParent): string =>
  `pod \`${refusal.pod}\` is a child that \`${refusal.parent}\` stopped; only \`${refusal.parent}\` can run it again (its RestorePod)`;
