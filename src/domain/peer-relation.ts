import type { PodName } from './pod-name.js';

/** Made by an operator; grants mutual visibility and SendToPeerPod, nothing else. Stored once, as a < b. */
export type PeerRelation = {
  readonly id: string;
  readonly a: PodName;
  readonly b: PodName;
  readonly since: Date;
  readonly initiatedFrom: PodName;
  readonly auditId: string;
  /** Peer messages sent over this relation so far; the next one gets `lastPairSeq + 1`. */
  readonly lastPairSeq: number;
  /** Peer-triggered turns in a row since a human last spoke to either Pod. */
  readonly autoTurns: number;
};

export type OrderedPair = { readonly a: PodName; readonly b: PodName };

/** Code-unit order, so every store (and SQL with COLLATE "C") agrees on which name is `a`. */
export function orderedPair(x: PodName, y: PodName): OrderedPair {
  return x < y ? { a: x, b: y } : { a: y, b: x };
}

export function otherSide(relation: OrderedPair, self: PodName): PodName {
  return relation.a === self ? relation.b : relation.a;
}
