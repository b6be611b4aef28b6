import type { HistoryEntry } from '../../domain/history-entry.js';
import type { Pod } from '../../domain/pod.js';
import type { PodName } from '../../domain/pod-name.js';
import type { HistoryRange } from './history-repository.js';

/** A Pod the operator removed (`pods rm`), as the archive keeps it; its name may be in use again. */
export type RemovedPod = {
  /** Which removal: a name can be removed, created again and removed again. */
  readonly id: string;
  readonly removedAt: Date;
  /** The Pod as it was (its name, scope, origin, creation time, profile). */
  readonly pod: Pod;
  /** How many history entries it had; they are read with `readRemoved`. */
  readonly entries: number;
};

/**
 * Where removed Pods go: off every table a live Pod is in (its name is free again), with
 * their history and audit trail kept, read-only. Entries other Pods hold that name it (a peer
 * message it sent) stay where they are.
 */
export interface PodArchive {
  /**
   * Moves `pod` and its history to the archive and deletes every row that names it: its
   * lease (expired: the caller checked it is not live), inbound cursor, agent session, its
   * parent's ownership of it and its own audit records. Relations and children are the
   * caller's to remove first; a live lease taken meanwhile makes it throw.
   */
  archive(pod: PodName, removal: { readonly id: string; readonly at: Date }): Promise<RemovedPod>;
  /** Every removal of a Pod of this name, oldest first. */
  removals(name: PodName): Promise<readonly RemovedPod[]>;
  /** The history a removed Pod had, oldest first, in pages like `HistoryRepository.read`. */
  readRemoved(removalId: string, range?: Omit<HistoryRange, 'before'>): Promise<readonly HistoryEntry[]>;
}
