import { inject, injectable } from 'inversify';
import type { ChildState } from '../../domain/child-ownership.js';
import { describeDelegationRefusal, lendingChecker } from '../../domain/effective-scope.js';
import type { PodName } from '../../domain/pod-name.js';
import { isLive, statusOf, type Lease, type PodDriver, type PodStatus } from '../../domain/pod-status.js';
import { err, ok, type Result } from '../../domain/result.js';
import type { ScopeRule } from '../../domain/scope-rule.js';
import { childrenIn, visibilitySet, type VisibilityReason, type VisiblePod } from '../../domain/visibility.js';
import { podNotFound, type PodNotFound } from '../errors.js';
import { CLOCK, type Clock } from '../ports/clock.js';
import type { Surroundings } from '../ports/listing-reader.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work.js';

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
 * Tool ListPods: exactly the caller's visibility set, sorted by name. One read whatever the
 * number of Pods (one statement in a SQL store, so no transaction either), and work linear
 * in what it returns: children are counted from one index by parent, and what the caller
 * has lent is gathered once for every stopped child's restore check.
 */
@injectable()
export class ListPods {
  constructor(
    @inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(command: { readonly caller: PodName }): Promise<Result<readonly PodListing[], PodNotFound>> {
    const { caller } = command;
    const around = await this.uow.run((repos) => repos.listing.surroundings(caller), { singleRead: true });
    if (!around) return err(podNotFound(caller));
    return ok(listingOf(around, this.clock.now()));
  }
}

function listingOf(around: Surroundings, now: Date): readonly PodListing[] {
  const { self } = around;
  const visibleSet = visibilitySet(self.name, around.children, around.relations);
  const visible = [...visibleSet.values()].sort((x, y) => (x.name < y.name ? -1 : 1));
  const leases = new Map<string, Lease>(around.leases.map((l) => [l.pod, l]));
  const childrenOf = new Map<string, { count: number; live: number }>();
  const count = (edge: { readonly parent: PodName; readonly child: PodName }) => {
    let counted = childrenOf.get(edge.parent);
    if (!counted) childrenOf.set(edge.parent, (counted = { count: 0, live: 0 }));
    counted.count += 1;
    if (isLive(leases.get(edge.child), now)) counted.live += 1;
  };
  for (const edge of around.children) count(edge);
  for (const edge of around.grandchildren) count(edge);
  const mayLend = lendingChecker(self.scope, childrenIn(visibleSet));

  const restoreOf = (v: VisiblePod, live: boolean): PodListing['restore'] => {
    if (v.reason === 'self') return { possible: false, reason: 'this is the calling Pod' };
    if (live) return { possible: false, reason: 'already live' };
    if (v.reason === 'spawned_child' && v.child.state === 'stopped') {
      const refusal = mayLend(v.child.scope);
      if (refusal) return { possible: false, reason: describeDelegationRefusal(self.name, refusal) };
    }
    return { possible: true };
  };

  return visible.map((v): PodListing => {
    const lease = leases.get(v.name);
    const live = isLive(lease, now);
    const own = childrenOf.get(v.name) ?? { count: 0, live: 0 };
    return {
      name: v.name,
      visibility: v.reason,
      status: statusOf(lease, now),
      live,
      ...(live ? { drivenBy: lease.driver } : {}),
      restore: restoreOf(v, live),
      ...(v.reason === 'peer' ? { peer: { since: v.peer.since, initiatedFrom: v.peer.initiatedFrom } } : {}),
      ...(v.reason === 'spawned_child' ? { child: { scope: v.child.scope, state: v.child.state } } : {}),
      children: { count: own.count, live: own.live, stopped: own.count - own.live },
    };
  });
}
