import type { Brand } from '../../domain/brand.js';
import type { ChildOwnership } from '../../domain/child-ownership.js';
import type { EntryOf, HistoryEntryBody } from '../../domain/history-entry.js';
import type { PeerRelation } from '../../domain/peer-relation.js';
import type { PodName } from '../../domain/pod-name.js';
import type { Lease } from '../../domain/pod-status.js';

/** Opaque: what a store needs, beyond the relation's id and counters, to tell at the write whether the facts still hold. */
export type FactsVersion = Brand<string, 'FactsVersion'>;

export type DeliveryFacts = {
  readonly relation: PeerRelation | undefined;
  /** The only edge of `from`'s children the authority check on `to` can see (a child is `spawned_child`, not `peer`). */
  readonly child: ChildOwnership | undefined;
  readonly lease: Lease | undefined;
  /** With an idempotency key: the first peer message `from` sent `to` under it. */
  readonly first: EntryOf<'peer_message'> | undefined;
  readonly version: FactsVersion;
};

export type PeerMessageWrite = {
  readonly to: PodName;
  /** Written only if these still hold: the same relation id and counters, and the receiver's lease as read. */
  readonly facts: DeliveryFacts & { readonly relation: PeerRelation };
  /** Its pair sequence number must be `facts.relation.lastPairSeq + 1`. */
  readonly message: Extract<HistoryEntryBody, { kind: 'peer_message' }>;
  readonly autoTurns: number;
  readonly at: Date;
  readonly notice?: { readonly code: 'ping_pong_breaker'; readonly text: string };
};

/**
 * Facts, then one write that checks they still hold: a racing removal, re-peering, breaker reset,
 * delivery on the pair or lease change makes it `stale` (nothing written) and the caller decides
 * again, so per-pair order, gap-free seqs, the breaker and idempotency hold with no lock across calls.
 * Facts may be out of date when handed out; facts for an idempotency key are always current.
 */
export interface PeerDeliveryRepository {
  /** With `lock`, current facts, and no other delivery on the pair until the unit ends: for a delivery kept stale. */
  facts(from: PodName, to: PodName, idempotencyKey: string | undefined, options?: { readonly lock?: boolean }): Promise<DeliveryFacts>;
  /** Appends the message (and the notice), and stores the relation's counters, at once: the message's seq, or `stale`. */
  write(delivery: PeerMessageWrite): Promise<{ readonly seq: number } | 'stale'>;
}
