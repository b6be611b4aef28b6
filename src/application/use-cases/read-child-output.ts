import { inject, injectable } from 'inversify';
import { authorize, type AuthorityRefusal } from '../../domain/authority.js';
import type { PodName } from '../../domain/pod-name.js';
import { statusOf, type PodStatus } from '../../domain/pod-status.js';
import { ok, type Result } from '../../domain/result.js';
import { CLOCK, type Clock } from '../ports/clock.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work.js';
import { visibleFrom } from '../visible-from.js';
import { entriesAfter } from './read-history.js';

export type ReadChildOutputCommand = {
  readonly caller: PodName;
  readonly name: PodName;
  /** Bounds of one answer (default CHILD_OUTPUT_LIMITS); the first message always comes, whole. */
  readonly limits?: { readonly maxMessages: number; readonly maxBytes: number };
};
export type ChildOutput = {
  readonly status: PodStatus;
  readonly messages: readonly { readonly seq: number; readonly text: string }[];
  readonly cursor: number;
  /** More assistant text waits past `cursor`: the next read returns it. */
  readonly more: boolean;
};

/** As many messages as the MCP inbound block carries: an answer a model's context can take, whatever the child wrote. */
export const CHILD_OUTPUT_LIMITS = { maxMessages: 20, maxBytes: 32 * 1024 } as const;

const utf8 = new TextEncoder();

/** The cursor is a history sequence number, so it survives restarts of either Pod. */
@injectable()
export class ReadChildOutput {
  constructor(
    @inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(command: ReadChildOutputCommand): Promise<Result<ChildOutput, AuthorityRefusal>> {
    const { caller, name } = command;
    const { maxMessages, maxBytes } = command.limits ?? CHILD_OUTPUT_LIMITS;
    return this.uow.run(async (repos): Promise<Result<ChildOutput, AuthorityRefusal>> => {
      const allowed = authorize(caller, 'read_output', name, await visibleFrom(repos, caller));
      if (!allowed.ok) return allowed;
      const ownership = await repos.children.findByChild(name);
      if (!ownership) throw new Error(`child \`${name}\` is visible but has no ownership edge`);
      const messages: { seq: number; text: string }[] = [];
      let cursor = ownership.outputCursor;
      let bytes = 0;
      let more = false;
      // Up to the first message left for later: a child far ahead of the cursor is not read whole.
      for await (const entry of entriesAfter(repos.history, name, cursor)) {
        if (entry.kind === 'assistant_message') {
          const size = utf8.encode(entry.text).length;
          if (messages.length > 0 && (messages.length >= maxMessages || bytes + size > maxBytes)) {
            more = true;
            break;
          }
          messages.push({ seq: entry.seq, text: entry.text });
          bytes += size;
        }
        cursor = entry.seq;
      }
      if (cursor !== ownership.outputCursor) await repos.children.update({ ...ownership, outputCursor: cursor });
      const [lease] = await repos.leases.getMany([name]);
      return ok({ status: statusOf(lease, this.clock.now()), messages, cursor, more });
    });
  }
}
