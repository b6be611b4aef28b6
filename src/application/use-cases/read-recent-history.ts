import { inject, injectable } from 'inversify';
import type { HistoryEntry } from '../../domain/history-entry.js';
import type { PodName } from '../../domain/pod-name.js';
import { err, ok, type Result } from '../../domain/result.js';
import { watermark, watermarkReached } from '../../domain/turn-trigger.js';
import { podNotFound, type PodNotFound } from '../errors.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work.js';
import { HISTORY_PAGE } from './read-history.js';

/** Past this many entries the watermark search stops (`whole: false`) rather than read a long unanswered history whole. */
export const UNSEEN_LOOKBACK = 5 * HISTORY_PAGE;

export type RecentHistory = {
  /** The newest seq when read (0: no entries); seqs are gap-free from 1, so also the count. */
  readonly head: number;
  readonly recent: readonly HistoryEntry[];
  /** The history's watermark (see `watermark`); when not `whole`, the seq before the oldest entry read. */
  readonly mark: number;
  readonly sinceMark: readonly HistoryEntry[];
  readonly whole: boolean;
};

/** Reads backwards no further than the watermark, at most UNSEEN_LOOKBACK: memory and statements stay bounded. */
@injectable()
export class ReadRecentHistory {
  constructor(@inject(UNIT_OF_WORK) private readonly uow: UnitOfWork) {}

  /** `last` is at most HISTORY_PAGE (a screenful, not a history). */
  async execute(command: { readonly pod: PodName; readonly last: number }): Promise<Result<RecentHistory, PodNotFound>> {
    const { pod } = command;
    const last = Math.min(HISTORY_PAGE, Math.max(0, Math.trunc(command.last)));
    const start = await this.uow.run(async (repos) => {
      if (!(await repos.pods.get(pod))) return undefined;
      const head = await repos.history.head(pod);
      // Below head + 1: what commits from here on is the follower's, each entry read once.
      return { head, page: await repos.history.read(pod, { before: head + 1, limit: HISTORY_PAGE }) };
    });
    if (!start) return err(podNotFound(pod));
    const { head, page } = start;
    const recent = last === 0 ? [] : page.slice(-last);
    let oldest = page[0]?.seq ?? head + 1;
    let mark = watermark(page);
    let read = page.length;
    // Only what lies after the mark is kept: older entries cannot move it (see watermarkReached).
    let kept = page.filter((e) => e.seq > mark);
    while (!watermarkReached(oldest, mark) && read < UNSEEN_LOOKBACK) {
      const limit = Math.min(HISTORY_PAGE, UNSEEN_LOOKBACK - read);
      const older = await this.uow.run((repos) => repos.history.read(pod, { before: oldest, limit }), { singleRead: true });
      const first = older[0];
      if (!first) break; // the Pod was removed meanwhile: what was read stands
      oldest = first.seq;
      read += older.length;
      mark = Math.max(mark, watermark(older));
      kept = [...older, ...kept].filter((e) => e.seq > mark);
    }
    const whole = watermarkReached(oldest, mark);
    if (!whole) mark = oldest - 1;
    return ok({ head, recent, mark, sinceMark: kept, whole });
  }
}
