import { inject, injectable } from 'inversify';
import { authorize, type AuthorityRefusal } from '../../domain/authority.js';
import type { PodName } from '../../domain/pod-name.js';
import { statusOf, type PodStatus } from '../../domain/pod-status.js';
import { ok, type Result } from '../../domain/result.js';
import { CLOCK, type Clock } from '../ports/clock.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work.js';
import { visibleFrom } from '../visible-from.js';

export type ReadChildOutputCommand = { readonly caller: PodName; readonly name: PodName };
export type ChildOutput = {
  readonly status: PodStatus;
  readonly messages: readonly { readonly seq: number; readonly text: string }[];
  readonly cursor: number;
};

/** The cursor is a history sequence number, so it survives restarts of either Pod. */
@injectable()
export class ReadChildOutput {
  constructor(
    @inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(command: ReadChildOutputCommand): Promise<Result<ChildOutput, AuthorityRefusal>> {
    const { caller, name } = command;
    return this.uow.run(async (repos): Promise<Result<ChildOutput, AuthorityRefusal>> => {
      const allowed = authorize(caller, 'read_output', name, await visibleFrom(repos, caller));
      if (!allowed.ok) return allowed;
      const ownership = await repos.children.findByChild(name);
      if (!ownership) throw new Error(`child \`${name}\` is visible but has no ownership edge`);
      const entries = await repos.history.read(name, { after: ownership.outputCursor });
      const cursor = entries.at(-1)?.seq ?? ownership.outputCursor;
      if (cursor !== ownership.outputCursor) await repos.children.update({ ...ownership, outputCursor: cursor });
      const [lease] = await repos.leases.getMany([name]);
      const messages = entries.flatMap((e) => (e.kind === 'assistant_message' ? [{ seq: e.seq, text: e.text }] : []));
      return ok({ status: statusOf(lease, this.clock.now()), messages, cursor });
    });
  }
}
