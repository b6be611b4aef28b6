import { inject, injectable } from 'inversify';
import type { HistoryEntry } from '../../domain/history-entry.js';
import type { PodName } from '../../domain/pod-name.js';
import { err, ok, type Result } from '../../domain/result.js';
import { podNotFound, type PodNotFound } from '../errors.js';
import { HOST_CONFIG, type HostConfig } from '../host/host-config.js';
import { POD_EVENTS, type PodEvents } from '../ports/pod-events.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work.js';
import { watch } from '../watcher.js';
import { HISTORY_PAGE } from './read-history.js';

export type FollowHistoryCommand = {
  /** The Pods to follow; none: every Pod, also those created while following. */
  readonly pods?: readonly PodName[];
  readonly onEntries: (entries: readonly HistoryEntry[]) => void;
  /** Told once the starting point is read: from here on nothing committed is missed. */
  readonly onFollowing?: () => void;
  readonly onTrouble?: (error: Error | undefined) => void;
  readonly signal: AbortSignal;
};

/** Reads each Pod whose history grew; named Pods also every pollMs in case an event was lost. */
@injectable()
export class FollowHistory {
  constructor(
    @inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @inject(POD_EVENTS) private readonly events: PodEvents,
    @inject(HOST_CONFIG) private readonly config: HostConfig,
  ) {}

  async execute(command: FollowHistoryCommand): Promise<Result<void, PodNotFound>> {
    const { signal } = command;
    const named = command.pods;
    const seen = new Map<PodName, number>();
    let following = false;
    let troubled = false;
    const retry = new Set<PodName>();

    const read = async (pod: PodName): Promise<void> => {
      // A page at a time: a burst of commits is passed on as it is read, never held whole.
      for (;;) {
        const after = seen.get(pod) ?? 0; // a Pod first heard of now was created while following
        let entries: readonly HistoryEntry[];
        try {
          entries = await this.uow.run((repos) => repos.history.read(pod, { after, limit: HISTORY_PAGE }), { singleRead: true });
        } catch (error) {
          retry.add(pod);
          if (!troubled) command.onTrouble?.(error instanceof Error ? error : new Error(String(error)));
          troubled = true;
          return;
        }
        if (troubled) command.onTrouble?.(undefined);
        troubled = false;
        const last = entries.at(-1);
        if (!last) return;
        seen.set(pod, last.seq);
        command.onEntries(entries);
        if (entries.length < HISTORY_PAGE || signal.aborted) return;
      }
    };
    // Subscribed before the starting point is read: what commits after it is announced.
    const watching = watch<PodName>(this.events, {
      pick: (event) => (event.type === 'committed' && event.changes.history && (!named || named.includes(event.pod)) ? event.pod : undefined),
      look: async (announced, tick) => {
        if (!following) return;
        // Following every Pod with nothing announced, one known Pod is still read each tick:
        // without it an outage (no events at all) would go unreported.
        const due = new Set([...announced, ...(tick ? [...retry, ...(named ?? [...seen.keys()].slice(0, 1))] : [])]);
        if (tick) retry.clear();
        for (const pod of due) await read(pod);
      },
      everyMs: this.config.pollMs,
      lookFirst: false,
    });
    try {
      // Where each history stands now: only what commits from here on is shown.
      const start = await this.uow.run(async (repos) => {
        const pods = named ?? (await repos.pods.list()).map((p) => p.name);
        for (const pod of pods) {
          if (named && !(await repos.pods.get(pod))) return err(podNotFound(pod));
          seen.set(pod, await repos.history.head(pod));
        }
        return ok(undefined);
      });
      if (!start.ok) return start;
      following = true;
      command.onFollowing?.();
      watching.looks.kick(); // what was announced while the start was read
      await new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        else signal.addEventListener('abort', () => resolve(), { once: true });
      });
      return ok(undefined);
    } finally {
      await watching.stop();
    }
  }
}
