import { HISTORY_PAGE, type ReadHistory } from '../../application/use-cases/read-history.js';
import type { RecentHistory } from '../../application/use-cases/read-recent-history.js';
import type { HistoryEntry } from '../../domain/history-entry.js';
import type { PodName } from '../../domain/pod-name.js';
import { errorMessage } from '../error-message.js';
import { renderTuiEntry } from './render-tui-entry.js';
import type { TuiScreen } from './tui-screen.js';

export type FollowStart = Pick<RecentHistory, 'head' | 'mark' | 'sinceMark' | 'whole'>;

export type FollowerWatcher = {
  readonly followed: (pod: PodName, start: FollowStart) => void;
  readonly shown: (entry: HistoryEntry) => void;
};

/** Everything printed goes through one queue, so status lines queued behind a read come after its entries. */
export class HistoryFollower {
  private readonly watchers = new Set<FollowerWatcher>();
  private pod: PodName | undefined;
  private through = 0;
  private queue: Promise<void> = Promise.resolve();
  private pendingSync: Promise<void> | undefined;

  constructor(
    private readonly history: ReadHistory,
    private readonly screen: TuiScreen,
  ) {}

  get newest(): number {
    return this.through;
  }

  watch(watcher: FollowerWatcher): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  then(step: () => void | Promise<void>): Promise<void> {
    this.queue = this.queue.then(step).catch((error: unknown) => this.screen.warn(`could not read history: ${errorMessage(error)}`));
    return this.queue;
  }

  follow(pod: PodName, start: FollowStart): Promise<void> {
    return this.then(() => {
      this.pod = pod;
      this.through = start.head;
      for (const watcher of this.watchers) watcher.followed(pod, start);
    });
  }

  sync(): Promise<void> {
    this.pendingSync ??= this.then(async () => {
      this.pendingSync = undefined;
      const pod = this.pod;
      if (pod === undefined) return;
      // A page at a time: a burst of commits (another process's import, a long outage) is printed as it is read, never held whole.
      for (;;) {
        const read = await this.history.execute({ pod, after: this.through, limit: HISTORY_PAGE });
        if (!read.ok) {
          this.screen.warn(`pod \`${pod}\` no longer exists`);
          return;
        }
        for (const entry of read.value) {
          // Watchers first: a line redraws the live block as it stands, so a block that lets go of this entry's streamed text must have done so.
          for (const watcher of this.watchers) watcher.shown(entry);
          this.screen.line(renderTuiEntry(entry, this.screen.palette));
          this.through = entry.seq;
        }
        if (read.value.length < HISTORY_PAGE) return;
      }
    });
    return this.pendingSync;
  }
}
