import { inject, injectable } from 'inversify';
import type { HistoryEntry } from '../../domain/history-entry.js';
import type { PodName } from '../../domain/pod-name.js';
import { err, ok, type Result } from '../../domain/result.js';
import { podNotFound, type PodNotFound } from '../errors.js';
import { HOST_CONFIG, type HostConfig } from '../host/host-config.js';
import { HISTORY_FEED, type HistoryFeed } from '../ports/history-feed.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work.js';
import { Wakeup } from '../wakeup.js';
import { HISTORY_PAGE } from './read-history.js';

export type FollowHistoryCommand = {
  /** The Pods to follow; none: every Pod, also those created while following. */
  readonly pods?: readonly PodName[];
  /** Entries committed after the follow began, oldest first per Pod, each once. */
  readonly onEntries: (entries: readonly HistoryEntry[]) => void;
  /** Told once the starting point is read: from here on nothing committed is missed. */
  readonly onFollowing?: () => void;
  /** Told once when reading fails (the store went away) and once when it works again. */
  readonly onTrouble?: (error: Error | undefined) => void;
  /** Following ends when it aborts. */
  readonly signal: AbortSignal;
};

/**
 * Operator `pods watch`: history as it commits, across processes. Woken by the history
 * feed; named Pods are also looked at every pollMs in case a notice was lost. It only
 * reads, from where each Pod's history stood when the follow began.
 */
@injectable()
export class FollowHistory {
  constructor(
    @inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @inject(HISTORY_FEED) private readonly feed: HistoryFeed,
    @inject(HOST_CONFIG) private readonly config: HostConfig,
  ) {}

  async execute(command: FollowHistoryCommand): Promise<Result<void, PodNotFound>> {
    const { signal } = command;
    const named = command.pods;
    const pending = new Set<PodName>();
    const wakeup = new Wakeup();
    const offFeed = this.feed.subscribe((pod) => {
      if (named && !named.includes(pod)) return;
      pending.add(pod);
      wakeup.wake();
    });
    try {
      // Where each history stands now: only what commits from here on is shown.
      const start = await this.uow.run(async (repos) => {
        const pods = named ?? (await repos.pods.list()).map((p) => p.name);
        const seen = new Map<PodName, number>();
        for (const pod of pods) {
          if (named && !(await repos.pods.get(pod))) return err(podNotFound(pod));
          seen.set(pod, await repos.history.head(pod));
        }
        return ok(seen);
      });
      if (!start.ok) return start;
      const seen = start.value;
      command.onFollowing?.();
      let troubled = false;

      const drain = async (): Promise<void> => {
        // Following every Pod with no notice pending, one known Pod is still read each poll:
        // without it an outage (no notices at all) would go unreported.
        const pods = named ? [...new Set([...pending, ...named])] : pending.size > 0 ? [...pending] : [...seen.keys()].slice(0, 1);
        pending.clear();
        for (const pod of pods) {
          // A page at a time: a burst of commits is passed on as it is read, never held whole.
          for (;;) {
            const after = seen.get(pod) ?? 0; // a Pod first heard of now was created while following
            let entries: readonly HistoryEntry[];
            try {
              entries = await this.uow.run((repos) => repos.history.read(pod, { after, limit: HISTORY_PAGE }), { singleRead: true });
            } catch (error) {
              pending.add(pod);
              if (!troubled) command.onTrouble?.(error instanceof Error ? error : new Error(String(error)));
              troubled = true;
              break;
            }
            if (troubled) command.onTrouble?.(undefined);
            troubled = false;
            const last = entries.at(-1);
            if (!last) break;
            seen.set(pod, last.seq);
            command.onEntries(entries);
            if (entries.length < HISTORY_PAGE || signal.aborted) break;
          }
        }
      };

      while (!signal.aborted) {
        await drain();
        // At once when a notice came during the drain; a failed read is retried after pollMs.
        await wakeup.until(this.config.pollMs, signal);
      }
      return ok(undefined);
    } finally {
      offFeed();
    }
  }
}
