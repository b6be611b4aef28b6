import type { ChildOwnership } from './child-ownership.js';
import { otherSide, type PeerRelation } from './peer-relation.js';
import type { PodName } from './pod-name.js';

export type VisibilityReason = 'self' | 'spawned_child' | 'peer';

export type VisiblePod =
  | { readonly name: PodName; readonly reason: 'self' }
  | { readonly name: PodName; readonly reason: 'spawned_child'; readonly child: ChildOwnership }
  | { readonly name: PodName; readonly reason: 'peer'; readonly peer: PeerRelation };

/** Itself, its children (outstanding or stopped) and its peers; the first reason wins in that order. */
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

/** A Pod of a visibility set, with the position of what it is visible through in the list given: `children` or `relations` (self: -1). */
export type VisibleAt = VisiblePod & { readonly index: number };

/** One stable sort and no map (matters at 10,000 Pods); candidates in reason order, so the first of a name wins. */
export function visibleInOrder(
  self: PodName,
  children: readonly ChildOwnership[],
  relations: readonly PeerRelation[],
): readonly VisibleAt[] {
  const candidates: VisibleAt[] = [{ name: self, reason: 'self', index: -1 }];
  children.forEach((child, index) => {
    if (child.parent === self) candidates.push({ name: child.child, reason: 'spawned_child', child, index });
  });
  relations.forEach((peer, index) => {
    if (peer.a === self || peer.b === self) candidates.push({ name: otherSide(peer, self), reason: 'peer', peer, index });
  });
  candidates.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  const visible: VisibleAt[] = [];
  for (const candidate of candidates) if (visible[visible.length - 1]?.name !== candidate.name) visible.push(candidate);
  return visible;
}

export function childrenIn(visible: ReadonlyMap<PodName, VisiblePod>): readonly ChildOwnership[] {
  const children: ChildOwnership[] = [];
  for (const v of visible.values()) if (v.reason === 'spawned_child') children.push(v.child);
  return children;
}
