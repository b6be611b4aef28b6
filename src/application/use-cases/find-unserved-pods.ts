import { inject, injectable } from 'inversify';
import { stoppedByParent } from '../../domain/child-ownership.js';
import type { PodName } from '../../domain/pod-name.js';
import { isLive } from '../../domain/pod-status.js';
import { CLOCK, type Clock } from '../ports/clock.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work.js';

/** No live lease, not a stopped child; without `among`, one statement returning only free names. Locks nothing. */
@injectable()
export class FindUnservedPods {
  constructor(
    @inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(query: { readonly among?: readonly PodName[] } = {}): Promise<readonly PodName[]> {
    const now = this.clock.now();
    const { among } = query;
    if (!among) return this.uow.run((repos) => repos.pods.unserved(now), { singleRead: true });
    return this.uow.run(async (repos) => {
      const live = new Set((await repos.leases.getMany(among)).filter((l) => isLive(l, now)).map((l) => l.pod));
      const free = [...new Set(among)].filter((pod) => !live.has(pod));
      const candidates = (await Promise.all(free.map((pod) => repos.pods.get(pod)))).filter((pod) => pod !== undefined);
      const parents = [...new Set(candidates.flatMap((p) => (p.origin.type === 'spawned' ? [p.origin.parent] : [])))];
      const onlyTheirParentRuns = new Set(
        (await repos.children.listByParents(parents)).filter((edge) => stoppedByParent(edge)).map((edge) => edge.child),
      );
      return candidates.map((p) => p.name).filter((pod) => !onlyTheirParentRuns.has(pod));
    });
  }
}
