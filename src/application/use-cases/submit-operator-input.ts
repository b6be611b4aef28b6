import { inject, injectable } from 'inversify';
import type { HistoryEntry } from '../../domain/history-entry.js';
import type { MessageBody } from '../../domain/message-body.js';
import type { PodName } from '../../domain/pod-name.js';
import { err, ok, type Result } from '../../domain/result.js';
import { podNotFound, type PodNotFound } from '../errors.js';
import { CLOCK, type Clock } from '../ports/clock.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work.js';
import { deliveryFor, type Delivery } from '../turn-outcome.js';

export type SubmitOperatorInputCommand = { readonly pod: PodName; readonly text: MessageBody };

/** Human input also resets the ping-pong breaker of every relation the Pod is part of. */
@injectable()
export class SubmitOperatorInput {
  constructor(
    @inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(command: SubmitOperatorInputCommand): Promise<Result<Delivery & { readonly entry: HistoryEntry }, PodNotFound>> {
    const { pod, text } = command;
    const result = await this.uow.run(async (repos): Promise<Result<Delivery & { readonly entry: HistoryEntry }, PodNotFound>> => {
      if (!(await repos.pods.get(pod))) return err(podNotFound(pod));
      const now = this.clock.now();
      const [lease] = await repos.leases.getMany([pod]);
      // Relation rows before the Pod's history counter: the order every writer of a Pod's
      // history takes (a delivery locks its relation, then appends), so none can deadlock.
      await repos.relations.resetAutoTurns(pod);
      const entry = await repos.history.append(pod, { kind: 'user_input', text, origin: { type: 'operator' } }, now);
      return ok({ ...deliveryFor(lease, now), entry });
    });
    return result;
  }
}
