import type { ServiceIdentifier } from 'inversify';
import type { PodName } from '../../domain/pod-name.js';

/**
 * Tells listeners that something about a Pod was committed, by any process using the store,
 * and only after the commit: entries appended to its history, the Pod created, or its lease
 * ended (released or revoked). It carries no data: listeners read history or leases, so a
 * missed or duplicated notice costs a read, never an entry.
 */
export interface HistoryFeed {
  subscribe(listener: (pod: PodName) => void): () => void;
}
export const HISTORY_FEED = Symbol.for('HistoryFeed') as ServiceIdentifier<HistoryFeed>;
