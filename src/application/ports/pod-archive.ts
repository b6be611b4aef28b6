import type { HistoryEntry } from '../../domain/history-entry.js';
import type { Pod } from '../../domain/pod.js';
import type { PodName } from '../../domain/pod-name.js';
import type { HistoryRange } from './history-repository.js';

/** A Pod the operator removed (`pods rm`), as the archive keeps it; its name may be in use again. */
export type RemovedPod = {
  /** Which removal: a name can be removed, created again and removed again. */
  readonly id: string;
  readonly removedAt: Date;
  readonly pod: Pod;
  readonly entries: number;
};

/** Removed Pods leave every table a live Pod is in (the name is free again); history and audit trail are kept, read-only. */
export interface PodArchive {
  /** Relations and children are the caller's to remove first; a live lease taken meanwhile makes it throw. */
  archive(pod: PodName, removal: { readonly id: string; readonly at: Date }): Promise<RemovedPod>;
  removals(name: PodName): Promise<readonly RemovedPod[]>;
  /** The history a removed Pod had, oldest first, in pages like `HistoryRepository.read`. */
  readRemoved(removalId: string, range?: Omit<HistoryRange, 'before'>): Promise<readonly HistoryEntry[]>;
}
