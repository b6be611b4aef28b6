import type { AuditRecord } from '../../domain/audit-record.js';
import type { OrderedPair, PeerRelation } from '../../domain/peer-relation.js';
import type { PodName } from '../../domain/pod-name.js';

export interface PeerRelationRepository {
  /**
   * A second add of a pair is reported, not duplicated. With `handshake`, one write that also checks `peeringRefusal` and
   * writes the audit; `exists` then means only "not added", and the caller reads why.
   */
  addIfAbsent(relation: PeerRelation, handshake?: { readonly audit: readonly AuditRecord[] }): Promise<'added' | 'exists'>;
  /** In a SQL store it locks the row until the unit ends, so a delivery and a removal of the pair cannot interleave. */
  lockBetween(pair: OrderedPair): Promise<PeerRelation | undefined>;
  listFor(pod: PodName): Promise<readonly PeerRelation[]>;
  remove(pair: OrderedPair): Promise<PeerRelation | undefined>;
  /** Stores the counters of a relation read with `lockBetween`. */
  saveCounters(relation: Pick<PeerRelation, 'a' | 'b' | 'lastPairSeq' | 'autoTurns'>): Promise<void>;
  /** Human input to `pod` resets the ping-pong breaker of every relation it is part of. */
  resetAutoTurns(pod: PodName): Promise<void>;
}
