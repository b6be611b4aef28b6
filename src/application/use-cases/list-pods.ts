import { inject, injectable } from 'inversify';
import type { ChildState } from '../../domain/child-ownership.js';
import { briefRefusal, refusalFor } from '../../domain/authority.js';
import { describeDelegationRefusal, lendingChecker } from '../../domain/effective-scope.js';
import type { PodName } from '../../domain/pod-name.js';
import { isLive, statusOf, type Lease, type PodDriver, type PodStatus } from '../../domain/pod-status.js';
import { err, ok, type Result } from '../../domain/result.js';
import { DEFAULT_PROFILE_NAME, type ProfileName } from '../../domain/profile-name.js';
import type { ScopeRule } from '../../domain/scope-rule.js';
import { visibleInOrder, type VisibilityReason, type VisibleAt, type VisiblePod } from '../../domain/visibility.js';
import { podNotFound, type PodNotFound } from '../errors.js';
import { CLOCK, type Clock } from '../ports/clock.js';
import type { Surroundings } from '../ports/listing-reader.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work.js';
import { PROFILE_CATALOG, unconfinedProfiles, type ProfileCatalog } from '../ports/profile-catalog.js';

export type PodListing = {
  readonly name: PodName;
  readonly visibility: VisibilityReason;
  readonly status: PodStatus;
  readonly live: boolean;
  /** Who drives it while live: its host's model, a coding agent its host runs (`acp`), or an external agent over MCP. */
  readonly drivenBy?: PodDriver;
  /** How it runs: `default` (a host's model) or the name of a host profile. */
  readonly profile: ProfileName;
  /** Its profile runs its agent with no OS sandbox (`--sandbox none`) on this host: it can touch whatever its user can. */
  readonly unconfined?: true;
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
    @inject(PROFILE_CATALOG) private readonly profiles: ProfileCatalog,
  ) {}

  async execute(command: { readonly caller: PodName }): Promise<Result<readonly PodListing[], PodNotFound>> {
    const { caller } = command;
    const around = await this.uow.run((repos) => repos.listing.surroundings(caller), { singleRead: true });
    if (!around) return err(podNotFound(caller));
    const listing = listingOf(around, this.clock.now());
    const unconfined = await unconfinedProfiles(this.profiles);
    return ok(unconfined.size === 0 ? listing : listing.map((p) => (unconfined.has(p.profile) ? { ...p, unconfined: true } : p)));
  }
}

function listingOf(around: Surroundings, now: Date): readonly PodListing[] {
  const { self, leases } = around;
  const visible = visibleInOrder(self.name, around.children, around.relations);
  const leaseOf = (v: VisibleAt): Lease | undefined =>
    v.reason === 'self' ? leases.self : v.reason === 'spawned_child' ? leases.children[v.index] : leases.relations[v.index];
  const profileOf = (v: VisibleAt): ProfileName =>
    (v.reason === 'self' ? self.profile : v.reason === 'spawned_child' ? around.profiles.children[v.index] : around.profiles.relations[v.index]) ?? DEFAULT_PROFILE_NAME;
  // The caller's own children are all of `around.children`; its children's and peers' are
  // counted from one index by parent (no bigger than the number of Pods that have children).
  const own = { count: around.children.length, live: leases.children.filter((l) => isLive(l, now)).length };
  const childrenOf = new Map<string, { count: number; live: number }>();
  for (const edge of around.grandchildren) {
    let counted = childrenOf.get(edge.parent);
    if (!counted) childrenOf.set(edge.parent, (counted = { count: 0, live: 0 }));
    counted.count += 1;
    if (isLive(edge.lease, now)) counted.live += 1;
  }
  // Every child in the surroundings is the caller's, so they are the children in its visibility set.
  const mayLend = lendingChecker(self.scope, around.children);

  const restoreOf = (v: VisiblePod, live: boolean): PodListing['restore'] => {
    const refused = refusalFor(self.name, 'restore', v);
    if (refused) return { possible: false, reason: briefRefusal(refused) };
    if (live) return ALREADY_LIVE;
    if (v.reason === 'spawned_child' && v.child.state === 'stopped') {
      const refusal = mayLend(v.child.scope);
      if (refusal) return { possible: false, reason: describeDelegationRefusal(self.name, refusal) };
    }
    return RESTORABLE;
  };

  // One literal per case, no spreads: this runs once per visible Pod, 10,000 times for a large parent.
  return visible.map((v): PodListing => {
    const lease = leaseOf(v);
    const live = isLive(lease, now);
    const counted = v.reason === 'self' ? own : childrenOf.get(v.name);
    const name = v.name;
    const visibility = v.reason;
    const profile = profileOf(v);
    const status = statusOf(lease, now);
    const restore = restoreOf(v, live);
    const children = counted && counted.count > 0 ? { count: counted.count, live: counted.live, stopped: counted.count - counted.live } : NO_CHILDREN;
    switch (v.reason) {
      case 'self':
        return live ? { name, visibility, status, live, drivenBy: lease.driver, profile, restore, children } : { name, visibility, status, live, profile, restore, children };
      case 'peer': {
        const peer = { since: v.peer.since, initiatedFrom: v.peer.initiatedFrom };
        return live ? { name, visibility, status, live, drivenBy: lease.driver, profile, restore, peer, children } : { name, visibility, status, live, profile, restore, peer, children };
      }
      case 'spawned_child': {
        const child = { scope: v.child.scope, state: v.child.state };
        return live ? { name, visibility, status, live, drivenBy: lease.driver, profile, restore, child, children } : { name, visibility, status, live, profile, restore, child, children };
      }
    }
  });
}

// Shared, frozen: every listing of the same answer points at one object.
const ALREADY_LIVE: PodListing['restore'] = Object.freeze({ possible: false, reason: 'already live' });
const RESTORABLE: PodListing['restore'] = Object.freeze({ possible: true });
const NO_CHILDREN: PodListing['children'] = Object.freeze({ count: 0, live: 0, stopped: 0 });
