import { inject, injectable } from 'inversify';
import type { HistoryEntry } from '../../domain/history-entry.js';
import type { PodName } from '../../domain/pod-name.js';
import { err, ok, type Result } from '../../domain/result.js';
import { podNotFound, type PodNotFound } from '../errors.js';
import type { HistoryRange } from '../ports/history-repository.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work.js';

/** Operator: a Pod's committed history, oldest first. */
@injectable()
export class ReadHistory {
  constructor(@inject(UNIT_OF_WORK) private readonly uow: UnitOfWork) {}

  async execute(command: { readonly pod: PodName } & HistoryRange): Promise<Result<readonly HistoryEntry[], PodNotFound>> {
    const { pod, ...range } = command;
    return this.uow.run(async (repos): Promise<Result<readonly HistoryEntry[], PodNotFound>> => {
      if (!(await repos.pods.get(pod))) return err(podNotFound(pod));
      return ok(await repos.history.read(pod, range));
    });
  }
}
