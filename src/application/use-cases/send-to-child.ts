import { inject, injectable } from 'inversify';
import { authorize, type AuthorityRefusal } from '../../domain/authority.js';
import type { MessageBody } from '../../domain/message-body.js';
import type { PodName } from '../../domain/pod-name.js';
import { ok, type Result } from '../../domain/result.js';
import { CLOCK, type Clock } from '../ports/clock.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work.js';
import { deliveryFor, type Delivery } from '../turn-outcome.js';
import { visibleFrom } from '../visible-from.js';

export type SendToChildCommand = { readonly caller: PodName; readonly name: PodName; readonly message: MessageBody };
export type SendToChildError = AuthorityRefusal;

/** Tool SendToPod: a user turn for the caller's own child, recorded with the parent as its origin. */
@injectable()
export class SendToChild {
  constructor(
    @inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(command: SendToChildCommand): Promise<Result<Delivery & { readonly seq: number }, SendToChildError>> {
    const { caller, name, message } = command;
    const result = await this.uow.run(async (repos): Promise<Result<Delivery & { readonly seq: number }, SendToChildError>> => {
      const allowed = authorize(caller, 'send', name, await visibleFrom(repos, caller));
      if (!allowed.ok) return allowed;
      const now = this.clock.now();
      const [lease] = await repos.leases.getMany([name]);
      const entry = await repos.history.append(name, { kind: 'user_input', text: message, origin: { type: 'parent', parent: caller } }, now);
      return ok({ ...deliveryFor(lease, now), seq: entry.seq });
    });
    return result;
  }
}
