import type { Brand } from '../../domain/brand.js';
import type { ChildOwnership } from '../../domain/child-ownership.js';
import type { EntryOf, HistoryEntryBody } from '../../domain/history-entry.js';
import type { PeerRelation } from '../../domain/peer-relation.js';
import type { PodName } from '../../domain/pod-name.js';
import type { Lease } from '../../domain/pod-status.js';

/** Opaque: what a store needs, beyond the relation's id and counters, to tell at the write whether the facts still hold. */
export type FactsVersion = Brand<string, 'FactsVersion'>;

/** What DeliverPeerMessage decides on, read at once. */
export type DeliveryFacts = {
  /** The relation of the pair `from`/`to`, if any. */
  readonly relation: PeerRelation | undefined;
  /**
   * `to`'s ownership edge when `from` is its parent: the only edge of `from`'s children that
   * the authority check on `to` can see (a child of `from` is `spawned_child`, not `peer`).
   */
  readonly child: ChildOwnership | undefined;
  /** `to`'s lease, if any. */
  readonly lease: Lease | undefined;
  /** With an idempotency key: the first peer message `from` sent `to` under it. */
  readonly first: EntryOf<'peer_message'> | undefined;
  readonly version: FactsVersion;
};

/** A delivery DeliverPeerMessage decided, to be written as one. */
export type PeerMessageWrite = {
  readonly to: PodName;
  /**
   * The facts the decision was made on, as `facts` gave them (a copy will do), with a
   * relation. The message is written only if they still hold: the relation has the same id
   * and counters, and the receiver's lease is the one read.
   */
  readonly facts: DeliveryFacts & { readonly relation: PeerRelation };
  /** Its pair sequence number must be `facts.relation.lastPairSeq + 1`. */
  readonly message: Extract<HistoryEntryBody, { kind: 'peer_message' }>;
  /** The relation's breaker counter after this message. */
  readonly autoTurns: number;
  readonly at: Date;
  /** The breaker's notice, appended right after the message, its `seenThrough` the message's seq. */
  readonly notice?: { readonly code: 'ping_pong_breaker'; readonly text: string };
};

/**
 * The delivery of a peer message in two calls: the facts the decision needs, then one write
 * of everything the decision made, which checks that the facts still hold. Between them a
 * racing removal, re-peering, operator input (the breaker's reset), another delivery on the
 * same pair or a change of the receiver's lease makes the write `stale`: nothing is written
 * and the caller decides again from new facts. Per-pair order, gap-free sequence numbers, the
 * breaker and idempotency therefore hold without a lock held across the two calls.
 *
 * Because the write checks them, the facts may be out of date when handed out (the store's
 * own last write on the pair may stand in for a read); a write from them is then `stale`.
 * Facts for an idempotency key are always current.
 */
export interface PeerDeliveryRepository {
  /**
   * With `lock`, current facts, and no other delivery on the pair is written until the unit of
   * work ends: for a delivery that keeps finding its facts changed.
   */
  facts(from: PodName, to: PodName, idempotencyKey: string | undefined, options?: { readonly lock?: boolean }): Promise<DeliveryFacts>;
  /** Appends the message (and the notice), and stores the relation's counters, at once: the message's seq, or `stale`. */
  write(delivery: PeerMessageWrite): Promise<{ readonly seq: number } | 'stale'>;
}
