import { inject, injectable } from 'inversify';
import type { PodName } from '../../domain/pod-name.js';
import { err, ok, type Result } from '../../domain/result.js';
import { podNotFound, type PodNotFound } from '../errors.js';
import { HOST_CONFIG, type HostConfig } from '../host/host-config.js';
import { HISTORY_FEED, type HistoryFeed } from '../ports/history-feed.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work.js';
import { Wakeup } from '../wakeup.js';
import { isInbound } from './take-unseen-inbound.js';

/** The longest wait: under the 60 s request timeout MCP clients default to, with room for the answer. */
export const MAX_WAIT_MS = 50_000;

/**
 * What the caller has already seen of its own history: through a sequence number (the
 * request a model answered), everything its external agent was shown (the inbound cursor
 * of `pods mcp`), or, by default, everything committed when the wait begins.
 */
export type SeenMark = number | 'inbound_cursor' | 'head';

export type WaitForInboundCommand = {
  readonly pod: PodName;
  readonly seen: SeenMark;
  /** Clamped to 0…MAX_WAIT_MS. */
  readonly waitMs: number;
  readonly signal?: AbortSignal;
};

export type WaitOutcome = {
  /** Why the wait ended: an inbound entry the caller has not seen is committed, the time ran out, or the caller went away. */
  readonly ended: 'arrived' | 'timed_out' | 'cancelled';
  readonly waitedMs: number;
};

/**
 * Waits until `pod`'s committed history holds an inbound entry (peer message, child event,
 * notice, input) the caller has not seen. It only reads: what arrives is shown by whatever
 * the caller does next (the next model request, the inbound block of an MCP result). Woken
 * by the history feed; it also looks at the pollMs interval in case a notice was lost.
 */
@injectable()
export class WaitForInbound {
  constructor(
    @inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @inject(HISTORY_FEED) private readonly feed: HistoryFeed,
    @inject(HOST_CONFIG) private readonly config: HostConfig,
  ) {}

  async execute(command: WaitForInboundCommand): Promise<Result<WaitOutcome, PodNotFound>> {
    const { pod, signal } = command;
    // Real elapsed time, not the store's clock: the bound is the client's request timeout.
    const started = performance.now();
    const waitedMs = () => Math.round(performance.now() - started);
    const waitMs = Math.min(MAX_WAIT_MS, Math.max(0, Math.floor(command.waitMs)));

    // Subscribed before the first look, so a commit between the look and the wait still wakes it.
    const wakeup = new Wakeup();
    const offFeed = this.feed.subscribe((committed) => {
      if (committed === pod) wakeup.wake();
    });
    try {
      const seenThrough = await this.uow.run(async (repos) => {
        if (!(await repos.pods.get(pod))) return undefined;
        if (typeof command.seen === 'number') return command.seen;
        return command.seen === 'head' ? repos.history.head(pod) : repos.inboundCursors.lock(pod);
      });
      if (seenThrough === undefined) return err(podNotFound(pod));
      let from = seenThrough;
      const arrived = async (): Promise<boolean> => {
        const newer = await this.uow.run((repos) => repos.history.read(pod, { after: from }));
        if (newer.some(isInbound)) return true;
        from = newer.at(-1)?.seq ?? from; // model output and tool results: the next look starts past them
        return false;
      };

      const deadline = started + waitMs;
      for (;;) {
        if (await arrived()) return ok({ ended: 'arrived', waitedMs: waitedMs() });
        if (signal?.aborted) return ok({ ended: 'cancelled', waitedMs: waitedMs() });
        const left = deadline - performance.now();
        if (left <= 0) return ok({ ended: 'timed_out', waitedMs: waitedMs() });
        await wakeup.until(Math.min(left, this.config.pollMs), signal); // at once if a commit landed while we looked
      }
    } finally {
      offFeed();
    }
  }
}
