import { inject, injectable } from 'inversify';
import type { PodName } from '../../domain/pod-name.js';
import { isLive } from '../../domain/pod-status.js';
import { err, ok, type Result } from '../../domain/result.js';
import { CLOCK, type Clock } from '../ports/clock.js';
import { POD_EVENTS, type PodEvents } from '../ports/pod-events.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work.js';

/** How long a host has to answer: it answers at once from its event listener, so this is a dead host's bound. */
export const CANCEL_ANSWER_MS = 2_000;

export type CancelTurnCommand = { readonly pod: PodName; readonly waitMs?: number };
export type CancelAnswer = { readonly outcome: 'cancelled' | 'no_turn'; readonly hostId: string };
export type CancelTurnError =
  | { readonly type: 'NotRunning'; readonly pod: PodName }
  | { readonly type: 'NoAnswer'; readonly pod: PodName; readonly hostId: string; readonly waitedMs: number; readonly leaseUntil: Date };

export function describeCancelTurnError(error: CancelTurnError): string {
  switch (error.type) {
    case 'NotRunning':
      return `\`${error.pod}\` runs on no host: there is no turn to cancel`;
    case 'NoAnswer':
      return `host ${error.hostId} did not answer within ${error.waitedMs} ms: it may be gone (its lease on \`${error.pod}\` runs until ${error.leaseUntil.toISOString()}); nothing was cancelled`;
  }
}

/** Request and answer travel on the event stream; neither is history (the cancelled turn records its own notice). */
@injectable()
export class CancelTurn {
  constructor(
    @inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @inject(POD_EVENTS) private readonly events: PodEvents,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(command: CancelTurnCommand): Promise<Result<CancelAnswer, CancelTurnError>> {
    const { pod } = command;
    const [lease] = await this.uow.run((repos) => repos.leases.getMany([pod]), { singleRead: true });
    if (!isLive(lease, this.clock.now())) return err({ type: 'NotRunning', pod });
    const { hostId } = lease;
    const waitMs = command.waitMs ?? CANCEL_ANSWER_MS;
    const started = performance.now();
    let off: () => void = () => undefined;
    let timer: NodeJS.Timeout | undefined;
    // Listening before asking: the answer cannot come before the listener.
    const answer = new Promise<boolean | undefined>((resolve) => {
      off = this.events.subscribe((event) => {
        if (event.type === 'cancel_answered' && event.pod === pod && event.hostId === hostId) resolve(event.cancelled);
      });
      timer = setTimeout(() => resolve(undefined), waitMs);
    });
    try {
      this.events.publish({ type: 'cancel_requested', pod, hostId });
      const cancelled = await answer;
      if (cancelled === undefined) return err({ type: 'NoAnswer', pod, hostId, waitedMs: Math.round(performance.now() - started), leaseUntil: lease.expiresAt });
      return ok({ outcome: cancelled ? 'cancelled' : 'no_turn', hostId });
    } finally {
      clearTimeout(timer);
      off();
    }
  }
}
