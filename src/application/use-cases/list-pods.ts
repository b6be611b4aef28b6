import { inject, injectable } from 'inversify';
import type { ChildState } from '../../domain/child-ownership.js';
import { briefRefusal, refusalFor } from '../../domain/authority.js';
import { delegationChecker, describeDelegationRefusal, effectiveScope } from '../../domain/effective-scope.js';
import type { PodName } from '../../domain/pod-name.js';
import { isLive, statusOf, type PodDriver, type PodStatus } from '../../domain/pod-status.js';
import { err, ok, type Result } from '../../domain/result.js';
import { DEFAULT_PROFILE_NAME, type ProfileName } from '../../domain/profile-name.js';
import type { ScopeRule } from '../../domain/scope-rule.js';
import type { VisibleFilter, VisibleTotals } from '../../domain/visible-page.js';
import type { VisibilityReason } from '../../domain/visibility.js';
import { podNotFound, type PodNotFound } from '../errors.js';
import { CLOCK, type Clock } from '../ports/clock.js';
import type { ListedPod, ListingPage } from '../ports/listing-reader.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work.js';
import { PROFILE_CATALOG, unconfinedProfiles, type ProfileCatalog } from '../ports/profile-catalog.js';

export type PodListing = {
  readonly name: PodName;
  readonly visibility: VisibilityReason;
  readonly status: PodStatus;
  readonly live: boolean;
  readonly drivenBy?: PodDriver;
  readonly profile: ProfileName;
  /** Its profile runs its agent with no OS sandbox (`--sandbox none`) on this host: it can touch whatever its user can. */
  readonly unconfined?: true;
  readonly restore: { readonly possible: boolean; readonly reason?: string };
  readonly peer?: { readonly since: Date; readonly initiatedFrom: PodName };
  readonly child?: { readonly scope: readonly ScopeRule[]; readonly state: ChildState };
  /** Counted by the status each child shows: stopped when no host holds it, whoever stopped it. */
  readonly children: { readonly count: number; readonly live: number; readonly stopped: number };
};

/** A page and where the next one starts: SPEC §3's bounded answer. */
export type PodsPage = {
  readonly pods: readonly PodListing[];
  readonly totals: VisibleTotals;
  /** Present when more Pods match: pass it back as `cursor` (with the same filter) for the next page. */
  readonly cursor?: PodName;
};

export type ListPodsCommand = VisibleFilter & {
  readonly caller: PodName;
  readonly limit?: number;
};

export const LIST_PODS_LIMITS = { default: 50, max: 200 } as const;

/** One statement (so no transaction), costing the page and the caller's own relations, never the rest of the store. */
@injectable()
export class ListPods {
  constructor(
    @inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(PROFILE_CATALOG) private readonly profiles: ProfileCatalog,
  ) {}

  async execute(command: ListPodsCommand): Promise<Result<PodsPage, PodNotFound>> {
    const { caller, limit, ...filter } = command;
    const now = this.clock.now();
    const bounded = Math.min(LIST_PODS_LIMITS.max, Math.max(1, Math.floor(limit ?? LIST_PODS_LIMITS.default)));
    const page = await this.uow.run((repos) => repos.listing.page({ ...filter, caller, now, limit: bounded }), { singleRead: true });
    if (!page) return err(podNotFound(caller));
    const unconfined = await unconfinedProfiles(this.profiles);
    const pods = listingOf(page, now).map((p) => (unconfined.has(p.profile) ? { ...p, unconfined: true as const } : p));
    const last = pods.at(-1);
    return ok({ pods, totals: page.totals, ...(page.more && last ? { cursor: last.name } : {}) });
  }
}

function listingOf(page: ListingPage, now: Date): readonly PodListing[] {
  const { self } = page;
  // What the caller has lent is indexed once, on the first stopped child that needs the restore check.
  const mayLend = delegationChecker(effectiveScope(self.scope, page.lent ?? []));

  const restoreOf = (v: ListedPod, live: boolean): PodListing['restore'] => {
    const refused = refusalFor(self.name, 'restore', v);
    if (refused) return { possible: false, reason: briefRefusal(refused) };
    if (live) return ALREADY_LIVE;
    if (v.stoppedBy !== undefined) return { possible: false, reason: `its parent \`${v.stoppedBy}\` stopped it` };
    if (v.reason === 'spawned_child' && v.child.state === 'stopped') {
      const refusal = mayLend(v.child.scope);
      if (refusal) return { possible: false, reason: describeDelegationRefusal(self.name, refusal) };
    }
    return RESTORABLE;
  };

  return page.pods.map((v): PodListing => {
    const { lease } = v;
    const live = isLive(lease, now);
    const common = {
      name: v.name,
      visibility: v.reason,
      status: statusOf(lease, now),
      live,
      ...(live ? { drivenBy: lease.driver } : {}),
      profile: v.profile ?? DEFAULT_PROFILE_NAME,
      restore: restoreOf(v, live),
    };
    const { count, live: liveChildren } = v.children;
    const children = count > 0 ? { count, live: liveChildren, stopped: count - liveChildren } : NO_CHILDREN;
    switch (v.reason) {
      case 'self':
        return { ...common, children };
      case 'peer':
        return { ...common, peer: { since: v.peer.since, initiatedFrom: v.peer.initiatedFrom }, children };
      case 'spawned_child':
        return { ...common, child: { scope: v.child.scope, state: v.child.state }, children };
    }
  });
}

// Shared, frozen: every listing of the same answer points at one object.
const ALREADY_LIVE: PodListing['restore'] = Object.freeze({ possible: false, reason: 'already live' });
const RESTORABLE: PodListing['restore'] = Object.freeze({ possible: true });
const NO_CHILDREN: PodListing['children'] = Object.freeze({ count: 0, live: 0, stopped: 0 });
