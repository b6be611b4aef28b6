import type { ChildOwnership } from './child-ownership.js';
import { otherSide, type PeerRelation } from './peer-relation.js';
import type { PodName } from './pod-name.js';

export type VisibilityReason = 'self' | 'spawned_child' | 'peer';

export type VisiblePod =
  | { readonly name: PodName; readonly reason: 'self' }
  | { readonly name: PodName; readonly reason: 'spawned_child'; readonly child: ChildOwnership }
  | { readonly name: PodName; readonly reason: 'peer'; readonly peer: PeerRelation };

/**
 * The only Pods `self` can observe: itself, its children (outstanding or stopped) and its
 * peers. The first reason wins in that order.
 */
export function visibilitySet(
  self: PodName,
  children: readonly ChildOwnership[],
  relations: readonly PeerRelation[],
): ReadonlyMap<PodName, VisiblePod> {
  const set = new Map<PodName, VisiblePod>([[self, { name: self, reason: 'self' }]]);
  for (const child of children) {
    if (child.parent === self && !set.has(child.child)) {
      set.set(child.child, { name: child.child, reason: 'spawned_child', child });
    }
  }
  for (const peer of relations) {
    if (peer.a !== self && peer.b !== self) continue;
    const name = otherSide(peer, self);
    if (!set.has(name)) set.set(name, { name, reason: 'peer', peer });
  }
  return set;
}

/** The ownership edges inside a visibility set. */
export function childrenIn(visible: ReadonlyMap<PodName, VisiblePod>): readonly ChildOwnership[] {
  return [...visible.values()].flatMap((v) => (v.reason === 'spawned_child' ? [v.child] : []));
}
