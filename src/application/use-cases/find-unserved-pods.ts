import { inject, injectable } from 'inversify';
import type { Pod } from '../../domain/pod.js';
import type { PodName } from '../../domain/pod-name.js';
import { isLive } from '../../domain/pod-status.js';
import { CLOCK, type Clock } from '../ports/clock.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work.js';

/**
 * What a following `pods serve` may take: Pods that exist, that no host holds, and that are
 * not children their parent stopped (only the parent runs those again, with RestorePod).
 * `among`: only these names (the ones a notice announced); one lease query decides most
 * of them, since an announced Pod is usually live elsewhere. Without it, the whole store in
 * a fixed number of queries. Reads only: nothing is locked.
 */
@injectable()
export class FindUnservedPods {
  constructor(
    @inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(query: { readonly among?: readonly PodName[] } = {}): Promise<readonly PodName[]> {
    const now = this.clock.now();
    return this.uow.run(async (repos) => {
      const { among } = query;
      let candidates: readonly Pod[];
      if (among) {
        const live = new Set((await repos.leases.getMany(among)).filter((l) => isLive(l, now)).map((l) => l.pod));
        const free = [...new Set(among)].filter((pod) => !live.has(pod));
        candidates = (await Promise.all(free.map((pod) => repos.pods.get(pod)))).filter((pod) => pod !== undefined);
      } else {
        const pods = await repos.pods.list();
        const live = new Set((await repos.leases.getMany(pods.map((p) => p.name))).filter((l) => isLive(l, now)).map((l) => l.pod));
        candidates = pods.filter((pod) => !live.has(pod.name));
      }
      const parents = [...new Set(candidates.flatMap((p) => (p.origin.type === 'spawned' ? [p.origin.parent] : [])))];
      const stoppedByParent = new Set(
        (await repos.children.listByParents(parents)).filter((c) => c.state === 'stopped').map((c) => c.child),
      );
      return candidates.map((p) => p.name).filter((pod) => !stoppedByParent.has(pod));
    });
  }
}
