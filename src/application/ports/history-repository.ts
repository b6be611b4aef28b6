import type { EntryOf, HistoryEntry, HistoryEntryBody } from '../../domain/history-entry.js';
import type { PodName } from '../../domain/pod-name.js';

/** `after` < seq < `before`, oldest first; `limit` keeps the oldest, or with `before` the newest (a read backwards). */
export type HistoryRange = { readonly after?: number; readonly before?: number; readonly limit?: number };
export type SeenHead = { readonly pod: PodName; readonly seq: number };

export interface HistoryRepository {
  /** Appends with the next gap-free sequence number of `pod`; concurrent appends never collide. */
  append(pod: PodName, body: HistoryEntryBody, at: Date): Promise<HistoryEntry>;
  /** The entries of `range` (see HistoryRange), oldest first. */
  read(pod: PodName, range?: HistoryRange): Promise<readonly HistoryEntry[]>;
  get(pod: PodName, seq: number): Promise<HistoryEntry | undefined>;
  /** The sequence number of `pod`'s newest entry (0: none, or no such Pod), without reading entries. */
  head(pod: PodName): Promise<number>;
  /** Of `seen`, the Pods whose history now goes beyond the seq given: one statement whatever their number. */
  headsBeyond(seen: readonly SeenHead[]): Promise<readonly PodName[]>;
  findPeerMessageByKey(receiver: PodName, from: PodName, key: string): Promise<EntryOf<'peer_message'> | undefined>;
}
