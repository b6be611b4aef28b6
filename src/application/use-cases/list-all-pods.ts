import { inject, injectable } from 'inversify';
import type { Pod } from '../../domain/pod.js';
import type { PodName } from '../../domain/pod-name.js';
import { DEFAULT_PROFILE_NAME, type ProfileName } from '../../domain/profile-name.js';
import { statusOf, type PodDriver, type PodStatus } from '../../domain/pod-status.js';
import { CLOCK, type Clock } from '../ports/clock.js';
import type { PodAndLease, StorePageQuery } from '../ports/listing-reader.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work.js';
import { PROFILE_CATALOG, unconfinedProfiles, type ProfileCatalog } from '../ports/profile-catalog.js';

export type StoreListing = Pod & {
  readonly profile: ProfileName;
  readonly status: PodStatus;
  readonly hostId?: string;
  readonly drivenBy?: PodDriver;
  readonly unconfined?: true;
};

export type StoreListingPage = {
  readonly pods: readonly StoreListing[];
  /** Present when more Pods follow: the `after` of the next page. */
  readonly next?: PodName;
};

/** What one read of `pages()` and `execute()` holds: a bounded statement, whatever the store's size. */
export const STORE_PAGE = 500;

/** Operator `pods ls` and the TUI: the Pods of the store, by name, a page at a time. No Pod tool can reach this. */
@injectable()
export class ListAllPods {
  constructor(
    @inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(PROFILE_CATALOG) private readonly profiles: ProfileCatalog,
  ) {}

  async page(query: StorePageQuery): Promise<StoreListingPage> {
    const now = this.clock.now();
    const page = await this.uow.run((repos) => repos.listing.storePage(query), { singleRead: true });
    const unconfined = await unconfinedProfiles(this.profiles);
    const pods = page.pods.map((p) => listingOf(p, now, unconfined));
    const last = pods.at(-1);
    return page.more && last ? { pods, next: last.name } : { pods };
  }

  async *pages(query: Omit<StorePageQuery, 'limit'> = {}): AsyncGenerator<readonly StoreListing[]> {
    let after = query.after;
    for (;;) {
      const page = await this.page({ ...query, ...(after === undefined ? {} : { after }), limit: STORE_PAGE });
      if (page.pods.length > 0) yield page.pods;
      if (page.next === undefined) return;
      after = page.next;
    }
  }

  /** Every Pod in the store, read page by page: its memory grows with the store, so only for views that need all of it at once. */
  async execute(): Promise<readonly StoreListing[]> {
    const all: StoreListing[] = [];
    for await (const pods of this.pages()) all.push(...pods);
    return all;
  }
}

function listingOf({ pod, lease }: PodAndLease, now: Date, unconfined: ReadonlySet<ProfileName>): StoreListing {
  const status = statusOf(lease, now);
  const profile = pod.profile ?? DEFAULT_PROFILE_NAME;
  return {
    ...pod, profile, status, ...(lease && status !== 'stopped' ? { hostId: lease.hostId, drivenBy: lease.driver } : {}),
    ...(unconfined.has(profile) ? { unconfined: true as const } : {}),
  };
}
