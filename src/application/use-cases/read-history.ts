import { inject, injectable } from 'inversify';
import type { HistoryEntry } from '../../domain/history-entry.js';
import type { PodName } from '../../domain/pod-name.js';
import { err, ok, type Result } from '../../domain/result.js';
import { podNotFound, type PodNotFound } from '../errors.js';
import type { HistoryRange, HistoryRepository } from '../ports/history-repository.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work.js';

/** By count: a page of 64 KiB messages is about 13 MB, and 100 per page took a third more time at 200,000 entries. */
export const HISTORY_PAGE = 200;

/** `pod`'s entries after `after`, oldest first, read a page at a time inside the caller's unit of work: stop early and no later page is read. */
export async function* entriesAfter(history: HistoryRepository, pod: PodName, after: number): AsyncGenerator<HistoryEntry> {
  for (let from = after; ; ) {
    const page = await history.read(pod, { after: from, limit: HISTORY_PAGE });
    yield* page;
    if (page.length < HISTORY_PAGE) return;
    from = page.at(-1)!.seq;
  }
}

@injectable()
export class ReadHistory {
  constructor(@inject(UNIT_OF_WORK) private readonly uow: UnitOfWork) {}

  /** The range whole, in memory: for a bounded `limit` (the TUI's recent entries), or a history known to be short. */
  async execute(command: { readonly pod: PodName } & HistoryRange): Promise<Result<readonly HistoryEntry[], PodNotFound>> {
    const { pod, ...range } = command;
    return this.uow.run(async (repos): Promise<Result<readonly HistoryEntry[], PodNotFound>> => {
      if (!(await repos.pods.get(pod))) return err(podNotFound(pod));
      return ok(await repos.history.read(pod, range));
    });
  }

  /** Memory holds one page whatever the history's length; entries committed after the call are left out. */
  async pages(command: { readonly pod: PodName } & HistoryRange): Promise<Result<AsyncIterable<readonly HistoryEntry[]>, PodNotFound>> {
    const { pod, after = 0, limit } = command;
    const head = await this.uow.run(async (repos) => ((await repos.pods.get(pod)) ? repos.history.head(pod) : undefined));
    if (head === undefined) return err(podNotFound(pod));
    const last = limit === undefined ? head : Math.min(head, after + Math.max(0, Math.trunc(limit)));
    const uow = this.uow;
    return ok({
      async *[Symbol.asyncIterator]() {
        for (let from = Math.max(0, after); from < last; ) {
          const page = await uow.run((repos) => repos.history.read(pod, { after: from, limit: Math.min(HISTORY_PAGE, last - from) }), { singleRead: true });
          const newest = page.at(-1);
          if (!newest) return;
          yield page;
          from = newest.seq;
        }
      },
    });
  }
}
