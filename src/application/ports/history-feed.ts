import type { ServiceIdentifier } from 'inversify';
import type { PodName } from '../../domain/pod-name.js';

/**
 * Tells listeners that entries were committed to a Pod's history, by any process using
 * the store, and only after the commit. It carries no entries: listeners read history,
 * so a missed or duplicated notice costs a read, never an entry.
 */
export interface HistoryFeed {
  subscribe(listener: (pod: PodName) => void): () => void;
}
export const HISTORY_FEED = Symbol.for('HistoryFeed') as ServiceIdentifier<HistoryFeed>;
