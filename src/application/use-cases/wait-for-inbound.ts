import { inject, injectable } from 'inversify';
import type { PodName } from '../../domain/pod-name.js';
import { err, ok, type Result } from '../../domain/result.js';
import { podNotFound, type PodNotFound } from '../errors.js';
import { HOST_CONFIG, type HostConfig } from '../host/host-config.js';
import { pause } from '../pause.js';
import { POD_EVENTS, type PodEvents } from '../ports/pod-events.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work.js';
import { watch } from '../watcher.js';
import { HISTORY_PAGE } from './read-history.js';
import { isInbound } from './take-unseen-inbound.js';

/** The longest wait: under the 60 s request timeout MCP clients default to, with room for the answer. */
export const MAX_WAIT_MS = 50_000;

/** Seen through a seq (the request a model answered), the `pods mcp` inbound cursor, or everything committed at the start. */
export type SeenMark = number | 'inbound_cursor' | 'head';

export type WaitForInboundCommand = {
  readonly pod: PodName;
  readonly seen: SeenMark;
  readonly waitMs: number;
  readonly signal?: AbortSignal;
};

export type WaitOutcome = {
  readonly ended: 'arrived' | 'timed_out' | 'cancelled';
  readonly waitedMs: number;
};

/** It only reads: what arrives is shown by whatever the caller does next. Looks every pollMs too, should an event be lost. */
@injectable()
export class WaitForInbound {
  constructor(
    @inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @inject(POD_EVENTS) private readonly events: PodEvents,
    @inject(HOST_CONFIG) private readonly config: HostConfig,
  ) {}

  async execute(command: WaitForInboundCommand): Promise<Result<WaitOutcome, PodNotFound>> {
    const { pod, signal } = command;
    // Real elapsed time, not the store's clock: the bound is the client's request timeout.
    const started = performance.now();
    const waitedMs = () => Math.round(performance.now() - started);
    const waitMs = Math.min(MAX_WAIT_MS, Math.max(0, Math.floor(command.waitMs)));

    let from: number | undefined;
    let arrived = false;
    const arrival = new AbortController();
    let failure: unknown;
    const look = async (): Promise<void> => {
      const after = from;
      if (after === undefined || arrived) return;
      // A page at a time: a cursor far behind the head (an MCP client that took nothing for long) is not read whole.
      for (let seen = after; ;) {
        const newer = await this.uow.run((repos) => repos.history.read(pod, { after: seen, limit: HISTORY_PAGE }));
        if (newer.some(isInbound)) {
          arrived = true;
          arrival.abort();
          return;
        }
        seen = newer.at(-1)?.seq ?? seen;
        from = seen; // model output and tool results: the next look starts past them
        if (newer.length < HISTORY_PAGE) return;
      }
    };
    // Subscribed before the first look, so a commit between the look and the wait still wakes it.
    const watching = watch(this.events, {
      pick: (event) => (event.type === 'committed' && event.pod === pod && event.changes.history ? true : undefined),
      look,
      everyMs: this.config.pollMs,
      lookFirst: false,
      failed: (error) => void (failure ??= error),
    });
    try {
      const seenThrough = await this.uow.run(async (repos) => {
        if (!(await repos.pods.get(pod))) return undefined;
        if (typeof command.seen === 'number') return command.seen;
        return command.seen === 'head' ? repos.history.head(pod) : repos.inboundCursors.lock(pod);
      });
      if (seenThrough === undefined) return err(podNotFound(pod));
      from = seenThrough;
      watching.looks.kick();
      await watching.looks.settled();
      // The first look's failure is the caller's (the store is down); later ones are retried by the timer.
      if (failure !== undefined) throw failure;
      const left = started + waitMs - performance.now();
      if (!arrived && !signal?.aborted && left > 0) {
        await pause(left, signal ? AbortSignal.any([signal, arrival.signal]) : arrival.signal);
      }
      return ok({ ended: arrived ? 'arrived' : signal?.aborted ? 'cancelled' : 'timed_out', waitedMs: waitedMs() });
    } finally {
      await watching.stop();
    }
  }
}
