import { inject, injectable } from 'inversify';
import type { Pod } from '../../domain/pod.js';
import { DEFAULT_PROFILE_NAME, type ProfileName } from '../../domain/profile-name.js';
import { statusOf, type PodDriver, type PodStatus } from '../../domain/pod-status.js';
import { CLOCK, type Clock } from '../ports/clock.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work.js';
import { PROFILE_CATALOG, unconfinedProfiles, type ProfileCatalog } from '../ports/profile-catalog.js';

/** `hostId` and `drivenBy` while live: which host holds it, and whether its model or an MCP client drives it. */
export type StoreListing = Pod & {
  readonly profile: ProfileName;
  readonly status: PodStatus;
  readonly hostId?: string;
  readonly drivenBy?: PodDriver;
  /** Its profile runs its agent with no OS sandbox on this host (see `PodListing.unconfined`). */
  readonly unconfined?: true;
};

/** Operator `pods ls` and the TUI's `:pods`: every Pod in the store. No Pod tool can reach this. */
@injectable()
export class ListAllPods {
  constructor(
    @inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(PROFILE_CATALOG) private readonly profiles: ProfileCatalog,
  ) {}

  async execute(): Promise<readonly StoreListing[]> {
    const now = this.clock.now();
    // One read (one statement in a SQL store): the Pods and their leases together.
    const pods = await this.uow.run((repos) => repos.listing.everyPod(), { singleRead: true });
    const unconfined = await unconfinedProfiles(this.profiles);
    return pods.map(({ pod, lease }) => {
      const status = statusOf(lease, now);
      const profile = pod.profile ?? DEFAULT_PROFILE_NAME;
      return {
        ...pod, profile, status, ...(lease && status !== 'stopped' ? { hostId: lease.hostId, drivenBy: lease.driver } : {}),
        ...(unconfined.has(profile) ? { unconfined: true as const } : {}),
      };
    });
  }
}
