import { inject, injectable } from 'inversify';
import type { EntryOf, HistoryEntry } from '../../domain/history-entry.js';
import type { PodName } from '../../domain/pod-name.js';
import { err, ok, type Result } from '../../domain/result.js';
import { podNotFound, type PodNotFound } from '../errors.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work.js';
import { entriesAfter } from './read-history.js';

export type InboundEntry = EntryOf<'peer_message'> | EntryOf<'pod_event'> | EntryOf<'notice'> | EntryOf<'user_input'>;

const INBOUND_KINDS = new Set<HistoryEntry['kind']>(['peer_message', 'pod_event', 'notice', 'user_input']);
export const isInbound = (entry: HistoryEntry): entry is InboundEntry => INBOUND_KINDS.has(entry.kind);

export type TakeUnseenInboundCommand = {
  readonly pod: PodName;
  readonly maxEntries: number;
  /** UTF-8 bytes of the entries' JSON; the first entry is always taken, however large (a message is never cut). */
  readonly maxBytes: number;
};

export type UnseenInbound = {
  /** Oldest first; none of them will be returned again. */
  readonly entries: readonly InboundEntry[];
  readonly waiting: number;
  readonly cursor: number;
};

const utf8 = new TextEncoder();
const sizeOf = (entry: InboundEntry): number => utf8.encode(JSON.stringify(entry)).length;

/** The durable cursor moves past the entries in the same unit of work, so a restart neither repeats nor skips one. */
@injectable()
export class TakeUnseenInbound {
  constructor(@inject(UNIT_OF_WORK) private readonly uow: UnitOfWork) {}

  async execute(command: TakeUnseenInboundCommand): Promise<Result<UnseenInbound, PodNotFound>> {
    const { pod } = command;
    const maxEntries = Math.max(1, Math.floor(command.maxEntries));
    return this.uow.run(async (repos): Promise<Result<UnseenInbound, PodNotFound>> => {
      if (!(await repos.pods.get(pod))) return err(podNotFound(pod));
      const from = await repos.inboundCursors.lock(pod);
      const entries: InboundEntry[] = [];
      let cursor = from;
      let bytes = 0;
      let waiting = 0;
      // A page at a time: what is left for later is only counted, so a cursor far behind the head is not read whole at once.
      for await (const entry of entriesAfter(repos.history, pod, from)) {
        if (waiting > 0 || !isInbound(entry)) {
          // Past the first entry left for later nothing moves the cursor; before it, other kinds are passed over.
          if (waiting === 0) cursor = entry.seq;
          else if (isInbound(entry)) waiting += 1;
          continue;
        }
        const size = sizeOf(entry);
        if (entries.length > 0 && (entries.length >= maxEntries || bytes + size > command.maxBytes)) {
          waiting = 1;
          continue;
        }
        entries.push(entry);
        bytes += size;
        cursor = entry.seq;
      }
      if (cursor !== from) await repos.inboundCursors.advance(pod, cursor);
      return ok({ entries, waiting, cursor });
    });
  }
}
