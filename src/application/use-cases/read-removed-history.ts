import { inject, injectable } from 'inversify';
import type { HistoryEntry } from '../../domain/history-entry.js';
import type { PodName } from '../../domain/pod-name.js';
import { err, ok, type Result } from '../../domain/result.js';
import type { HistoryRange } from '../ports/history-repository.js';
import type { RemovedPod } from '../ports/pod-archive.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work.js';

export type NeverRemoved = { readonly type: 'NeverRemoved'; readonly name: PodName };

export const describeNeverRemoved = (error: NeverRemoved): string => `no Pod named \`${error.name}\` was ever removed`;

/** Operator `pods history NAME --removed`: every removed Pod of that name, oldest removal first, with its history. */
@injectable()
export class ReadRemovedHistory {
  constructor(@inject(UNIT_OF_WORK) private readonly uow: UnitOfWork) {}

  async execute(command: { readonly name: PodName } & HistoryRange): Promise<Result<readonly { readonly removed: RemovedPod; readonly entries: readonly HistoryEntry[] }[], NeverRemoved>> {
    const { name, ...range } = command;
    return this.uow.run(async (repos) => {
      const removals = await repos.archive.removals(name);
      if (removals.length === 0) return err({ type: 'NeverRemoved', name } as const);
      const read = [];
      for (const removed of removals) read.push({ removed, entries: await repos.archive.readRemoved(removed.id, range) });
      return ok(read);
    });
  }
}
