import { inject, injectable } from 'inversify';
import type { ChildState } from '../../domain/child-ownership.js';
import { describeDelegationRefusal, lendingRefusal } from '../../domain/effective-scope.js';
import type { PodName } from '../../domain/pod-name.js';
import { isLive, statusOf, type Lease, type PodDriver, type PodStatus } from '../../domain/pod-status.js';
import { err, ok, type Result } from '../../domain/result.js';
import type { ScopeRule } from '../../domain/scope-rule.js';
import { childrenIn, type VisibilityReason, type VisiblePod } from '../../domain/visibility.js';
import { podNotFound, type PodNotFound } from '../errors.js';
import { CLOCK, type Clock } from '../ports/clock.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work.js';
import { visibleFrom } from '../visible-from.js';

export type PodListing = {
  readonly name: PodName;
  readonly visibility: VisibilityReason;
  readonly status: PodStatus;
  readonly live: boolean;
  /** Who drives it while live: its host's model, or an external agent over MCP. */
  readonly drivenBy?: PodDriver;
  readonly restore: { readonly possible: boolean; readonly reason?: string };
  readonly peer?: { readonly since: Date; readonly initiatedFrom: PodName };
  readonly child?: { readonly scope: readonly ScopeRule[]; readonly state: ChildState };
  /**
   * That Pod's own children, counted by the status each child itself shows (`live + stopped =
   * count`): a child is stopped when no host holds it, whether its parent stopped it (its
   * `child.state`, shown to that parent) or its host went away.
   */
  readonly children: { readonly count: number; readonly live: number; readonly stopped: number };
};

/**
 * Tool ListPods: exactly the caller's visibility set, sorted by name. A fixed number of
 * queries whatever the number of Pods; nothing is probed one Pod at a time.
 */
@injectable()
export class ListPods {
  constructor(
    @inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(command: { readonly caller: PodName }): Promise<Result<readonly PodListing[], PodNotFound>> {
    const { caller } = command;
    return this.uow.run(async (repos): Promise<Result<readonly PodListing[], PodNotFound>> => {
      const self = await repos.pods.get(caller);
      if (!self) return err(podNotFound(caller));
      const visibleSet = await visibleFrom(repos, caller);
      const visible = [...visibleSet.values()].sort((x, y) => (x.name < y.name ? -1 : 1));
      const grandchildren = await repos.children.listByParents(visible.map((v) => v.name));
      const leases = new Map<string, Lease>(
        (await repos.leases.getMany([...visible.map((v) => v.name), ...grandchildren.map((g) => g.child)])).map((l) => [l.pod, l]),
      );
      const now = this.clock.now();
      const children = childrenIn(visibleSet);

      const restoreOf = (v: VisiblePod, live: boolean): PodListing['restore'] => {
        if (v.reason === 'self') return { possible: false, reason: 'this is the calling Pod' };
        if (live) return { possible: false, reason: 'already live' };
        if (v.reason === 'spawned_child' && v.child.state === 'stopped') {
          const refusal = lendingRefusal(self.scope, children, v.child.scope);
          if (refusal) return { possible: false, reason: describeDelegationRefusal(caller, refusal) };
        }
        return { possible: true };
      };

      return ok(
        visible.map((v): PodListing => {
          const lease = leases.get(v.name);
          const live = isLive(lease, now);
          const own = grandchildren.filter((g) => g.parent === v.name);
          const liveChildren = own.filter((g) => isLive(leases.get(g.child), now)).length;
          return {
            name: v.name,
            visibility: v.reason,
            status: statusOf(lease, now),
            live,
            ...(live ? { drivenBy: lease.driver } : {}),
            restore: restoreOf(v, live),
            ...(v.reason === 'peer' ? { peer: { since: v.peer.since, initiatedFrom: v.peer.initiatedFrom } } : {}),
            ...(v.reason === 'spawned_child' ? { child: { scope: v.child.scope, state: v.child.state } } : {}),
            children: {
              count: own.length,
              live: liveChildren,
              stopped: own.length - liveChildren,
            },
          };
        }),
      );
    });
  }
}
